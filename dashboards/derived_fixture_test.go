package dashboards_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/cdm/achilles"
	"github.com/cdw-dev/cdw/warehouse"
)

// dqResultsDDL is the dq_results table as the build writes it (package cdm/dq).
const dqResultsDDL = `CREATE TABLE dq_results (check_id VARCHAR, check_name VARCHAR, category VARCHAR, subcategory VARCHAR,
	check_level VARCHAR, table_name VARCHAR, field_name VARCHAR, description VARCHAR, num_violated_rows BIGINT,
	num_denominator_rows BIGINT, pct_violated_rows DOUBLE, threshold_value DOUBLE, failed BOOLEAN,
	sample_violations VARCHAR, run_at TIMESTAMP)`

// dqRows are six checks of the fixture, three of them failed (one per
// category); percentages and thresholds are in percent.
const dqRows = `INSERT INTO dq_results VALUES
	('isrequired_person_gender_concept_id', 'isRequired', 'Conformance', 'Relational', 'FIELD', 'person', 'gender_concept_id',
	 'person.gender_concept_id is required', 0, 5, 0.0, 0.0, false, NULL, TIMESTAMP '2024-03-15 09:00:00'),
	('isprimarykey_visit_occurrence_visit_occurrence_id', 'isPrimaryKey', 'Conformance', 'Relational', 'FIELD', 'visit_occurrence',
	 'visit_occurrence_id', 'visit_occurrence_id is unique', 0, 10, 0.0, 0.0, false, NULL, TIMESTAMP '2024-03-15 09:00:00'),
	('isforeignkey_note_visit_occurrence_id', 'isForeignKey', 'Conformance', 'Relational', 'FIELD', 'note', 'visit_occurrence_id',
	 'note.visit_occurrence_id refers to a visit', 1, 4, 25.0, 0.0, true, 'note_id=3', TIMESTAMP '2024-03-15 09:00:00'),
	('standardconceptrecordcompleteness_condition_occurrence_condition_concept_id', 'standardConceptRecordCompleteness',
	 'Completeness', 'Verification', 'FIELD', 'condition_occurrence', 'condition_concept_id',
	 'condition_concept_id is mapped to a standard concept', 3, 3, 100.0, 5.0, true, 'I21.9; J18.9; K35.8', TIMESTAMP '2024-03-15 09:00:00'),
	('plausiblestartbeforeend_visit_occurrence_visit_end_date', 'plausibleStartBeforeEnd', 'Plausibility', 'Temporal', 'FIELD',
	 'visit_occurrence', 'visit_end_date', 'visits end after they start', 0, 10, 0.0, 5.0, false, NULL, TIMESTAMP '2024-03-15 09:00:00'),
	('plausibleduringlife_person', 'plausibleDuringLife', 'Plausibility', 'Atemporal', 'TABLE', 'person', NULL,
	 'persons are alive during their records', 1, 5, 20.0, 5.0, true, 'person_id=5', TIMESTAMP '2024-03-15 09:00:00')`

// conceptRows name some of the fixture's concepts; the home visit 581476 is
// left out on purpose.
const conceptRows = `INSERT INTO concept VALUES
	(9201, 'Inpatient Visit', 'Visit', 'Visit', 'Visit', 'S', 'IP', '1970-01-01', '2099-12-31', NULL),
	(9202, 'Outpatient Visit', 'Visit', 'Visit', 'Visit', 'S', 'OP', '1970-01-01', '2099-12-31', NULL),
	(9203, 'Emergency Room Visit', 'Visit', 'Visit', 'Visit', 'S', 'ER', '1970-01-01', '2099-12-31', NULL),
	(32817, 'EHR', 'Type Concept', 'Type Concept', 'Type Concept', 'S', 'OMOP4976890', '1970-01-01', '2099-12-31', NULL)`

// derivedOptions says what a derived fixture snapshot holds besides the
// fixture's four OMOP tables.
type derivedOptions struct {
	concept  bool // the concept table (conceptRows)
	achilles bool // Achilles' three tables, computed by achilles.Run over the fixture
	dq       bool // dq_results (dqRows)
	dqEmpty  bool // dq_results without a row
}

// publishDerived publishes the fixture's OMOP tables plus the tables a
// build derives from them, as Parquet through the store, the way
// cdmtest.Publish does for OMOP tables alone.
func publishDerived(t *testing.T, store *cdm.Store, opts derivedOptions) cdm.Snapshot {
	t.Helper()
	ctx := context.Background()
	staged, err := store.Stage()
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	omop := append([]string(nil), allTables...)
	if opts.concept {
		omop = append(omop, "concept")
	}
	ddl, err := cdm.DDL("", omop...)
	require.NoError(t, err)
	stmts := []string{ddl}
	for _, name := range allTables {
		stmts = append(stmts, fixtureRows[name])
	}
	if opts.concept {
		stmts = append(stmts, conceptRows)
	}
	switch {
	case opts.dq:
		stmts = append(stmts, dqResultsDDL, dqRows)
	case opts.dqEmpty:
		stmts = append(stmts, dqResultsDDL)
	}
	for _, s := range stmts {
		_, err := conn.ExecContext(ctx, s)
		require.NoError(t, err, s)
	}
	tables := omop
	if opts.achilles {
		_, err := achilles.Run(ctx, conn, achilles.Options{})
		require.NoError(t, err)
		tables = append(tables, achilles.Tables()...)
	}
	if opts.dq || opts.dqEmpty {
		tables = append(tables, "dq_results")
	}
	meta := cdm.Snapshot{ID: fixtureSnapshotID, Created: time.Date(2024, 3, 15, 9, 0, 0, 0, time.UTC), Tables: map[string]cdm.TableFile{}}
	for _, name := range tables {
		file := name + ".parquet"
		_, err := conn.ExecContext(ctx, fmt.Sprintf("COPY %s TO '%s' (FORMAT parquet)", name, strings.ReplaceAll(filepath.Join(staged, file), "'", "''")))
		require.NoError(t, err, name)
		var n int64
		require.NoError(t, conn.QueryRowContext(ctx, "SELECT count(*) FROM "+name).Scan(&n))
		meta.Tables[name] = cdm.TableFile{File: file, Rows: n}
	}
	snap, err := store.Publish(staged, meta)
	require.NoError(t, err)
	return snap
}

// openDerived publishes a derived fixture snapshot and opens a warehouse on it.
func openDerived(t *testing.T, opts derivedOptions) *warehouse.Warehouse {
	t.Helper()
	store := cdm.NewStore(t.TempDir())
	publishDerived(t, store, opts)
	w, err := warehouse.Open(context.Background(), warehouse.Options{Store: store, Threads: 1})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, w.Close()) })
	return w
}

// fullDerived is a snapshot with everything a current build publishes.
var fullDerived = derivedOptions{concept: true, achilles: true, dq: true}
