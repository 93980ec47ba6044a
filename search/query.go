package search

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
)

// ErrEmptyQuery is returned by Search when the query has nothing to search
// for: it is blank or only punctuation.
var ErrEmptyQuery = errors.New("search: empty query")

// ErrInvalidQuery is returned (wrapped, with the parser's message) by
// Search when the query cannot be parsed, e.g. an unclosed quote.
var ErrInvalidQuery = errors.New("search: invalid query")

// Page sizes of a Request.
const (
	DefaultSize = 20
	MaxSize     = 1000
)

// Request is one search of the notes index.
type Request struct {
	// Query is what the user typed. Words are all required (chest pain
	// finds notes with both); "quoted words" must appear as a phrase;
	// -word excludes; word* and /regexp/ match patterns; word~1 is fuzzy;
	// field:value searches one field (title, text, language, note_type,
	// sections). Without a field, words match the note's title or text.
	Query    string
	Size     int   // hits per page: DefaultSize when 0 or less, at most MaxSize
	From     int   // hits to skip, for paging
	PersonID int64 // only this person's notes; 0 for anyone's
}

// Result is one page of hits, best first.
type Result struct {
	Total uint64        `json:"total"`   // notes matching, across all pages
	Took  time.Duration `json:"took_ns"` // time the index spent searching
	Hits  []Hit         `json:"hits"`
}

// Hit is one matching note.
type Hit struct {
	NoteID            int64     `json:"note_id"`
	PersonID          int64     `json:"person_id"`
	VisitOccurrenceID int64     `json:"visit_occurrence_id"` // 0 when the note has no visit
	NoteDate          time.Time `json:"note_date"`           // note_datetime, else note_date; UTC
	Title             string    `json:"title"`
	Language          string    `json:"language"` // LanguageEnglish, LanguageChinese or LanguageUnknown
	Score             float64   `json:"score"`
	// Snippets are HTML fragments of the note text (of the title when the
	// text has no match) with the text escaped and matches wrapped in
	// <mark>…</mark>.
	Snippets []string `json:"snippets"`
}

// Search runs req and returns one page of matching notes, ranked by
// relevance, then newest first.
func (x *Index) Search(ctx context.Context, req Request) (Result, error) {
	ctx, release, err := x.acquire(ctx)
	if err != nil {
		return Result{}, err
	}
	defer release()
	q, err := buildQuery(req, x.hasTerms)
	if err != nil {
		return Result{}, err
	}
	sr := bleve.NewSearchRequestOptions(q, pageSize(req.Size), max(req.From, 0), false)
	sr.Fields = []string{fieldPersonID, fieldVisitID, fieldNoteDate, fieldTitle, fieldLanguage}
	sr.Highlight = bleve.NewHighlightWithStyle(html.Name)
	sr.Highlight.Fields = searchFields
	sr.SortBy([]string{"-_score", "-" + fieldNoteDate, "_id"})
	res, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		return Result{}, fmt.Errorf("search: query %q: %w", req.Query, err)
	}
	out := Result{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, toHit(h))
	}
	return out, nil
}

func pageSize(n int) int {
	switch {
	case n <= 0:
		return DefaultSize
	case n > MaxSize:
		return MaxSize
	}
	return n
}

// toHit converts a Bleve hit, reading the stored fields Search asked for.
func toHit(h *search.DocumentMatch) Hit {
	id, _ := strconv.ParseInt(h.ID, 10, 64)
	hit := Hit{
		NoteID:            id,
		PersonID:          int64(number(h.Fields[fieldPersonID])),
		VisitOccurrenceID: int64(number(h.Fields[fieldVisitID])),
		Title:             text(h.Fields[fieldTitle]),
		Language:          text(h.Fields[fieldLanguage]),
		Score:             h.Score,
		Snippets:          snippets(h.Fragments),
	}
	if t, err := time.Parse(time.RFC3339Nano, text(h.Fields[fieldNoteDate])); err == nil {
		hit.NoteDate = t.UTC()
	}
	return hit
}

// snippets picks the highlighted fragments to show: the text's when they
// mark a match, else the title's when they do, else the text's (the
// highlighter returns the start of a field that has no match).
func snippets(fragments search.FieldFragmentMap) []string {
	for _, f := range searchFieldsByPreference {
		if marked(fragments[f]) {
			return fragments[f]
		}
	}
	return fragments[fieldText]
}

var searchFieldsByPreference = []string{fieldText, fieldTitle}

func marked(fragments []string) bool {
	for _, f := range fragments {
		if strings.Contains(f, "<mark>") {
			return true
		}
	}
	return false
}

func number(v any) float64 {
	f, _ := v.(float64)
	return f
}

func text(v any) string {
	s, _ := v.(string)
	return s
}

// hasTerms reports whether s yields any term under the text analyzer.
func (x *Index) hasTerms(s string) bool {
	a := x.idx.Mapping().AnalyzerNamed(textAnalyzer)
	if a == nil {
		return strings.TrimSpace(s) != ""
	}
	return len(a.Analyze([]byte(s))) > 0
}
