package transform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

// IDMapTable keeps, across builds, the OMOP id given to each source record
// that has no integer id of its own (FHIR resources): the same resource
// always gets the same id. It is published with every snapshot.
const IDMapTable = "cdw_id_map"

// fhirIDBase is where ids for FHIR-sourced rows start, above any id the EMR
// door's integer keys take, so that both sources can feed one CDM.
const fhirIDBase = 1_000_000_000

// fhirTypes are the FHIR resource types the CDM is filled from, in
// dependency order (a Condition needs its Patient and Encounter).
var fhirTypes = []string{"Patient", "Encounter", "Condition", "DocumentReference",
	"Observation", "MedicationRequest", "Procedure", "AllergyIntolerance", "Immunization"}

// fhirObservationValues flattens Observations into one row per value: the
// valueQuantity (or valueString) of the Observation itself, keyed by its id,
// or each component's (blood pressure's systolic and diastolic), keyed
// id#index. Each becomes one MEASUREMENT row.
const fhirObservationValues = `CREATE OR REPLACE TEMP TABLE fhir_obs_value AS
SELECT f.id AS source_key, f.id, f.res, f.res -> '$.code' AS code, f.res -> '$.valueQuantity' AS q,
       f.res ->> '$.valueString' AS vs, f.res -> '$.referenceRange[0]' AS rr
FROM fhir_observation f WHERE coalesce(json_array_length(f.res -> '$.component'), 0) = 0
UNION ALL
SELECT f.id || '#' || c.i, f.id, f.res, c.comp -> '$.code', c.comp -> '$.valueQuantity',
       c.comp ->> '$.valueString', c.comp -> '$.referenceRange[0]'
FROM fhir_observation f,
     LATERAL (SELECT t.i, f.res -> ('$.component[' || t.i || ']') AS comp
              FROM range(coalesce(json_array_length(f.res -> '$.component'), 0)::BIGINT) t(i)) c`

// fhirView is the temporary table holding a resource type's current state.
func fhirView(typ string) string { return "fhir_" + strings.ToLower(typ) }

// fhirStateSQL builds the statement that replays a FHIR resource type's
// bronze files (see liveChanges) into its current resources: the latest
// version per id, unless the latest change deleted it. A resource is replaced whole, never merged.
func fhirStateSQL(typ string, files []string) string {
	if len(files) == 0 {
		return fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s (_key VARCHAR, id VARCHAR, res JSON)", fhirView(typ))
	}
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
%s,
latest AS (SELECT key, arg_max(op, ord) AS last_op, arg_max(data, ord) AS data FROM live GROUP BY key)
SELECT key AS _key, data ->> '$.id' AS id, data::JSON AS res FROM latest WHERE last_op <> 'd' AND data IS NOT NULL`, fhirView(typ), liveChanges(files))
}

// loadFHIR replays the FHIR resources and gives every resource an OMOP id:
// the one it had in the previous snapshot's id map, or a new one after the
// largest given so far.
func loadFHIR(ctx context.Context, conn *sql.Conn, set bronze.Set, store *cdm.Store) error {
	for _, typ := range fhirTypes {
		if _, err := conn.ExecContext(ctx, fhirStateSQL(typ, set.Paths("fhir."+typ))); err != nil {
			return fmt.Errorf("transform: replay bronze table fhir.%s: %w", typ, err)
		}
	}
	prev := "SELECT * FROM (VALUES ('', '', 0::BIGINT)) v(kind, source_key, id) WHERE false"
	cur, err := store.Current()
	switch {
	case err == nil:
		if p, ok := cur.Path(IDMapTable); ok {
			prev = "SELECT kind, source_key, id FROM read_parquet(" + quote(p) + ")"
		}
	case !errors.Is(err, cdm.ErrNoSnapshot):
		return err
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+IDMapTable+" AS "+prev); err != nil {
		return fmt.Errorf("transform: load the id map: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fhirObservationValues); err != nil {
		return fmt.Errorf("transform: flatten FHIR observations: %w", err)
	}
	for _, typ := range fhirTypes {
		keys := fmt.Sprintf("SELECT id AS source_key FROM %s", fhirView(typ))
		if typ == "Observation" {
			keys = "SELECT source_key FROM fhir_obs_value"
		}
		kind := quote("fhir." + typ)
		q := fmt.Sprintf(`INSERT INTO %[1]s
SELECT %[2]s, k.source_key, (SELECT coalesce(max(id), %[4]d) FROM %[1]s) + row_number() OVER (ORDER BY k.source_key)
FROM (%[3]s) k WHERE k.source_key IS NOT NULL AND k.source_key NOT IN (SELECT source_key FROM %[1]s WHERE kind = %[2]s)`, IDMapTable, kind, keys, fhirIDBase)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("transform: give ids to fhir.%s: %w", typ, err)
		}
	}
	return nil
}

// fhirRef resolves a FHIR reference element (e.g. $.subject) of the resource
// column res to the OMOP id of the resource of type typ it points to.
func fhirRef(res, path, typ string) string {
	return fmt.Sprintf(`(SELECT m.id FROM %s m WHERE m.kind = 'fhir.%s' AND m.source_key = regexp_extract(%s ->> '%s', '(?:^|/)%s/([^/]+)$', 1))`,
		IDMapTable, typ, res, path, typ)
}

// fhirID is the OMOP id of the resource in column f.id of type typ.
func fhirID(typ string) string { return fhirKeyID(typ, "f.id") }

// fhirKeyID is the OMOP id the id map gives the source key in column col.
func fhirKeyID(typ, col string) string {
	return fmt.Sprintf(`(SELECT m.id FROM %s m WHERE m.kind = 'fhir.%s' AND m.source_key = %s)`, IDMapTable, typ, col)
}

// fhirVisitOf is the VISIT_OCCURRENCE id of the encounter the reference at
// path names, when that visit is in VISIT_OCCURRENCE.
func fhirVisitOf(path string) string {
	return `(SELECT v.visit_occurrence_id FROM visit_occurrence v WHERE v.visit_occurrence_id = ` + fhirRef("f.res", path, "Encounter") + `)`
}

// fhirCode is the first coding's code of the CodeableConcept at path, or its text.
func fhirCode(res, path string) string {
	return fmt.Sprintf(`left(coalesce(%[1]s ->> '%[2]s.coding[0].code', %[1]s ->> '%[2]s.text'), 50)`, res, path)
}

// fhirMappings fill the OMOP tables from FHIR resources; each runs after the
// EMR mapping of the same table (see mappings).
var fhirMappings = map[string]mapping{
	"person": {table: "person", insert: `
INSERT INTO person
SELECT ` + fhirID("Patient") + `,
       CASE f.res ->> '$.gender' WHEN 'male' THEN 8507 WHEN 'female' THEN 8532 ELSE 0 END,
       year(b), month(b), day(b), b::TIMESTAMP, 0, 0, NULL, NULL, NULL,
       left(coalesce(f.res ->> '$.identifier[0].value', 'Patient/' || f.id), 50), left(f.res ->> '$.gender', 50), 0, NULL, 0, NULL, 0
FROM (SELECT *, TRY_CAST(res ->> '$.birthDate' AS DATE) AS b FROM fhir_patient) f WHERE b IS NOT NULL`,
		quarantine: `SELECT 'fhir.Patient', _key, 'Patient/' || coalesce(id, '?') || ': no valid birthDate' FROM fhir_patient WHERE TRY_CAST(res ->> '$.birthDate' AS DATE) IS NULL`},
	"visit_occurrence": {table: "visit_occurrence", insert: `
INSERT INTO visit_occurrence
SELECT ` + fhirID("Encounter") + `, p.person_id,
       CASE f.res ->> '$.class.code' WHEN 'IMP' THEN 9201 WHEN 'ACUTE' THEN 9201 WHEN 'AMB' THEN 9202 WHEN 'EMER' THEN 9203 ELSE 0 END,
       s::DATE, s, coalesce(e::DATE, greatest(DATE '%[1]s', s::DATE)), e,
       32817, NULL, NULL, left('Encounter/' || f.id, 50), 0, 0, NULL, 0, NULL, NULL
FROM (SELECT *, TRY_CAST(res ->> '$.period.start' AS TIMESTAMPTZ)::TIMESTAMP AS s, TRY_CAST(res ->> '$.period.end' AS TIMESTAMPTZ)::TIMESTAMP AS e,
             ` + fhirRef("res", "$.subject.reference", "Patient") + ` AS pid FROM fhir_encounter) f
JOIN person p ON p.person_id = f.pid WHERE f.s IS NOT NULL`,
		quarantine: `SELECT 'fhir.Encounter', _key, 'Encounter/' || coalesce(id, '?') || CASE WHEN TRY_CAST(res ->> '$.period.start' AS TIMESTAMPTZ) IS NULL THEN ': no valid period.start' ELSE ': subject ' || coalesce(res ->> '$.subject.reference', 'missing') || ' is not in PERSON' END
FROM fhir_encounter f WHERE TRY_CAST(res ->> '$.period.start' AS TIMESTAMPTZ) IS NULL
   OR NOT EXISTS (SELECT 1 FROM person p WHERE p.person_id = ` + fhirRef("f.res", "$.subject.reference", "Patient") + `)`},
	"condition_occurrence": {table: "condition_occurrence", insert: `
INSERT INTO condition_occurrence
SELECT ` + fhirID("Condition") + `, v.person_id, 0, coalesce(t, v.visit_start_datetime)::DATE, coalesce(t, v.visit_start_datetime),
       NULL, NULL, 32817, 0, NULL, NULL, v.visit_occurrence_id, NULL,
       left(f.res ->> '$.code.coding[0].code', 50), 0, left(f.res ->> '$.verificationStatus.coding[0].code', 50)
FROM (SELECT *, TRY_CAST(coalesce(res ->> '$.onsetDateTime', res ->> '$.recordedDate') AS TIMESTAMPTZ)::TIMESTAMP AS t,
             ` + fhirRef("res", "$.encounter.reference", "Encounter") + ` AS vid FROM fhir_condition) f
JOIN visit_occurrence v ON v.visit_occurrence_id = f.vid
WHERE f.res ->> '$.code.coding[0].code' IS NOT NULL`,
		quarantine: `SELECT 'fhir.Condition', _key, 'Condition/' || coalesce(id, '?') || CASE WHEN res ->> '$.code.coding[0].code' IS NULL THEN ': no code' ELSE ': encounter ' || coalesce(res ->> '$.encounter.reference', 'missing') || ' is not in VISIT_OCCURRENCE' END
FROM fhir_condition f WHERE res ->> '$.code.coding[0].code' IS NULL
   OR NOT EXISTS (SELECT 1 FROM visit_occurrence v WHERE v.visit_occurrence_id = ` + fhirRef("f.res", "$.encounter.reference", "Encounter") + `)`},
	"note": {table: "note", insert: `
INSERT INTO note
SELECT ` + fhirID("DocumentReference") + `, v.person_id, t::DATE, t, 32817, 0,
       left(coalesce(f.res ->> '$.content[0].attachment.title', f.res ->> '$.description', f.res ->> '$.type.text', f.res ->> '$.type.coding[0].display'), 250),
       f.body, 32678, CASE WHEN f.res ->> '$.content[0].attachment.language' LIKE 'en%%' THEN 4180186 ELSE 0 END,
       NULL, v.visit_occurrence_id, NULL, left(f.res ->> '$.type.coding[0].code', 50), NULL, NULL
FROM (SELECT *, TRY_CAST(res ->> '$.date' AS TIMESTAMPTZ)::TIMESTAMP AS t,
             TRY(decode(from_base64(res ->> '$.content[0].attachment.data'))) AS body,
             ` + fhirRef("res", "$.context.encounter[0].reference", "Encounter") + ` AS vid FROM fhir_documentreference) f
JOIN visit_occurrence v ON v.visit_occurrence_id = f.vid
WHERE f.t IS NOT NULL AND f.body IS NOT NULL`,
		quarantine: `SELECT 'fhir.DocumentReference', _key, 'DocumentReference/' || coalesce(id, '?') || CASE
       WHEN TRY_CAST(res ->> '$.date' AS TIMESTAMPTZ) IS NULL THEN ': no valid date'
       WHEN TRY(decode(from_base64(res ->> '$.content[0].attachment.data'))) IS NULL THEN ': no UTF-8 text in content[0].attachment.data'
       ELSE ': encounter ' || coalesce(res ->> '$.context.encounter[0].reference', 'missing') || ' is not in VISIT_OCCURRENCE' END
FROM fhir_documentreference f WHERE TRY_CAST(res ->> '$.date' AS TIMESTAMPTZ) IS NULL
   OR TRY(decode(from_base64(res ->> '$.content[0].attachment.data'))) IS NULL
   OR NOT EXISTS (SELECT 1 FROM visit_occurrence v WHERE v.visit_occurrence_id = ` + fhirRef("f.res", "$.context.encounter[0].reference", "Encounter") + `)`},
}

// fhirOnlyMappings fill OMOP tables that only FHIR feeds so far (the EMR's
// labs, vitals, drugs and procedures reach them with the full CDM). They run
// after every other mapping, so PERSON and VISIT_OCCURRENCE are complete.
// 32817 is the type concept "EHR"; concept ids stay 0 until the
// vocabularies map the source codes kept in *_source_value.
var fhirOnlyMappings = []mapping{
	{table: "measurement", insert: `
INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, measurement_datetime,
       measurement_type_concept_id, value_as_number, range_low, range_high, visit_occurrence_id,
       measurement_source_value, measurement_source_concept_id, unit_source_value, value_source_value)
SELECT ` + fhirKeyID("Observation", "f.source_key") + `, p, 0, t::DATE, t, 32817,
       TRY_CAST(f.q ->> '$.value' AS DOUBLE), TRY_CAST(f.rr ->> '$.low.value' AS DOUBLE), TRY_CAST(f.rr ->> '$.high.value' AS DOUBLE), ` + fhirVisitOf("$.encounter.reference") + `,
       ` + fhirCode("f", "$.code") + `, 0, left(coalesce(f.q ->> '$.code', f.q ->> '$.unit'), 50),
       left(coalesce(f.q ->> '$.value', f.vs), 50)
FROM (SELECT o.*, o.code AS c, TRY_CAST(coalesce(o.res ->> '$.effectiveDateTime', o.res ->> '$.effectivePeriod.start', o.res ->> '$.issued') AS TIMESTAMPTZ)::TIMESTAMP AS t,
             ` + fhirRef("o.res", "$.subject.reference", "Patient") + ` AS p FROM fhir_obs_value o) f
WHERE f.t IS NOT NULL AND f.p IN (SELECT person_id FROM person)`,
		quarantine: fhirOrphans("Observation", "fhir_observation", "$.subject.reference", "coalesce(res ->> '$.effectiveDateTime', res ->> '$.effectivePeriod.start', res ->> '$.issued')", "effective[x]")},
	{table: "drug_exposure", insert: `
INSERT INTO drug_exposure (drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date, drug_exposure_start_datetime,
       drug_exposure_end_date, drug_type_concept_id, sig, visit_occurrence_id, drug_source_value, drug_source_concept_id, route_source_value)
SELECT ` + fhirID("MedicationRequest") + `, p, 0, t::DATE, t, t::DATE, 32817, left(f.res ->> '$.dosageInstruction[0].text', 1000),
       ` + fhirVisitOf("$.encounter.reference") + `, ` + fhirCode("f.res", "$.medicationCodeableConcept") + `, 0,
       left(f.res ->> '$.dosageInstruction[0].route.coding[0].code', 50)
FROM (SELECT *, TRY_CAST(res ->> '$.authoredOn' AS TIMESTAMPTZ)::TIMESTAMP AS t, ` + fhirRef("res", "$.subject.reference", "Patient") + ` AS p
      FROM fhir_medicationrequest) f
WHERE f.t IS NOT NULL AND f.p IN (SELECT person_id FROM person)`,
		quarantine: fhirOrphans("MedicationRequest", "fhir_medicationrequest", "$.subject.reference", "res ->> '$.authoredOn'", "authoredOn")},
	{table: "drug_exposure", insert: `
INSERT INTO drug_exposure (drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date, drug_exposure_start_datetime,
       drug_exposure_end_date, drug_type_concept_id, lot_number, visit_occurrence_id, drug_source_value, drug_source_concept_id)
SELECT ` + fhirID("Immunization") + `, p, 0, t::DATE, t, t::DATE, 32817, left(f.res ->> '$.lotNumber', 50),
       ` + fhirVisitOf("$.encounter.reference") + `, ` + fhirCode("f.res", "$.vaccineCode") + `, 0
FROM (SELECT *, TRY_CAST(res ->> '$.occurrenceDateTime' AS TIMESTAMPTZ)::TIMESTAMP AS t, ` + fhirRef("res", "$.patient.reference", "Patient") + ` AS p
      FROM fhir_immunization) f
WHERE f.t IS NOT NULL AND f.p IN (SELECT person_id FROM person)`,
		quarantine: fhirOrphans("Immunization", "fhir_immunization", "$.patient.reference", "res ->> '$.occurrenceDateTime'", "occurrenceDateTime")},
	{table: "procedure_occurrence", insert: `
INSERT INTO procedure_occurrence (procedure_occurrence_id, person_id, procedure_concept_id, procedure_date, procedure_datetime,
       procedure_end_date, procedure_end_datetime, procedure_type_concept_id, visit_occurrence_id, procedure_source_value, procedure_source_concept_id)
SELECT ` + fhirID("Procedure") + `, p, 0, t::DATE, t, e::DATE, e, 32817, ` + fhirVisitOf("$.encounter.reference") + `,
       ` + fhirCode("f.res", "$.code") + `, 0
FROM (SELECT *, TRY_CAST(coalesce(res ->> '$.performedDateTime', res ->> '$.performedPeriod.start') AS TIMESTAMPTZ)::TIMESTAMP AS t,
             TRY_CAST(res ->> '$.performedPeriod.end' AS TIMESTAMPTZ)::TIMESTAMP AS e,
             ` + fhirRef("res", "$.subject.reference", "Patient") + ` AS p FROM fhir_procedure) f
WHERE f.t IS NOT NULL AND f.p IN (SELECT person_id FROM person)`,
		quarantine: fhirOrphans("Procedure", "fhir_procedure", "$.subject.reference", "coalesce(res ->> '$.performedDateTime', res ->> '$.performedPeriod.start')", "performed[x]")},
	{table: "observation", insert: `
INSERT INTO observation (observation_id, person_id, observation_concept_id, observation_date, observation_datetime,
       observation_type_concept_id, value_as_string, qualifier_source_value, observation_source_value, observation_source_concept_id, value_source_value)
SELECT ` + fhirID("AllergyIntolerance") + `, p, 0, t::DATE, t, 32817, left(f.res ->> '$.reaction[0].manifestation[0].text', 60),
       left(f.res ->> '$.reaction[0].severity', 50), left('allergy: ' || coalesce(f.res ->> '$.code.coding[0].code', f.res ->> '$.code.text'), 50), 0,
       left(f.res ->> '$.code.text', 50)
FROM (SELECT *, TRY_CAST(coalesce(res ->> '$.recordedDate', res ->> '$.onsetDateTime') AS TIMESTAMPTZ)::TIMESTAMP AS t,
             ` + fhirRef("res", "$.patient.reference", "Patient") + ` AS p FROM fhir_allergyintolerance) f
WHERE f.t IS NOT NULL AND f.p IN (SELECT person_id FROM person)`,
		quarantine: fhirOrphans("AllergyIntolerance", "fhir_allergyintolerance", "$.patient.reference", "coalesce(res ->> '$.recordedDate', res ->> '$.onsetDateTime')", "recordedDate")},
}

// fhirOrphans selects the resources of view whose time (the expression ts)
// is missing or whose patient (the reference at path) is not in PERSON.
func fhirOrphans(typ, view, path, ts, element string) string {
	return fmt.Sprintf(`SELECT 'fhir.%[1]s', _key, '%[1]s/' || coalesce(id, '?') || CASE WHEN TRY_CAST(%[4]s AS TIMESTAMPTZ) IS NULL
       THEN ': no valid %[5]s' ELSE ': patient ' || coalesce(res ->> '%[3]s', 'missing') || ' is not in PERSON' END
FROM %[2]s f WHERE TRY_CAST(%[4]s AS TIMESTAMPTZ) IS NULL
   OR NOT EXISTS (SELECT 1 FROM person p WHERE p.person_id = %[6]s)`, typ, view, path, ts, element, fhirRef("f.res", path, "Patient"))
}
