package transform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm/vocab"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

// Concept ids of the test vocabulary WriteVocabulary writes.
const (
	ConceptAMI          = 312327 // SNOMED Acute myocardial infarction (Condition, standard)
	ConceptAMIObs       = 300001 // SNOMED history of AMI (Observation, standard): a second 'Maps to' of I21.0
	ConceptICD10I210    = 45576876
	ConceptOesophagus   = 4000002 // SNOMED Perforation of oesophagus (Condition, standard)
	ConceptICD10CNK223  = 4000003
	ConceptGlobulin     = 4000004 // SNOMED Abnormal globulin (Measurement, standard)
	ConceptICD10R771    = 4000005
	ConceptDialysis     = 4019967 // SNOMED Dependence on renal dialysis (Observation, standard)
	ConceptICD10Z992    = 4000006
	ConceptChemo        = 4273629 // SNOMED Chemotherapy (Procedure, standard)
	ConceptICD10Z511    = 4000007
	ConceptHypertension = 320128 // SNOMED Essential hypertension (Condition, standard)
	ConceptICD10CMI10   = 35207668
	ConceptDiabetes     = 201826 // SNOMED Type 2 diabetes mellitus (Condition, standard)
	ConceptICD10CME119  = 45576871
	ConceptGlucose      = 3004501 // LOINC Glucose [Mass/volume] in Serum or Plasma (Measurement, standard)
	ConceptAspirin      = 1191    // RxNorm aspirin (Drug, standard)
	ConceptATCAspirin   = 21600959
	ConceptMmHg         = 8876 // UCUM mm[Hg]
	ConceptMmolL        = 8753 // UCUM mmol/L
)

// vocabularyCSV is a small vocabulary in the layout of an Athena download
// (comma-separated like the shared sample): diagnoses mapping into every
// domain, a Chinese-edition parent, local-map targets and two units.
var vocabularyCSV = map[string]string{
	"CONCEPT.csv": `concept_id,concept_name,domain_id,vocabulary_id,concept_class_id,standard_concept,concept_code,valid_start_date,valid_end_date,invalid_reason
312327,Acute myocardial infarction,Condition,SNOMED,Clinical Finding,S,57054005,1970-01-01,2099-12-31,
300001,History of myocardial infarction,Observation,SNOMED,Context-dependent,S,399211009,1970-01-01,2099-12-31,
45576876,ST elevation myocardial infarction of anterior wall,Condition,ICD10,ICD10 code,,I21.0,1970-01-01,2099-12-31,
4000002,Perforation of oesophagus,Condition,SNOMED,Clinical Finding,S,17137000,1970-01-01,2099-12-31,
4000003,Perforation of oesophagus,Condition,ICD10CN,ICD10 code,,K22.3,1970-01-01,2099-12-31,
4000004,Abnormal globulin,Measurement,SNOMED,Clinical Finding,S,166715000,1970-01-01,2099-12-31,
4000005,Abnormality of globulin,Condition,ICD10,ICD10 code,,R77.1,1970-01-01,2099-12-31,
4019967,Dependence on renal dialysis,Observation,SNOMED,Clinical Finding,S,105502003,1970-01-01,2099-12-31,
4000006,Dependence on renal dialysis,Observation,ICD10,ICD10 code,,Z99.2,1970-01-01,2099-12-31,
4273629,Chemotherapy,Procedure,SNOMED,Procedure,S,367336001,1970-01-01,2099-12-31,
4000007,Chemotherapy session for neoplasm,Procedure,ICD10,ICD10 code,,Z51.1,1970-01-01,2099-12-31,
320128,Essential hypertension,Condition,SNOMED,Clinical Finding,S,59621000,1970-01-01,2099-12-31,
35207668,Essential (primary) hypertension,Condition,ICD10CM,4-char billing code,,I10,2007-10-01,2099-12-31,
201826,Type 2 diabetes mellitus,Condition,SNOMED,Clinical Finding,S,44054006,1970-01-01,2099-12-31,
45576871,Type 2 diabetes mellitus without complications,Condition,ICD10CM,5-char billing code,,E11.9,2007-10-01,2099-12-31,
3004501,Glucose [Mass/volume] in Serum or Plasma,Measurement,LOINC,Lab Test,S,2345-7,1970-01-01,2099-12-31,
1191,aspirin,Drug,RxNorm,Ingredient,S,1191,1970-01-01,2099-12-31,
21600959,acetylsalicylic acid; platelet aggregation inhibitors,Drug,ATC,ATC 5th,C,B01AC06,1970-01-01,2099-12-31,
8876,millimeter mercury column,Unit,UCUM,Unit,S,mm[Hg],1970-01-01,2099-12-31,
8753,millimole per liter,Unit,UCUM,Unit,S,mmol/L,1970-01-01,2099-12-31,
`,
	"CONCEPT_RELATIONSHIP.csv": `concept_id_1,concept_id_2,relationship_id,valid_start_date,valid_end_date,invalid_reason
45576876,300001,Maps to,1970-01-01,2099-12-31,
45576876,312327,Maps to,1970-01-01,2099-12-31,
4000003,4000002,Maps to,1970-01-01,2099-12-31,
4000005,4000004,Maps to,1970-01-01,2099-12-31,
4000006,4019967,Maps to,1970-01-01,2099-12-31,
4000007,4273629,Maps to,1970-01-01,2099-12-31,
35207668,320128,Maps to,1970-01-01,2099-12-31,
45576871,201826,Maps to,1970-01-01,2099-12-31,
45576871,312327,Maps to,1970-01-01,2010-01-01,D
`,
}

// WriteVocabulary writes vocabularyCSV into a temporary directory, loads it
// with vocab.Load as cdw vocab load would, and returns the Parquet
// directory.
func WriteVocabulary(t testing.TB) string {
	t.Helper()
	return LoadVocabularyCSV(t, vocabularyCSV)
}

// LoadVocabularyCSV writes the Athena-layout files (name → CSV text) into a
// temporary directory, loads them with vocab.Load as cdw vocab load would,
// and returns the Parquet directory.
func LoadVocabularyCSV(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "athena")
	require.NoError(t, os.MkdirAll(src, 0o755))
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(src, name), []byte(body), 0o644))
	}
	out := filepath.Join(dir, "vocab")
	res, err := vocab.Load(context.Background(), vocab.LoadOptions{Dir: src, Out: out, Threads: 1})
	require.NoError(t, err)
	require.Zero(t, res.Rejected(), "the test vocabulary parses")
	return out
}

func change(lsn, seq int64, op bronze.Op, table, key, data string) bronze.Change {
	return bronze.Change{LSN: lsn, Seq: seq, CommitTime: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), Op: op, Table: table, Key: key, Data: data}
}

// WriteCodedBronze writes a hospital with two patients, one stay each, and
// diagnoses coded in every way the EMR codes them, plus its local code map.
func WriteCodedBronze(t testing.TB, dir string) {
	t.Helper()
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	defer log.Close()
	diag := func(seq, id, reg int64, code, system, name string) bronze.Change {
		sys := ""
		if system != "" {
			sys = fmt.Sprintf(`,"code_system":%q`, system)
		}
		return change(1, seq, bronze.OpRead, "emr.diagnosis", fmt.Sprintf("[%d]", id), fmt.Sprintf(
			`{"diag_id":%d,"reg_id":%d,"patient_id":%d,"icd10":%q,"diag_name":%q,"is_main":false,"diag_time":"2026-02-01 11:00:00","doctor_id":7%s}`,
			id, reg, reg-99, code, name, sys))
	}
	localMap := func(seq, id int64, system, local, vocab, code string) bronze.Change {
		return change(1, seq, bronze.OpRead, "emr.local_code_map", fmt.Sprintf("[%d]", id), fmt.Sprintf(
			`{"map_id":%d,"code_system_local":%q,"local_code":%q,"target_vocabulary":%q,"target_code":%q,"target_name":"x"}`, id, system, local, vocab, code))
	}
	require.NoError(t, log.Append([]bronze.Change{
		change(1, 1, bronze.OpRead, "emr.patient", "[1]", `{"patient_id":1,"mrn":"MRN1","name":"A","sex":"M","birth_date":"1950-02-03"}`),
		change(1, 2, bronze.OpRead, "emr.patient", "[2]", `{"patient_id":2,"mrn":"MRN2","name":"B","sex":"F","birth_date":"1990-12-31"}`),
		change(1, 3, bronze.OpRead, "emr.registration", "[100]", `{"reg_id":100,"patient_id":1,"visit_type":"I","admit_time":"2026-02-01 10:00:00","discharge_time":"2026-02-05 12:00:00"}`),
		change(1, 4, bronze.OpRead, "emr.registration", "[101]", `{"reg_id":101,"patient_id":2,"visit_type":"O","admit_time":"2026-02-01 09:00:00","discharge_time":"2026-02-01 09:30:00"}`),
		diag(10, 2001, 100, "I21.0", "ICD-10", "急性前壁心肌梗死"),
		diag(11, 2002, 100, "K22.301", "ICD-10-CN", "食管穿孔"),
		diag(12, 2003, 100, "R77.1", "ICD-10", "球蛋白异常"),
		diag(13, 2004, 100, "Z99.2", "", "依赖肾透析"),
		diag(14, 2005, 100, "Z51.1", "ICD-10", "化疗"),
		diag(15, 2006, 100, "X99.999", "ICD-10-CN", "未知病"),
		diag(16, 2007, 101, "X99.999", "ICD-10-CN", "未知疾病"),
		diag(17, 2008, 101, "I10", "ICD-10-CM", "Essential hypertension"),
		diag(18, 2009, 101, "E11.9", "ICD-10", "2型糖尿病"),
		diag(19, 2010, 999, "Z51.100x001", "ICD-10-CN", "化疗（无就诊）"),
		change(1, 20, bronze.OpRead, "emr.lab_item", "[1]", `{"item_id":1,"local_code":"L001","name":"Glucose","unit":"mmol/L"}`),
		change(1, 21, bronze.OpRead, "emr.drug", "[1]", `{"drug_id":1,"local_code":"D001","name":"Aspirin 100 mg"}`),
		localMap(22, 1, "LAB", "L001", "LOINC", "2345-7"),
		localMap(23, 2, "DRUG", "D001", "ATC", "B01AC06"),
		localMap(24, 3, "DRUG", "D001", "RxNorm", "1191"),
		localMap(25, 4, "DIAG", "E11.9", "ICD10CM", "E11.9"),
		localMap(26, 5, "LAB", "L404", "LOINC", "99999-9"),
	}, bronze.Checkpoint{Position: "0/1", SnapshotDone: true}))
}
