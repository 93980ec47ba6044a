package debezium

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTransformReadsTheFixture replays the golden fixture's bronze files the
// way transform does (transform/source.go: order by (lsn, seq), the latest
// change per key decides, each column is TRY_CAST from its JSON text to the
// EMR type) and checks every value arrives typed, with the values the events
// carried: proof that this door's text forms are the PostgreSQL door's.
func TestTransformReadsTheFixture(t *testing.T) {
	dir := t.TempDir()
	d, _ := openDoor(t, dir, Options{})
	require.NoError(t, d.ReadFiles(t.Context(), fixture("events.ndjson")))
	m := d.log.Manifest()

	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()

	// The column types of transform's emrTables.
	tables := map[string]string{
		"emr.patient":      "patient_id BIGINT, mrn VARCHAR, name VARCHAR, sex VARCHAR, birth_date DATE, phone VARCHAR, address VARCHAR, city VARCHAR, province VARCHAR, postcode VARCHAR, created_at TIMESTAMP",
		"emr.registration": "reg_id BIGINT, patient_id BIGINT, visit_type VARCHAR, dept_id INTEGER, doctor_id INTEGER, admit_time TIMESTAMP, discharge_time TIMESTAMP, admit_source VARCHAR, disposition VARCHAR, status VARCHAR",
		"emr.diagnosis":    "diag_id BIGINT, reg_id BIGINT, patient_id BIGINT, icd10 VARCHAR, diag_name VARCHAR, is_main BOOLEAN, diag_time TIMESTAMP, doctor_id INTEGER",
		"emr.staff":        "staff_id INTEGER, code VARCHAR, name VARCHAR, sex VARCHAR, birth_year INTEGER, title VARCHAR, dept_id INTEGER",
	}
	got := map[string][]string{}
	for table, spec := range tables {
		files := m.Paths(dir, table)
		require.NotEmpty(t, files, table)
		var sel, check []string
		for _, f := range strings.Split(spec, ",") {
			parts := strings.Fields(f)
			path := "'$." + parts[0] + "'"
			sel = append(sel, fmt.Sprintf("TRY_CAST(json_extract(data, %s) ->> '$' AS %s)::VARCHAR", path, parts[1]))
			// A value present in the JSON must survive the cast.
			check = append(check, fmt.Sprintf("(json_extract(data, %s) ->> '$' IS NULL OR TRY_CAST(json_extract(data, %s) ->> '$' AS %s) IS NOT NULL)", path, path, parts[1]))
		}
		q := fmt.Sprintf(`WITH ev AS (SELECT lsn, seq, op, key, data FROM read_parquet(['%s'])),
latest AS (SELECT key, arg_max(op, lsn::HUGEINT * 4294967296 + seq) AS op, arg_max(data, lsn::HUGEINT * 4294967296 + seq) AS data FROM ev GROUP BY key)
SELECT concat_ws('|', %s), %s FROM latest WHERE op <> 'd' ORDER BY key`, strings.Join(files, "','"), strings.Join(sel, ", "), strings.Join(check, " AND "))
		rows, err := db.QueryContext(t.Context(), q)
		require.NoError(t, err, table)
		for rows.Next() {
			var row string
			var ok bool
			require.NoError(t, rows.Scan(&row, &ok))
			assert.True(t, ok, "%s: a value did not cast: %s", table, row)
			got[table] = append(got[table], row)
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	assert.Equal(t, []string{"101|MRN000101|王伟|M|1958-04-12|13900000101|88 Renmin Rd <Bldg 3>|Hangzhou|Zhejiang|310000|2026-02-27 08:15:00.25"}, got["emr.patient"], "102 was deleted")
	assert.Equal(t, []string{"5001|101|inpatient|3|42|2026-03-01 10:05:00|2026-03-05 11:00:00|emergency|home|discharged"}, got["emr.registration"])
	assert.Equal(t, []string{"9001|5001|101|I21.9|急性心肌梗死|true|2026-03-01 10:30:00.5|42"}, got["emr.diagnosis"])
	assert.Equal(t, []string{"42|D042|张敏|F|1975|chief physician|3"}, got["emr.staff"])
}
