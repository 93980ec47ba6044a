package dq

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/cdw-dev/cdw/cdm"
)

// Check levels (the check_level column).
const (
	levelTable   = "TABLE"
	levelField   = "FIELD"
	levelConcept = "CONCEPT"
)

// check is one data-quality check: the rows of its table (aliased t) that
// satisfy where (all rows when empty) are its denominator, those of them
// for which violated holds its violations, and key names a violating row in
// the samples. where and violated may use window functions and correlated
// subqueries. A check whose outcome is known without a query (the table's
// shape) carries it in fixed.
type check struct {
	name, category, subcategory, level string
	table, field, concept              string // concept: the concept id a CONCEPT-level check is about
	description                        string
	threshold                          float64
	where, violated, key               string
	long                               *longRef // the check is a metric of a long query (see long.go)
	fixed                              *outcome
}

// outcome is what a check found.
type outcome struct {
	bad, n  int64
	samples sql.NullString
}

// id is the check's unique id: name, table, field and concept, lower case.
func (c *check) id() string {
	parts := []string{c.name, c.table}
	if c.field != "" {
		parts = append(parts, c.field)
	}
	if c.concept != "" {
		parts = append(parts, c.concept)
	}
	return strings.ToLower(strings.Join(parts, "_"))
}

// generate returns the checks for the tables of e, from the spec.
func generate(e *env, now time.Time) []*check {
	var out []*check
	for _, t := range cdm.Tables() {
		if e.rows[t.Name] == 0 {
			continue // absent, empty or a vocabulary table: nothing to check
		}
		out = append(out, shapeCheck(e, t))
		key := keyOf(t)
		for _, f := range cdm.Fields(t.Name) {
			if !e.hasColumn(t.Name, f.Name) {
				continue // the shape check reports it
			}
			out = append(out, fieldChecks(e, t, f, key)...)
		}
		out = append(out, temporalChecks(e, t, key, now)...)
		if c := duplicateCheck(t, key); c != nil {
			out = append(out, c)
		}
		if t.Name == "measurement" {
			out = append(out, measurementChecks(e)...)
		}
	}
	return out
}

// keyOf is the column that names a row of t in the samples: its primary
// key, or its first column.
func keyOf(t cdm.Table) string {
	if t.PrimaryKey != "" {
		return "t." + ident(t.PrimaryKey)
	}
	return "t." + ident(t.Columns[0].Name)
}

// shapeCheck (cdmTable) counts the spec's fields the table lacks, holds out
// of order or with another type than the DDL's, and the columns it has
// beyond the spec.
func shapeCheck(e *env, t cdm.Table) *check {
	var bad []string
	got := e.columns[t.Name]
	for i, c := range t.Columns {
		switch {
		case i >= len(got) || got[i].name != c.Name:
			bad = append(bad, c.Name+" missing or out of order")
		case !strings.EqualFold(got[i].typ, c.DuckDBType()):
			bad = append(bad, c.Name+" is "+got[i].typ+", not "+c.DuckDBType())
		}
	}
	for i := len(t.Columns); i < len(got); i++ {
		bad = append(bad, got[i].name+" is not in the spec")
	}
	o := &outcome{bad: int64(len(bad)), n: int64(len(t.Columns))}
	if len(bad) > 0 {
		o.samples = sql.NullString{String: strings.Join(bad, ", "), Valid: true}
	}
	return &check{name: "cdmTable", category: Conformance, subcategory: "Relational", level: levelTable,
		table: t.Name, threshold: DefaultKeyThreshold, fixed: o,
		description: fmt.Sprintf("The %s table has the spec's %d fields, in order, with the DDL's types.", strings.ToUpper(t.Name), len(t.Columns))}
}

// fieldChecks are the checks of one field the spec alone defines.
func fieldChecks(e *env, t cdm.Table, f cdm.Field, key string) []*check {
	col := "t." + ident(f.Name)
	where := col + " IS NOT NULL"
	upper := strings.ToUpper(t.Name) + "." + strings.ToUpper(f.Name)
	mk := func(name, cat, sub string, thr float64, desc, where, violated string) *check {
		return &check{name: name, category: cat, subcategory: sub, level: levelField, table: t.Name, field: f.Name,
			threshold: thr, description: desc, where: where, violated: violated, key: key}
	}
	var out []*check
	if f.Required {
		out = append(out, mk("isRequired", Conformance, "Relational", DefaultKeyThreshold,
			"The required field "+upper+" is never NULL.", "", col+" IS NULL"))
	}
	if f.PrimaryKey {
		out = append(out, mk("isPrimaryKey", Conformance, "Relational", DefaultKeyThreshold,
			"Each value of "+upper+" appears once.", where, fmt.Sprintf("count(*) OVER (PARTITION BY %s) > 1", col)))
	}
	if f.ForeignKey && !f.IsConceptField() && e.present(f.FKTable) {
		out = append(out, mk("isForeignKey", Conformance, "Relational", DefaultKeyThreshold,
			fmt.Sprintf("Each value of %s is a %s.%s.", upper, strings.ToUpper(f.FKTable), strings.ToUpper(f.FKField)), "", ""))
		out[len(out)-1].long = &longRef{longFK, "fk"}
	}
	if f.IsConceptField() && e.conceptRows > 0 {
		out = append(out, conceptChecks(t, f, key, mk)...)
	}
	return out
}

// mainConcept reports whether f is the table's own concept field (e.g.
// CONDITION_OCCURRENCE.CONDITION_CONCEPT_ID; METADATA's aside) or
// PERSON.GENDER_CONCEPT_ID:
// the fields whose unmapped share measures the mapping's completeness.
func mainConcept(table, field string) bool {
	stem := table
	for _, suf := range []string{"_occurrence", "_exposure"} {
		stem = strings.TrimSuffix(stem, suf)
	}
	if table == "metadata" {
		return false // METADATA's concepts are 0 unless a build's metadata has one
	}
	return field == stem+"_concept_id" || (table == "person" && field == "gender_concept_id")
}

type mkFunc func(name, cat, sub string, thr float64, desc, where, violated string) *check

// conceptChecks are the checks of a field referencing CONCEPT: it exists
// (0, "no matching concept", is allowed), it is of the spec's domain and
// class, it is a valid standard concept (unless a source concept), and the
// table's own concept field is mapped.
func conceptChecks(t cdm.Table, f cdm.Field, key string, mk mkFunc) []*check {
	col := "t." + ident(f.Name)
	upper := strings.ToUpper(t.Name) + "." + strings.ToUpper(f.Name)
	long := func(c *check, metric string) *check { c.long = &longRef{longConcept, metric}; return c }
	out := []*check{long(mk("isForeignKey", Conformance, "Relational", DefaultKeyThreshold,
		"Each value of "+upper+" other than 0 is a CONCEPT.CONCEPT_ID.", "", ""), "missing")}
	if len(f.Domains()) > 0 {
		out = append(out, long(mk("fkDomain", Conformance, "Value", DefaultConceptThreshold,
			fmt.Sprintf("The concepts of %s are of the domain %s.", upper, f.FKDomain), "", ""), "domain"))
	}
	if f.FKClass != "" {
		out = append(out, long(mk("fkClass", Conformance, "Computational", DefaultConceptThreshold,
			fmt.Sprintf("The concepts of %s are of the class %s.", upper, f.FKClass), "", ""), "class"))
	}
	if !f.IsSourceConcept() && strings.HasSuffix(f.Name, "_concept_id") {
		out = append(out, long(mk("isStandardValidConcept", Conformance, "Value", DefaultConceptThreshold,
			fmt.Sprintf("The concepts of %s are valid standard concepts (or 0).", upper), "", ""), "standard"))
	}
	if mainConcept(t.Name, f.Name) {
		out = append(out, mk("standardConceptRecordCompleteness", Completeness, "", DefaultConceptThreshold,
			fmt.Sprintf("The records of %s are mapped to a standard concept (%s is not 0).", strings.ToUpper(t.Name), upper),
			"", col+" = 0 OR "+col+" IS NULL"))
	}
	return out
}
