package transform

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/cdmtest"
)

// eraDB returns a connection to an in-memory DuckDB holding the tables the
// era mappings read and write, created from OHDSI's DDL, with the test's
// vocabulary: ingredients 1000 (RxNorm) and 5000 (RxNorm), 2000 (RxNorm
// Extension, absent from CONCEPT_ANCESTOR); drugs 1001 (a 500 mg tablet of
// 1000, below ATC class 6000 too), 4000 (a combination of 1000 and 5000),
// 3000 (no ingredient anywhere) and 7000 (a 10 mg/mL solution of 1000).
func eraDB(t *testing.T) *sql.Conn {
	t.Helper()
	conn := cdmtest.Conn(t, "", nil, "condition_occurrence", "drug_exposure", "concept", "concept_ancestor", "drug_strength",
		"condition_era", "drug_era", "dose_era")
	exec(t, conn,
		// OHDSI's end-date rule covers CDMs without drug_exposure_end_date;
		// the v5.4 DDL requires it, so the test lifts that to exercise it.
		`ALTER TABLE drug_exposure ALTER drug_exposure_end_date DROP NOT NULL`,
		`INSERT INTO concept VALUES
		 (1000, 'metformin', 'Drug', 'RxNorm', 'Ingredient', 'S', '6809', DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (5000, 'glipizide', 'Drug', 'RxNorm', 'Ingredient', 'S', '4821', DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (2000, 'local herb', 'Drug', 'RxNorm Extension', 'Ingredient', 'S', 'OMOP1', DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (1001, 'metformin 500 MG Oral Tablet', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '861007', DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (4000, 'glipizide / metformin Oral Tablet', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '861731', DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (3000, 'unlinked drug', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '999', DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (7000, 'metformin 10 MG/ML Oral Solution', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '998', DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (6000, 'Biguanides', 'Drug', 'ATC', 'ATC 4th', 'C', 'A10BA', DATE '1970-01-01', DATE '2099-12-31', NULL)`,
		`INSERT INTO concept_ancestor VALUES
		 (1000, 1000, 0, 0), (5000, 5000, 0, 0), (1001, 1001, 0, 0), (1000, 1001, 1, 1), (6000, 1001, 2, 2),
		 (4000, 4000, 0, 0), (1000, 4000, 1, 1), (5000, 4000, 1, 1), (6000, 1000, 1, 1), (1000, 7000, 1, 1)`,
		`INSERT INTO drug_strength VALUES
		 (1001, 1000, 500, 8576, NULL, NULL, NULL, NULL, NULL, DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (4000, 1000, 250, 8576, NULL, NULL, NULL, NULL, NULL, DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (4000, 5000, 5, 8576, NULL, NULL, NULL, NULL, NULL, DATE '1970-01-01', DATE '2099-12-31', NULL),
		 (7000, 1000, NULL, NULL, 10, 8576, 1, 8587, NULL, DATE '1970-01-01', DATE '2099-12-31', NULL)`)
	return conn
}

func exec(t *testing.T, conn *sql.Conn, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		_, err := conn.ExecContext(context.Background(), s)
		require.NoError(t, err, s)
	}
}

// runEras runs the era mappings restricted to persons ("" for everyone),
// as the build runs them.
func runEras(t *testing.T, conn *sql.Conn, persons string) {
	t.Helper()
	for _, m := range eraStatements(persons) {
		_, err := conn.ExecContext(context.Background(), m.insert)
		require.NoError(t, err, "fill %s", m.table)
	}
}

// rows returns the result of q, one string per row, its columns joined by
// spaces (dates as YYYY-MM-DD).
func rows(t *testing.T, conn *sql.Conn, q string) []string {
	t.Helper()
	rs, err := conn.QueryContext(context.Background(), q)
	require.NoError(t, err, q)
	defer rs.Close()
	cols, err := rs.Columns()
	require.NoError(t, err)
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rs.Scan(ptrs...))
		line := ""
		for i, v := range vals {
			if i > 0 {
				line += " "
			}
			if d, ok := v.(time.Time); ok {
				line += d.Format("2006-01-02")
			} else {
				line += fmt.Sprint(v)
			}
		}
		out = append(out, line)
	}
	require.NoError(t, rs.Err())
	return out
}

const (
	conditionEras = `SELECT condition_era_id, person_id, condition_concept_id, condition_era_start_date, condition_era_end_date, condition_occurrence_count FROM condition_era ORDER BY person_id, condition_concept_id, condition_era_start_date`
	drugEras      = `SELECT drug_era_id, person_id, drug_concept_id, drug_era_start_date, drug_era_end_date, drug_exposure_count, gap_days FROM drug_era ORDER BY person_id, drug_concept_id, drug_era_start_date`
	doseEras      = `SELECT dose_era_id, person_id, drug_concept_id, unit_concept_id, dose_value::DOUBLE, dose_era_start_date, dose_era_end_date FROM dose_era ORDER BY person_id, drug_concept_id, dose_era_start_date, dose_value`
)

func condition(id, person, concept int, start, end string) string {
	e := "NULL"
	if end != "" {
		e = "DATE '" + end + "'"
	}
	return fmt.Sprintf("INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id, condition_start_date, condition_end_date, condition_type_concept_id) VALUES (%d, %d, %d, DATE '%s', %s, 32817)",
		id, person, concept, start, e)
}

// drug inserts an exposure; end "" is NULL, and quantity or daysSupply
// below -99 is NULL.
func drug(id, person, concept int, start, end string, quantity, daysSupply int) string {
	e, q, d := "NULL", "NULL", "NULL"
	if end != "" {
		e = "DATE '" + end + "'"
	}
	if quantity > -99 {
		q = fmt.Sprint(quantity)
	}
	if daysSupply > -99 {
		d = fmt.Sprint(daysSupply)
	}
	return fmt.Sprintf("INSERT INTO drug_exposure (drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date, drug_exposure_end_date, drug_type_concept_id, quantity, days_supply) VALUES (%d, %d, %d, DATE '%s', %s, 32818, %s, %s)",
		id, person, concept, start, e, q, d)
}

const none = -100 // a NULL quantity or days_supply

func TestConditionEras(t *testing.T) {
	conn := eraDB(t)
	exec(t, conn,
		condition(11, 1, 100, "2024-01-01", "2024-01-05"),
		condition(12, 1, 100, "2024-02-04", ""),           // 30 days after 01-05: joins; no end: ends 02-05
		condition(13, 1, 100, "2024-03-07", "2024-03-10"), // 31 days after 02-05: a new era
		condition(14, 1, 100, "2024-03-08", "2024-03-08"), // nested in 13
		condition(16, 1, 100, "2024-03-09", "2024-03-20"), // overlaps 13, ends later
		condition(10, 1, 0, "2024-01-02", "2024-01-03"),   // unmapped: no era
		condition(15, 1, 200, "2024-01-01", "2024-01-05"), // another concept: its own era
		condition(17, 1, 200, "2024-01-03", "2024-01-01"), // ends before it starts: ends on its start
		condition(21, 2, 100, "2024-01-03", ""),
	)
	runEras(t, conn, "")
	assert.Equal(t, []string{
		"11 1 100 2024-01-01 2024-02-05 2",
		"13 1 100 2024-03-07 2024-03-20 3",
		"15 1 200 2024-01-01 2024-01-05 2",
		"21 2 100 2024-01-03 2024-01-04 1",
	}, rows(t, conn, conditionEras))
}

// drugFixture is person 1's and 2's exposures (see eraDB for the drugs).
var drugFixture = []string{
	drug(100, 1, 4000, "2023-06-01", "2023-06-02", 2, 1), // combination: eras of 1000 and 5000 both start here
	drug(101, 1, 1001, "2024-01-01", "2024-01-10", 20, 10),
	drug(102, 1, 1001, "2024-01-05", "2024-01-15", 20, 10), // overlaps 101: one sub-exposure 01-01..01-15
	drug(112, 1, 1001, "2024-01-16", "2024-01-20", 40, 5),  // 1 day after: a sub-exposure of its own
	drug(103, 1, 1000, "2024-01-20", "2024-01-30", 10, 10), // the ingredient itself, adjacent to 112
	drug(105, 1, 4000, "2024-02-29", "2024-03-05", 5, 5),   // 30 days after 01-30: same era
	drug(104, 1, 1001, "2024-04-05", "2024-04-10", 10, 5),  // 31 days after 03-05: a new era
	drug(106, 1, 2000, "2024-05-01", "", none, 10),         // no end: start + days_supply
	drug(107, 1, 2000, "2024-05-20", "", 1, 0),             // no end, 0 days: start + 1
	drug(108, 1, 2000, "2024-05-25", "", none, none),       // no end, no days: start + 1
	drug(109, 1, 3000, "2024-01-01", "2024-01-31", 30, 30), // no ingredient: no era
	drug(110, 1, 0, "2024-01-01", "2024-01-31", 30, 30),    // unmapped: no era
	drug(111, 1, 1001, "2024-06-01", "2024-06-02", 1, -5),  // negative days_supply: left out
	drug(113, 1, 7000, "2024-08-01", "2024-08-10", 100, 10),
	drug(201, 2, 1001, "2024-01-01", "2024-01-02", 1, 1),
}

func TestDrugEras(t *testing.T) {
	conn := eraDB(t)
	exec(t, conn, drugFixture...)
	runEras(t, conn, "")
	assert.Equal(t, []string{
		"100 1 1000 2023-06-01 2023-06-02 1 0",
		// subs 01-01..01-15 (14 days), 01-16..01-30 (14), 02-29..03-05 (5):
		// 64 days, 33 exposed
		"101 1 1000 2024-01-01 2024-03-05 5 31",
		"104 1 1000 2024-04-05 2024-04-10 1 0",
		"113 1 1000 2024-08-01 2024-08-10 1 0",
		// 05-01..05-11, 05-20..05-21, 05-25..05-26: 25 days, 12 exposed
		"106 1 2000 2024-05-01 2024-05-26 3 13",
		"2147483647 1 5000 2023-06-01 2023-06-02 1 0", // exposure 100 starts the 1000 era too
		"105 1 5000 2024-02-29 2024-03-05 1 0",
		"201 2 1000 2024-01-01 2024-01-02 1 0",
	}, rows(t, conn, drugEras))
}

func TestDoseEras(t *testing.T) {
	conn := eraDB(t)
	exec(t, conn, drugFixture...)
	runEras(t, conn, "")
	assert.Equal(t, []string{
		"100 1 1000 8576 500 2023-06-01 2023-06-02",       // 2 × 250 mg over 1 day
		"101 1 1000 8576 1000 2024-01-01 2024-01-15",      // 20 × 500 mg over 10 days, twice
		"112 1 1000 8576 4000 2024-01-16 2024-01-20",      // a new dose: an era of its own
		"105 1 1000 8576 250 2024-02-29 2024-03-05",       // 5 × 250 mg over 5 days
		"104 1 1000 8576 1000 2024-04-05 2024-04-10",      // 81 days after the last 1000 mg/day
		"2147483647 1 5000 8576 10 2023-06-01 2023-06-02", // shares exposure 100 with 1000's era
		"2147483646 1 5000 8576 5 2024-02-29 2024-03-05",  // shares exposure 105
		"201 2 1000 8576 500 2024-01-01 2024-01-02",
	}, rows(t, conn, doseEras), "103 (an ingredient, no strength), 2000 (no strength), 111 (negative supply) and 113 (a solution) have no dose")
}

// TestErasRecomputeOnlyTheGivenPersons changes both persons' records but
// recomputes person 2 only: person 1's eras stay as they were.
func TestErasRecomputeOnlyTheGivenPersons(t *testing.T) {
	conn := eraDB(t)
	exec(t, conn, drugFixture...)
	exec(t, conn, condition(11, 1, 100, "2024-01-01", "2024-01-05"), condition(21, 2, 100, "2024-01-03", ""))
	runEras(t, conn, "")
	before := map[string][]string{}
	for _, q := range []string{conditionEras, drugEras, doseEras} {
		before[q] = rows(t, conn, q)
	}
	exec(t, conn,
		`DELETE FROM drug_exposure WHERE drug_exposure_id IN (101, 201)`,
		`DELETE FROM condition_occurrence WHERE condition_occurrence_id = 11`,
		condition(22, 2, 100, "2024-01-20", "2024-01-25"),
		drug(202, 2, 4000, "2024-02-01", "2024-02-10", 10, 5),
	)
	runEras(t, conn, "SELECT 2")

	person := func(q, p string) []string { return ofPerson(rows(t, conn, q), p) }
	for _, q := range []string{conditionEras, drugEras, doseEras} {
		assert.Equal(t, ofPerson(before[q], "1"), person(q, "1"), "person 1 was not recomputed: %s", q)
	}
	assert.Equal(t, []string{"21 2 100 2024-01-03 2024-01-25 2"}, person(conditionEras, "2"))
	assert.Equal(t, []string{"202 2 1000 2024-02-01 2024-02-10 1 0", "2147483646 2 5000 2024-02-01 2024-02-10 1 0"},
		person(drugEras, "2"), "an overflow id counts down past person 1's")
	assert.Equal(t, []string{"202 2 1000 8576 500 2024-02-01 2024-02-10", "2147483645 2 5000 8576 10 2024-02-01 2024-02-10"},
		person(doseEras, "2"))
}

// ofPerson keeps the rows whose second column (person_id) is person.
func ofPerson(rows []string, person string) []string {
	var out []string
	for _, r := range rows {
		if f := strings.Fields(r); len(f) > 1 && f[1] == person {
			out = append(out, r)
		}
	}
	return out
}

// TestErasAreStableAcrossRebuilds recomputes everyone after a new record
// arrives: eras it does not touch keep their ids.
func TestErasAreStableAcrossRebuilds(t *testing.T) {
	conn := eraDB(t)
	exec(t, conn, drugFixture...)
	exec(t, conn, condition(11, 1, 100, "2024-01-01", "2024-01-05"), condition(13, 1, 100, "2024-06-01", ""))
	runEras(t, conn, "")
	first := rows(t, conn, `SELECT drug_era_id, drug_concept_id, drug_era_start_date FROM drug_era WHERE drug_era_id < 2000000000 ORDER BY 1`)
	exec(t, conn, `DELETE FROM condition_era; DELETE FROM drug_era; DELETE FROM dose_era`,
		condition(9, 1, 100, "2023-01-01", ""), drug(99, 1, 1001, "2022-01-01", "2022-01-02", 1, 1))
	runEras(t, conn, "")
	assert.Equal(t, []string{"9 1 100 2023-01-01 2023-01-02 1", "11 1 100 2024-01-01 2024-01-05 1", "13 1 100 2024-06-01 2024-06-02 1"},
		rows(t, conn, conditionEras), "an earlier era does not renumber the later ones")
	second := rows(t, conn, `SELECT drug_era_id, drug_concept_id, drug_era_start_date FROM drug_era WHERE drug_era_id < 2000000000 AND drug_era_id <> 99 ORDER BY 1`)
	assert.Equal(t, first, second)
}

// TestBuildDerivesConditionEras builds a hospital whose patient has the
// same diagnosis on three stays: the two within 30 days form one era, the
// third its own; an unmapped code makes none. The diagnoses have no end
// date, so each lasts a day (OHDSI's start + 1).
func TestBuildDerivesConditionEras(t *testing.T) {
	dir := t.TempDir()
	log, err := bronze.Open(filepath.Join(dir, "bronze"))
	require.NoError(t, err)
	reg := func(seq, id int64, day string) bronze.Change {
		return change(1, seq, bronze.OpRead, "emr.registration", fmt.Sprintf("[%d]", id), fmt.Sprintf(
			`{"reg_id":%d,"patient_id":1,"visit_type":"O","admit_time":"%s 09:00:00","discharge_time":"%s 10:00:00"}`, id, day, day))
	}
	diag := func(seq, id, reg int64, code, system, day string) bronze.Change {
		return change(1, seq, bronze.OpRead, "emr.diagnosis", fmt.Sprintf("[%d]", id), fmt.Sprintf(
			`{"diag_id":%d,"reg_id":%d,"patient_id":1,"icd10":%q,"code_system":%q,"diag_name":"x","is_main":true,"diag_time":"%s 09:30:00","doctor_id":7}`,
			id, reg, code, system, day))
	}
	require.NoError(t, log.Append([]bronze.Change{
		change(1, 1, bronze.OpRead, "emr.patient", "[1]", `{"patient_id":1,"mrn":"MRN1","name":"A","sex":"M","birth_date":"1950-02-03"}`),
		reg(2, 100, "2026-01-01"), reg(3, 101, "2026-01-31"), reg(4, 102, "2026-03-15"),
		diag(10, 3001, 100, "I21.0", "ICD-10", "2026-01-01"),
		diag(11, 3002, 101, "I21.0", "ICD-10", "2026-01-31"), // 29 days after 01-02
		diag(12, 3003, 102, "I21.0", "ICD-10", "2026-03-15"), // 42 days after 02-01
		diag(13, 3004, 100, "I10", "ICD-10-CM", "2026-01-01"),
		diag(14, 3005, 100, "X99.999", "ICD-10-CN", "2026-01-01"),
	}, bronze.Checkpoint{Position: "0/1", SnapshotDone: true}))
	require.NoError(t, log.Close())

	res, err := Build(context.Background(), Options{BronzeDir: filepath.Join(dir, "bronze"), Store: cdm.NewStore(filepath.Join(dir, "cdm")),
		VocabDir: WriteVocabulary(t), Now: func() time.Time { return time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC) }})
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	p, ok := res.Snapshot.Path("condition_era")
	require.True(t, ok)
	assert.Equal(t, []string{
		fmt.Sprintf("3001 1 %d 2026-01-01 2026-02-01 2", ConceptAMI),
		fmt.Sprintf("3003 1 %d 2026-03-15 2026-03-16 1", ConceptAMI),
		fmt.Sprintf("3004 1 %d 2026-01-01 2026-01-02 1", ConceptHypertension),
	}, rows(t, conn, strings.Replace(conditionEras, "FROM condition_era", "FROM read_parquet("+quote(p)+")", 1)))
	for _, table := range []string{"drug_era", "dose_era"} {
		_, ok := res.Snapshot.Path(table)
		assert.True(t, ok, "%s is published", table)
	}
}
