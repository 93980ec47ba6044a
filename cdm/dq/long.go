package dq

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
)

// Checks that look a value up in another table (a concept, a referenced
// record, the person's birth) run as one "long" query per kind over all
// tables: the values of every field are stacked, joined once and counted
// per field. A join per field and check costs DuckDB tens of milliseconds
// of planning each.
const (
	longConcept = "concept" // metrics: missing, domain, class, standard
	longFK      = "fk"      // metric: fk
	longBirth   = "birth"   // metrics: after, age
)

// longRef names the long query and the metric a check reads.
type longRef struct{ kind, metric string }

// fieldKey names one field of one table.
type fieldKey struct{ table, field string }

// longResults are the outcomes of the long queries: per kind, field and metric.
type longResults map[string]map[fieldKey]map[string]outcome

// use is one field a long query stacks.
type use struct {
	table, field string
	extra        string // further columns of the stacked row, SQL over t
}

// stack is the UNION ALL of the uses: table, field, the row's key k (as
// VARCHAR), the field's value v and the extra columns, for rows whose
// value is not NULL (and not 0 when skipZero).
func stack(uses []use, skipZero bool) string {
	parts := make([]string, len(uses))
	for i, u := range uses {
		t, _ := cdm.Lookup(u.table)
		col := "t." + ident(u.field)
		where := col + " IS NOT NULL"
		if skipZero {
			where += " AND " + col + " <> 0"
		}
		extra := ""
		if u.extra != "" {
			extra = ", " + u.extra
		}
		parts[i] = fmt.Sprintf("SELECT %s AS tbl, %s AS fld, %s AS k, %s AS v%s FROM %s t WHERE %s",
			quote(u.table), quote(u.field), sortable(keyOf(t)), col, extra, ident(u.table), where)
	}
	return strings.Join(parts, "\nUNION ALL\n")
}

// runLong runs q, whose rows are tbl, fld and per metric the violations,
// the denominator and the samples, and files the outcomes under kind.
func runLong(ctx context.Context, conn *sql.Conn, res longResults, kind, q string, metrics []string) error {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("dq: %s checks: %w", kind, err)
	}
	defer rows.Close()
	if res[kind] == nil {
		res[kind] = map[fieldKey]map[string]outcome{}
	}
	for rows.Next() {
		var k fieldKey
		outs := make([]outcome, len(metrics))
		dest := []any{&k.table, &k.field}
		for i := range outs {
			dest = append(dest, &outs[i].bad, &outs[i].n, &outs[i].samples)
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("dq: %s checks: %w", kind, err)
		}
		m := map[string]outcome{}
		for i, name := range metrics {
			m[name] = outs[i]
		}
		res[kind][k] = m
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("dq: %s checks: %w", kind, err)
	}
	return nil
}

// sortable is key as text that sorts as numbers do (left-padded with
// blanks to 20 characters); metric trims the padding off the samples.
func sortable(key string) string {
	return fmt.Sprintf("(CASE WHEN length(%[1]s::VARCHAR) < 20 THEN repeat(' ', 20 - length(%[1]s::VARCHAR)) ELSE '' END || %[1]s::VARCHAR)", key)
}

// metric is the SQL of one metric's three columns: violations, denominator
// and samples.
func metric(violated, denominator string, samples int) string {
	return fmt.Sprintf("count(*) FILTER (WHERE %[1]s), count(*) FILTER (WHERE %[2]s), array_to_string(list_transform(min(k, %[3]d) FILTER (WHERE %[1]s), x -> ltrim(x, ' ')), ', ')",
		violated, denominator, samples)
}

// runLongChecks runs the long queries the checks need.
func runLongChecks(ctx context.Context, conn *sql.Conn, e *env, checks []*check, samples int) (longResults, error) {
	need := map[string][]use{}
	seen := map[string]bool{}
	for _, c := range checks {
		if c.long == nil {
			continue
		}
		id := c.long.kind + "." + c.table + "." + c.field
		if seen[id] {
			continue
		}
		seen[id] = true
		u := use{table: c.table, field: c.field}
		switch c.long.kind {
		case longFK:
			f, _ := cdm.SpecField(c.table, c.field)
			u.extra = quote(f.FKTable) + " AS rt"
		case longBirth:
			u.extra = "t.person_id"
		}
		need[c.long.kind] = append(need[c.long.kind], u)
	}
	res := longResults{}
	for _, kind := range []struct {
		name    string
		query   func([]use, int) string
		metrics []string
	}{
		{longConcept, conceptQuery, []string{"missing", "domain", "class", "standard"}},
		{longFK, fkQuery, []string{"fk"}},
		{longBirth, birthQuery, []string{"after", "age"}},
	} {
		if uses := need[kind.name]; len(uses) > 0 {
			if err := runLong(ctx, conn, res, kind.name, kind.query(uses, samples), kind.metrics); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

// outcomeOf is the outcome of a long check: none found (no rows) when its
// field had no values to check.
func (r longResults) outcomeOf(c *check) outcome {
	return r[c.long.kind][fieldKey{c.table, c.field}][c.long.metric]
}

// conceptQuery checks the concept fields: the concept exists (0 aside), is
// of the field's domain and class, and is a valid standard concept.
func conceptQuery(uses []use, samples int) string {
	var rules []string
	for _, u := range uses {
		f, _ := cdm.SpecField(u.table, u.field)
		domains := "NULL::VARCHAR[]"
		if d := f.Domains(); len(d) > 0 {
			q := make([]string, len(d))
			for i, x := range d {
				q[i] = quote(x)
			}
			domains = "[" + strings.Join(q, ", ") + "]::VARCHAR[]"
		}
		cls := "NULL::VARCHAR"
		if f.FKClass != "" {
			cls = quote(f.FKClass)
		}
		rules = append(rules, fmt.Sprintf("(%s, %s, %s, %s)", quote(u.table), quote(u.field), domains, cls))
	}
	return fmt.Sprintf(`WITH rules(tbl, fld, domains, cls) AS (VALUES %s),
uses AS (%s),
j AS (SELECT u.tbl, u.fld, u.k, c.concept_id IS NULL AS missing, c.concept_id IS NOT NULL AS known,
        c.concept_id IS NOT NULL AND r.domains IS NOT NULL AND NOT list_contains(r.domains, c.domain_id) AS bad_domain,
        c.concept_id IS NOT NULL AND r.cls IS NOT NULL AND c.concept_class_id IS DISTINCT FROM r.cls AS bad_class,
        c.concept_id IS NOT NULL AND (c.standard_concept IS DISTINCT FROM 'S' OR coalesce(c.invalid_reason, '') <> '') AS bad_std
      FROM uses u JOIN rules r ON r.tbl = u.tbl AND r.fld = u.fld LEFT JOIN %s c ON c.concept_id = u.v)
SELECT tbl, fld, %s, %s, %s, %s FROM j GROUP BY tbl, fld`, strings.Join(rules, ", "), stack(uses, true), conceptTable,
		metric("missing", "true", samples), metric("bad_domain", "known", samples), metric("bad_class", "known", samples), metric("bad_std", "known", samples))
}

// fkQuery checks that each foreign key names a record of its table.
func fkQuery(uses []use, samples int) string {
	var ids []string
	refs := map[string]bool{}
	for _, u := range uses {
		f, _ := cdm.SpecField(u.table, u.field)
		if !refs[f.FKTable] {
			refs[f.FKTable] = true
			ids = append(ids, fmt.Sprintf("SELECT %s AS rt, %s::BIGINT AS id FROM %s", quote(f.FKTable), ident(f.FKField), ident(f.FKTable)))
		}
	}
	return fmt.Sprintf(`WITH ids AS (SELECT DISTINCT * FROM (%s)),
uses AS (%s),
j AS (SELECT u.tbl, u.fld, u.k, i.id IS NULL AS missing FROM uses u LEFT JOIN ids i ON i.rt = u.rt AND i.id = u.v::BIGINT)
SELECT tbl, fld, %s FROM j GROUP BY tbl, fld`, strings.Join(ids, "\nUNION ALL\n"), stack(uses, false), metric("missing", "true", samples))
}

// birthQuery checks dates against the person's birth: not before it, and
// at an age of 0 to 130 years.
func birthQuery(uses []use, samples int) string {
	return fmt.Sprintf(`WITH uses AS (%s),
j AS (SELECT u.tbl, u.fld, u.k, u.v::DATE AS d, b.birth_date, b.year_of_birth FROM uses u LEFT JOIN %s b ON b.person_id = u.person_id)
SELECT tbl, fld, %s, %s FROM j GROUP BY tbl, fld`, stack(uses, false), birthTable,
		metric("d < birth_date", "birth_date IS NOT NULL", samples),
		metric("year(d) - year_of_birth NOT BETWEEN 0 AND 130", "year_of_birth IS NOT NULL", samples))
}
