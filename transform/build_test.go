package transform_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/transform"
)

var at = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func ch(lsn, seq int64, op bronze.Op, table, key, data string) bronze.Change {
	return bronze.Change{LSN: lsn, Seq: seq, CommitTime: at, Op: op, Table: table, Key: key, Data: data}
}

func fixture(t *testing.T, dir string) {
	t.Helper()
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	defer log.Close()
	require.NoError(t, log.Append([]bronze.Change{
		ch(10, 1, bronze.OpRead, "emr.department", "[1]", `{"dept_id":1,"code":"CARD","name":"Cardiology","name_zh":"心内科","kind":"inpatient"}`),
		ch(10, 2, bronze.OpRead, "emr.staff", "[7]", `{"staff_id":7,"code":"E007","name":"Dr Li","sex":"F","birth_year":1975,"title":"attending","dept_id":1}`),
		ch(10, 3, bronze.OpRead, "emr.patient", "[1]", `{"patient_id":1,"mrn":"MRN1","name":"A","sex":"M","birth_date":"1950-02-03","address":"1 Road","city":"Hangzhou","province":"Zhejiang","postcode":"310000","created_at":"2020-01-01 00:00:00"}`),
		ch(10, 4, bronze.OpRead, "emr.patient", "[2]", `{"patient_id":2,"mrn":"MRN2","name":"B","sex":"F","birth_date":"1990-12-31","created_at":"2020-01-01 00:00:00"}`),
		ch(10, 5, bronze.OpRead, "emr.patient", "[3]", `{"patient_id":3,"mrn":"MRN3","name":"C","sex":"F","birth_date":null,"created_at":"2020-01-01 00:00:00"}`),
		ch(10, 6, bronze.OpRead, "emr.registration", "[100]", `{"reg_id":100,"patient_id":1,"visit_type":"I","dept_id":1,"doctor_id":7,"admit_time":"2026-02-01 10:00:00","discharge_time":"2026-02-05 12:00:00","disposition":"home","status":"closed"}`),
		ch(10, 7, bronze.OpRead, "emr.registration", "[101]", `{"reg_id":101,"patient_id":1,"visit_type":"O","dept_id":1,"doctor_id":7,"admit_time":"2026-02-20 09:00:00","discharge_time":"2026-02-20 09:30:00","status":"closed"}`),
		ch(10, 8, bronze.OpRead, "emr.registration", "[102]", `{"reg_id":102,"patient_id":2,"visit_type":"I","dept_id":1,"doctor_id":7,"admit_time":"2026-02-28 22:00:00","discharge_time":null,"status":"open"}`),
		ch(10, 9, bronze.OpRead, "emr.diagnosis", "[1000]", `{"diag_id":1000,"reg_id":100,"patient_id":1,"icd10":"I21.0","diag_name":"STEMI","is_main":true,"diag_time":"2026-02-01 11:00:00","doctor_id":7}`),
		ch(10, 10, bronze.OpRead, "emr.diagnosis", "[1001]", `{"diag_id":1001,"reg_id":100,"patient_id":1,"icd10":"I10","diag_name":"HTN","is_main":false,"diag_time":"2026-02-01 11:00:00","doctor_id":7}`),
		ch(10, 11, bronze.OpRead, "emr.diagnosis", "[1002]", `{"diag_id":1002,"reg_id":999,"patient_id":1,"icd10":"J18.9","diag_name":"orphan","is_main":true,"diag_time":"2026-02-01 11:00:00","doctor_id":7}`),
		ch(10, 12, bronze.OpRead, "emr.clinical_note", "[5000]", `{"note_id":5000,"reg_id":100,"patient_id":1,"note_type":"admission","title":"Admission note","language":"en","body":"Chief Complaint: chest pain","author_id":7,"written_at":"2026-02-01 10:30:00"}`),
	}, bronze.Checkpoint{Position: "0/10", SnapshotDone: true}))
	require.NoError(t, log.Append([]bronze.Change{
		ch(20, 1, bronze.OpUpdate, "emr.diagnosis", "[1001]", `{"diag_id":1001,"reg_id":100,"patient_id":1,"icd10":"I11.9","diag_name":"HHD","is_main":false,"diag_time":"2026-02-01 11:00:00","doctor_id":7}`),
		ch(21, 1, bronze.OpUpdate, "emr.clinical_note", "[5000]", `{"note_id":5000,"reg_id":100,"patient_id":1,"note_type":"admission","title":"Admission note (amended)","language":"en","author_id":7,"written_at":"2026-02-01 10:30:00"}`),
		ch(22, 1, bronze.OpDelete, "emr.registration", "[101]", ""),
		ch(23, 1, bronze.OpCreate, "emr.registration", "[103]", `{"reg_id":103,"patient_id":2,"visit_type":"E","dept_id":1,"doctor_id":7,"admit_time":"2026-01-10 03:00:00","discharge_time":"2026-01-10 06:00:00","status":"closed"}`),
	}, bronze.Checkpoint{Position: "0/30"}))
}

func query(t *testing.T, db *sql.DB, q string) []map[string]any {
	t.Helper()
	rows, err := db.Query(q)
	require.NoError(t, err)
	defer rows.Close()
	colNames, err := rows.Columns()
	require.NoError(t, err)
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(colNames))
		ptrs := make([]any, len(colNames))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		row := map[string]any{}
		for i, c := range colNames {
			row[c] = vals[i]
		}
		out = append(out, row)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestBuildMapsCurrentStateToOMOP(t *testing.T) {
	dir := t.TempDir()
	fixture(t, filepath.Join(dir, "bronze"))
	store := cdm.NewStore(filepath.Join(dir, "cdm"))
	opts := transform.Options{BronzeDir: filepath.Join(dir, "bronze"), Store: store, Now: func() time.Time { return at }}
	fresh, err := transform.UpToDate(opts)
	require.NoError(t, err)
	require.False(t, fresh)
	res, err := transform.Build(context.Background(), opts)
	require.NoError(t, err)
	fresh, err = transform.UpToDate(opts)
	require.NoError(t, err)
	require.True(t, fresh, "a second build would change nothing")

	for table, n := range map[string]int64{"person": 2, "visit_occurrence": 3, "condition_occurrence": 2, "note": 1,
		"observation_period": 2, "location": 1, "care_site": 1, "provider": 1, "cdw_quarantine": 2, "cdw_id_map": 0,
		"measurement": 0, "drug_exposure": 0, "procedure_occurrence": 0, "observation": 0, "condition_era": 1,
		"cdm_source": 1, "cdw_unmapped": 4} {
		assert.Equal(t, n, res.Rows[table], table)
	}
	var want []string
	for _, tbl := range cdm.Tables() {
		want = append(want, tbl.Name)
	}
	want = append(want, "cdw_quarantine", "cdw_id_map", "cdw_unmapped", "dq_results", "achilles_results", "achilles_results_dist", "achilles_analysis")
	assert.ElementsMatch(t, want, res.Snapshot.TableNames(), "all 39 OMOP tables and the build's own")
	assert.Equal(t, "0/30", res.Snapshot.SourceLSN)

	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	path := func(table string) string { p, ok := res.Snapshot.Path(table); require.True(t, ok); return p }

	cond := query(t, db, fmt.Sprintf("SELECT condition_occurrence_id AS id, condition_source_value AS code, condition_status_concept_id AS st FROM read_parquet('%s') ORDER BY 1", path("condition_occurrence")))
	assert.Equal(t, []map[string]any{{"id": int32(1000), "code": "I21.0", "st": int32(32902)}, {"id": int32(1001), "code": "I11.9", "st": int32(32908)}}, cond, "the corrected diagnosis is current")

	note := query(t, db, fmt.Sprintf("SELECT note_title, note_text FROM read_parquet('%s')", path("note")))
	assert.Equal(t, "Admission note (amended)", note[0]["note_title"])
	assert.Equal(t, "Chief Complaint: chest pain", note[0]["note_text"], "a column the update did not resend keeps its value")

	visits := query(t, db, fmt.Sprintf("SELECT visit_occurrence_id AS id, visit_concept_id AS c, visit_end_date AS e, visit_end_datetime AS et, preceding_visit_occurrence_id AS prev FROM read_parquet('%s') ORDER BY 1", path("visit_occurrence")))
	require.Len(t, visits, 3, "the deleted registration is gone")
	assert.Equal(t, int32(9201), visits[0]["c"])
	assert.Nil(t, visits[1]["et"], "an open stay has no end time")
	assert.Equal(t, at.Truncate(24*time.Hour), visits[1]["e"], "an open stay ends on the build date")
	assert.Equal(t, int32(103), visits[1]["prev"])

	q := query(t, db, fmt.Sprintf("SELECT source_table, source_key, reason FROM read_parquet('%s') ORDER BY 1", path("cdw_quarantine")))
	assert.Equal(t, []map[string]any{
		{"source_table": "emr.diagnosis", "source_key": "[1002]", "reason": "registration 999 is not in VISIT_OCCURRENCE"},
		{"source_table": "emr.patient", "source_key": "[3]", "reason": "no birth date"},
	}, q)
}

// TestBuildManyDeletes replays a table where thousands of row images are
// followed by deletes in files of their own, as live ingest writes them
// (a CI run once failed replaying a note delete whose data was an empty
// string, which DuckDB's JSON functions reject).
func TestBuildManyDeletes(t *testing.T) {
	dir := t.TempDir()
	log, err := bronze.Open(filepath.Join(dir, "bronze"))
	require.NoError(t, err)
	var batch []bronze.Change
	batch = append(batch,
		ch(1, 1, bronze.OpRead, "emr.patient", "[1]", `{"patient_id":1,"mrn":"MRN1","name":"A","sex":"M","birth_date":"1950-02-03","created_at":"2020-01-01 00:00:00"}`),
		ch(1, 2, bronze.OpRead, "emr.registration", "[100]", `{"reg_id":100,"patient_id":1,"visit_type":"I","dept_id":1,"doctor_id":7,"admit_time":"2026-02-01 10:00:00","discharge_time":"2026-02-05 12:00:00","status":"closed"}`))
	const notes = 30000
	for i := int64(1); i <= notes; i++ {
		key := fmt.Sprintf("[%d]", i)
		batch = append(batch, ch(2, i, bronze.OpCreate, "emr.clinical_note", key,
			fmt.Sprintf(`{"note_id":%d,"reg_id":100,"patient_id":1,"note_type":"progress","title":"t","language":"en","body":"b %d","author_id":7,"written_at":"2026-02-02 10:00:00"}`, i, i)))
	}
	batch = append(batch, ch(2, notes+1, bronze.OpCreate, "emr.clinical_note", "[999999]", `{"note_id":999999,`))
	require.NoError(t, log.Append(batch, bronze.Checkpoint{Position: "0/2", SnapshotDone: true}))
	for lsn := int64(3); lsn < 13; lsn++ { // deletes in files of their own, as live ingest writes them
		batch = nil
		for i := lsn - 2; i <= notes; i += 30 {
			batch = append(batch, ch(lsn, i, bronze.OpDelete, "emr.clinical_note", fmt.Sprintf("[%d]", i), ""))
		}
		require.NoError(t, log.Append(batch, bronze.Checkpoint{Position: fmt.Sprintf("0/%d", lsn)}))
	}
	require.NoError(t, log.Close())

	res, err := transform.Build(context.Background(), transform.Options{BronzeDir: filepath.Join(dir, "bronze"), Store: cdm.NewStore(filepath.Join(dir, "cdm"))})
	require.NoError(t, err)
	assert.EqualValues(t, notes-notes/3, res.Rows["note"])
	assert.EqualValues(t, 1, res.Rows["cdw_quarantine"], "the row whose data is not JSON is quarantined, not fatal")
}
