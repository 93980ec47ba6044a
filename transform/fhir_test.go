package transform_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/transform"
)

func fhirChange(lsn, seq int64, op bronze.Op, typ, id, res string) bronze.Change {
	return ch(lsn, seq, op, "fhir."+typ, fmt.Sprintf(`[%q]`, id), res)
}

// TestBuildMapsFHIRResources builds the CDM from FHIR resources as the FHIR
// door writes them (a bronze log of its own beside the EMR's): Patient,
// Encounter, Condition and DocumentReference reach PERSON, VISIT_OCCURRENCE,
// CONDITION_OCCURRENCE and NOTE; broken references are quarantined with
// their reason; every resource keeps its OMOP id across builds.
func TestBuildMapsFHIRResources(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "bronze")
	fixture(t, filepath.Join(root, "postgres"))
	log, err := bronze.Open(filepath.Join(root, "fhir"))
	require.NoError(t, err)
	text := base64.StdEncoding.EncodeToString([]byte("主诉：胸痛2小时。No fever."))
	require.NoError(t, log.Append([]bronze.Change{
		fhirChange(1, 1, bronze.OpCreate, "Patient", "pat-b", `{"resourceType":"Patient","id":"pat-b","identifier":[{"value":"MRN-B"}],"gender":"female","birthDate":"1961-07-04"}`),
		fhirChange(1, 2, bronze.OpCreate, "Patient", "pat-a", `{"resourceType":"Patient","id":"pat-a","gender":"male","birthDate":"1950-01-02"}`),
		fhirChange(1, 3, bronze.OpCreate, "Patient", "pat-x", `{"resourceType":"Patient","id":"pat-x","gender":"male"}`),
		fhirChange(1, 4, bronze.OpCreate, "Encounter", "enc-1", `{"resourceType":"Encounter","id":"enc-1","status":"finished","class":{"code":"IMP"},"subject":{"reference":"Patient/pat-b"},"period":{"start":"2026-02-01T10:00:00+00:00","end":"2026-02-04T09:00:00+00:00"}}`),
		fhirChange(1, 5, bronze.OpCreate, "Encounter", "enc-2", `{"resourceType":"Encounter","id":"enc-2","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/nobody"},"period":{"start":"2026-02-01T10:00:00Z"}}`),
		fhirChange(1, 6, bronze.OpCreate, "Condition", "c-1", `{"resourceType":"Condition","id":"c-1","code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"I20.0"}]},"subject":{"reference":"Patient/pat-b"},"encounter":{"reference":"Encounter/enc-1"},"recordedDate":"2026-02-01T11:00:00Z","verificationStatus":{"coding":[{"code":"confirmed"}]}}`),
		fhirChange(1, 7, bronze.OpCreate, "DocumentReference", "d-1", `{"resourceType":"DocumentReference","id":"d-1","status":"current","type":{"coding":[{"system":"http://loinc.org","code":"34117-2"}]},"subject":{"reference":"Patient/pat-b"},"date":"2026-02-01T10:30:00Z","content":[{"attachment":{"contentType":"text/plain","language":"zh","title":"入院记录","data":"`+text+`"}}],"context":{"encounter":[{"reference":"Encounter/enc-1"}]}}`),
	}, bronze.Checkpoint{Position: `{"files":1}`}))
	require.NoError(t, log.Close())

	store := cdm.NewStore(filepath.Join(dir, "cdm"))
	opts := transform.Options{BronzeDir: root, Store: store}
	res, err := transform.Build(context.Background(), opts)
	require.NoError(t, err)
	assert.EqualValues(t, 4, res.Rows["person"], "two EMR patients and two FHIR patients with a birth date")
	assert.EqualValues(t, 4, res.Rows["visit_occurrence"])
	assert.EqualValues(t, 3, res.Rows["condition_occurrence"])
	assert.EqualValues(t, 2, res.Rows["note"])

	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	path := func(snap cdm.Snapshot, table string) string { p, ok := snap.Path(table); require.True(t, ok); return p }
	rows := query(t, db, fmt.Sprintf(`SELECT n.note_text, n.note_title, p.person_source_value, v.visit_concept_id
		FROM read_parquet(%[1]q) n JOIN read_parquet(%[2]q) p USING (person_id) JOIN read_parquet(%[3]q) v USING (visit_occurrence_id)
		WHERE n.note_id >= 1000000000`, path(res.Snapshot, "note"), path(res.Snapshot, "person"), path(res.Snapshot, "visit_occurrence")))
	require.Len(t, rows, 1)
	assert.Equal(t, "主诉：胸痛2小时。No fever.", rows[0]["note_text"], "the note text survives byte for byte")
	assert.Equal(t, "入院记录", rows[0]["note_title"])
	assert.Equal(t, "MRN-B", rows[0]["person_source_value"])
	assert.EqualValues(t, 9201, rows[0]["visit_concept_id"])

	reasons := query(t, db, fmt.Sprintf(`SELECT reason FROM read_parquet(%q) WHERE source_table LIKE 'fhir.%%' ORDER BY 1`, path(res.Snapshot, transform.QuarantineTable)))
	assert.Equal(t, []map[string]any{
		{"reason": "Encounter/enc-2: subject Patient/nobody is not in PERSON"},
		{"reason": "Patient/pat-x: no valid birthDate"},
	}, reasons)

	ids := func(snap cdm.Snapshot) []map[string]any {
		return query(t, db, fmt.Sprintf(`SELECT kind, source_key, id FROM read_parquet(%q) ORDER BY kind, source_key`, path(snap, transform.IDMapTable)))
	}
	first := ids(res.Snapshot)
	assert.Contains(t, first, map[string]any{"kind": "fhir.Patient", "source_key": "pat-a", "id": int64(1000000001)})

	// A new patient arrives, pat-a is deleted: the others keep their ids.
	log, err = bronze.Open(filepath.Join(root, "fhir"))
	require.NoError(t, err)
	require.NoError(t, log.Append([]bronze.Change{
		fhirChange(2, 1, bronze.OpCreate, "Patient", "pat-0", `{"resourceType":"Patient","id":"pat-0","gender":"female","birthDate":"2001-01-01"}`),
		fhirChange(2, 2, bronze.OpDelete, "Patient", "pat-a", ""),
	}, bronze.Checkpoint{Position: `{"files":2}`}))
	require.NoError(t, log.Close())
	res, err = transform.Build(context.Background(), opts)
	require.NoError(t, err)
	second := ids(res.Snapshot)
	for _, row := range first {
		assert.Contains(t, second, row, "an id once given is kept")
	}
	assert.Contains(t, second, map[string]any{"kind": "fhir.Patient", "source_key": "pat-0", "id": int64(1000000008)}, "a new resource gets the next id")
	assert.EqualValues(t, 4, res.Rows["person"], "pat-a deleted, pat-0 added")
}

// TestBuildMapsFHIRClinicalResources maps Observation (a value, and blood
// pressure's two components), MedicationRequest, Immunization, Procedure and
// AllergyIntolerance onto MEASUREMENT, DRUG_EXPOSURE, PROCEDURE_OCCURRENCE
// and OBSERVATION, keeping the source codes; a resource of an unknown
// patient is quarantined.
func TestBuildMapsFHIRClinicalResources(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "bronze")
	log, err := bronze.Open(filepath.Join(root, "fhir"))
	require.NoError(t, err)
	require.NoError(t, log.Append([]bronze.Change{
		fhirChange(1, 1, bronze.OpCreate, "Patient", "p1", `{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1961-07-04"}`),
		fhirChange(1, 2, bronze.OpCreate, "Encounter", "e1", `{"resourceType":"Encounter","id":"e1","status":"finished","class":{"code":"IMP"},"subject":{"reference":"Patient/p1"},"period":{"start":"2026-02-01T10:00:00Z","end":"2026-02-04T09:00:00Z"}}`),
		fhirChange(1, 3, bronze.OpCreate, "Observation", "hr", `{"resourceType":"Observation","id":"hr","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p1"},"encounter":{"reference":"Encounter/e1"},"effectiveDateTime":"2026-02-01T11:00:00Z","valueQuantity":{"value":91,"unit":"/min","code":"/min"},"referenceRange":[{"low":{"value":60},"high":{"value":100}}]}`),
		fhirChange(1, 4, bronze.OpCreate, "Observation", "bp", `{"resourceType":"Observation","id":"bp","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-02-01T11:00:00Z","component":[{"code":{"coding":[{"code":"8480-6"}]},"valueQuantity":{"value":142,"code":"mm[Hg]"}},{"code":{"coding":[{"code":"8462-4"}]},"valueQuantity":{"value":88,"code":"mm[Hg]"}}]}`),
		fhirChange(1, 5, bronze.OpCreate, "Observation", "lost", `{"resourceType":"Observation","id":"lost","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/nobody"},"effectiveDateTime":"2026-02-01T11:00:00Z","valueQuantity":{"value":1}}`),
		fhirChange(1, 6, bronze.OpCreate, "MedicationRequest", "m1", `{"resourceType":"MedicationRequest","id":"m1","status":"completed","intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1191"}]},"subject":{"reference":"Patient/p1"},"encounter":{"reference":"Encounter/e1"},"authoredOn":"2026-02-01T12:00:00Z","dosageInstruction":[{"text":"100 mg PO QD","route":{"coding":[{"code":"PO"}]}}]}`),
		fhirChange(1, 7, bronze.OpCreate, "Immunization", "i1", `{"resourceType":"Immunization","id":"i1","status":"completed","vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"208"}]},"patient":{"reference":"Patient/p1"},"occurrenceDateTime":"2025-08-29T11:35:00Z","lotNumber":"EL9261"}`),
		fhirChange(1, 8, bronze.OpCreate, "Procedure", "pr1", `{"resourceType":"Procedure","id":"pr1","status":"completed","code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-9-cm","code":"00.6600"}]},"subject":{"reference":"Patient/p1"},"encounter":{"reference":"Encounter/e1"},"performedPeriod":{"start":"2026-02-02T01:47:15Z","end":"2026-02-02T03:17:15Z"}}`),
		fhirChange(1, 9, bronze.OpCreate, "AllergyIntolerance", "a1", `{"resourceType":"AllergyIntolerance","id":"a1","code":{"text":"Iodinated contrast"},"patient":{"reference":"Patient/p1"},"recordedDate":"2024-11-11T16:56:00Z","reaction":[{"manifestation":[{"text":"urticaria"}],"severity":"moderate"}]}`),
	}, bronze.Checkpoint{Position: "1"}))
	require.NoError(t, log.Close())

	res, err := transform.Build(context.Background(), transform.Options{BronzeDir: root, Store: cdm.NewStore(filepath.Join(dir, "cdm"))})
	require.NoError(t, err)
	assert.EqualValues(t, 3, res.Rows["measurement"], "the heart rate and the two blood-pressure components")
	assert.EqualValues(t, 2, res.Rows["drug_exposure"])
	assert.EqualValues(t, 1, res.Rows["procedure_occurrence"])
	assert.EqualValues(t, 1, res.Rows["observation"])

	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	path := func(table string) string { p, ok := res.Snapshot.Path(table); require.True(t, ok); return p }
	got := query(t, db, fmt.Sprintf(`SELECT measurement_source_value AS code, value_as_number::DOUBLE AS v, unit_source_value AS unit, range_high::DOUBLE AS hi,
		visit_occurrence_id IS NOT NULL AS in_visit FROM read_parquet(%q) ORDER BY code`, path("measurement")))
	assert.Equal(t, []map[string]any{
		{"code": "8462-4", "v": 88.0, "unit": "mm[Hg]", "hi": nil, "in_visit": false},
		{"code": "8480-6", "v": 142.0, "unit": "mm[Hg]", "hi": nil, "in_visit": false},
		{"code": "8867-4", "v": 91.0, "unit": "/min", "hi": 100.0, "in_visit": true},
	}, got)
	drugs := query(t, db, fmt.Sprintf(`SELECT drug_source_value AS code, sig, lot_number AS lot FROM read_parquet(%q) ORDER BY code`, path("drug_exposure")))
	assert.Equal(t, []map[string]any{
		{"code": "1191", "sig": "100 mg PO QD", "lot": nil},
		{"code": "208", "sig": nil, "lot": "EL9261"},
	}, drugs)
	reasons := query(t, db, fmt.Sprintf(`SELECT reason FROM read_parquet(%q)`, path(transform.QuarantineTable)))
	assert.Equal(t, []map[string]any{{"reason": "Observation/lost: patient Patient/nobody is not in PERSON"}}, reasons)
}
