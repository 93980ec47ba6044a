package transform

import (
	"fmt"
	"strings"
)

// Vocabulary contract. The mappings look a source code up in CodeMapTable
// under these vocabulary_id values (OHDSI's ids where one exists):
//
//	hospital code system              vocabulary_id in code_map
//	emr.diagnosis 'ICD-10-CN'         ICD10CN (code as written, e.g. K22.301; see below)
//	emr.diagnosis 'ICD-10' (default)  ICD10, then ICD10CN, then DIAG
//	emr.diagnosis 'ICD-10-CM'         ICD10CM
//	emr.procedure 'ICD-9-CM-3'        ICD9Proc
//	emr.procedure 'ICD-10-PCS'        ICD10PCS
//	LOINC / RxNorm / CVX codes        LOINC / RxNorm / CVX
//	units as the hospital writes them UCUM (e.g. mmol/L, mmHg, ℃, 10^9/L)
//	emr.lab_item.local_code           LAB  (from SOURCE_TO_CONCEPT_MAP)
//	emr.drug.local_code               DRUG (from SOURCE_TO_CONCEPT_MAP)
//	emr.local_code_map DIAG codes     DIAG (from SOURCE_TO_CONCEPT_MAP)
//
// ICD10CN parent fallback: a Chinese clinical-edition code that the
// vocabulary does not map as written (K22.301, K40.900x002) gets a code_map
// row of its own, built for every diagnosis code the sources hold, carrying
// the standard concept of its nearest mapped parent, tried in this order:
// the code without its x-extension (K40.900), its four-character
// subcategory (K22.3, K40.9) and its three-character category (K22) in
// ICD10CN, then the subcategory and category in WHO ICD10. Its
// source_concept_id stays the code's own concept (0 when the vocabulary
// lacks it), so the record still says which code was written. A mapping
// therefore only ever joins code_map on ('ICD10CN', code as written).

// vocabularyNames translates the code-system names sources use into OHDSI
// vocabulary ids (the local_code_map's target_vocabulary, the EMR's
// code_system values). A name not listed is taken to be an OHDSI id already.
var vocabularyNames = [][2]string{
	{"ICD-10", "ICD10"}, {"ICD10", "ICD10"}, {"ICD-10-CN", "ICD10CN"}, {"ICD10CN", "ICD10CN"},
	{"ICD-10-CM", "ICD10CM"}, {"ICD10CM", "ICD10CM"}, {"ICD-9-CM-3", "ICD9Proc"}, {"ICD9Proc", "ICD9Proc"},
	{"ICD-10-PCS", "ICD10PCS"}, {"ICD10PCS", "ICD10PCS"}, {"LOINC", "LOINC"}, {"RxNorm", "RxNorm"},
	{"ATC", "ATC"}, {"SNOMED", "SNOMED"}, {"SNOMED CT", "SNOMED"}, {"CVX", "CVX"}, {"UCUM", "UCUM"},
}

// codeMapVocabularies are the vocabularies whose every concept gets a
// code_map row (code → itself and its standard target); LAB, DRUG and DIAG
// are the hospital's local systems, which a vocabulary may carry as concepts
// of its own (cdw's starter vocabulary does). Others (NDC, RxNorm
// Extension, ...) are reachable through SOURCE_TO_CONCEPT_MAP targets but
// not copied into code_map, which a full Athena download would make large.
var codeMapVocabularies = []string{"ICD10", "ICD10CN", "ICD10CM", "ICD9CM", "ICD9Proc", "ICD10PCS",
	"LOINC", "RxNorm", "CVX", "UCUM", "SNOMED", "ATC", "Gender", "Race", "Ethnicity", "Visit", "LAB", "DRUG", "DIAG"}

// unitSpellings maps unit spellings hospitals write to their UCUM code; a
// spelling that is a UCUM code already (mmol/L, mg/dL, %, /min) needs no
// entry: every UCUM concept is in code_map under its own code.
var unitSpellings = [][2]string{
	{"mmHg", "mm[Hg]"}, {"mm Hg", "mm[Hg]"}, {"℃", "Cel"}, {"°C", "Cel"}, {"C", "Cel"}, {"degC", "Cel"},
	{"℉", "[degF]"}, {"°F", "[degF]"}, {"bpm", "/min"}, {"beats/min", "/min"}, {"breaths/min", "/min"}, {"次/分", "/min"},
	{"10^9/L", "10*9/L"}, {"x10^9/L", "10*9/L"}, {"×10^9/L", "10*9/L"}, {"10^12/L", "10*12/L"}, {"x10^12/L", "10*12/L"},
	{"×10^12/L", "10*12/L"}, {"μmol/L", "umol/L"}, {"µmol/L", "umol/L"}, {"IU/L", "[IU]/L"}, {"mIU/L", "m[IU]/L"},
	{"IU/mL", "[IU]/mL"}, {"mL/min/1.73m2", "mL/min/{1.73_m2}"}, {"mL/min/1.73m²", "mL/min/{1.73_m2}"},
	{"mg/L FEU", "mg{FEU}/L"}, {"U/L", "[U]/L"}, {"U", "[U]"}, {"sec", "s"}, {"secs", "s"}, {"kg/m²", "kg/m2"}, {"mEq/L", "meq/L"}, {"pct", "%"},
}

// pairs renders [][2]string as a SQL VALUES list.
func pairs(rows [][2]string) string {
	vals := make([]string, len(rows))
	for i, r := range rows {
		vals[i] = "(" + quote(r[0]) + ", " + quote(r[1]) + ")"
	}
	return "VALUES " + strings.Join(vals, ", ")
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = quote(s)
	}
	return strings.Join(q, ", ")
}

// conceptTargetSQL fills cdw_concept_target: for each concept of the
// vocabularies code_map covers, and each concept a local-map row names, its
// standard target: itself when it is standard, else the standard, valid
// target of its valid 'Maps to' relationships (one in the concept's own
// domain first, then the lowest concept_id), else 0. When a vocabulary
// reuses a code, the valid concept (then the lowest id) wins.
func conceptTargetSQL() string {
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE cdw_vocabulary_name AS SELECT * FROM (%s) v(name, vocabulary_id);
CREATE OR REPLACE TEMP TABLE cdw_source_concept AS
SELECT c.concept_id, c.concept_code, c.vocabulary_id, c.domain_id, c.standard_concept, c.invalid_reason, c.valid_start_date, c.valid_end_date
FROM concept c
WHERE c.vocabulary_id IN (%s)
   OR (c.vocabulary_id, c.concept_code) IN (SELECT coalesce(n.vocabulary_id, l.target_vocabulary), l.target_code
        FROM src_local_code_map l LEFT JOIN cdw_vocabulary_name n ON n.name = l.target_vocabulary);
CREATE OR REPLACE TEMP TABLE cdw_concept_target AS
WITH maps_to AS (
  SELECT r.concept_id_1, t.concept_id, t.domain_id
  FROM concept_relationship r JOIN cdw_source_concept s ON s.concept_id = r.concept_id_1
  JOIN concept t ON t.concept_id = r.concept_id_2
  WHERE r.relationship_id = 'Maps to' AND r.invalid_reason IS NULL AND t.standard_concept = 'S' AND t.invalid_reason IS NULL
  QUALIFY row_number() OVER (PARTITION BY r.concept_id_1 ORDER BY t.domain_id IS NOT DISTINCT FROM s.domain_id DESC, t.concept_id) = 1)
SELECT s.vocabulary_id, s.concept_code, s.concept_id AS source_concept_id,
       coalesce(CASE WHEN s.standard_concept = 'S' AND s.invalid_reason IS NULL THEN s.concept_id END, m.concept_id, 0) AS concept_id,
       CASE WHEN s.standard_concept = 'S' AND s.invalid_reason IS NULL THEN s.domain_id ELSE m.domain_id END AS domain_id,
       s.valid_start_date, s.valid_end_date
FROM cdw_source_concept s LEFT JOIN maps_to m ON m.concept_id_1 = s.concept_id
QUALIFY row_number() OVER (PARTITION BY s.vocabulary_id, s.concept_code ORDER BY s.invalid_reason IS NULL DESC, s.concept_id) = 1;`,
		pairs(vocabularyNames), quoteList(codeMapVocabularies))
}

// sourceToConceptMapSQL creates SOURCE_TO_CONCEPT_MAP from the hospital's
// src_local_code_map: source_code is the local code, source_vocabulary_id
// its local system (LAB, DRUG, DIAG), source_concept_id 0, the description
// the lab item's or drug's name; the target is the standard concept the
// named target code maps to (see conceptTargetSQL; 0 and vocabulary 'None'
// when the vocabulary lacks it), valid over the target concept's dates
// (1970-01-01 to 2099-12-31 when unknown).
func sourceToConceptMapSQL() string {
	return conceptTargetSQL() + `
CREATE OR REPLACE TABLE source_to_concept_map (
	source_code VARCHAR NOT NULL, source_concept_id INTEGER NOT NULL, source_vocabulary_id VARCHAR NOT NULL,
	source_code_description VARCHAR, target_concept_id INTEGER NOT NULL, target_vocabulary_id VARCHAR NOT NULL,
	valid_start_date DATE NOT NULL, valid_end_date DATE NOT NULL, invalid_reason VARCHAR);
CREATE OR REPLACE TEMP TABLE cdw_local_map AS
SELECT l.map_id, left(l.local_code, 50) AS source_code, left(upper(l.code_system_local), 20) AS source_vocabulary_id,
       left(coalesce((SELECT min(i.name) FROM src_lab_item i WHERE upper(l.code_system_local) = 'LAB' AND i.local_code = l.local_code),
                     (SELECT min(d.name) FROM src_drug d WHERE upper(l.code_system_local) = 'DRUG' AND d.local_code = l.local_code)), 255) AS source_code_description,
       coalesce(t.concept_id, 0) AS target_concept_id,
       coalesce((SELECT c.vocabulary_id FROM concept c WHERE c.concept_id = t.concept_id), 'None') AS target_vocabulary_id,
       (SELECT c.domain_id FROM concept c WHERE c.concept_id = t.concept_id) AS domain_id,
       coalesce(t.valid_start_date, DATE '1970-01-01') AS valid_start_date, coalesce(t.valid_end_date, DATE '2099-12-31') AS valid_end_date
FROM src_local_code_map l
LEFT JOIN cdw_vocabulary_name n ON n.name = l.target_vocabulary
LEFT JOIN cdw_concept_target t ON t.vocabulary_id = coalesce(n.vocabulary_id, l.target_vocabulary) AND t.concept_code = l.target_code AND t.concept_id <> 0
WHERE l.local_code IS NOT NULL AND l.code_system_local IS NOT NULL;
INSERT INTO source_to_concept_map
SELECT source_code, 0, source_vocabulary_id, source_code_description, target_concept_id, target_vocabulary_id,
       valid_start_date, valid_end_date, NULL
FROM cdw_local_map ORDER BY source_vocabulary_id, source_code, map_id;`
}

// codeMapSQL fills CodeMapTable, one row per (vocabulary_id, source_code):
// of the SOURCE_TO_CONCEPT_MAP rows (the hospital's own map), the concepts
// of codeMapVocabularies under their own code and the unit spellings of
// unitSpellings, the first that maps to a standard concept wins, in that
// order (the hospital's map order among its rows), else the first at all;
// then the ICD10CN parent fallbacks (see the vocabulary contract above).
func codeMapSQL() string {
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %[1]s AS
SELECT vocabulary_id, source_code, source_concept_id, concept_id, domain_id FROM (
  SELECT l.source_vocabulary_id AS vocabulary_id, l.source_code, coalesce(t.source_concept_id, 0) AS source_concept_id,
         l.target_concept_id AS concept_id, l.domain_id, 1 AS priority, l.map_id AS rank
  FROM cdw_local_map l LEFT JOIN cdw_concept_target t ON t.vocabulary_id = l.source_vocabulary_id AND t.concept_code = l.source_code
  UNION ALL
  SELECT vocabulary_id, concept_code, source_concept_id, concept_id, domain_id, 2, 0
  FROM cdw_concept_target WHERE vocabulary_id IN (%[2]s)
  UNION ALL
  SELECT 'UCUM', s.spelling, t.source_concept_id, t.concept_id, t.domain_id, 3, 0
  FROM (%[3]s) s(spelling, ucum) JOIN cdw_concept_target t ON t.vocabulary_id = 'UCUM' AND t.concept_code = s.ucum)
QUALIFY row_number() OVER (PARTITION BY vocabulary_id, source_code ORDER BY concept_id = 0, priority, rank) = 1;
CREATE OR REPLACE TEMP TABLE cdw_cn_fallback AS
WITH codes AS (
  SELECT icd10 AS code FROM src_diagnosis WHERE icd10 IS NOT NULL AND coalesce(code_system, 'ICD-10') <> 'ICD-10-CM'
  UNION SELECT code FROM src_front_page_diagnosis WHERE code IS NOT NULL AND coalesce(code_system, 'ICD-10') <> 'ICD-10-CM'),
own AS (
  SELECT c.code, coalesce(m.source_concept_id, 0) AS source_concept_id
  FROM codes c LEFT JOIN %[1]s m ON m.vocabulary_id = 'ICD10CN' AND m.source_code = c.code WHERE coalesce(m.concept_id, 0) = 0),
cand AS (
  SELECT o.code, o.source_concept_id, p.priority, p.vocabulary_id, p.parent
  FROM own o, LATERAL (VALUES (1, 'ICD10CN', regexp_replace(o.code, 'x[0-9]+$', '')), (2, 'ICD10CN', left(o.code, 5)),
                              (3, 'ICD10CN', left(o.code, 3)), (4, 'ICD10', left(o.code, 5)), (5, 'ICD10', left(o.code, 3))) p(priority, vocabulary_id, parent)
  WHERE NOT (p.vocabulary_id = 'ICD10CN' AND p.parent = o.code))
SELECT 'ICD10CN' AS vocabulary_id, c.code AS source_code, c.source_concept_id, m.concept_id, m.domain_id
FROM cand c JOIN %[1]s m ON m.vocabulary_id = c.vocabulary_id AND m.source_code = c.parent AND m.concept_id <> 0
QUALIFY row_number() OVER (PARTITION BY c.code ORDER BY c.priority) = 1;
DELETE FROM %[1]s WHERE vocabulary_id = 'ICD10CN' AND source_code IN (SELECT source_code FROM cdw_cn_fallback);
INSERT INTO %[1]s SELECT * FROM cdw_cn_fallback;
DROP TABLE cdw_cn_fallback; DROP TABLE cdw_concept_target; DROP TABLE cdw_source_concept;`, CodeMapTable, quoteList(codeMapVocabularies), pairs(unitSpellings))
}
