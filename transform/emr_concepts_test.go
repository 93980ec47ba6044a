package transform_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/transform"
)

// clinicalVocabularyCSV is a vocabulary in the layout of the shared sample
// (an Athena download, comma-separated): the LOINC, UCUM and RxNorm
// concepts carry their real ids (from the sample); the CVX, ICD9Proc, ICD10
// and SNOMED targets are made up for the test (99000xx).
var clinicalVocabularyCSV = map[string]string{
	"CONCEPT.csv": `concept_id,concept_name,domain_id,vocabulary_id,concept_class_id,standard_concept,concept_code,valid_start_date,valid_end_date,invalid_reason
3016723,Creatinine [Mass/volume] in Serum or Plasma,Measurement,LOINC,Lab Test,S,2160-0,1970-01-01,2099-12-31,
3027018,Heart rate,Measurement,LOINC,Clinical Observation,S,8867-4,1970-01-01,2099-12-31,
3004249,Systolic blood pressure,Measurement,LOINC,Clinical Observation,S,8480-6,1996-09-06,2099-12-31,
8840,milligram per deciliter,Unit,UCUM,Unit,S,mg/dL,1970-01-01,2099-12-31,
8541,per minute,Unit,UCUM,Unit,S,/min,1970-01-01,2099-12-31,
8876,millimeter mercury column,Unit,UCUM,Unit,S,mm[Hg],1970-01-01,2099-12-31,
1112807,aspirin,Drug,RxNorm,Ingredient,S,1191,1970-01-01,2099-12-31,
9900208,"SARS-COV-2 (COVID-19) vaccine, mRNA",Drug,CVX,CVX,S,208,2020-12-11,2099-12-31,
9900066,Percutaneous transluminal coronary angioplasty,Procedure,ICD9Proc,4-dig billing code,,00.66,1970-01-01,2099-12-31,
9900067,Percutaneous transluminal coronary angioplasty,Procedure,SNOMED,Procedure,S,11101003,1970-01-01,2099-12-31,
9900018,"Pneumonia, unspecified organism",Condition,ICD10,ICD10 code,,J18.9,1970-01-01,2099-12-31,
9900019,Pneumonia,Condition,SNOMED,Clinical Finding,S,233604007,1970-01-01,2099-12-31,
`,
	"CONCEPT_RELATIONSHIP.csv": `concept_id_1,concept_id_2,relationship_id,valid_start_date,valid_end_date,invalid_reason
9900066,9900067,Maps to,1970-01-01,2099-12-31,
9900018,9900019,Maps to,1970-01-01,2099-12-31,
`,
}

// writeClinicalVocabulary loads clinicalVocabularyCSV as cdw vocab load
// would and returns the Parquet directory.
func writeClinicalVocabulary(t *testing.T) string {
	t.Helper()
	return transform.LoadVocabularyCSV(t, clinicalVocabularyCSV)
}

// TestEMRClinicalConceptsFromCodeMap builds the clinical fixture with a
// vocabulary and the hospital's local code map: every table finds its
// concepts through the code map (local lab and drug codes through the
// local map, LOINC, UCUM, CVX and ICD-9-CM-3 codes directly, the cause of
// death through its diagnosis), keeps the source concept, and a code the
// vocabulary lacks stays 0 without losing its row.
func TestEMRClinicalConceptsFromCodeMap(t *testing.T) {
	root := t.TempDir()
	bronzeDir := filepath.Join(root, "postgres")
	writeClinicalFixture(t, bronzeDir)
	appendChanges(t, bronzeDir, bronze.Checkpoint{Position: "0/11"},
		ch(11, 1, bronze.OpRead, "emr.local_code_map", "[1]", `{"map_id":1,"code_system_local":"LAB","local_code":"CR","target_vocabulary":"LOINC","target_code":"2160-0","target_name":"Creatinine"}`),
		ch(11, 2, bronze.OpRead, "emr.local_code_map", "[2]", `{"map_id":2,"code_system_local":"DRUG","local_code":"ASP100","target_vocabulary":"RxNorm","target_code":"1191","target_name":"aspirin"}`),
	)
	res, err := transform.Build(context.Background(), transform.Options{BronzeDir: root, Store: cdm.NewStore(filepath.Join(root, "cdm")),
		VocabDir: writeClinicalVocabulary(t), Now: func() time.Time { return at }, Threads: 2})
	require.NoError(t, err)
	b := built{res: res, db: openDuckDB(t)}

	assert.Equal(t, []map[string]any{
		{"code": "29463-7", "c": int32(0), "sc": int32(0), "u": int32(0)},
		{"code": "8302-2", "c": int32(0), "sc": int32(0), "u": int32(0)},
		{"code": "8310-5", "c": int32(0), "sc": int32(0), "u": int32(0)},
		{"code": "8462-4", "c": int32(0), "sc": int32(0), "u": int32(8876)},
		{"code": "8480-6", "c": int32(3004249), "sc": int32(3004249), "u": int32(8876)},
		{"code": "8867-4", "c": int32(3027018), "sc": int32(3027018), "u": int32(8541)},
		{"code": "9269-2", "c": int32(0), "sc": int32(0), "u": int32(0)},
		{"code": "9279-1", "c": int32(0), "sc": int32(0), "u": int32(8541)},
		{"code": "BCX", "c": int32(0), "sc": int32(0), "u": int32(0)},
		{"code": "CR", "c": int32(3016723), "sc": int32(0), "u": int32(8840)},
	}, b.q(t, "measurement", `SELECT DISTINCT measurement_source_value AS code, measurement_concept_id AS c, measurement_source_concept_id AS sc,
		unit_concept_id AS u FROM {t} ORDER BY 1`))

	assert.Equal(t, []map[string]any{
		{"code": "208", "c": int32(9900208), "sc": int32(9900208)},
		{"code": "ASP100", "c": int32(1112807), "sc": int32(0)},
		{"code": "SAL", "c": int32(0), "sc": int32(0)},
	}, b.q(t, "drug_exposure", `SELECT DISTINCT drug_source_value AS code, drug_concept_id AS c, drug_source_concept_id AS sc FROM {t} ORDER BY 1`))

	assert.Equal(t, []map[string]any{
		{"code": "00.66", "c": int32(9900067), "sc": int32(9900066)},
		{"code": "Oxygen therapy", "c": int32(0), "sc": int32(0)},
		{"code": "XR-CHEST", "c": int32(0), "sc": int32(0)},
	}, b.q(t, "procedure_occurrence", `SELECT procedure_source_value AS code, procedure_concept_id AS c, procedure_source_concept_id AS sc FROM {t} ORDER BY 1`))

	assert.Equal(t, []map[string]any{{"cause": "J18.9", "c": int32(9900019), "sc": int32(9900018)}},
		b.q(t, "death", `SELECT cause_source_value AS cause, cause_concept_id AS c, cause_source_concept_id AS sc FROM {t}`))
}
