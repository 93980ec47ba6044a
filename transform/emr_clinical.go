package transform

import (
	"fmt"
	"strings"
)

// clinicalMappings fill the clinical event and economics tables from the
// EMR (run after mappings, before the FHIR-only ones), in dependency order:
// ward stays first (the events point at them), COST last (it points at the
// events it charges for). Every *_source_value keeps the hospital's own
// code and every *_source_concept_id its code's concept (0 when the code
// map has none). The rows' type concepts are 32817 EHR, 32838 EHR
// prescription (medication orders, prescriptions) and 32818 EHR
// administration record (given doses).
var clinicalMappings = concatMappings(
	visitDetailMappings,
	measurementMappings,
	drugMappings,
	procedureMappings,
	observationMappings,
	specimenMappings,
	deathMappings,
	costMappings,
)

func concatMappings(groups ...[]mapping) []mapping {
	var out []mapping
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// check is one reason a source row cannot be mapped: when is a condition
// that is never NULL, reason the SQL text expression saying why.
type check struct{ when, reason string }

// emrSource is an EMR table as one mapping reads it: from is its FROM
// clause, the source row aliased s with LEFT JOINs to what it needs, and
// checks the reasons a row is left out (and quarantined).
type emrSource struct {
	table  string // bronze table, e.g. emr.lab_result
	from   string
	checks []check
}

// where is the condition a row must meet to be mapped: no check applies.
func (e emrSource) where() string {
	if len(e.checks) == 0 {
		return "true"
	}
	parts := make([]string, len(e.checks))
	for i, c := range e.checks {
		parts[i] = "NOT (" + c.when + ")"
	}
	return strings.Join(parts, "\n  AND ")
}

// quarantine selects the rows some check applies to, with the first
// applicable check's reason.
func (e emrSource) quarantine() string {
	var when, anyOf []string
	for _, c := range e.checks {
		when = append(when, fmt.Sprintf("WHEN %s THEN %s", c.when, c.reason))
		anyOf = append(anyOf, "("+c.when+")")
	}
	return fmt.Sprintf("SELECT %s, s._key, CASE %s END\nFROM %s\nWHERE %s",
		quote(e.table), strings.Join(when, " "), e.from, strings.Join(anyOf, " OR "))
}

// visitCheck quarantines a row whose registration (the expression reg) is
// not in VISIT_OCCURRENCE; the source's FROM must LEFT JOIN
// visit_occurrence v on it.
func visitCheck(reg string) check {
	return check{
		when:   "v.visit_occurrence_id IS NULL",
		reason: fmt.Sprintf("'registration ' || coalesce(%s::VARCHAR, 'NULL') || ' is not in VISIT_OCCURRENCE'", reg),
	}
}

// parentCheck quarantines a row whose parent row (alias p, key column
// pkey, referenced by the expression ref) is not in the source table name.
func parentCheck(alias, pkey, ref, name string) check {
	return check{
		when:   fmt.Sprintf("%s.%s IS NULL", alias, pkey),
		reason: fmt.Sprintf("'%s ' || coalesce(%s::VARCHAR, 'NULL') || ' is not in %s'", strings.TrimPrefix(name, "emr."), ref, name),
	}
}

// nullCheck quarantines a row whose required column expr is NULL.
func nullCheck(expr, reason string) check {
	return check{when: expr + " IS NULL", reason: quote(reason)}
}

// codeLookup LEFT JOINs, as alias, the code map's row (there is at most
// one) for the code expr in the vocabulary the expression vocab names.
func codeLookup(alias, vocab, code string) string {
	return fmt.Sprintf("LEFT JOIN %[1]s %[2]s ON %[2]s.vocabulary_id = %[3]s AND %[2]s.source_code = %[4]s", CodeMapTable, alias, vocab, code)
}

// lookup LEFT JOINs, as alias, the code map's row for code in vocabulary.
func lookup(alias, vocabulary, code string) string {
	return codeLookup(alias, quote(vocabulary), code)
}

// wardStayJoin joins, as alias, the ward stay of the visit (an expression)
// the patient was in at time at: the last of its stays to start at or
// before it (none before the first); alias.visit_detail_id is its id.
func wardStayJoin(alias, visit, at string) string {
	return fmt.Sprintf(`ASOF LEFT JOIN (SELECT visit_occurrence_id, visit_detail_start_datetime, visit_detail_id FROM visit_detail) %[1]s
  ON %[1]s.visit_occurrence_id = %[2]s AND %[3]s >= %[1]s.visit_detail_start_datetime`, alias, visit, at)
}
