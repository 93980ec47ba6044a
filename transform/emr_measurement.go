package transform

import (
	"fmt"
	"strings"
)

// Measurement value concepts of a lab result's abnormal flag.
const (
	conceptHigh   = 4328749
	conceptLow    = 4267416
	conceptNormal = 4069590
)

// labResults are the laboratory's results, each of one order.
var labResults = emrSource{
	table: "emr.lab_result",
	from: `src_lab_result s LEFT JOIN src_lab_order o ON o.order_id = s.order_id
LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = o.reg_id`,
	checks: []check{
		rawIDCheck("s.result_id"),
		parentCheck("o", "order_id", "s.order_id", "emr.lab_order"),
		visitCheck("o.reg_id"),
		nullCheck(labResultTime, "no result or collection time"),
	},
}

// labResultTime is when a result was measured: when it was resulted, else
// when its sample was collected.
const labResultTime = "coalesce(s.resulted_at, o.collected_at)"

// vitalSigns are the flowsheet's columns (emr.vital_sign) with the LOINC
// code and UCUM unit of each (the Glasgow coma score's is the annotation
// {score}).
var vitalSigns = []struct{ col, loinc, unit string }{
	{"heart_rate", "8867-4", "/min"},
	{"resp_rate", "9279-1", "/min"},
	{"sbp", "8480-6", "mm[Hg]"},
	{"dbp", "8462-4", "mm[Hg]"},
	{"temperature_c", "8310-5", "Cel"},
	{"spo2", "59408-5", "%"},
	{"gcs", "9269-2", "{score}"},
	{"height_cm", "8302-2", "cm"},
	{"weight_kg", "29463-7", "kg"},
}

// vitalValuesSQL flattens each flowsheet row into one row per recorded
// value (emr_vital_value), keyed "<vital_id>:<column>" in the id map.
func vitalValuesSQL() string {
	var kinds, values []string
	for _, v := range vitalSigns {
		kinds = append(kinds, fmt.Sprintf("(%s, %s, %s)", quote(v.col), quote(v.loinc), quote(v.unit)))
		values = append(values, fmt.Sprintf("WHEN %s THEN s.%s::VARCHAR", quote(v.col), ident(v.col)))
	}
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE emr_vital_value AS
SELECT * FROM (
  SELECT s.vital_id, s.reg_id, s.taken_at, s.recorded_by, k.col, k.loinc, k.unit,
         CASE k.col %s END AS value, s.vital_id::VARCHAR || ':' || k.col AS source_key
  FROM src_vital_sign s CROSS JOIN (VALUES %s) k(col, loinc, unit)
) WHERE value IS NOT NULL`, strings.Join(values, " "), strings.Join(kinds, ", "))
}

// vitalSets are the flowsheet rows (quarantined as a whole), vitalValues
// their values; both are left out for the same reasons.
var (
	vitalSets = emrSource{
		table:  "emr.vital_sign",
		from:   "src_vital_sign s LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = s.reg_id",
		checks: vitalChecks,
	}
	vitalValues = emrSource{
		table:  "emr.vital_sign",
		from:   "emr_vital_value s LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = s.reg_id",
		checks: vitalChecks,
	}
	vitalChecks = []check{nullCheck("s.vital_id", "no id"), visitCheck("s.reg_id"), nullCheck("s.taken_at", "no time taken")}
)

// measurementMappings fill MEASUREMENT from lab results (the result's id,
// the lab's local code looked up in the code map's LAB vocabulary, the
// item's reference range, the abnormal flag as the value concept High, Low
// or Normal, the ordering doctor as provider) and from the nursing
// flowsheet, one row per recorded vital sign (ids from the id map, LOINC
// codes, UCUM units, the recording nurse as provider). Units are looked up
// as written in the code map's UCUM vocabulary; each row points at the
// ward stay it was measured in. A number too large for the CDM's NUMERIC
// is left out of value_as_number and kept in value_source_value.
var measurementMappings = []mapping{
	{table: "measurement", insert: `
INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, measurement_datetime,
       measurement_type_concept_id, value_as_number, value_as_concept_id, unit_concept_id, range_low, range_high,
       provider_id, visit_occurrence_id, visit_detail_id, measurement_source_value, measurement_source_concept_id,
       unit_source_value, unit_source_concept_id, value_source_value)
SELECT s.result_id, v.person_id, coalesce(c.concept_id, 0), ` + labResultTime + `::DATE, ` + labResultTime + `,
       32817, TRY_CAST(s.value AS DECIMAL(18,3)), CASE s.abnormal_flag WHEN 'H' THEN ` + fmt.Sprint(conceptHigh) + ` WHEN 'L' THEN ` + fmt.Sprint(conceptLow) + ` WHEN 'N' THEN ` + fmt.Sprint(conceptNormal) + ` END,
       coalesce(u.concept_id, 0), TRY_CAST(i.ref_low AS DECIMAL(18,3)), TRY_CAST(i.ref_high AS DECIMAL(18,3)),
       o.doctor_id, v.visit_occurrence_id, ws.visit_detail_id,
       left(i.local_code, 50), coalesce(c.source_concept_id, 0),
       left(nullif(coalesce(s.unit, i.unit), ''), 50), coalesce(u.source_concept_id, 0), left(coalesce(s.value_text, s.value::VARCHAR), 50)
FROM ` + labResults.from + `
LEFT JOIN src_lab_item i ON i.item_id = s.item_id
` + lookup("c", "LAB", "i.local_code") + `
` + lookup("u", "UCUM", "nullif(coalesce(s.unit, i.unit), '')") + `
` + wardStayJoin("ws", "v.visit_occurrence_id", labResultTime) + `
WHERE ` + labResults.where(),
		quarantine: labResults.quarantine()},
	{table: "measurement", insert: vitalValuesSQL() + `;
` + allocateIDs(kindVitalValue, "SELECT source_key FROM emr_vital_value") + `;
INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, measurement_datetime,
       measurement_type_concept_id, value_as_number, unit_concept_id, provider_id, visit_occurrence_id, visit_detail_id,
       measurement_source_value, measurement_source_concept_id, unit_source_value, unit_source_concept_id, value_source_value)
SELECT m.id, v.person_id, coalesce(c.concept_id, 0), s.taken_at::DATE, s.taken_at, 32817, TRY_CAST(TRY_CAST(s.value AS DOUBLE) AS DECIMAL(18,3)),
       coalesce(u.concept_id, 0), s.recorded_by, v.visit_occurrence_id, ws.visit_detail_id,
       s.loinc, coalesce(c.source_concept_id, 0), s.unit, coalesce(u.source_concept_id, 0), left(s.value, 50)
FROM ` + vitalValues.from + `
` + idJoin("m", kindVitalValue, "s.source_key") + `
` + lookup("c", "LOINC", "s.loinc") + `
` + lookup("u", "UCUM", "s.unit") + `
` + wardStayJoin("ws", "v.visit_occurrence_id", "s.taken_at") + `
WHERE ` + vitalValues.where(),
		quarantine: vitalSets.quarantine()},
}
