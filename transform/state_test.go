package transform_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/transform"
)

// TestIncrementalBuildEqualsFull builds, changes bronze (inserts, updates,
// an update omitting an unchanged column, deletes, a truncate, a table
// touched for the first time), builds again incrementally from the first
// snapshot's replay state, and checks every published table equals, row for
// row, a full build of the same bronze into a fresh store.
func TestIncrementalBuildEqualsFull(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "bronze")
	src := filepath.Join(root, "postgres")
	fixture(t, src)
	writeClinicalFixture(t, src)
	store := cdm.NewStore(filepath.Join(dir, "cdm"))
	opts := transform.Options{BronzeDir: root, Store: store, Now: func() time.Time { return at }}
	first, err := transform.Build(context.Background(), opts)
	require.NoError(t, err)
	assert.Contains(t, first.Replay, "full (no previous snapshot)")

	appendChanges(t, src, bronze.Checkpoint{Position: "0/40"},
		ch(40, 1, bronze.OpCreate, "emr.patient", "[4]", `{"patient_id":4,"mrn":"MRN4","name":"D","sex":"M","birth_date":"1960-05-05","created_at":"2026-02-01 00:00:00"}`),
		ch(40, 2, bronze.OpCreate, "emr.registration", "[104]", `{"reg_id":104,"patient_id":4,"visit_type":"O","dept_id":1,"doctor_id":7,"admit_time":"2026-02-27 09:00:00","discharge_time":"2026-02-27 09:40:00","status":"closed"}`),
		ch(40, 3, bronze.OpCreate, "emr.diagnosis", "[1003]", `{"diag_id":1003,"reg_id":104,"patient_id":4,"icd10":"I10","diag_name":"HTN","is_main":true,"diag_time":"2026-02-27 09:10:00","doctor_id":7}`),
		ch(41, 1, bronze.OpUpdate, "emr.clinical_note", "[5000]", `{"note_id":5000,"reg_id":100,"patient_id":1,"note_type":"admission","title":"Admission note (second amendment)","language":"en","author_id":7,"written_at":"2026-02-01 10:30:00"}`),
		ch(42, 1, bronze.OpUpdate, "emr.registration", "[102]", `{"reg_id":102,"patient_id":2,"visit_type":"I","dept_id":1,"doctor_id":7,"admit_time":"2026-02-28 22:00:00","discharge_time":"2026-03-01 07:00:00","disposition":"home","status":"closed"}`),
		ch(43, 1, bronze.OpDelete, "emr.diagnosis", "[1001]", ""),
		ch(44, 1, bronze.OpTruncate, "emr.allergy", "[]", ""),
		ch(45, 1, bronze.OpCreate, "emr.ward", "[9]", `{"ward_id":9,"code":"W9","name":"Ward 9","name_zh":"九病区","dept_id":1,"beds":20}`),
	)
	second, err := transform.Build(context.Background(), opts)
	require.NoError(t, err)
	assert.Contains(t, second.Replay, "incremental from "+first.Snapshot.ID)
	assert.Contains(t, second.Replay, "unchanged", "tables with nothing new keep their state")

	fresh := cdm.NewStore(filepath.Join(dir, "fresh"))
	full, err := transform.Build(context.Background(), transform.Options{BronzeDir: root, Store: fresh, Now: func() time.Time { return at }})
	require.NoError(t, err)
	assert.Contains(t, full.Replay, "full")

	db := openDuckDB(t)
	require.Equal(t, full.Snapshot.TableNames(), second.Snapshot.TableNames())
	for _, name := range full.Snapshot.TableNames() {
		if name == "cdm_source" || name == "metadata" || name == "dq_results" {
			continue // they describe the build itself: its id, time and duration
		}
		a, _ := second.Snapshot.Path(name)
		b, _ := full.Snapshot.Path(name)
		diff := query(t, db, fmt.Sprintf(`SELECT count(*) AS n FROM ((SELECT * FROM read_parquet('%[1]s') EXCEPT ALL SELECT * FROM read_parquet('%[2]s'))
			UNION ALL (SELECT * FROM read_parquet('%[2]s') EXCEPT ALL SELECT * FROM read_parquet('%[1]s')))`, a, b))
		assert.Equal(t, int64(0), diff[0]["n"], "%s: incremental and full builds differ", name)
		assert.Equal(t, full.Rows[name], second.Rows[name], name)
	}
	for view := range full.Snapshot.State {
		a, _ := second.Snapshot.StatePath(view)
		b, _ := full.Snapshot.StatePath(view)
		diff := query(t, db, fmt.Sprintf(`SELECT count(*) AS n FROM ((SELECT * FROM read_parquet('%[1]s') EXCEPT ALL SELECT * FROM read_parquet('%[2]s'))
			UNION ALL (SELECT * FROM read_parquet('%[2]s') EXCEPT ALL SELECT * FROM read_parquet('%[1]s')))`, a, b))
		assert.Equal(t, int64(0), diff[0]["n"], "replay state of %s differs", view)
	}
	assert.Equal(t, int64(3), second.Rows["person"], "the new patient is in")
}

// TestBuildIsFullWhenBronzeWasReset: a source that took a new initial
// snapshot (or shrank) makes the next build replay everything.
func TestBuildIsFullWhenBronzeWasReset(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "bronze")
	fixture(t, filepath.Join(root, "postgres"))
	store := cdm.NewStore(filepath.Join(dir, "cdm"))
	opts := transform.Options{BronzeDir: root, Store: store, Now: func() time.Time { return at }}
	_, err := transform.Build(context.Background(), opts)
	require.NoError(t, err)

	log, err := bronze.Open(filepath.Join(root, "postgres"))
	require.NoError(t, err)
	require.NoError(t, log.Reset())
	require.NoError(t, log.Append([]bronze.Change{
		ch(90, 1, bronze.OpRead, "emr.patient", "[7]", `{"patient_id":7,"mrn":"MRN7","name":"G","sex":"F","birth_date":"1977-07-07","created_at":"2026-01-01 00:00:00"}`),
	}, bronze.Checkpoint{Position: "0/90", SnapshotDone: true, SnapshotPosition: "0/90"}))
	require.NoError(t, log.Close())
	res, err := transform.Build(context.Background(), opts)
	require.NoError(t, err)
	assert.Contains(t, res.Replay, "full (bronze source")
	assert.Equal(t, int64(1), res.Rows["person"], "nothing of the old bronze survives")

	opts.Full = true
	res, err = transform.Build(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, "full (a full build was asked for)", res.Replay)
}
