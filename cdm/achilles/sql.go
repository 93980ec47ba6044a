package achilles

import (
	"fmt"
	"strings"
)

// analysis is one entry of the catalog: its description plus the SELECT
// that computes it.
type analysis struct {
	Analysis
	// query yields one column per stratum then the count, or for a
	// distribution the stratum (if any) then one value per row.
	query string
	// perTable, when set, builds the query from the tables of Tables that
	// are present instead; the analysis runs when any of them is.
	perTable func(tables []string) string
}

// target is the table a's rows go to.
func (a analysis) target() string {
	if a.Dist {
		return DistTable
	}
	return ResultsTable
}

// statement returns the SELECT that computes a's rows of its target table
// over the present tables, or false when a table it needs is absent.
func (a analysis) statement(present map[string]bool) (string, bool) {
	q := a.query
	if a.perTable != nil {
		var have []string
		for _, t := range a.Tables {
			if present[t] {
				have = append(have, t)
			}
		}
		if len(have) == 0 {
			return "", false
		}
		q = a.perTable(have)
	} else {
		for _, t := range a.Tables {
			if !present[t] {
				return "", false
			}
		}
	}
	if a.Dist {
		return distSelect(a.ID, len(a.Strata) == 1, q), true
	}
	return countSelect(a.ID, len(a.Strata), q), true
}

// countSelect wraps q (strata columns then the count) into the columns of
// achilles_results, casting the strata to text and padding to five.
func countSelect(id, strata int, q string) string {
	cols := make([]string, 0, strata+1)
	sel := make([]string, 0, 6)
	for i := 1; i <= 5; i++ {
		if i <= strata {
			cols = append(cols, fmt.Sprintf("s%d", i))
			sel = append(sel, fmt.Sprintf("CAST(s%d AS VARCHAR)", i))
		} else {
			sel = append(sel, "NULL")
		}
	}
	cols = append(cols, "c")
	return fmt.Sprintf("SELECT CAST(%d AS INTEGER), %s, CAST(c AS BIGINT) FROM (%s) AS q(%s)",
		id, strings.Join(sel, ", "), q, strings.Join(cols, ", "))
}

// distSelect wraps q (the stratum, when stratified, then one value per row)
// into the columns of achilles_results_dist. NULL values are left out. The
// values are counted per distinct value first, as Achilles does, and every
// figure is taken from those counts: the percentiles are Achilles' (the
// smallest value whose cumulative count reaches the fraction of the
// stratum's count), the standard deviation the sample one (NULL for a
// single value).
func distSelect(id int, stratified bool, q string) string {
	src := fmt.Sprintf("SELECT s1, CAST(x AS DOUBLE) AS x FROM (%s) AS q(s1, x)", q)
	if !stratified {
		src = fmt.Sprintf("SELECT CAST(NULL AS VARCHAR) AS s1, CAST(x AS DOUBLE) AS x FROM (%s) AS q(x)", q)
	}
	pct := func(p string) string { return fmt.Sprintf("min(x) FILTER (WHERE acc >= %s * n)", p) }
	return fmt.Sprintf(`SELECT CAST(%d AS INTEGER), CAST(s1 AS VARCHAR), CAST(any_value(n) AS BIGINT), min(x), max(x), sum(c * x) / any_value(n),
	CASE WHEN any_value(n) > 1 THEN sqrt(greatest(0, (sum(c * x * x) - sum(c * x) * sum(c * x) / any_value(n)) / (any_value(n) - 1))) END,
	%s, %s, %s, %s, %s
FROM (SELECT s1, x, c, sum(c) OVER (PARTITION BY s1 ORDER BY x ROWS UNBOUNDED PRECEDING) AS acc, sum(c) OVER (PARTITION BY s1) AS n
      FROM (SELECT s1, x, count(*) AS c FROM (%s) WHERE x IS NOT NULL GROUP BY s1, x))
GROUP BY s1`, id, pct("0.5"), pct("0.1"), pct("0.25"), pct("0.75"), pct("0.9"), src)
}

// firstPeriod is each person's first observation period (earliest start).
const firstPeriod = `(SELECT person_id, observation_period_start_date AS op_start, observation_period_end_date AS op_end
	FROM observation_period
	QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY observation_period_start_date, observation_period_end_date) = 1)`

// sweep counts, for every unit (month or year index) covered by the
// intervals query's rows (person_id, the keys, s, e: first and last unit,
// inclusive; rows with s > e are ignored), the distinct persons covering it,
// per combination of keys (which must not vary within a person). Each
// person's intervals are merged first, then +1/-1 steps are summed along
// the units, so the cost grows with the number of intervals, not with
// persons times units. It yields the keys, the unit u and the count n;
// units nobody covers are left out.
func sweep(intervals string, keys ...string) string {
	k := func(prefix string) string {
		var b strings.Builder
		for _, key := range keys {
			b.WriteString(prefix + key + ", ")
		}
		return b.String()
	}
	on := ""
	for _, key := range keys {
		on += " AND steps." + key + " IS NOT DISTINCT FROM g." + key
	}
	partition := ""
	if len(keys) > 0 {
		partition = "PARTITION BY " + strings.TrimSuffix(k("g."), ", ") + " "
	}
	return `WITH iv(person_id, ` + k("") + `s, e) AS (` + intervals + `),
flag AS (SELECT person_id, ` + k("") + `s, e, CASE WHEN s <= max(e) OVER (PARTITION BY person_id ORDER BY s, e
	ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS fresh FROM iv WHERE s <= e),
isl AS (SELECT person_id, ` + k("") + `s, e, sum(fresh) OVER (PARTITION BY person_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island FROM flag),
merged AS (SELECT ` + k("") + `min(s) AS s, max(e) AS e FROM isl GROUP BY ` + k("") + `person_id, island),
steps AS (SELECT ` + k("") + `u, sum(d) AS d FROM (SELECT ` + k("") + `s AS u, 1 AS d FROM merged UNION ALL SELECT ` + k("") + `e + 1, -1 FROM merged) GROUP BY ALL),
span AS (SELECT unnest(range(min(s), max(e) + 1)) AS u FROM merged),
g AS (SELECT DISTINCT ` + k("") + `1 AS one FROM merged)
SELECT ` + k("") + `u, n FROM (SELECT ` + k("g.") + `span.u, sum(coalesce(steps.d, 0)) OVER (` + partition + `ORDER BY span.u ROWS UNBOUNDED PRECEDING) AS n
	FROM g CROSS JOIN span LEFT JOIN steps ON steps.u = span.u` + on + `) WHERE n > 0`
}

// monthIndex numbers the calendar month of a date (year * 12 + month - 1);
// fromMonthIndex turns such a number back into YYYYMM.
func monthIndex(date string) string {
	return fmt.Sprintf("(year(%[1]s) * 12 + month(%[1]s) - 1)", date)
}

func fromMonthIndex(u string) string { return fmt.Sprintf("(%[1]s // 12) * 100 + %[1]s %% 12 + 1", u) }

// ym is the YYYYMM of a date expression.
func ym(date string) string { return fmt.Sprintf("year(%[1]s) * 100 + month(%[1]s)", date) }
