package dq_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm/dq"
	"github.com/cdw-dev/cdw/internal/cdmtest"
)

var buildDate = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// base is a small CDM that passes every check.
var base = []string{
	`INSERT INTO concept VALUES
	 (8507, 'MALE', 'Gender', 'Gender', 'Gender', 'S', 'M', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (8532, 'FEMALE', 'Gender', 'Gender', 'Gender', 'S', 'F', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (9201, 'Inpatient Visit', 'Visit', 'Visit', 'Visit', 'S', 'IP', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (32817, 'EHR', 'Type Concept', 'Type Concept', 'Type Concept', 'S', 'OMOP4976890', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (201826, 'Type 2 diabetes mellitus', 'Condition', 'SNOMED', 'Clinical Finding', 'S', '44054006', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (45576876, 'Type 2 diabetes mellitus', 'Condition', 'ICD10CM', '4-char billing code', NULL, 'E11.9', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (3027018, 'Heart rate', 'Measurement', 'LOINC', 'Clinical Observation', 'S', '8867-4', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (3020891, 'Body temperature', 'Measurement', 'LOINC', 'Clinical Observation', 'S', '8310-5', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (3036277, 'Body height', 'Measurement', 'LOINC', 'Clinical Observation', 'S', '8302-2', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (8541, 'per minute', 'Unit', 'UCUM', 'Unit', 'S', '/min', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (586323, 'degree Celsius', 'Unit', 'UCUM', 'Unit', 'S', 'Cel', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (8582, 'centimeter', 'Unit', 'UCUM', 'Unit', 'S', 'cm', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (1503297, 'metformin', 'Drug', 'RxNorm', 'Ingredient', 'S', '6809', DATE '1970-01-01', DATE '2099-12-31', NULL),
	 (1503328, 'metformin 500 MG Oral Tablet', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '861007', DATE '1970-01-01', DATE '2099-12-31', NULL)`,
	`INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, birth_datetime, race_concept_id, ethnicity_concept_id) VALUES
	 (1, 8507, 1950, 2, 3, TIMESTAMP '1950-02-03 00:00:00', 0, 0),
	 (2, 8532, 1990, 12, 31, NULL, 0, 0)`,
	`INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_start_datetime, visit_end_date, visit_end_datetime, visit_type_concept_id) VALUES
	 (10, 1, 9201, DATE '2026-02-01', TIMESTAMP '2026-02-01 10:00:00', DATE '2026-02-05', TIMESTAMP '2026-02-05 12:00:00', 32817),
	 (11, 2, 9201, DATE '2026-02-10', TIMESTAMP '2026-02-10 09:00:00', DATE '2026-02-12', TIMESTAMP '2026-02-12 12:00:00', 32817)`,
	`INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id, condition_start_date, condition_type_concept_id, visit_occurrence_id, condition_source_concept_id) VALUES
	 (100, 1, 201826, DATE '2026-02-01', 32817, 10, 45576876),
	 (101, 2, 201826, DATE '2026-02-10', 32817, 11, 45576876)`,
	`INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, measurement_type_concept_id, value_as_number, unit_concept_id, visit_occurrence_id, unit_source_value) VALUES
	 (1000, 1, 3027018, DATE '2026-02-02', 32817, 80, 8541, 10, '/min'),
	 (1001, 1, 3020891, DATE '2026-02-02', 32817, 37.2, 586323, 10, 'Cel'),
	 (1002, 1, 3036277, DATE '2026-02-02', 32817, 170, 8582, 10, 'cm')`,
	`INSERT INTO drug_era VALUES (1, 1, 1503297, DATE '2026-02-01', DATE '2026-02-20', 1, 0)`,
}

var tables = []string{"concept", "person", "visit_occurrence", "condition_occurrence", "measurement", "drug_era", "provider"}

// setup creates the tables without their NOT NULL constraints (as views
// over Parquet have none), fills them with base and then with extra.
func setup(t *testing.T, extra ...string) *sql.Conn {
	t.Helper()
	conn := cdmtest.Conn(t, "?threads=1", func(ddl string) string { return strings.ReplaceAll(ddl, " NOT NULL", " NULL") }, tables...)
	for _, s := range append(append([]string(nil), base...), extra...) {
		_, err := conn.ExecContext(context.Background(), s)
		require.NoError(t, err, s)
	}
	return conn
}

type result struct {
	violated, denominator int64
	pct, threshold        float64
	failed                bool
	sample                sql.NullString
	category, level       string
}

func results(t *testing.T, conn *sql.Conn) map[string]result {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), `SELECT check_id, num_violated_rows, num_denominator_rows, pct_violated_rows,
		threshold_value, failed, sample_violations, category, check_level FROM dq_results`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]result{}
	for rows.Next() {
		var id string
		var r result
		require.NoError(t, rows.Scan(&id, &r.violated, &r.denominator, &r.pct, &r.threshold, &r.failed, &r.sample, &r.category, &r.level))
		_, dup := out[id]
		require.False(t, dup, "check ids are unique: %s", id)
		out[id] = r
	}
	require.NoError(t, rows.Err())
	return out
}

func TestCleanDataPasses(t *testing.T) {
	conn := setup(t)
	sum, err := dq.Run(context.Background(), conn, dq.Options{Now: buildDate})
	require.NoError(t, err)
	res := results(t, conn)
	for id, r := range res {
		assert.False(t, r.failed, "%s fails on clean data: %+v", id, r)
		assert.Zero(t, r.violated, "%s", id)
	}
	assert.Equal(t, len(res), sum.Checks)
	assert.Equal(t, sum.Checks, sum.Passed)
	assert.Zero(t, sum.Failed)
	for _, id := range []string{"isrequired_person_gender_concept_id", "isprimarykey_visit_occurrence_visit_occurrence_id",
		"isforeignkey_condition_occurrence_person_id", "isforeignkey_condition_occurrence_condition_concept_id",
		"fkdomain_condition_occurrence_condition_concept_id", "isstandardvalidconcept_condition_occurrence_condition_concept_id",
		"fkclass_drug_era_drug_concept_id", "cdmtable_person", "plausibleduplicate_visit_occurrence",
		"plausiblestartbeforeend_visit_occurrence_visit_start_date", "plausiblevaluehigh_measurement_measurement_date",
		"plausibleafterbirth_condition_occurrence_condition_start_date", "plausibleageatvisit_visit_occurrence_visit_start_date",
		"plausiblevaluehigh_measurement_value_as_number_3027018", "plausibleunitconceptids_measurement_unit_concept_id_3036277",
		"measurevaluecompleteness_measurement_value_as_number", "standardconceptrecordcompleteness_condition_occurrence_condition_concept_id"} {
		assert.Contains(t, res, id)
	}
	assert.NotContains(t, res, "isrequired_provider_provider_id", "an empty table is not checked")
	var temp int
	require.NoError(t, conn.QueryRowContext(context.Background(), "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('dq_concept', 'dq_birth')").Scan(&temp))
	assert.Zero(t, temp, "Run drops its lookups")
	assert.NotContains(t, res, "isrequired_concept_concept_id", "vocabulary tables are not checked")
	assert.Equal(t, int64(2), res["isrequired_person_gender_concept_id"].denominator)
	assert.Equal(t, dq.Conformance, res["isrequired_person_gender_concept_id"].category)
	assert.Equal(t, "CONCEPT", res["plausiblevaluehigh_measurement_value_as_number_3027018"].level)
	assert.Equal(t, int64(1), res["plausiblevaluehigh_measurement_value_as_number_3027018"].denominator)
}

// TestEachCheckFindsItsFault adds one fault to the clean data per case and
// expects the check made for it to find exactly the faulty rows and fail.
func TestEachCheckFindsItsFault(t *testing.T) {
	cases := []struct {
		name, check string
		fault       []string
		violated    int64
		sample      string
	}{
		{"required field is NULL", "isrequired_person_year_of_birth",
			[]string{"UPDATE person SET year_of_birth = NULL WHERE person_id = 2"}, 1, "2"},
		{"primary key repeated", "isprimarykey_visit_occurrence_visit_occurrence_id",
			[]string{"INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_end_date, visit_type_concept_id) VALUES (11, 1, 9201, DATE '2026-01-01', DATE '2026-01-02', 32817)"}, 2, "11, 11"},
		{"person missing", "isforeignkey_condition_occurrence_person_id",
			[]string{"UPDATE condition_occurrence SET person_id = 99 WHERE condition_occurrence_id = 101"}, 1, "101"},
		{"visit missing", "isforeignkey_measurement_visit_occurrence_id",
			[]string{"UPDATE measurement SET visit_occurrence_id = 77 WHERE measurement_id = 1001"}, 1, "1001"},
		{"samples in numeric order", "isforeignkey_visit_occurrence_person_id",
			[]string{"INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_end_date, visit_type_concept_id) SELECT i, 99, 9201, DATE '2026-01-01', DATE '2026-01-02', 32817 FROM range(100, 5, -7) r(i)"}, 14, "9, 16, 23, 30, 37"},
		{"concept missing", "isforeignkey_condition_occurrence_condition_concept_id",
			[]string{"UPDATE condition_occurrence SET condition_concept_id = 12345 WHERE condition_occurrence_id = 100"}, 1, "100"},
		{"concept of another domain", "fkdomain_condition_occurrence_condition_concept_id",
			[]string{"UPDATE condition_occurrence SET condition_concept_id = 3027018 WHERE condition_occurrence_id = 100"}, 1, "100"},
		{"non-standard concept", "isstandardvalidconcept_condition_occurrence_condition_concept_id",
			[]string{"UPDATE condition_occurrence SET condition_concept_id = 45576876 WHERE condition_occurrence_id = 101"}, 1, "101"},
		{"era of a clinical drug, not an ingredient", "fkclass_drug_era_drug_concept_id",
			[]string{"UPDATE drug_era SET drug_concept_id = 1503328"}, 1, "1"},
		{"unmapped record", "standardconceptrecordcompleteness_condition_occurrence_condition_concept_id",
			[]string{"UPDATE condition_occurrence SET condition_concept_id = 0 WHERE condition_occurrence_id = 100"}, 1, "100"},
		{"discharge before admission", "plausiblestartbeforeend_visit_occurrence_visit_start_datetime",
			[]string{"UPDATE visit_occurrence SET visit_end_datetime = TIMESTAMP '2026-02-10 08:00:00' WHERE visit_occurrence_id = 11"}, 1, "11"},
		{"date in the future", "plausiblevaluehigh_measurement_measurement_date",
			[]string{"UPDATE measurement SET measurement_date = DATE '2027-05-01' WHERE measurement_id = 1002"}, 1, "1002"},
		{"event before birth", "plausibleafterbirth_condition_occurrence_condition_start_date",
			[]string{"UPDATE condition_occurrence SET condition_start_date = DATE '1990-12-30' WHERE condition_occurrence_id = 101"}, 1, "101"},
		{"implausible age", "plausibleageatvisit_visit_occurrence_visit_start_date",
			[]string{"UPDATE person SET year_of_birth = 1850, birth_datetime = NULL WHERE person_id = 1"}, 1, "10"},
		{"duplicate visit", "plausibleduplicate_visit_occurrence",
			[]string{"INSERT INTO visit_occurrence SELECT * REPLACE (12 AS visit_occurrence_id, 11 AS preceding_visit_occurrence_id) FROM visit_occurrence WHERE visit_occurrence_id = 10"}, 1, "12"},
		{"heart rate too high", "plausiblevaluehigh_measurement_value_as_number_3027018",
			[]string{"UPDATE measurement SET value_as_number = 400 WHERE measurement_id = 1000"}, 1, "1000"},
		{"temperature too low", "plausiblevaluelow_measurement_value_as_number_3020891",
			[]string{"UPDATE measurement SET value_as_number = 20 WHERE measurement_id = 1001"}, 1, "1001"},
		{"height ten times too tall", "plausiblevaluehigh_measurement_value_as_number_3036277",
			[]string{"UPDATE measurement SET value_as_number = 1700 WHERE measurement_id = 1002"}, 1, "1002"},
		{"height in beats per minute", "plausibleunitconceptids_measurement_unit_concept_id_3036277",
			[]string{"UPDATE measurement SET unit_concept_id = 8541 WHERE measurement_id = 1002"}, 1, "1002"},
		{"value without unit", "measureunitcompleteness_measurement_unit_concept_id",
			[]string{"UPDATE measurement SET unit_concept_id = 0, unit_source_value = NULL WHERE measurement_id = 1001"}, 1, "1001"},
		{"measurement without value", "measurevaluecompleteness_measurement_value_as_number",
			[]string{"UPDATE measurement SET value_as_number = NULL WHERE measurement_id = 1000"}, 1, "1000"},
		{"column not in the spec", "cdmtable_person",
			[]string{"ALTER TABLE person ADD COLUMN nickname VARCHAR"}, 1, "nickname is not in the spec"},
		{"column of another type", "cdmtable_drug_era",
			[]string{"ALTER TABLE drug_era ALTER drug_exposure_count TYPE VARCHAR"}, 1, "drug_exposure_count is VARCHAR, not INTEGER"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn := setup(t, tc.fault...)
			sum, err := dq.Run(context.Background(), conn, dq.Options{Now: buildDate})
			require.NoError(t, err)
			res := results(t, conn)
			r, ok := res[tc.check]
			require.True(t, ok, "check %s ran", tc.check)
			assert.Equal(t, tc.violated, r.violated)
			assert.True(t, r.failed, "%+v", r)
			assert.Equal(t, tc.sample, r.sample.String)
			assert.InDelta(t, 100*float64(r.violated)/float64(r.denominator), r.pct, 1e-9)
			assert.GreaterOrEqual(t, sum.Failed, 1)
			assert.Equal(t, sum.Checks, sum.Passed+sum.Failed)
		})
	}
}

func TestThresholds(t *testing.T) {
	var rows []string
	for i := 0; i < 39; i++ {
		rows = append(rows, "("+strconv.Itoa(2000+i)+", 1, 3027018, DATE '2026-02-02', 32817, 70, 8541, 10, '/min')")
	}
	fault := []string{
		"INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, measurement_type_concept_id, value_as_number, unit_concept_id, visit_occurrence_id, unit_source_value) VALUES " + strings.Join(rows, ", "),
		"UPDATE measurement SET value_as_number = 400 WHERE measurement_id = 1000",
	}
	const id = "plausiblevaluehigh_measurement_value_as_number_3027018"

	conn := setup(t, fault...)
	_, err := dq.Run(context.Background(), conn, dq.Options{Now: buildDate})
	require.NoError(t, err)
	r := results(t, conn)[id]
	assert.Equal(t, int64(1), r.violated)
	assert.Equal(t, int64(40), r.denominator)
	assert.InDelta(t, 2.5, r.pct, 1e-9)
	assert.Equal(t, dq.DefaultPlausibility, r.threshold)
	assert.False(t, r.failed, "2.5 % is within the default 5 %")

	for _, over := range []map[string]float64{{"plausibleValueHigh": 1}, {id: 1, "plausibleValueHigh": 10}} {
		_, err = dq.Run(context.Background(), conn, dq.Options{Now: buildDate, Thresholds: over})
		require.NoError(t, err)
		r = results(t, conn)[id]
		assert.Equal(t, 1.0, r.threshold)
		assert.True(t, r.failed, "2.5 %% is above 1 %% (%v)", over)
	}
}

func TestNoConceptTableSkipsConceptChecks(t *testing.T) {
	conn := setup(t, "DROP TABLE concept")
	sum, err := dq.Run(context.Background(), conn, dq.Options{Now: buildDate})
	require.NoError(t, err)
	res := results(t, conn)
	assert.NotContains(t, res, "fkdomain_condition_occurrence_condition_concept_id")
	assert.Contains(t, res, "isforeignkey_condition_occurrence_person_id")
	assert.Zero(t, sum.Failed)
}
