package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cmd/internal/pipeline"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/pgcluster"
	"github.com/cdw-dev/cdw/internal/pgtest"
	"github.com/cdw-dev/cdw/search"
	"github.com/cdw-dev/cdw/warehouse"
)

// demo runs pipeline.Demo until stopped.
type demo struct {
	cancel context.CancelFunc
	done   chan error
	url    string
}

func startDemo(t *testing.T, layout pipeline.Layout, live time.Duration) *demo {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &demo{cancel: cancel, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		d.done <- pipeline.Demo(ctx, pipeline.DemoOptions{
			Layout: layout, Addr: "127.0.0.1:0", Patients: 40, Seed: 7,
			LiveInterval: live, BuildInterval: 100 * time.Millisecond,
			Ready: func(url string) { ready <- url },
		})
	}()
	select {
	case d.url = <-ready:
	case err := <-d.done:
		t.Fatalf("demo stopped before it was ready: %v", err)
	case <-time.After(3 * time.Minute):
		t.Fatal("demo not ready within 3 minutes")
	}
	return d
}

func (d *demo) stop(t *testing.T) {
	t.Helper()
	d.cancel()
	select {
	case err := <-d.done:
		require.NoError(t, err)
	case <-time.After(time.Minute):
		t.Fatal("demo did not stop")
	}
}

// source starts the data directory's cluster first, so the demo attaches to
// it and the test can write while the pipeline is down.
func source(t *testing.T, layout pipeline.Layout) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	c, err := pgcluster.New(pgcluster.Options{Dir: layout.PG()})
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { c.Stop(context.Background()) })
	src, err := pipeline.StartSource(ctx, layout, nil)
	require.NoError(t, err)
	t.Cleanup(func() { src.Close() })
	return src.Pool
}

type counts struct{ Persons, Visits, Conditions, Notes int64 }

func sourceCounts(t *testing.T, pool *pgxpool.Pool) counts {
	t.Helper()
	var c counts
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM emr.patient), (SELECT count(*) FROM emr.registration),
		(SELECT count(*) FROM emr.diagnosis), (SELECT count(*) FROM emr.clinical_note)`).Scan(&c.Persons, &c.Visits, &c.Conditions, &c.Notes))
	return c
}

func cdmQuery(t *testing.T, layout pipeline.Layout, q string, dest ...any) {
	t.Helper()
	wh, err := warehouse.Open(context.Background(), warehouse.Options{Store: layout.Store()})
	require.NoError(t, err)
	defer wh.Close()
	rows, err := wh.Query(context.Background(), q)
	require.NoError(t, err)
	defer rows.Close()
	require.True(t, rows.Next(), "no row from %s", q)
	require.NoError(t, rows.Scan(dest...))
}

func cdmCounts(t *testing.T, layout pipeline.Layout) counts {
	var c counts
	cdmQuery(t, layout, `WITH `+cdmDiagnoses+` SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM visit_occurrence),
		(SELECT count(*) FROM diagnoses), (SELECT count(*) FROM note)`, &c.Persons, &c.Visits, &c.Conditions, &c.Notes)
	return c
}

// contentDigest fingerprints what the CDM must mirror of the source: every
// patient, registration, diagnosis (with its current code) and note id. A
// diagnosis whose code maps to a concept of another domain is in that
// domain's table, under the id cdw_id_map gives it (cdmDiagnoses).
const (
	cdmDiagnoses = `diagnoses AS (
		SELECT condition_occurrence_id::BIGINT AS id, condition_source_value AS code FROM condition_occurrence
		UNION ALL SELECT m.source_key::BIGINT, o.observation_source_value FROM observation o JOIN cdw_id_map m ON m.kind = 'emr.diagnosis' AND m.id = o.observation_id
		UNION ALL SELECT m.source_key::BIGINT, x.measurement_source_value FROM measurement x JOIN cdw_id_map m ON m.kind = 'emr.diagnosis' AND m.id = x.measurement_id
		UNION ALL SELECT m.source_key::BIGINT, p.procedure_source_value FROM procedure_occurrence p JOIN cdw_id_map m ON m.kind = 'emr.diagnosis' AND m.id = p.procedure_occurrence_id)`
	sourceDigest = `SELECT md5(concat_ws('|',
		(SELECT string_agg(patient_id::text, ',' ORDER BY patient_id) FROM emr.patient),
		(SELECT string_agg(reg_id::text, ',' ORDER BY reg_id) FROM emr.registration),
		(SELECT string_agg(diag_id || ':' || icd10, ',' ORDER BY diag_id) FROM emr.diagnosis),
		(SELECT string_agg(note_id::text, ',' ORDER BY note_id) FROM emr.clinical_note)))`
	cdmDigest = `WITH ` + cdmDiagnoses + ` SELECT md5(concat_ws('|',
		(SELECT string_agg(person_id::VARCHAR, ',' ORDER BY person_id) FROM person),
		(SELECT string_agg(visit_occurrence_id::VARCHAR, ',' ORDER BY visit_occurrence_id) FROM visit_occurrence),
		(SELECT string_agg(id || ':' || code, ',' ORDER BY id) FROM diagnoses),
		(SELECT string_agg(note_id::VARCHAR, ',' ORDER BY note_id) FROM note)))`
)

// waitConverged waits until the CDM mirrors the source row for row: the
// same ids in every mapped table and every diagnosis's current code.
func waitConverged(t *testing.T, pool *pgxpool.Pool, layout pipeline.Layout) counts {
	t.Helper()
	var want, got string
	require.Eventually(t, func() bool {
		require.NoError(t, pool.QueryRow(context.Background(), sourceDigest).Scan(&want))
		cdmQuery(t, layout, cdmDigest, &got)
		return want == got
	}, 60*time.Second, 200*time.Millisecond, "CDM should converge to the source")
	c := cdmCounts(t, layout)
	require.Equal(t, sourceCounts(t, pool), c)
	return c
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.NoError(t, json.Unmarshal(body, v), string(body))
}

func TestDemoEndToEnd(t *testing.T) {
	ctx := context.Background()
	layout := pipeline.Layout{Root: pgtest.TraversableTempDir(t)}
	pool := source(t, layout)
	d := startDemo(t, layout, -1)

	got := waitConverged(t, pool, layout)
	require.EqualValues(t, 40, got.Persons)
	require.Positive(t, got.Notes)
	startPos := bronzeManifest(t, layout).Position

	// An update, a delete and new rows in the EMR reach the CDM and the index.
	var diagID, noteID, regID, patientID int64
	require.NoError(t, pool.QueryRow(ctx, "SELECT min(diag_id) FROM emr.diagnosis").Scan(&diagID))
	require.NoError(t, pool.QueryRow(ctx, "SELECT min(note_id) FROM emr.clinical_note").Scan(&noteID))
	require.NoError(t, pool.QueryRow(ctx, "SELECT reg_id, patient_id FROM emr.registration ORDER BY reg_id LIMIT 1").Scan(&regID, &patientID))
	_, err := pool.Exec(ctx, "UPDATE emr.diagnosis SET icd10 = 'Z99.9' WHERE diag_id = $1", diagID)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, "DELETE FROM emr.clinical_note WHERE note_id = $1", noteID)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO emr.clinical_note (note_id, reg_id, patient_id, note_type, title, language, body, written_at)
		VALUES (9000001, $1, $2, 'progress', 'Progress note', 'en', 'Patient reports a zebrafish allergy.', now())`, regID, patientID)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var code string
		var gone, added int64
		cdmQuery(t, layout, fmt.Sprintf(`SELECT (SELECT condition_source_value FROM condition_occurrence WHERE condition_occurrence_id = %d),
			(SELECT count(*) FROM note WHERE note_id = %d), (SELECT count(*) FROM note WHERE note_id = 9000001)`, diagID, noteID), &code, &gone, &added)
		return code == "Z99.9" && gone == 0 && added == 1
	}, 60*time.Second, 200*time.Millisecond, "the update, the delete and the insert reach the CDM")
	waitConverged(t, pool, layout)
	assert.NotEqual(t, startPos, bronzeManifest(t, layout).Position, "the manifest LSN advances")

	// Search through the running server: the new note, and the demo's real notes.
	var res search.Result
	require.Eventually(t, func() bool {
		getJSON(t, d.url+"api/search?q=zebrafish", &res)
		return res.Total == 1
	}, 30*time.Second, 200*time.Millisecond)
	assert.EqualValues(t, 9000001, res.Hits[0].NoteID)
	assert.Contains(t, strings.Join(res.Hits[0].Snippets, " "), "<mark>zebrafish</mark>")
	getJSON(t, d.url+"api/search?q=chest+pain", &res)
	require.Positive(t, res.Total, "the synthetic notes mention chest pain")

	// The dashboards answer with the CDM's numbers.
	resp, err := http.Get(d.url)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "<html")
	var summary struct{ Persons int64 }
	getJSON(t, d.url+"api/summary", &summary)
	assert.Equal(t, got.Persons, summary.Persons)
	var status struct {
		Running   bool   `json:"running"`
		BronzeLSN string `json:"bronze_lsn"`
	}
	getJSON(t, d.url+"api/pipeline", &status)
	assert.True(t, status.Running)
	assert.NotEmpty(t, status.BronzeLSN)

	// The ingest door's lag and counts are Prometheus metrics.
	resp, err = http.Get(d.url + "metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Regexp(t, `(?m)^cdw_ingest_postgres_lag_bytes\{slot="cdw"\} \d+`, string(metrics))
	assert.Regexp(t, `(?m)^cdw_ingest_postgres_changes_appended_total\{slot="cdw"\} [1-9]`, string(metrics))
	assert.Regexp(t, `(?m)^cdw_bronze_changes_total\{source="postgres"\} [1-9]`, string(metrics), "every door's bronze log is exported")

	d.stop(t)
	// Changes while the pipeline is down arrive exactly once after a restart.
	_, err = pool.Exec(ctx, `INSERT INTO emr.diagnosis (diag_id, reg_id, patient_id, icd10, diag_name, is_main, diag_time)
		VALUES (9000001, $1, $2, 'R07.4', 'Chest pain', false, now())`, regID, patientID)
	require.NoError(t, err)
	d = startDemo(t, layout, -1)
	defer d.stop(t)
	waitConverged(t, pool, layout)
	assertNoDuplicates(t, layout)
}

// TestRestartMidStreamExactlyOnce stops the whole pipeline while the hospital
// is busy writing, restarts it, and checks that the CDM then holds every
// source row exactly once.
func TestRestartMidStreamExactlyOnce(t *testing.T) {
	layout := pipeline.Layout{Root: pgtest.TraversableTempDir(t)}
	pool := source(t, layout)
	for i, pause := range []time.Duration{700 * time.Millisecond, 1500 * time.Millisecond, 300 * time.Millisecond} {
		d := startDemo(t, layout, 5*time.Millisecond)
		time.Sleep(pause)
		d.stop(t)
		t.Logf("round %d: source %+v", i, sourceCounts(t, pool))
	}
	d := startDemo(t, layout, -1)
	defer d.stop(t)
	waitConverged(t, pool, layout)
	assertNoDuplicates(t, layout)
	var diff int64
	ctx := context.Background()
	rows, err := pool.Query(ctx, "SELECT diag_id, icd10 FROM emr.diagnosis ORDER BY diag_id")
	require.NoError(t, err)
	want := map[int64]string{}
	for rows.Next() {
		var id int64
		var code string
		require.NoError(t, rows.Scan(&id, &code))
		want[id] = code
	}
	require.NoError(t, rows.Err())
	wh, err := warehouse.Open(ctx, warehouse.Options{Store: layout.Store()})
	require.NoError(t, err)
	defer wh.Close()
	got, err := wh.Query(ctx, "SELECT condition_occurrence_id, condition_source_value FROM condition_occurrence")
	require.NoError(t, err)
	defer got.Close()
	for got.Next() {
		var id int64
		var code string
		require.NoError(t, got.Scan(&id, &code))
		if want[id] != code {
			diff++
		}
	}
	assert.Zero(t, diff, "every diagnosis in the CDM carries the source's current code")
}

func assertNoDuplicates(t *testing.T, layout pipeline.Layout) {
	t.Helper()
	for table, id := range map[string]string{"person": "person_id", "visit_occurrence": "visit_occurrence_id", "condition_occurrence": "condition_occurrence_id", "note": "note_id"} {
		var dups int64
		cdmQuery(t, layout, fmt.Sprintf("SELECT count(*) - count(DISTINCT %s) FROM %s", id, table), &dups)
		assert.Zero(t, dups, "duplicate ids in %s", table)
	}
}

func bronzeManifest(t *testing.T, layout pipeline.Layout) bronze.Manifest {
	t.Helper()
	m, err := bronze.ReadManifest(layout.BronzeSource(pipeline.PostgresSource))
	require.NoError(t, err)
	return m
}
