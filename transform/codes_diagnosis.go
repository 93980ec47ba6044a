package transform

import "fmt"

// diagnosisCodeTable holds, per emr.diagnosis row, the vocabulary its code
// system names (vocabulary_id: the first one tried), its concepts and the
// OMOP table its standard concept's domain sends it to (target_table).
const diagnosisCodeTable = "cdw_diagnosis_code"

// diagnosisLookup is the order in which a diagnosis code is looked up in
// code_map per code system: the first vocabulary that maps it to a
// standard concept wins, else the first that knows the code at all. A code
// system not listed is looked up in the vocabulary its name translates to
// (see vocabularyNames). A missing code_system is 'ICD-10'.
var diagnosisLookup = []struct {
	system     string
	priority   int
	vocabulary string
}{
	{"ICD-10-CN", 1, "ICD10CN"}, {"ICD-10-CN", 2, "ICD10"},
	{"ICD-10", 1, "ICD10"}, {"ICD-10", 2, "ICD10CN"}, {"ICD-10", 3, "DIAG"},
	{"ICD-10-CM", 1, "ICD10CM"},
}

// resolveDiagnosesSQL fills diagnosisCodeTable. The target table is
// CONDITION_OCCURRENCE for a Condition concept or an unmapped code,
// MEASUREMENT, PROCEDURE_OCCURRENCE for those domains, and OBSERVATION for
// any other domain (the CDM's table for facts no other table holds).
var resolveDiagnosesSQL = func() string {
	vals := ""
	for i, l := range diagnosisLookup {
		if i > 0 {
			vals += ", "
		}
		vals += fmt.Sprintf("(%s, %d, %s)", quote(l.system), l.priority, quote(l.vocabulary))
	}
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %[1]s AS
WITH d AS (SELECT diag_id, icd10 AS code, coalesce(code_system, 'ICD-10') AS sys FROM src_diagnosis WHERE icd10 IS NOT NULL AND diag_id IS NOT NULL),
lookup AS (
  SELECT * FROM (%[2]s) l(sys, priority, vocabulary_id)
  UNION ALL
  SELECT DISTINCT d.sys, 1, coalesce(n.vocabulary_id, d.sys) FROM d LEFT JOIN cdw_vocabulary_name n ON n.name = d.sys
  WHERE d.sys NOT IN (SELECT sys FROM (%[2]s) l(sys, priority, vocabulary_id))),
hit AS (
  SELECT d.diag_id, m.source_concept_id, m.concept_id, m.domain_id
  FROM d JOIN lookup l ON l.sys = d.sys JOIN %[3]s m ON m.vocabulary_id = l.vocabulary_id AND m.source_code = d.code
  WHERE m.concept_id <> 0 OR m.source_concept_id <> 0
  QUALIFY row_number() OVER (PARTITION BY d.diag_id ORDER BY m.concept_id = 0, l.priority) = 1)
SELECT d.diag_id, (SELECT l.vocabulary_id FROM lookup l WHERE l.sys = d.sys AND l.priority = 1) AS vocabulary_id, d.code AS source_code,
       coalesce(h.source_concept_id, 0) AS source_concept_id, coalesce(h.concept_id, 0) AS concept_id, h.domain_id,
       CASE WHEN coalesce(h.concept_id, 0) = 0 OR h.domain_id = 'Condition' THEN 'condition_occurrence'
            WHEN h.domain_id = 'Measurement' THEN 'measurement'
            WHEN h.domain_id = 'Procedure' THEN 'procedure_occurrence'
            ELSE 'observation' END AS target_table
FROM d LEFT JOIN hit h USING (diag_id)`, diagnosisCodeTable, "VALUES "+vals, CodeMapTable)
}()

// kindDiagnosis is the id-map kind of the diagnoses routed out of
// CONDITION_OCCURRENCE (source key: the diag_id as text); a diagnosis that
// stays a condition keeps its diag_id as its OMOP id.
const kindDiagnosis = "emr.diagnosis"

// diagnosisID is the OMOP id of a diagnosis routed out of
// CONDITION_OCCURRENCE (its diag_id in column col).
func diagnosisID(col string) string {
	return fmt.Sprintf(`(SELECT m.id FROM %s m WHERE m.kind = %s AND m.source_key = %s::VARCHAR)`, IDMapTable, quote(kindDiagnosis), col)
}

// diagnosisFrom is the FROM clause of the diagnosis mappings: each
// diagnosis with its resolved codes and its visit, for the given target table.
func diagnosisFrom(target string) string {
	return `FROM src_diagnosis d JOIN ` + diagnosisCodeTable + ` c USING (diag_id) JOIN visit_occurrence v ON v.visit_occurrence_id = d.reg_id
WHERE c.target_table = ` + quote(target)
}

// diagnosisStart is a diagnosis's time: its own, else its visit's start.
const diagnosisStart = "coalesce(d.diag_time, v.visit_start_datetime)"

// diagnosisMappings fill CONDITION_OCCURRENCE and, for diagnoses whose
// standard concept lies in another domain, MEASUREMENT, OBSERVATION and
// PROCEDURE_OCCURRENCE; every row keeps the code as written and its source
// concept. 32817 is the type concept "EHR"; 32902/32908 are the primary and
// secondary condition statuses.
var diagnosisMappings = []mapping{
	{table: "condition_occurrence", insert: `
INSERT INTO condition_occurrence
SELECT d.diag_id, v.person_id, c.concept_id, ` + diagnosisStart + `::DATE, ` + diagnosisStart + `,
       NULL, NULL, 32817,
       CASE WHEN d.is_main THEN 32902 ELSE 32908 END, NULL, d.doctor_id, d.reg_id, NULL,
       left(d.icd10, 50), c.source_concept_id, CASE WHEN d.is_main THEN 'main' ELSE 'secondary' END
` + diagnosisFrom("condition_occurrence"),
		quarantine: `SELECT 'emr.diagnosis', d._key, CASE WHEN d.icd10 IS NULL THEN 'no ICD-10 code' ELSE 'registration ' || coalesce(d.reg_id::VARCHAR, 'NULL') || ' is not in VISIT_OCCURRENCE' END
FROM src_diagnosis d LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = d.reg_id
WHERE d.icd10 IS NULL OR v.visit_occurrence_id IS NULL`},
	{table: "measurement", insert: `
INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, measurement_datetime,
       measurement_type_concept_id, provider_id, visit_occurrence_id, measurement_source_value, measurement_source_concept_id)
SELECT ` + diagnosisID("d.diag_id") + `, v.person_id, c.concept_id, ` + diagnosisStart + `::DATE, ` + diagnosisStart + `,
       32817, d.doctor_id, d.reg_id, left(d.icd10, 50), c.source_concept_id
` + diagnosisFrom("measurement")},
	{table: "observation", insert: `
INSERT INTO observation (observation_id, person_id, observation_concept_id, observation_date, observation_datetime,
       observation_type_concept_id, provider_id, visit_occurrence_id, observation_source_value, observation_source_concept_id, qualifier_source_value)
SELECT ` + diagnosisID("d.diag_id") + `, v.person_id, c.concept_id, ` + diagnosisStart + `::DATE, ` + diagnosisStart + `,
       32817, d.doctor_id, d.reg_id, left(d.icd10, 50), c.source_concept_id, CASE WHEN d.is_main THEN 'main' ELSE 'secondary' END
` + diagnosisFrom("observation")},
	{table: "procedure_occurrence", insert: `
INSERT INTO procedure_occurrence (procedure_occurrence_id, person_id, procedure_concept_id, procedure_date, procedure_datetime,
       procedure_type_concept_id, provider_id, visit_occurrence_id, procedure_source_value, procedure_source_concept_id)
SELECT ` + diagnosisID("d.diag_id") + `, v.person_id, c.concept_id, ` + diagnosisStart + `::DATE, ` + diagnosisStart + `,
       32817, d.doctor_id, d.reg_id, left(d.icd10, 50), c.source_concept_id
` + diagnosisFrom("procedure_occurrence")},
}
