package transform_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/ingest/hl7"
	"github.com/cdw-dev/cdw/transform"
)

// readHL7 stores the HL7 archive at path in bronze through the HL7 door.
func readHL7(t *testing.T, root, path string) {
	t.Helper()
	log, err := bronze.Open(filepath.Join(root, ingest.SourceHL7))
	require.NoError(t, err)
	door, err := hl7.New(log, hl7.Options{Location: time.UTC})
	require.NoError(t, err)
	require.NoError(t, door.ReadFiles(context.Background(), path))
	require.NoError(t, door.Close())
	require.NoError(t, log.Close())
}

// TestBuildMapsHL7Messages: patients, visits, results and diagnoses from an
// HL7 feed reach the CDM; a corrected result replaces the first; a
// cancelled admission leaves no visit; a patient and visit the EMR already
// has are not added twice.
func TestBuildMapsHL7Messages(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "bronze")
	fixture(t, filepath.Join(root, ingest.SourcePostgres))
	readHL7(t, root, filepath.Join("testdata", "hl7_feed.hl7"))
	res, err := transform.Build(context.Background(), transform.Options{BronzeDir: root, Store: cdm.NewStore(filepath.Join(dir, "cdm")),
		Now: func() time.Time { return at }})
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	from := func(table string) string {
		p, ok := res.Snapshot.Path(table)
		require.True(t, ok, table)
		return fmt.Sprintf("read_parquet('%s')", p)
	}

	persons := query(t, db, "SELECT person_id >= 1000000000 AS hl7, person_source_value AS src, gender_concept_id AS g, year_of_birth AS y FROM "+from("person")+" ORDER BY src")
	assert.Equal(t, []map[string]any{
		{"hl7": true, "src": "M100", "g": int32(8532), "y": int32(1970)},
		{"hl7": true, "src": "M200", "g": int32(8507), "y": int32(1988)},
		{"hl7": false, "src": "MRN1", "g": int32(8507), "y": int32(1950)},
		{"hl7": false, "src": "MRN2", "g": int32(8532), "y": int32(1990)},
	}, persons, "MRN1 is the EMR's patient 1, not a second person")

	visits := query(t, db, "SELECT visit_source_value AS src, visit_concept_id AS c, visit_start_datetime AS s, visit_end_datetime AS e FROM "+from("visit_occurrence")+" WHERE visit_occurrence_id >= 1000000000")
	assert.Equal(t, []map[string]any{{"src": "V1", "c": int32(9201),
		"s": time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC), "e": time.Date(2026, 2, 5, 9, 0, 0, 0, time.UTC)}}, visits,
		"V1 admitted and discharged; V2 cancelled (A11); visit 100 is the EMR's")

	meas := query(t, db, "SELECT measurement_source_value AS code, value_as_number::DOUBLE AS v, unit_source_value AS u, range_low::DOUBLE AS lo, range_high::DOUBLE AS hi, visit_occurrence_id IS NOT NULL AS has_visit FROM "+from("measurement")+" ORDER BY code")
	assert.Equal(t, []map[string]any{
		{"code": "2160-0", "v": 150.0, "u": "umol/L", "lo": 59.0, "hi": 104.0, "has_visit": true},
		{"code": "LK", "v": 4.1, "u": "mmol/L", "lo": 3.5, "hi": 5.1, "has_visit": true},
	}, meas, "the corrected creatinine replaces the first; the EMR visit's troponin is left to the EMR")

	conds := query(t, db, "SELECT condition_source_value AS code, condition_status_concept_id AS st FROM "+from("condition_occurrence")+" WHERE condition_occurrence_id >= 1000000000 ORDER BY code")
	assert.Equal(t, []map[string]any{{"code": "I10", "st": int32(32908)}, {"code": "J18.9", "st": int32(32902)}}, conds)

	periods := query(t, db, "SELECT count(*) AS n FROM "+from("observation_period")+" WHERE person_id >= 1000000000")
	assert.Equal(t, int64(1), periods[0]["n"], "the HL7 visit gives its patient an observation period")

	// A second build gives every HL7 row the same id.
	res2, err := transform.Build(context.Background(), transform.Options{BronzeDir: root, Store: cdm.NewStore(filepath.Join(dir, "cdm")),
		Now: func() time.Time { return at }})
	require.NoError(t, err)
	ids := func(s cdm.Snapshot) []map[string]any {
		p, _ := s.Path("measurement")
		return query(t, db, fmt.Sprintf("SELECT measurement_id, person_id, visit_occurrence_id FROM read_parquet('%s') ORDER BY 1", p))
	}
	assert.Equal(t, ids(res.Snapshot), ids(res2.Snapshot))
}
