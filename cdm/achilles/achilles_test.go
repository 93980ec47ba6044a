package achilles_test

import (
	"context"
	"database/sql"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm/achilles"
	"github.com/cdw-dev/cdw/internal/cdmtest"
)

// openCDM returns a connection to an in-memory DuckDB holding the named OMOP
// tables (all of them when none are named), empty.
func openCDM(t testing.TB, tables ...string) *sql.Conn {
	t.Helper()
	return cdmtest.Conn(t, "", nil, tables...)
}

func exec(t testing.TB, conn *sql.Conn, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		_, err := conn.ExecContext(context.Background(), s)
		require.NoError(t, err, s)
	}
}

// fixture is a small hospital (see the comments for the arithmetic the
// expected counts rest on):
//
//	person 1  male   1980  periods 2019-12-15..2020-02-10 (57 d) and 2020-03-01..2020-03-31
//	person 2  female 1990  period  2019-01-01..2019-12-31 (364 d), race 8527, ethnicity 38003564
//	person 3  female 1990  period  2019-11-20..2020-02-29 (101 d)
//	person 4  male   2010  no observation period
var fixture = []string{
	`INSERT INTO person (person_id, gender_concept_id, year_of_birth, race_concept_id, ethnicity_concept_id) VALUES
		(1, 8507, 1980, 0, 0), (2, 8532, 1990, 8527, 38003564), (3, 8532, 1990, 0, 0), (4, 8507, 2010, 0, 0)`,
	`INSERT INTO observation_period VALUES
		(1, 1, '2019-12-15', '2020-02-10', 32817), (2, 1, '2020-03-01', '2020-03-31', 32817),
		(3, 2, '2019-01-01', '2019-12-31', 32817), (4, 3, '2019-11-20', '2020-02-29', 32817)`,
	`INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_end_date, visit_type_concept_id) VALUES
		(1, 1, 9201, '2020-01-05', '2020-01-09', 32817), (2, 1, 9202, '2020-01-20', '2020-01-20', 32817),
		(3, 2, 9202, '2019-05-01', '2019-05-01', 32817), (4, 2, 9202, '2019-06-01', '2019-06-01', 32817),
		(5, 3, 9203, '2019-12-24', '2019-12-25', 32817)`,
	`INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id, condition_start_date,
		condition_type_concept_id, condition_source_value) VALUES
		(1, 1, 201826, '2020-01-05', 32817, 'E11.9'), (2, 1, 201826, '2020-01-20', 32817, 'E11.9'),
		(3, 2, 201826, '2019-05-01', 32817, 'E11.9'), (4, 2, 0, '2019-06-01', 32817, 'K22.301'),
		(5, 3, 0, '2019-12-24', 32817, 'K22.301'), (6, 3, 0, '2019-12-24', 32817, 'X99')`,
	`INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date,
		measurement_type_concept_id, measurement_source_value) VALUES
		(1, 1, 3004410, '2020-01-05', 32817, 'HBA1C'), (2, 1, 0, '2020-01-05', 32817, 'LOCAL-1')`,
	`INSERT INTO drug_exposure (drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date,
		drug_exposure_end_date, drug_type_concept_id, drug_source_value) VALUES
		(1, 2, 1503297, '2019-05-01', '2019-05-31', 32817, 'MET')`,
	`INSERT INTO death (person_id, death_date, cause_concept_id) VALUES (2, '2020-01-15', 0)`,
	`INSERT INTO note (note_id, person_id, note_date, note_type_concept_id, note_class_concept_id, note_text,
		encoding_concept_id, language_concept_id) VALUES (1, 1, '2020-01-05', 32817, 0, 'text', 32678, 0)`,
	`INSERT INTO procedure_occurrence (procedure_occurrence_id, person_id, procedure_concept_id, procedure_date,
		procedure_type_concept_id, procedure_source_value) VALUES
		(1, 3, 4301351, '2019-12-24', 32817, '38.93'), (2, 3, 0, '2019-12-25', 32817, '99.04')`,
	`INSERT INTO observation (observation_id, person_id, observation_concept_id, observation_date,
		observation_type_concept_id, observation_source_value) VALUES (1, 1, 4275495, '2020-01-05', 32817, 'SMOKER')`,
	`INSERT INTO device_exposure (device_exposure_id, person_id, device_concept_id, device_exposure_start_date,
		device_type_concept_id, device_source_value) VALUES (1, 2, 4206863, '2019-05-01', 32817, 'CATH')`,
	`INSERT INTO condition_era VALUES (1, 1, 201826, '2020-01-05', '2020-02-19', 2), (2, 2, 201826, '2019-05-01', '2019-05-31', 1)`,
	`INSERT INTO drug_era VALUES (1, 2, 1503297, '2019-05-01', '2019-05-31', 1, 0)`,
}

// results reads achilles_results as analysis → "stratum_1|stratum_2|..."
// (NULL strata left out) → count.
func results(t *testing.T, conn *sql.Conn) map[int]map[string]int64 {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), `SELECT analysis_id,
		concat_ws('|', stratum_1, stratum_2, stratum_3, stratum_4, stratum_5), count_value FROM achilles_results`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[int]map[string]int64{}
	for rows.Next() {
		var id int
		var key string
		var n int64
		require.NoError(t, rows.Scan(&id, &key, &n))
		if out[id] == nil {
			out[id] = map[string]int64{}
		}
		_, dup := out[id][key]
		require.False(t, dup, "analysis %d has stratum %q twice", id, key)
		out[id][key] = n
	}
	require.NoError(t, rows.Err())
	return out
}

// monthly returns YYYYMM → n for the months of 2019 from..to inclusive.
func monthly(from, to int, n int64) map[string]int64 {
	out := map[string]int64{}
	for m := from; m <= to; m++ {
		out[strconv.Itoa(201900+m)] = n
	}
	return out
}

func merge(ms ...map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// wantCounts are the fixture's achilles_results, worked out by hand.
var wantCounts = map[int]map[string]int64{
	1:  {"": 4},
	2:  {"8507": 2, "8532": 2},
	3:  {"1980": 1, "1990": 2, "2010": 1},
	4:  {"0": 3, "8527": 1},
	5:  {"0": 3, "38003564": 1},
	10: {"1980|8507": 1, "1990|8532": 2, "2010|8507": 1},
	// ages at the first period: 2019-1980, 2019-1990 twice; person 4 has none
	101: {"39": 1, "29": 2},
	102: {"8507|39": 1, "8532|29": 2},
	// first periods of 57, 364 and 101 days
	108: {"1": 1, "12": 1, "3": 1},
	// only person 2 is observed all of a year; nobody all of 2020
	109: {"2019": 1},
	// whole months: person 2 through 2019, person 3 from December, person 1 January and March
	110: merge(monthly(1, 11, 1), map[string]int64{"201912": 2, "202001": 2, "202002": 1, "202003": 1}),
	111: {"201912": 1, "202003": 1, "201901": 1, "201911": 1},
	112: {"202002": 2, "202003": 1, "201912": 1},
	113: {"2": 1, "1": 2},
	// 2019: person 1 (male, 39), persons 2 and 3 (female, 29); 2020: person 1 (40), person 3 (30)
	116:  {"2019|8507|3": 1, "2019|8532|2": 2, "2020|8507|4": 1, "2020|8532|3": 1},
	117:  merge(monthly(1, 10, 1), map[string]int64{"201911": 2, "201912": 3, "202001": 2, "202002": 2, "202003": 1}),
	200:  {"9201": 1, "9202": 2, "9203": 1},
	201:  {"9201": 1, "9202": 3, "9203": 1},
	220:  {"202001": 2, "201905": 1, "201906": 1, "201912": 1},
	400:  {"201826": 2, "0": 2},
	401:  {"201826": 3, "0": 3},
	420:  {"202001": 2, "201905": 1, "201906": 1, "201912": 2},
	600:  {"4301351": 1, "0": 1},
	601:  {"4301351": 1, "0": 1},
	620:  {"201912": 2},
	800:  {"4275495": 1},
	801:  {"4275495": 1},
	820:  {"202001": 1},
	900:  {"1503297": 1},
	901:  {"1503297": 1},
	920:  {"201905": 1},
	1000: {"201826": 2},
	1001: {"201826": 2},
	1020: {"202001": 1, "201905": 1},
	2100: {"4206863": 1},
	2101: {"4206863": 1},
	500:  {"0": 1},
	501:  {"0": 1},
	700:  {"1503297": 1},
	701:  {"1503297": 1},
	720:  {"201905": 1},
	1800: {"3004410": 1, "0": 1},
	1801: {"3004410": 1, "0": 1},
	1820: {"202001": 2},
	1900: {"condition_occurrence|K22.301": 2, "condition_occurrence|X99": 1, "measurement|LOCAL-1": 1,
		"procedure_occurrence|99.04": 1},
	2200: {"32817": 1},
	2201: {"32817": 1},
	achilles.RecordsByTable: {"person": 4, "observation_period": 4, "visit_occurrence": 5, "visit_detail": 0,
		"condition_occurrence": 6, "drug_exposure": 1, "procedure_occurrence": 2, "device_exposure": 1, "measurement": 2,
		"observation": 1, "death": 1, "note": 1, "specimen": 0, "condition_era": 2, "drug_era": 1, "dose_era": 0},
	achilles.PersonsByTable: {"person": 4, "observation_period": 3, "visit_occurrence": 3, "visit_detail": 0,
		"condition_occurrence": 3, "drug_exposure": 1, "procedure_occurrence": 1, "device_exposure": 1, "measurement": 1,
		"observation": 1, "death": 1, "note": 1, "specimen": 0, "condition_era": 2, "drug_era": 1, "dose_era": 0},
}

func TestRunCounts(t *testing.T) {
	conn := openCDM(t)
	exec(t, conn, fixture...)
	sum, err := achilles.Run(context.Background(), conn, achilles.Options{})
	require.NoError(t, err)
	assert.Empty(t, sum.Skipped, "every OMOP table exists")
	assert.Len(t, sum.Ran, len(achilles.Analyses()))

	got := results(t, conn)
	for id, want := range wantCounts {
		assert.Equal(t, want, got[id], "analysis %d", id)
	}
	for id, rows := range got {
		_, expected := wantCounts[id]
		assert.True(t, expected, "analysis %d wrote rows %v the test does not expect", id, rows)
	}
	for _, a := range achilles.Analyses() {
		if a.Dist {
			assert.True(t, slices.ContainsFunc(slices.Collect(maps.Keys(wantDist)), func(k string) bool {
				return strings.HasPrefix(k, strconv.Itoa(a.ID)+"|")
			}), "the fixture gives distribution %d values", a.ID)
		} else {
			assert.NotEmpty(t, wantCounts[a.ID], "the fixture gives analysis %d something to count", a.ID)
		}
	}
	var n int64
	for _, rows := range wantCounts {
		n += int64(len(rows))
	}
	assert.Equal(t, n, sum.ResultRows)
	assert.Equal(t, int64(len(wantDist)), sum.DistRows)
}

// distRow is one achilles_results_dist row's figures; NaN stands for NULL.
type distRow struct {
	n                          int64
	min, max, avg, stdev       float64
	median, p10, p25, p75, p90 float64
}

// wantDist are the fixture's distributions keyed "analysis|stratum_1",
// worked out by hand (stdev is the sample standard deviation).
var wantDist = map[string]distRow{
	// ages at first period 39, 29, 29
	"103|":     {3, 29, 39, 97.0 / 3, math.Sqrt(100.0 / 3), 29, 29, 29, 39, 39},
	"104|8507": {1, 39, 39, 39, math.NaN(), 39, 39, 39, 39, 39},
	"104|8532": {2, 29, 29, 29, 0, 29, 29, 29, 29, 29},
	// first periods of 57, 101 and 364 days
	"105|":     {3, 57, 364, 174, math.Sqrt(27559), 101, 57, 57, 364, 364},
	"106|8507": {1, 57, 57, 57, math.NaN(), 57, 57, 57, 57, 57},
	"106|8532": {2, 101, 364, 232.5, 263 / math.Sqrt2, 101, 101, 101, 364, 364},
	// age at the first visit of each kind: inpatient 40; outpatient 40 and 29; emergency 29
	"206|9201": {1, 40, 40, 40, math.NaN(), 40, 40, 40, 40, 40},
	"206|9202": {2, 29, 40, 34.5, 11 / math.Sqrt2, 29, 29, 29, 40, 40},
	"206|9203": {1, 29, 29, 29, math.NaN(), 29, 29, 29, 29, 29},
	// stays of 4 days; 0, 0, 0; 1
	"211|9201": {1, 4, 4, 4, math.NaN(), 4, 4, 4, 4, 4},
	"211|9202": {3, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	"211|9203": {1, 1, 1, 1, math.NaN(), 1, 1, 1, 1, 1},
}

func TestRunDistributions(t *testing.T) {
	conn := openCDM(t)
	exec(t, conn, fixture...)
	_, err := achilles.Run(context.Background(), conn, achilles.Options{})
	require.NoError(t, err)
	rows, err := conn.QueryContext(context.Background(), `SELECT analysis_id || '|' || coalesce(stratum_1, ''), count_value,
		min_value, max_value, avg_value, coalesce(stdev_value, 'NaN'::DOUBLE), median_value, p10_value, p25_value, p75_value, p90_value
		FROM achilles_results_dist`)
	require.NoError(t, err)
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var key string
		var g distRow
		require.NoError(t, rows.Scan(&key, &g.n, &g.min, &g.max, &g.avg, &g.stdev, &g.median, &g.p10, &g.p25, &g.p75, &g.p90))
		want, ok := wantDist[key]
		if !assert.True(t, ok, "unexpected distribution %s", key) {
			continue
		}
		seen[key] = true
		assert.Equal(t, want.n, g.n, key)
		for i, pair := range [][2]float64{{want.min, g.min}, {want.max, g.max}, {want.avg, g.avg}, {want.stdev, g.stdev},
			{want.median, g.median}, {want.p10, g.p10}, {want.p25, g.p25}, {want.p75, g.p75}, {want.p90, g.p90}} {
			if math.IsNaN(pair[0]) {
				assert.True(t, math.IsNaN(pair[1]), "%s figure %d: want NULL, got %v", key, i, pair[1])
				continue
			}
			assert.InDelta(t, pair[0], pair[1], 1e-9, "%s figure %d", key, i)
		}
	}
	require.NoError(t, rows.Err())
	assert.Len(t, seen, len(wantDist))
}

func TestRunCatalog(t *testing.T) {
	conn := openCDM(t)
	_, err := achilles.Run(context.Background(), conn, achilles.Options{})
	require.NoError(t, err)
	var n int
	require.NoError(t, conn.QueryRowContext(context.Background(), "SELECT count(*) FROM achilles_analysis").Scan(&n))
	assert.Equal(t, len(achilles.Analyses()), n)
	for _, tc := range []struct {
		id     int
		name   string
		strata [5]sql.NullString
	}{
		{1, "Number of persons", [5]sql.NullString{}},
		{116, "Number of persons with at least one day of observation in each year by gender and age decile",
			[5]sql.NullString{{String: "calendar year", Valid: true}, {String: "gender_concept_id", Valid: true}, {String: "age decile", Valid: true}}},
		{401, "Number of condition occurrence records, by condition_concept_id", [5]sql.NullString{{String: "condition_concept_id", Valid: true}}},
		{1900, "Source values mapped to concept_id 0 by table, by source_value",
			[5]sql.NullString{{String: "table_name", Valid: true}, {String: "source_value", Valid: true}}},
	} {
		var name string
		var got [5]sql.NullString
		require.NoError(t, conn.QueryRowContext(context.Background(), `SELECT analysis_name, stratum_1_name, stratum_2_name,
			stratum_3_name, stratum_4_name, stratum_5_name FROM achilles_analysis WHERE analysis_id = ?`, tc.id).
			Scan(&name, &got[0], &got[1], &got[2], &got[3], &got[4]), tc.id)
		assert.Equal(t, tc.name, name)
		assert.Equal(t, tc.strata, got, tc.id)
	}
}

func TestRunEmptyCDM(t *testing.T) {
	conn := openCDM(t)
	sum, err := achilles.Run(context.Background(), conn, achilles.Options{})
	require.NoError(t, err)
	assert.Empty(t, sum.Skipped)
	got := results(t, conn)
	assert.Equal(t, map[string]int64{"": 0}, got[1], "no persons is still a count")
	assert.Len(t, got[achilles.RecordsByTable], 16, "every person-level table, at zero")
	for _, rows := range got[achilles.RecordsByTable] {
		assert.Zero(t, rows)
	}
	delete(got, 1)
	delete(got, achilles.RecordsByTable)
	delete(got, achilles.PersonsByTable)
	assert.Empty(t, got, "no other analysis has anything to count")
	assert.Zero(t, sum.DistRows)
}

func TestRunSkipsAbsentTables(t *testing.T) {
	conn := openCDM(t, "person", "condition_occurrence")
	exec(t, conn, fixture[0], fixture[3])
	sum, err := achilles.Run(context.Background(), conn, achilles.Options{})
	require.NoError(t, err)
	assert.Contains(t, sum.Skipped, 101, "no observation_period")
	assert.Contains(t, sum.Skipped, 201, "no visit_occurrence")
	assert.NotContains(t, sum.Skipped, 1900, "condition_occurrence is there")
	assert.Subset(t, sum.Ran, []int{1, 2, 3, 4, 5, 10, 400, 401, 420, 1900, achilles.RecordsByTable, achilles.PersonsByTable})
	assert.Len(t, sum.Ran, 12)
	got := results(t, conn)
	assert.Equal(t, wantCounts[401], got[401])
	assert.Equal(t, map[string]int64{"condition_occurrence|K22.301": 2, "condition_occurrence|X99": 1}, got[1900])
	assert.Equal(t, map[string]int64{"person": 4, "condition_occurrence": 6}, got[achilles.RecordsByTable])
}

func TestRunSubsetAndRerun(t *testing.T) {
	conn := openCDM(t)
	exec(t, conn, fixture...)
	ctx := context.Background()
	_, err := achilles.Run(ctx, conn, achilles.Options{})
	require.NoError(t, err)
	sum, err := achilles.Run(ctx, conn, achilles.Options{Analyses: []int{401, 2, 105}})
	require.NoError(t, err)
	assert.Equal(t, []int{2, 105, 401}, sum.Ran)
	got := results(t, conn)
	assert.Equal(t, map[int]map[string]int64{2: wantCounts[2], 401: wantCounts[401]}, got, "a run replaces the previous results")
	assert.Equal(t, int64(1), sum.DistRows)

	_, err = achilles.Run(ctx, conn, achilles.Options{Analyses: []int{401, 99999}})
	require.ErrorContains(t, err, "unknown analysis id 99999")
}

func TestRunFailureNamesAnalysis(t *testing.T) {
	conn := openCDM(t, "observation_period")
	exec(t, conn, "CREATE TABLE person (person_id INTEGER)") // a person table without the CDM's columns
	_, err := achilles.Run(context.Background(), conn, achilles.Options{Analyses: []int{1, 2}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "analysis 2 (Number of persons by gender)")
	assert.Contains(t, err.Error(), "gender_concept_id")
}

func TestDomainOf(t *testing.T) {
	table, label, persons, ok := achilles.DomainOf(401)
	require.True(t, ok)
	assert.Equal(t, []any{"condition_occurrence", "Condition", 400}, []any{table, label, persons})
	_, _, _, ok = achilles.DomainOf(400)
	assert.False(t, ok, "400 counts persons, not records")
	for _, id := range achilles.RecordAnalyses() {
		_, _, persons, ok := achilles.DomainOf(id)
		assert.True(t, ok, id)
		assert.Equal(t, id-1, persons)
	}
}
