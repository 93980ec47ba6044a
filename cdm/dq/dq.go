// Package dq runs data-quality checks over the OMOP CDM tables on a DuckDB
// connection, in the style of OHDSI's Data Quality Dashboard: conformance
// (required fields, primary and foreign keys, concept domains, classes and
// standard concepts, the tables' shape), completeness (mapped concepts,
// measurement values and units) and plausibility (dates in order, not in the
// future, not before birth, plausible ages, measurement values and units,
// duplicate records). The checks are generated from cdm's field-level spec;
// each result, with its threshold, lands in the table ResultsTable on the
// same connection.
package dq

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/cdw-dev/cdw/cdm"
)

// ResultsTable is the table Run writes: one row per check.
const ResultsTable = "dq_results"

// resultsDDL creates ResultsTable (the dashboards read these columns).
const resultsDDL = `CREATE OR REPLACE TABLE ` + ResultsTable + ` (
	check_id VARCHAR, check_name VARCHAR, category VARCHAR, subcategory VARCHAR, check_level VARCHAR,
	table_name VARCHAR, field_name VARCHAR, description VARCHAR,
	num_violated_rows BIGINT, num_denominator_rows BIGINT, pct_violated_rows DOUBLE,
	threshold_value DOUBLE, failed BOOLEAN, sample_violations VARCHAR, run_at TIMESTAMP)`

// Categories of checks (the category column).
const (
	Conformance  = "Conformance"
	Completeness = "Completeness"
	Plausibility = "Plausibility"
)

// Default thresholds, in percent of the denominator rows: a check fails when
// its share of violating rows is above its threshold.
const (
	DefaultKeyThreshold     = 0.0 // required fields, primary and foreign keys, the tables' shape
	DefaultConceptThreshold = 5.0 // concept domains, classes, standard concepts, concept completeness
	DefaultPlausibility     = 5.0 // dates, ages, values, units, duplicates
)

// Options configures Run.
type Options struct {
	// Now is the build date: dates after it are implausible, and run_at
	// records it. Default time.Now.
	Now time.Time
	// Thresholds overrides the threshold (percent) of every check of a name
	// (check_name, e.g. "plausibleStartBeforeEnd") or of one check
	// (check_id), the check_id winning.
	Thresholds map[string]float64
	// Samples is how many offending keys a result lists (default 5).
	Samples int
}

// Summary counts the checks of one run.
type Summary struct {
	Checks, Passed, Failed int
	Duration               time.Duration
}

// vocabularyTables are the OMOP vocabulary tables; the checks leave them
// alone (they come from Athena, not from the build) and use concept only as
// the reference of the concept checks.
var vocabularyTables = map[string]bool{"concept": true, "vocabulary": true, "domain": true, "concept_class": true,
	"concept_relationship": true, "relationship": true, "concept_synonym": true, "concept_ancestor": true,
	"source_to_concept_map": true, "drug_strength": true}

// Run checks every non-empty OMOP table present on conn (vocabulary tables
// excepted) and replaces ResultsTable with one row per check; an empty
// table gets no checks. Checks that need concepts run only when the concept
// table is present and not empty. The temporary lookups Run creates are
// dropped before it returns. An error names the table whose checks failed
// to run, and leaves ResultsTable empty.
func Run(ctx context.Context, conn *sql.Conn, opts Options) (Summary, error) {
	start := time.Now()
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Samples <= 0 {
		opts.Samples = 5
	}
	if _, err := conn.ExecContext(ctx, resultsDDL); err != nil {
		return Summary{}, fmt.Errorf("dq: create %s: %w", ResultsTable, err)
	}
	env, err := inspect(ctx, conn)
	if err != nil {
		return Summary{}, err
	}
	if err := prepare(ctx, conn, env); err != nil {
		return Summary{}, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+conceptTable+"; DROP TABLE IF EXISTS "+birthTable) //nolint:errcheck // temporary tables of this run
	checks := generate(env, opts.Now)
	outcomes := make([]outcome, len(checks))
	long, err := runLongChecks(ctx, conn, env, checks, opts.Samples)
	if err != nil {
		return Summary{}, err
	}
	for i, c := range checks {
		if c.long != nil {
			outcomes[i] = long.outcomeOf(c)
		}
	}
	for i := 0; i < len(checks); { // one query per table: DuckDB's cost per statement outweighs a check's
		j := i
		for j < len(checks) && checks[j].table == checks[i].table {
			j++
		}
		if err := runTable(ctx, conn, checks[i:j], outcomes[i:j], opts.Samples); err != nil {
			return Summary{}, err
		}
		i = j
	}
	s, err := writeResults(ctx, conn, checks, outcomes, opts)
	if err != nil {
		return Summary{}, err
	}
	s.Duration = time.Since(start)
	return s, nil
}

// writeResults applies the thresholds to the outcomes, appends one row per
// check to ResultsTable and counts the checks that failed.
func writeResults(ctx context.Context, conn *sql.Conn, checks []*check, outcomes []outcome, opts Options) (Summary, error) {
	var s Summary
	values := make([]string, len(checks))
	runAt := quote(opts.Now.UTC().Format("2006-01-02 15:04:05.000000"))
	for i, c := range checks {
		c.threshold = threshold(opts.Thresholds, c)
		o := outcomes[i]
		pct := 0.0
		if o.n > 0 {
			pct = 100 * float64(o.bad) / float64(o.n)
		}
		failed := pct > c.threshold
		s.Checks++
		if failed {
			s.Failed++
		}
		sample := "NULL"
		if o.samples.Valid {
			sample = quote(o.samples.String)
		}
		values[i] = fmt.Sprintf("(%s, %s, %s, %s, %s, %s, %s, %s, %d, %d, %v, %v, %t, %s, TIMESTAMP %s)",
			quote(c.id()), quote(c.name), quote(c.category), quote(c.subcategory), quote(c.level), quote(c.table), nullable(c.field),
			quote(c.description), o.bad, o.n, pct, c.threshold, failed, sample, runAt)
	}
	if len(values) > 0 {
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+ResultsTable+" VALUES "+strings.Join(values, ",\n")); err != nil {
			return Summary{}, fmt.Errorf("dq: write %s: %w", ResultsTable, err)
		}
	}
	s.Passed = s.Checks - s.Failed
	return s, nil
}

// prepare creates the lookups the checks share: the concepts the tables
// reference (when concept is present and not empty) and the persons' births.
func prepare(ctx context.Context, conn *sql.Conn, e *env) error {
	if e.conceptRows > 0 {
		if err := referencedConcepts(ctx, conn, e); err != nil {
			return err
		}
	}
	if e.present("person") {
		if _, err := conn.ExecContext(ctx, birthSQL); err != nil {
			return fmt.Errorf("dq: collect the persons' births: %w", err)
		}
	}
	return nil
}

// runTable runs the checks of one table in one scan and records each
// one's outcome (checks with a fixed outcome take it as is); a second scan
// collects the samples of the checks that found violations (DuckDB's
// min(k, n) costs a millisecond of planning each, so it runs only there).
func runTable(ctx context.Context, conn *sql.Conn, checks []*check, outcomes []outcome, samples int) error {
	var cols, counts []string
	var idx []int
	key := ""
	for i, c := range checks {
		if c.fixed != nil {
			outcomes[i] = *c.fixed
			continue
		}
		if c.long != nil {
			continue
		}
		key = c.key
		where := c.where
		if where == "" {
			where = "true"
		}
		n := len(idx)
		cols = append(cols, fmt.Sprintf("coalesce(%s, false) AS w%d", where, n),
			fmt.Sprintf("coalesce((%s) AND (%s), false) AS v%d", where, c.violated, n))
		counts = append(counts, fmt.Sprintf("count(*) FILTER (WHERE v%[1]d), count(*) FILTER (WHERE w%[1]d)", n))
		idx = append(idx, i)
	}
	if len(idx) == 0 {
		return nil
	}
	table := checks[idx[0]].table
	what := fmt.Sprintf("the %d checks of table %s (%s ... %s)", len(idx), table, checks[idx[0]].id(), checks[idx[len(idx)-1]].id())
	base := fmt.Sprintf("SELECT %s AS k, %s FROM %s t", key, strings.Join(cols, ",\n"), ident(table))
	dest := make([]any, 0, 2*len(idx))
	for _, i := range idx {
		dest = append(dest, &outcomes[i].bad, &outcomes[i].n)
	}
	if err := conn.QueryRowContext(ctx, "SELECT "+strings.Join(counts, ",\n")+" FROM ("+base+")").Scan(dest...); err != nil {
		return fmt.Errorf("dq: %s: %w", what, err)
	}
	var picks []string
	dest = dest[:0]
	for n, i := range idx {
		if outcomes[i].bad > 0 {
			picks = append(picks, fmt.Sprintf("(SELECT string_agg(k::VARCHAR, ', ' ORDER BY k) FROM (SELECT k FROM base WHERE v%d ORDER BY k LIMIT %d))", n, samples))
			dest = append(dest, &outcomes[i].samples)
		}
	}
	if len(picks) == 0 {
		return nil
	}
	if err := conn.QueryRowContext(ctx, "WITH base AS MATERIALIZED ("+base+") SELECT "+strings.Join(picks, ",\n")).Scan(dest...); err != nil {
		return fmt.Errorf("dq: samples of %s: %w", what, err)
	}
	return nil
}

func nullable(s string) string {
	if s == "" {
		return "NULL"
	}
	return quote(s)
}

func threshold(over map[string]float64, c *check) float64 {
	if v, ok := over[c.id()]; ok {
		return v
	}
	if v, ok := over[c.name]; ok {
		return v
	}
	return c.threshold
}

// env is what Run found on the connection.
type env struct {
	rows        map[string]int64           // rows of every present, non-vocabulary OMOP table
	columns     map[string][]presentColumn // columns of every present OMOP table, in order
	conceptRows int64                      // rows of concept (0 when absent)
}

type presentColumn struct{ name, typ string }

// present reports whether an OMOP table is on the connection and checked.
func (e *env) present(table string) bool { _, ok := e.rows[table]; return ok }

// inspect lists the OMOP tables (and views) on conn with their columns and
// counts the rows of each non-vocabulary one.
func inspect(ctx context.Context, conn *sql.Conn) (*env, error) {
	e := &env{rows: map[string]int64{}, columns: map[string][]presentColumn{}}
	rows, err := conn.QueryContext(ctx, `SELECT database_name || '.' || schema_name, lower(table_name), lower(column_name), data_type
		FROM duckdb_columns() WHERE NOT internal
		ORDER BY database_name = 'temp' DESC, database_name, schema_name, table_name, column_index`)
	if err != nil {
		return nil, fmt.Errorf("dq: list tables: %w", err)
	}
	defer rows.Close()
	schemaOf := map[string]string{} // the first schema holding a table is the one unqualified names resolve to
	for rows.Next() {
		var schema, t, c, typ string
		if err := rows.Scan(&schema, &t, &c, &typ); err != nil {
			return nil, fmt.Errorf("dq: list tables: %w", err)
		}
		if _, ok := cdm.Lookup(t); !ok {
			continue
		}
		if s, ok := schemaOf[t]; ok && s != schema {
			continue
		}
		schemaOf[t] = schema
		e.columns[t] = append(e.columns[t], presentColumn{c, typ})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dq: list tables: %w", err)
	}
	for t := range e.columns {
		var n int64
		if !vocabularyTables[t] || t == "concept" {
			if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+ident(t)).Scan(&n); err != nil {
				return nil, fmt.Errorf("dq: count %s: %w", t, err)
			}
		}
		switch {
		case t == "concept":
			e.conceptRows = n
		case !vocabularyTables[t]:
			e.rows[t] = n
		}
	}
	return e, nil
}

// conceptTable is the temporary subset of concept the concept checks join:
// the concepts the checked tables reference.
const conceptTable = "dq_concept"

// referencedConcepts fills conceptTable with the concepts any concept field
// of a non-empty checked table references, so that the concept checks scan
// the (possibly large) concept table once.
func referencedConcepts(ctx context.Context, conn *sql.Conn, e *env) error {
	var ids []string
	for _, t := range cdm.Tables() {
		if e.rows[t.Name] == 0 {
			continue
		}
		for _, f := range cdm.Fields(t.Name) {
			if f.IsConceptField() && e.hasColumn(t.Name, f.Name) {
				ids = append(ids, fmt.Sprintf("SELECT %s FROM %s", ident(f.Name), ident(t.Name)))
			}
		}
	}
	if len(ids) == 0 {
		ids = []string{"SELECT NULL::INTEGER"}
	}
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
SELECT concept_id, any_value(domain_id) AS domain_id, any_value(concept_class_id) AS concept_class_id,
       any_value(standard_concept) AS standard_concept, any_value(invalid_reason) AS invalid_reason
FROM concept WHERE concept_id IN (%s) GROUP BY concept_id`, conceptTable, strings.Join(ids, " UNION "))
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("dq: collect the referenced concepts: %w", err)
	}
	return nil
}

func (e *env) hasColumn(table, col string) bool {
	for _, c := range e.columns[table] {
		if c.name == col {
			return true
		}
	}
	return false
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
