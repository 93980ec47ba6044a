package cli_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/internal/cdmtest"
	"github.com/cdw-dev/cdw/transform"
)

// publishUnmapped publishes a snapshot holding PERSON (through cdmtest) and
// a cdw_unmapped table with the given rows, as a build writes them.
func publishUnmapped(t *testing.T, store *cdm.Store, rows string) {
	t.Helper()
	cdmtest.Publish(t, store, cdm.Snapshot{}, cdmtest.Exec(t, "INSERT INTO person (person_id, gender_concept_id, year_of_birth, race_concept_id, ethnicity_concept_id) VALUES (1, 8507, 1950, 0, 0)"), "person")
	snap, err := store.Current()
	require.NoError(t, err)
	staged, err := store.Stage()
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	tables := map[string]cdm.TableFile{}
	for name, tf := range snap.Tables {
		p, _ := snap.Path(name)
		_, err := db.Exec(fmt.Sprintf("COPY (SELECT * FROM read_parquet('%s')) TO '%s' (FORMAT parquet)", p, filepath.Join(staged, tf.File)))
		require.NoError(t, err)
		tables[name] = tf
	}
	file := transform.UnmappedTable + ".parquet"
	_, err = db.Exec(fmt.Sprintf(`COPY (SELECT * FROM (VALUES %s) u(source_table, source_column, vocabulary_id, source_code, source_name, records, persons))
		TO '%s' (FORMAT parquet)`, rows, filepath.Join(staged, file)))
	require.NoError(t, err)
	tables[transform.UnmappedTable] = cdm.TableFile{File: file, Rows: int64(strings.Count(rows, "("))}
	_, err = store.Publish(staged, cdm.Snapshot{Tables: tables})
	require.NoError(t, err)
}

// TestVocabUnmapped lists a snapshot's unmapped codes, most frequent first,
// in every format and up to --limit; a snapshot without the table and a bad
// flag are errors that say so.
func TestVocabUnmapped(t *testing.T) {
	data := t.TempDir()
	r := run(t, data, "vocab", "unmapped")
	assert.Equal(t, 1, r.code, "no snapshot yet")
	assert.Contains(t, r.stderr, "no CDM snapshot")

	store := cdm.NewStore(filepath.Join(data, "cdm"))
	cdmtest.Publish(t, store, cdm.Snapshot{}, cdmtest.Exec(t), "person")
	r = run(t, data, "vocab", "unmapped")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "has no cdw_unmapped table")

	publishUnmapped(t, store, `('measurement', 'measurement_source_value', 'LAB', 'L404', 'Ferritin', 3::BIGINT, 1::BIGINT),
		('condition_occurrence', 'condition_source_value', 'ICD10CN', 'X99.999', '未知病', 12::BIGINT, 9::BIGINT),
		('measurement', 'unit_source_value', 'UCUM', 'mg/L FEU', NULL, 7::BIGINT, 4::BIGINT)`)

	r = run(t, data, "vocab", "unmapped", "--format", "json")
	require.Zero(t, r.code, r.stderr)
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got), r.stdout)
	assert.Equal(t, []map[string]any{
		{"source_table": "condition_occurrence", "source_column": "condition_source_value", "vocabulary_id": "ICD10CN", "source_code": "X99.999", "source_name": "未知病", "records": 12.0, "persons": 9.0},
		{"source_table": "measurement", "source_column": "unit_source_value", "vocabulary_id": "UCUM", "source_code": "mg/L FEU", "source_name": nil, "records": 7.0, "persons": 4.0},
		{"source_table": "measurement", "source_column": "measurement_source_value", "vocabulary_id": "LAB", "source_code": "L404", "source_name": "Ferritin", "records": 3.0, "persons": 1.0},
	}, got)
	assert.Contains(t, r.stderr, "22 unmapped records in 3 source codes")

	r = run(t, data, "vocab", "unmapped", "--limit", "1", "--format", "csv")
	require.Zero(t, r.code, r.stderr)
	assert.Equal(t, "source_table,source_column,vocabulary_id,source_code,source_name,records,persons\ncondition_occurrence,condition_source_value,ICD10CN,X99.999,未知病,12,9\n", r.stdout)

	r = run(t, data, "vocab", "unmapped")
	require.Zero(t, r.code, r.stderr)
	assert.Regexp(t, `(?s)X99\.999.*mg/L FEU.*L404.*\(3 rows\)`, r.stdout)

	r = run(t, data, "vocab", "unmapped", "--limit", "-1")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--limit must not be negative")
}
