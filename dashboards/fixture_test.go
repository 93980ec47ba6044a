package dashboards_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/dashboards"
	"github.com/cdw-dev/cdw/internal/cdmtest"
	"github.com/cdw-dev/cdw/warehouse"
)

var (
	_ dashboards.Querier          = (*warehouse.Warehouse)(nil)
	_ dashboards.SnapshotReporter = (*warehouse.Warehouse)(nil)
)

// today is the fixture's "now": 2024-03-15, so the default 30-day window
// runs from 2024-02-15 to 2024-03-15.
var today = time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC)

const fixtureSnapshotID = "00000001-20240315T090000Z"

// fixtureRows fills the four tables the dashboards read. Visits (id: kind,
// start → end):
//
//	1 inpatient  03-01 08:00 → 03-05 08:00   discharged, 4.0 days
//	2 inpatient  03-10 12:00 → still admitted
//	3 inpatient  03-14 00:00 → still admitted
//	4 outpatient 03-01,  5 outpatient 03-12
//	6 emergency  03-12,  7 emergency  03-10
//	8 inpatient  01-10 10:00 → 01-12 10:00   discharged before the window, 2.0 days
//	9 home visit (581476) 03-13              counts as "other"
//	10 inpatient 02-20 12:00 → 02-22 00:00   discharged, 1.5 days
var fixtureRows = map[string]string{
	"person": `INSERT INTO person (person_id, gender_concept_id, year_of_birth, race_concept_id, ethnicity_concept_id)
		SELECT i, CASE WHEN i % 2 = 0 THEN 8507 ELSE 8532 END, 1950 + i, 0, 0 FROM range(1, 6) t(i)`,
	"visit_occurrence": `INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id,
		visit_start_date, visit_start_datetime, visit_end_date, visit_end_datetime, visit_type_concept_id) VALUES
		(1, 1, 9201, '2024-03-01', '2024-03-01 08:00', '2024-03-05', '2024-03-05 08:00', 32817),
		(2, 2, 9201, '2024-03-10', '2024-03-10 12:00', '2024-03-15', NULL, 32817),
		(3, 3, 9201, '2024-03-14', '2024-03-14 00:00', '2024-03-15', NULL, 32817),
		(4, 1, 9202, '2024-03-01', '2024-03-01 09:00', '2024-03-01', '2024-03-01 10:00', 32817),
		(5, 4, 9202, '2024-03-12', '2024-03-12 09:00', '2024-03-12', '2024-03-12 09:30', 32817),
		(6, 5, 9203, '2024-03-12', '2024-03-12 22:00', '2024-03-13', '2024-03-13 02:00', 32817),
		(7, 2, 9203, '2024-03-10', '2024-03-10 03:00', '2024-03-10', '2024-03-10 11:00', 32817),
		(8, 3, 9201, '2024-01-10', '2024-01-10 10:00', '2024-01-12', '2024-01-12 10:00', 32817),
		(9, 4, 581476, '2024-03-13', '2024-03-13 15:00', '2024-03-13', '2024-03-13 16:00', 32817),
		(10, 5, 9201, '2024-02-20', '2024-02-20 12:00', '2024-02-22', '2024-02-22 00:00', 32817)`,
	"condition_occurrence": `INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id,
		condition_start_date, condition_type_concept_id, visit_occurrence_id, condition_source_value) VALUES
		(1, 1, 0, '2024-03-01', 32817, 1, 'I21.9'),
		(2, 2, 0, '2024-03-10', 32817, 2, 'J18.9'),
		(3, 3, 0, '2024-03-14', 32817, 3, 'K35.8')`,
	"note": `INSERT INTO note (note_id, person_id, note_date, note_type_concept_id, note_class_concept_id,
		note_title, note_text, encoding_concept_id, language_concept_id, visit_occurrence_id) VALUES
		(1, 1, '2024-03-01', 32817, 0, 'Admission', 'Chest pain for three days.', 32678, 4180186, 1),
		(2, 1, '2024-03-05', 32817, 0, 'Discharge', 'Discharged home, stable.', 32678, 4180186, 1),
		(3, 2, '2024-03-10', 32817, 0, '入院记录', '患者主诉发热咳嗽三天。', 32678, 0, 2),
		(4, 3, '2024-03-14', 32817, 0, 'Admission', 'Right lower quadrant pain.', 32678, 4180186, 3)`,
}

// publish writes the named fixture tables to Parquet with DuckDB and
// publishes them as the store's current snapshot.
func publish(t *testing.T, store *cdm.Store, tables ...string) cdm.Snapshot {
	t.Helper()
	meta := cdm.Snapshot{ID: fixtureSnapshotID, Created: time.Date(2024, 3, 15, 9, 0, 0, 0, time.UTC)}
	return cdmtest.Publish(t, store, meta, func(db *sql.DB) {
		for _, name := range tables {
			_, err := db.Exec(fixtureRows[name])
			require.NoError(t, err, name)
		}
	}, tables...)
}

// allTables are the tables the dashboards read.
var allTables = []string{"person", "visit_occurrence", "condition_occurrence", "note"}

// openFixture publishes the fixture's tables and opens a warehouse on them.
func openFixture(t *testing.T, tables ...string) *warehouse.Warehouse {
	t.Helper()
	store := cdm.NewStore(t.TempDir())
	publish(t, store, tables...)
	w, err := warehouse.Open(context.Background(), warehouse.Options{Store: store, Threads: 1})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, w.Close()) })
	return w
}

// newServer returns a dashboards server over the full fixture at today;
// opts may set Status and Logger.
func newServer(t *testing.T, opts dashboards.Options) *dashboards.Server {
	t.Helper()
	if opts.Warehouse == nil {
		opts.Warehouse = openFixture(t, allTables...)
	}
	opts.Now = func() time.Time { return today }
	s, err := dashboards.New(opts)
	require.NoError(t, err)
	return s
}

// bufferLogger returns a logger writing text records to the buffer.
func bufferLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

// fixtureStatus is a running pipeline a little behind the source.
func fixtureStatus(context.Context) (dashboards.PipelineStatus, error) {
	return dashboards.PipelineStatus{
		SourceLSN:        "0/1A2B3C40",
		BronzeLSN:        "0/1A2B3C40",
		SnapshotLSN:      "0/1A2B0000",
		BronzeLagBytes:   0,
		SnapshotLagBytes: 15424,
		Snapshot:         fixtureSnapshotID,
		SnapshotCreated:  time.Date(2024, 3, 15, 9, 0, 0, 0, time.UTC),
		IndexedSnapshot:  "00000000-20240315T080000Z",
		LastChange:       time.Date(2024, 3, 15, 9, 59, 48, 0, time.UTC),
		Stages: []dashboards.Stage{
			{Name: "cdc", Status: dashboards.StageOK, Detail: "streaming", UpdatedAt: time.Date(2024, 3, 15, 9, 59, 50, 0, time.UTC)},
			{Name: "transform", Status: dashboards.StageBehind, Detail: "15 KiB of WAL not yet in the CDM", UpdatedAt: time.Date(2024, 3, 15, 9, 0, 0, 0, time.UTC)},
			{Name: "search", Status: dashboards.StageError, Detail: "index build failed: disk full", UpdatedAt: time.Date(2024, 3, 15, 8, 0, 0, 0, time.UTC)},
		},
		Doors: []dashboards.Door{
			{Source: "hl7", Position: `{"mllp":"ctl-9912"}`, Changes: 1204, Rate: 3.5, Errors: 2, LastChange: time.Date(2024, 3, 15, 9, 59, 40, 0, time.UTC)},
			{Source: "postgres", Position: "0/1A2B3C40", Changes: 98765, Rate: 120.25, LastChange: time.Date(2024, 3, 15, 9, 59, 48, 0, time.UTC)},
		},
		CheckedAt: today,
	}, nil
}
