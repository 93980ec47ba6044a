package achilles

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Names of the tables Run writes.
const (
	ResultsTable  = "achilles_results"
	DistTable     = "achilles_results_dist"
	AnalysisTable = "achilles_analysis"
)

// Tables returns the names of the three tables Run creates, in the order a
// build should write them.
func Tables() []string { return []string{ResultsTable, DistTable, AnalysisTable} }

const createTables = `
CREATE OR REPLACE TABLE achilles_results (analysis_id INTEGER, stratum_1 VARCHAR, stratum_2 VARCHAR,
	stratum_3 VARCHAR, stratum_4 VARCHAR, stratum_5 VARCHAR, count_value BIGINT);
CREATE OR REPLACE TABLE achilles_results_dist (analysis_id INTEGER, stratum_1 VARCHAR, count_value BIGINT,
	min_value DOUBLE, max_value DOUBLE, avg_value DOUBLE, stdev_value DOUBLE, median_value DOUBLE,
	p10_value DOUBLE, p25_value DOUBLE, p75_value DOUBLE, p90_value DOUBLE);
CREATE OR REPLACE TABLE achilles_analysis (analysis_id INTEGER, analysis_name VARCHAR, stratum_1_name VARCHAR,
	stratum_2_name VARCHAR, stratum_3_name VARCHAR, stratum_4_name VARCHAR, stratum_5_name VARCHAR);`

// Options selects what Run computes.
type Options struct {
	// Analyses limits Run to these analysis ids; empty runs every analysis
	// (see Analyses). An id Run does not know is an error.
	Analyses []int
}

// Summary describes one Run.
type Summary struct {
	Ran        []int // analyses computed, ascending
	Skipped    []int // analyses not computed because a table they read is absent
	ResultRows int64 // rows written to achilles_results
	DistRows   int64 // rows written to achilles_results_dist
	Duration   time.Duration
}

// Analysis describes one analysis Run can compute.
type Analysis struct {
	ID     int
	Name   string
	Strata []string // meaning of stratum_1.. (at most 5; at most 1 for a distribution)
	Dist   bool     // written to achilles_results_dist instead of achilles_results
	// Tables are the OMOP tables read: the analysis is skipped when one is
	// absent, or, for the per-table analyses (1900, 10000, 10001), when all
	// are; those count the tables present.
	Tables []string
}

// Analyses returns every analysis Run knows, ascending by id.
func Analyses() []Analysis {
	out := make([]Analysis, 0, len(catalog))
	for _, a := range catalog {
		out = append(out, a.Analysis)
	}
	return out
}

// Run replaces achilles_results, achilles_results_dist and achilles_analysis
// on conn with the analyses opts selects, computed over the OMOP tables on
// conn. The tables are ordinary tables of conn's database, ready to be
// copied out with the snapshot. Counts are exact: no small-cell suppression.
func Run(ctx context.Context, conn *sql.Conn, opts Options) (Summary, error) {
	start := time.Now()
	chosen, err := choose(opts.Analyses)
	if err != nil {
		return Summary{}, err
	}
	present, err := presentTables(ctx, conn)
	if err != nil {
		return Summary{}, err
	}
	if _, err := conn.ExecContext(ctx, createTables); err != nil {
		return Summary{}, fmt.Errorf("achilles: create result tables: %w", err)
	}
	if err := writeCatalog(ctx, conn, chosen); err != nil {
		return Summary{}, err
	}
	sum, err := compute(ctx, conn, chosen, present)
	if err != nil {
		return Summary{}, err
	}
	for table, n := range map[string]*int64{ResultsTable: &sum.ResultRows, DistTable: &sum.DistRows} {
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(n); err != nil {
			return Summary{}, fmt.Errorf("achilles: count %s: %w", table, err)
		}
	}
	sum.Duration = time.Since(start)
	return sum, nil
}

// compute runs the chosen analyses whose tables are present: one INSERT
// per result table (DuckDB's cost per statement outweighs most analyses'),
// and, should that fail, each analysis alone to name the one at fault.
func compute(ctx context.Context, conn *sql.Conn, chosen []analysis, present map[string]bool) (Summary, error) {
	var sum Summary
	selects := map[string][]string{}
	var ran []analysis
	for _, a := range chosen {
		q, ok := a.statement(present)
		if !ok {
			sum.Skipped = append(sum.Skipped, a.ID)
			continue
		}
		selects[a.target()] = append(selects[a.target()], q)
		ran = append(ran, a)
		sum.Ran = append(sum.Ran, a.ID)
	}
	for _, table := range []string{ResultsTable, DistTable} {
		if len(selects[table]) == 0 {
			continue
		}
		_, err := conn.ExecContext(ctx, "INSERT INTO "+table+"\n"+strings.Join(selects[table], "\nUNION ALL\n"))
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return Summary{}, fmt.Errorf("achilles: write %s: %w", table, err)
		}
		for _, a := range ran {
			if a.target() != table {
				continue
			}
			q, _ := a.statement(present)
			if _, err := conn.ExecContext(ctx, "INSERT INTO "+table+" "+q); err != nil {
				return Summary{}, fmt.Errorf("achilles: analysis %d (%s): %w", a.ID, a.Name, err)
			}
		}
		return Summary{}, fmt.Errorf("achilles: write %s: %w", table, err)
	}
	return sum, nil
}

// choose returns the catalog's analyses with the given ids (all when ids is
// empty), ascending by id.
func choose(ids []int) ([]analysis, error) {
	if len(ids) == 0 {
		return catalog, nil
	}
	var out []analysis
	for _, a := range catalog {
		if slices.Contains(ids, a.ID) {
			out = append(out, a)
		}
	}
	for _, id := range ids {
		if !slices.ContainsFunc(out, func(a analysis) bool { return a.ID == id }) {
			return nil, fmt.Errorf("achilles: unknown analysis id %d", id)
		}
	}
	return out, nil
}

// presentTables returns the lower-case names of the tables and views on conn.
func presentTables(ctx context.Context, conn *sql.Conn) (map[string]bool, error) {
	rows, err := conn.QueryContext(ctx, "SELECT DISTINCT lower(table_name) FROM information_schema.tables")
	if err != nil {
		return nil, fmt.Errorf("achilles: list tables: %w", err)
	}
	defer rows.Close()
	present := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("achilles: list tables: %w", err)
		}
		present[name] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("achilles: list tables: %w", err)
	}
	return present, nil
}

// writeCatalog fills achilles_analysis with the chosen analyses' names and
// strata, computed or skipped alike.
func writeCatalog(ctx context.Context, conn *sql.Conn, chosen []analysis) error {
	var b strings.Builder
	b.WriteString("INSERT INTO achilles_analysis VALUES ")
	for i, a := range chosen {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%d, %s", a.ID, quote(a.Name))
		for k := range 5 {
			if k < len(a.Strata) {
				b.WriteString(", " + quote(a.Strata[k]))
			} else {
				b.WriteString(", NULL")
			}
		}
		b.WriteString(")")
	}
	if _, err := conn.ExecContext(ctx, b.String()); err != nil {
		return fmt.Errorf("achilles: write %s: %w", AnalysisTable, err)
	}
	return nil
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
