package transform

import "fmt"

// hl7Attached fill PERSON and VISIT_OCCURRENCE from HL7 (see hl7.go); each
// runs right after the EMR's and FHIR's mapping of the same table, so that
// the visits are in OBSERVATION_PERIOD too.
var hl7Attached = map[string]mapping{
	"person": {table: "person", insert: fmt.Sprintf(`
INSERT INTO person
SELECT m.id, CASE h.sex WHEN 'M' THEN 8507 WHEN 'F' THEN 8532 ELSE 0 END,
       year(h.birth_date), month(h.birth_date), day(h.birth_date), h.birth_date::TIMESTAMP,
       0, 0, NULL, NULL, NULL, left(h.patient_id, 50), left(h.sex, 50), 0, NULL, 0, NULL, 0
FROM hl7_patient h %s
WHERE h.birth_date IS NOT NULL`, idJoin("m", kindHL7Patient, "h.patient_key")),
		quarantine: `SELECT 'hl7.PID', patient_key, 'no birth date (PID-7)' FROM hl7_patient
WHERE birth_date IS NULL AND patient_key NOT IN (SELECT patient_key FROM hl7_patient_link)`},
	"visit_occurrence": {table: "visit_occurrence", insert: fmt.Sprintf(`
INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_start_datetime,
       visit_end_date, visit_end_datetime, visit_type_concept_id, visit_source_value, visit_source_concept_id,
       admitted_from_concept_id, discharged_to_concept_id)
SELECT m.id, p.person_id, CASE v.class WHEN 'I' THEN 9201 WHEN 'O' THEN 9202 WHEN 'E' THEN 9203 ELSE 0 END,
       v.admit_time::DATE, v.admit_time,
       coalesce(v.discharge_time::DATE, greatest(DATE '%%[1]s', v.admit_time::DATE)), v.discharge_time,
       32817, left(v.visit_number, 50), 0, 0, 0
FROM hl7_visit v %s
JOIN person p ON p.person_id = %s
WHERE v.admit_time IS NOT NULL AND coalesce(v.last_event, '') <> 'A11'`, idJoin("m", kindHL7Visit, "v.visit_key"), hl7PersonOf("v.patient_key")),
		quarantine: `SELECT 'hl7.PV1', v.visit_key, CASE WHEN v.admit_time IS NULL THEN 'no admission time (PV1-44)' ELSE 'patient ' || v.patient_key || ' is not in PERSON' END
FROM hl7_visit v WHERE v.visit_key NOT IN (SELECT visit_key FROM hl7_visit_link) AND coalesce(v.last_event, '') <> 'A11'
AND (v.admit_time IS NULL OR NOT EXISTS (SELECT 1 FROM person p WHERE p.person_id = ` + hl7PersonOf("v.patient_key") + `))`},
}

// hl7Mappings fill MEASUREMENT from ORU results and CONDITION_OCCURRENCE
// from ADT diagnoses; they run after the clinical mappings.
var hl7Mappings = []mapping{
	{table: "measurement", insert: fmt.Sprintf(`
INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, measurement_datetime,
       measurement_type_concept_id, value_as_number, unit_concept_id, range_low, range_high, visit_occurrence_id,
       measurement_source_value, measurement_source_concept_id, unit_source_value, value_source_value)
SELECT m.id, p.person_id, coalesce(c.concept_id, 0), o.observed_at::DATE, o.observed_at,
       32817, CASE WHEN o.value_type IN ('NM', 'SN') OR o.value_type IS NULL THEN TRY_CAST(o.value AS DOUBLE) END,
       coalesce(u.concept_id, 0),
       TRY_CAST(regexp_extract(o.ref_range, '^\s*(-?[0-9.]+)\s*-', 1) AS DOUBLE),
       TRY_CAST(regexp_extract(o.ref_range, '-\s*(-?[0-9.]+)\s*$', 1) AS DOUBLE),
       %[2]s, left(coalesce(CASE WHEN o.code_system <> 'LN' AND o.alt_system = 'LN' THEN o.alt_code END, o.code), 50),
       coalesce(c.source_concept_id, 0), left(o.unit, 50), left(o.value, 50)
FROM hl7_obx o %[1]s
JOIN person p ON p.person_id = %[3]s
LEFT JOIN %[4]s c ON c.vocabulary_id = 'LOINC'
       AND c.source_code = CASE WHEN o.code_system = 'LN' THEN o.code WHEN o.alt_system = 'LN' THEN o.alt_code END
LEFT JOIN %[4]s u ON u.vocabulary_id = 'UCUM' AND u.source_code = o.unit
WHERE o.observed_at IS NOT NULL`, idJoin("m", kindHL7OBX, "o.obx_key"), hl7VisitOf("o.visit_key"), hl7PersonOf("o.patient_key"), CodeMapTable),
		quarantine: fmt.Sprintf(`SELECT 'hl7.OBX', o.obx_key, CASE WHEN o.observed_at IS NULL THEN 'no observation time' ELSE 'patient ' || o.patient_key || ' is not in PERSON' END
FROM hl7_obx o %s WHERE o.observed_at IS NULL OR NOT EXISTS (SELECT 1 FROM person p WHERE p.person_id = %s)`,
			idJoin("m", kindHL7OBX, "o.obx_key"), hl7PersonOf("o.patient_key"))},
	{table: "condition_occurrence", insert: fmt.Sprintf(`
INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id, condition_start_date,
       condition_start_datetime, condition_type_concept_id, condition_status_concept_id, visit_occurrence_id,
       condition_source_value, condition_source_concept_id, condition_status_source_value)
SELECT m.id, p.person_id, coalesce(c.concept_id, c2.concept_id, 0), d.diagnosed_at::DATE, d.diagnosed_at, 32817,
       CASE WHEN d.principal THEN 32902 ELSE 32908 END, %[2]s, left(d.code, 50), coalesce(c.source_concept_id, c2.source_concept_id, 0),
       CASE WHEN d.principal THEN 'principal' ELSE left(d.dg_type, 50) END
FROM hl7_dg1 d %[1]s
JOIN person p ON p.person_id = %[3]s
LEFT JOIN %[4]s c ON c.source_code = d.code AND c.vocabulary_id = CASE d.code_system
       WHEN 'I10C' THEN 'ICD10CM' WHEN 'I10' THEN 'ICD10' WHEN '99ICD10CN' THEN 'ICD10CN' ELSE d.code_system END
LEFT JOIN %[4]s c2 ON c2.source_code = d.code AND c2.vocabulary_id = 'ICD10CN' AND d.code_system = 'I10' AND c.source_code IS NULL
WHERE d.diagnosed_at IS NOT NULL`, idJoin("m", kindHL7DG1, "d.dg1_key"), hl7VisitOf("d.visit_key"), hl7PersonOf("d.patient_key"), CodeMapTable)},
}
