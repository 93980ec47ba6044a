package transform_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/cdm/achilles"
	"github.com/cdw-dev/cdw/cdm/dq"
	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/pgtest"
	"github.com/cdw-dev/cdw/transform"
)

// describe returns the column names and DuckDB types of a Parquet file.
func describe(t *testing.T, db *sql.DB, path string) (names, types []string) {
	t.Helper()
	for _, r := range query(t, db, fmt.Sprintf("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('%s'))", path)) {
		names = append(names, r["column_name"].(string))
		types = append(types, r["column_type"].(string))
	}
	return names, types
}

// checkAgainstSpec requires the snapshot's file of every OMOP table to have
// the spec's fields, in order, with the DDL's types, and no NULL in a
// required field (Parquet written by DuckDB marks every column nullable).
func checkAgainstSpec(t *testing.T, db *sql.DB, snap cdm.Snapshot) {
	t.Helper()
	require.Len(t, cdm.Tables(), 39)
	for _, table := range cdm.Tables() {
		p, ok := snap.Path(table.Name)
		require.True(t, ok, "the snapshot has %s", table.Name)
		names, types := describe(t, db, p)
		var wantNames, wantTypes, nulls []string
		for _, f := range cdm.Fields(table.Name) {
			c, ok := table.Column(f.Name)
			require.True(t, ok)
			wantNames = append(wantNames, f.Name)
			wantTypes = append(wantTypes, c.DuckDBType())
			if f.Required {
				nulls = append(nulls, fmt.Sprintf("count(*) FILTER (WHERE %q IS NULL)", f.Name))
			}
		}
		assert.Equal(t, wantNames, names, "fields of %s", table.Name)
		assert.Equal(t, wantTypes, types, "types of %s", table.Name)
		if len(nulls) > 0 {
			row := query(t, db, fmt.Sprintf("SELECT %s + 0 AS n FROM read_parquet('%s')", strings.Join(nulls, " + "), p))
			assert.EqualValues(t, 0, row[0]["n"], "NULLs in the required fields of %s", table.Name)
		}
	}
}

func TestEverySnapshotTableMatchesTheSpec(t *testing.T) {
	dir := t.TempDir()
	fixture(t, filepath.Join(dir, "bronze"))
	res, err := transform.Build(context.Background(), transform.Options{BronzeDir: filepath.Join(dir, "bronze"),
		Store: cdm.NewStore(filepath.Join(dir, "cdm")), Now: func() time.Time { return at }})
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	checkAgainstSpec(t, db, res.Snapshot)
	extras := append([]string{transform.QuarantineTable, transform.IDMapTable, transform.UnmappedTable, dq.ResultsTable}, achilles.Tables()...)
	for _, extra := range extras {
		_, ok := res.Snapshot.Path(extra)
		assert.True(t, ok, "the snapshot has %s", extra)
	}
	assert.Len(t, res.Snapshot.Tables, 39+len(extras))
	assert.Len(t, res.Rows, 39+len(extras))
	for name, tf := range res.Snapshot.Tables {
		n := query(t, db, fmt.Sprintf("SELECT count(*) AS n FROM read_parquet('%s')", filepath.Join(res.Snapshot.Dir, tf.File)))[0]["n"]
		assert.EqualValues(t, tf.Rows, n, "rows of %s", name)
	}
}

// writeVocabulary writes a vocabulary directory as cdw vocab load does:
// concept.parquet with the DDL's types, and vocabulary.parquet whose
// vocabulary_concept_id is a BIGINT (as a careless loader might write it).
func writeVocabulary(t *testing.T, dir string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	ddl, err := cdm.DDL("", "concept")
	require.NoError(t, err)
	for _, s := range []string{ddl,
		`INSERT INTO concept VALUES (8507, 'MALE', 'Gender', 'Gender', 'Gender', 'S', 'M', DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (8532, 'FEMALE', 'Gender', 'Gender', 'Gender', 'S', 'F', DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (9201, 'Inpatient Visit', 'Visit', 'Visit', 'Visit', 'S', 'IP', DATE '1970-01-01', DATE '2099-12-31', NULL)`,
		fmt.Sprintf("COPY concept TO '%s' (FORMAT parquet)", filepath.Join(dir, "concept.parquet")),
		fmt.Sprintf(`COPY (SELECT 'None' AS vocabulary_id, 'OMOP Standardized Vocabularies' AS vocabulary_name, 'OMOP generated' AS vocabulary_reference,
		 'v5.0 30-AUG-24' AS vocabulary_version, 44819096::BIGINT AS vocabulary_concept_id) TO '%s' (FORMAT parquet)`, filepath.Join(dir, "vocabulary.parquet")),
	} {
		_, err := db.Exec(s)
		require.NoError(t, err, s)
	}
}

func TestVocabularyViewsAreLinkedOrCast(t *testing.T) {
	dir := t.TempDir()
	fixture(t, filepath.Join(dir, "bronze"))
	vocabDir := filepath.Join(dir, "vocab")
	writeVocabulary(t, vocabDir)
	res, err := transform.Build(context.Background(), transform.Options{BronzeDir: filepath.Join(dir, "bronze"),
		Store: cdm.NewStore(filepath.Join(dir, "cdm")), VocabDir: vocabDir, Now: func() time.Time { return at }})
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	checkAgainstSpec(t, db, res.Snapshot)

	src, err := os.Stat(filepath.Join(vocabDir, "concept.parquet"))
	require.NoError(t, err)
	p, _ := res.Snapshot.Path("concept")
	dst, err := os.Stat(p)
	require.NoError(t, err)
	assert.True(t, os.SameFile(src, dst), "concept.parquet of the DDL's types is linked, not copied")
	assert.EqualValues(t, 3, res.Rows["concept"])

	src, err = os.Stat(filepath.Join(vocabDir, "vocabulary.parquet"))
	require.NoError(t, err)
	p, _ = res.Snapshot.Path("vocabulary")
	dst, err = os.Stat(p)
	require.NoError(t, err)
	assert.False(t, os.SameFile(src, dst), "vocabulary.parquet of other types is copied with the DDL's types")
	assert.Equal(t, []map[string]any{{"v": int32(44819096)}}, query(t, db, fmt.Sprintf("SELECT vocabulary_concept_id AS v FROM read_parquet('%s')", p)))

	// the next build links the same file again, and the first snapshot keeps it when the vocabulary is replaced
	res2, err := transform.Build(context.Background(), transform.Options{BronzeDir: filepath.Join(dir, "bronze"),
		Store: cdm.NewStore(filepath.Join(dir, "cdm")), VocabDir: vocabDir, Now: func() time.Time { return at }})
	require.NoError(t, err)
	p2, _ := res2.Snapshot.Path("concept")
	require.NoError(t, os.Remove(filepath.Join(vocabDir, "concept.parquet")))
	first, _ := res.Snapshot.Path("concept")
	assert.Equal(t, []map[string]any{{"n": int64(3)}}, query(t, db, fmt.Sprintf("SELECT count(*) AS n FROM read_parquet('%s')", first)))
	assert.Equal(t, []map[string]any{{"n": int64(3)}}, query(t, db, fmt.Sprintf("SELECT count(*) AS n FROM read_parquet('%s')", p2)))
}

// faultyFixture holds the hospital's injected faults that reach the CDM: a
// discharge before the admission, a birth after the first admission, a
// duplicated registration.
func faultyFixture(t *testing.T, dir string) {
	t.Helper()
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	defer log.Close()
	require.NoError(t, log.Append([]bronze.Change{
		ch(1, 1, bronze.OpRead, "emr.patient", "[1]", `{"patient_id":1,"mrn":"MRN1","name":"A","sex":"M","birth_date":"1950-02-03"}`),
		ch(1, 2, bronze.OpRead, "emr.patient", "[2]", `{"patient_id":2,"mrn":"MRN2","name":"B","sex":"F","birth_date":"2026-02-15"}`),
		ch(1, 3, bronze.OpRead, "emr.registration", "[100]", `{"reg_id":100,"patient_id":1,"visit_type":"I","dept_id":1,"doctor_id":7,"admit_time":"2026-02-01 10:00:00","discharge_time":"2026-01-31 12:00:00","status":"closed"}`),
		ch(1, 4, bronze.OpRead, "emr.registration", "[101]", `{"reg_id":101,"patient_id":2,"visit_type":"O","dept_id":1,"doctor_id":7,"admit_time":"2026-02-10 09:00:00","discharge_time":"2026-02-10 09:30:00","status":"closed"}`),
		ch(1, 5, bronze.OpRead, "emr.registration", "[102]", `{"reg_id":102,"patient_id":1,"visit_type":"O","dept_id":1,"doctor_id":7,"admit_time":"2026-02-20 09:00:00","discharge_time":"2026-02-20 09:30:00","status":"closed"}`),
		ch(1, 6, bronze.OpRead, "emr.registration", "[103]", `{"reg_id":103,"patient_id":1,"visit_type":"O","dept_id":1,"doctor_id":7,"admit_time":"2026-02-20 09:00:00","discharge_time":"2026-02-20 09:30:00","status":"closed"}`),
	}, bronze.Checkpoint{Position: "0/1", SnapshotDone: true}))
}

func TestBuildRunsDataQualityChecks(t *testing.T) {
	dir := t.TempDir()
	faultyFixture(t, filepath.Join(dir, "bronze"))
	res, err := transform.Build(context.Background(), transform.Options{BronzeDir: filepath.Join(dir, "bronze"),
		Store: cdm.NewStore(filepath.Join(dir, "cdm")), Now: func() time.Time { return at },
		DQThresholds: map[string]float64{"plausibleDuplicate": 0}})
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	p, ok := res.Snapshot.Path(dq.ResultsTable)
	require.True(t, ok)
	names, types := describe(t, db, p)
	assert.Equal(t, []string{"check_id", "check_name", "category", "subcategory", "check_level", "table_name", "field_name", "description",
		"num_violated_rows", "num_denominator_rows", "pct_violated_rows", "threshold_value", "failed", "sample_violations", "run_at"}, names)
	assert.Equal(t, []string{"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR",
		"BIGINT", "BIGINT", "DOUBLE", "DOUBLE", "BOOLEAN", "VARCHAR", "TIMESTAMP"}, types)
	sum := query(t, db, fmt.Sprintf("SELECT count(*) AS n, count(*) FILTER (WHERE failed) AS failed, min(run_at) AS run_at FROM read_parquet('%s')", p))[0]
	assert.EqualValues(t, res.DQChecks, sum["n"])
	assert.EqualValues(t, res.DQFailed, sum["failed"])
	assert.Equal(t, at, sum["run_at"])
	assert.Greater(t, res.DQChecks, 50)

	found := query(t, db, fmt.Sprintf(`SELECT check_id, num_violated_rows AS n, sample_violations AS s, failed FROM read_parquet('%s')
		WHERE check_id IN ('plausiblestartbeforeend_visit_occurrence_visit_start_datetime', 'plausiblestartbeforeend_visit_occurrence_visit_start_date',
		'plausibleafterbirth_visit_occurrence_visit_start_date', 'plausibleduplicate_visit_occurrence', 'plausibleageatvisit_visit_occurrence_visit_start_date')
		ORDER BY 1`, p))
	assert.Equal(t, []map[string]any{
		{"check_id": "plausibleafterbirth_visit_occurrence_visit_start_date", "n": int64(1), "s": "101", "failed": true},
		{"check_id": "plausibleageatvisit_visit_occurrence_visit_start_date", "n": int64(0), "s": nil, "failed": false},
		{"check_id": "plausibleduplicate_visit_occurrence", "n": int64(1), "s": "103", "failed": true},
		{"check_id": "plausiblestartbeforeend_visit_occurrence_visit_start_date", "n": int64(1), "s": "100", "failed": true},
		{"check_id": "plausiblestartbeforeend_visit_occurrence_visit_start_datetime", "n": int64(1), "s": "100", "failed": true},
	}, found, "the injected faults are found: discharge before admission, birth after admission, a duplicated registration")
}

// TestDQFindsTheHospitalsInjectedFaults builds the CDM of a generated
// hospital with injected faults (hospital/faults.go) and looks for each
// fault that reaches the CDM in the data-quality results.
func TestDQFindsTheHospitalsInjectedFaults(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDB(t, pgtest.Start(t), "hospital")
	until := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	truth := t.TempDir()
	_, err := hospital.Generate(ctx, db, hospital.Options{Patients: 60, Seed: 11, Until: until, Days: 365, FaultRate: 0.05, TruthDir: truth})
	require.NoError(t, err)
	root := t.TempDir()
	snapshotEMR(t, ctx, db, filepath.Join(root, "postgres"))
	var logged bytes.Buffer
	res, err := transform.Build(ctx, transform.Options{BronzeDir: root, Store: cdm.NewStore(filepath.Join(root, "cdm")),
		Now: func() time.Time { return until }, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	require.NoError(t, err)
	t.Log(strings.TrimSpace(logged.String()))

	faults := map[string][]int64{}
	f, err := os.Open(filepath.Join(truth, "faults.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	dec := json.NewDecoder(f)
	for dec.More() {
		var fl struct {
			Kind string `json:"kind"`
			ID   int64  `json:"id"`
		}
		require.NoError(t, dec.Decode(&fl))
		faults[fl.Kind] = append(faults[fl.Kind], fl.ID)
	}

	duck, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer duck.Close()
	p, _ := res.Snapshot.Path(dq.ResultsTable)
	result := func(id string) (int64, []string) {
		rows := query(t, duck, fmt.Sprintf("SELECT num_violated_rows AS n, coalesce(sample_violations, '') AS s FROM read_parquet('%s') WHERE check_id = '%s'", p, id))
		require.Len(t, rows, 1, "check %s ran", id)
		var samples []string
		if s := rows[0]["s"].(string); s != "" {
			samples = strings.Split(s, ", ")
		}
		return rows[0]["n"].(int64), samples
	}
	ids := func(xs []int64) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = fmt.Sprint(x)
		}
		return out
	}
	visitsOf := func(patients []int64) []string {
		var out []string
		vp, _ := res.Snapshot.Path("visit_occurrence")
		for _, r := range query(t, duck, fmt.Sprintf("SELECT visit_occurrence_id::VARCHAR AS v FROM read_parquet('%s') WHERE person_id IN (%s)", vp, strings.Join(ids(patients), ", "))) {
			out = append(out, r["v"].(string))
		}
		return out
	}

	require.NotEmpty(t, faults["discharge_before_admission"])
	n, samples := result("plausiblestartbeforeend_visit_occurrence_visit_start_datetime")
	assert.EqualValues(t, len(faults["discharge_before_admission"]), n, "every discharge before its admission is found")
	assert.Subset(t, ids(faults["discharge_before_admission"]), samples)

	require.NotEmpty(t, faults["birth_after_admission"])
	n, samples = result("plausibleafterbirth_visit_occurrence_visit_start_date")
	assert.Positive(t, n)
	assert.Subset(t, visitsOf(faults["birth_after_admission"]), samples, "visits before birth are those of the patients born after their admission")

	require.NotEmpty(t, faults["duplicate_registration"])
	n, samples = result("plausibleduplicate_visit_occurrence")
	assert.Positive(t, n)
	assert.LessOrEqual(t, n, int64(len(faults["duplicate_registration"])))
	assert.Subset(t, ids(faults["duplicate_registration"]), samples, "the duplicates are the injected registrations")

	if heights := faults["implausible_height"]; len(heights) > 0 {
		n, _ = result("plausiblevaluehigh_measurement_value_as_number_3036277")
		assert.EqualValues(t, len(heights), n, "every height ten times too tall is found")
	}
	if future := faults["future_date"]; len(future) > 0 {
		n, _ = result("plausiblevaluehigh_drug_exposure_drug_exposure_start_date")
		assert.EqualValues(t, len(future), n, "every immunization given after the build date is found")
	}
	t.Logf("faults injected: %v", func() map[string]int {
		m := map[string]int{}
		for k, v := range faults {
			m[k] = len(v)
		}
		return m
	}())
}
