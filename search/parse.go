package search

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// buildQuery turns req into a Bleve query. The text is parsed with Bleve's
// query-string syntax and then rewritten: optional clauses become required
// (doctors expect every word to count), a clause without a field searches
// title or text, words analysed into several terms (Chinese bigrams,
// hyphenated words) need all of them, and clauses with no searchable terms
// are dropped. PersonID becomes a non-scoring filter.
func buildQuery(req Request, hasTerms func(string) bool) (query.Query, error) {
	if strings.TrimSpace(req.Query) == "" {
		return nil, ErrEmptyQuery
	}
	parsed, err := bleve.NewQueryStringQuery(req.Query).Parse()
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrInvalidQuery, req.Query, err)
	}
	top, ok := parsed.(*query.BooleanQuery)
	if !ok {
		return nil, fmt.Errorf("%w %q: unexpected parse result %T", ErrInvalidQuery, req.Query, parsed)
	}
	rw := rewriter{hasTerms: hasTerms}
	must := rw.all(children(top.Must), children(top.Should))
	mustNot := rw.all(children(top.MustNot))
	if len(must) == 0 && len(mustNot) == 0 {
		return nil, ErrEmptyQuery
	}
	q := query.NewBooleanQuery(must, nil, mustNot)
	if req.PersonID != 0 {
		v, incl := float64(req.PersonID), true
		f := query.NewNumericRangeInclusiveQuery(&v, &v, &incl, &incl)
		f.SetField(fieldPersonID)
		q.AddFilter(f)
	}
	return q, nil
}

// children returns the clauses of a parsed conjunction or disjunction.
func children(q query.Query) []query.Query {
	switch q := q.(type) {
	case *query.ConjunctionQuery:
		return q.Conjuncts
	case *query.DisjunctionQuery:
		return q.Disjuncts
	case nil:
		return nil
	}
	return []query.Query{q}
}

// rewriter rewrites parsed query-string clauses; see buildQuery.
type rewriter struct {
	hasTerms func(string) bool
}

// all rewrites every clause of every list, dropping those that vanish.
func (rw rewriter) all(lists ...[]query.Query) []query.Query {
	var out []query.Query
	for _, l := range lists {
		for _, q := range l {
			if r := rw.one(q); r != nil {
				out = append(out, r)
			}
		}
	}
	return out
}

// one rewrites a clause; nil means it has nothing to search for.
func (rw rewriter) one(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.MatchQuery:
		if isTextField(q.FieldVal) && !rw.hasTerms(q.Match) {
			return nil
		}
		q.SetOperator(query.MatchQueryOperatorAnd)
		return anyField(q.FieldVal, func(f string) query.Query { c := *q; c.SetField(f); return &c })
	case *query.MatchPhraseQuery:
		if isTextField(q.FieldVal) && !rw.hasTerms(q.MatchPhrase) {
			return nil
		}
		return anyField(q.FieldVal, func(f string) query.Query { c := *q; c.SetField(f); return &c })
	case *query.WildcardQuery:
		if isTextField(q.FieldVal) {
			q.Wildcard = strings.ToLower(q.Wildcard)
		}
		return anyField(q.FieldVal, func(f string) query.Query { c := *q; c.SetField(f); return &c })
	case *query.RegexpQuery:
		return anyField(q.FieldVal, func(f string) query.Query { c := *q; c.SetField(f); return &c })
	case *query.DisjunctionQuery:
		q.Disjuncts = rw.all(q.Disjuncts)
		if len(q.Disjuncts) == 0 {
			return nil
		}
		return q
	case *query.ConjunctionQuery:
		q.Conjuncts = rw.all(q.Conjuncts)
		if len(q.Conjuncts) == 0 {
			return nil
		}
		return q
	}
	return q
}

// anyField returns the clause as is when it names a field, else a
// disjunction of its copies for each of searchFields.
func anyField(field string, withField func(string) query.Query) query.Query {
	if field != "" {
		return withField(field)
	}
	qs := make([]query.Query, len(searchFields))
	for i, f := range searchFields {
		qs[i] = withField(f)
	}
	return query.NewDisjunctionQuery(qs)
}

// isTextField reports whether field is analysed with textAnalyzer ("" is
// the default, title or text).
func isTextField(field string) bool {
	return field == "" || field == fieldTitle || field == fieldText
}
