package search

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSearchEnglishWordsAreAllRequired(t *testing.T) {
	t.Parallel()
	x, _, _ := syncedIndex(t)
	assert.Equal(t, []int64{1, 2, 6}, noteIDs(t, x, Request{Query: "chest pain"}))
	assert.Equal(t, []int64{1, 2, 6}, noteIDs(t, x, Request{Query: "CHEST Pain"}), "case-insensitive")
	assert.Equal(t, []int64{1}, noteIDs(t, x, Request{Query: `"chest pain"`}), "quoted phrase")
	assert.Equal(t, []int64{1, 2}, noteIDs(t, x, Request{Query: "chest pain -wall"}), "exclusion")
	assert.Equal(t, []int64{3}, noteIDs(t, x, Request{Query: "pneumon*"}), "wildcard")
	assert.Equal(t, []int64{3}, noteIDs(t, x, Request{Query: "amoxicilin~1"}), "fuzzy")
	assert.Empty(t, noteIDs(t, x, Request{Query: "chest pneumonia"}))
}

func TestSearchHitsCarryStoredFieldsAndMarkedSnippets(t *testing.T) {
	t.Parallel()
	x, _, _ := syncedIndex(t)
	res, err := x.Search(ctx(t), Request{Query: `"chest pain" troponin`})
	require.NoError(t, err)
	require.Len(t, res.Hits, 1)
	assert.EqualValues(t, 1, res.Total)
	assert.Greater(t, res.Took, time.Duration(0))
	h := res.Hits[0]
	assert.Equal(t, int64(1), h.NoteID)
	assert.Equal(t, int64(101), h.PersonID)
	assert.Equal(t, int64(1001), h.VisitOccurrenceID)
	assert.Equal(t, time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC), h.NoteDate)
	assert.Equal(t, "Admission note", h.Title)
	assert.Equal(t, LanguageEnglish, h.Language)
	assert.Greater(t, h.Score, 0.0)
	require.NotEmpty(t, h.Snippets)
	snippet := strings.Join(h.Snippets, " ")
	assert.Contains(t, snippet, "<mark>chest</mark> <mark>pain</mark>")
	assert.Contains(t, snippet, "<mark>troponin</mark> &lt;q4h&gt; &amp; aspirin", "text is HTML-escaped")
	assert.NotContains(t, snippet, "<q4h>")
}

func TestSearchChinese(t *testing.T) {
	t.Parallel()
	x, _, _ := syncedIndex(t)
	res, err := x.Search(ctx(t), Request{Query: "胸痛"})
	require.NoError(t, err)
	require.Len(t, res.Hits, 1)
	h := res.Hits[0]
	assert.Equal(t, int64(4), h.NoteID)
	assert.Equal(t, LanguageChinese, h.Language)
	assert.Equal(t, "入院记录", h.Title)
	assert.Contains(t, strings.Join(h.Snippets, " "), "<mark>胸痛</mark>")
	assert.Equal(t, time.Date(2024, 3, 3, 0, 0, 0, 0, time.UTC), h.NoteDate, "note_date when no note_datetime")

	assert.Equal(t, []int64{4}, noteIDs(t, x, Request{Query: "急性冠脉综合征"}), "longer Chinese words need all bigrams")
	assert.Equal(t, []int64{5}, noteIDs(t, x, Request{Query: "发热 高血压"}))
	assert.Empty(t, noteIDs(t, x, Request{Query: "胸痛 发热"}))
	assert.Empty(t, noteIDs(t, x, Request{Query: "胸痛 pneumonia"}))
}

func TestSearchTitleMatchesAndSnippetFallsBackToTitle(t *testing.T) {
	t.Parallel()
	x, _, _ := syncedIndex(t)
	res, err := x.Search(ctx(t), Request{Query: "discharge"})
	require.NoError(t, err)
	require.Len(t, res.Hits, 1)
	assert.Equal(t, int64(3), res.Hits[0].NoteID)
	assert.Equal(t, []string{"<mark>Discharge</mark> summary"}, res.Hits[0].Snippets)
	assert.Equal(t, []int64{4}, noteIDs(t, x, Request{Query: "title:入院"}), "field syntax")
	assert.Equal(t, []int64{4, 5}, noteIDs(t, x, Request{Query: "language:zh"}))
	assert.Equal(t, []int64{3}, noteIDs(t, x, Request{Query: "sections:hospital_course"}))
}

func TestSearchPersonFilter(t *testing.T) {
	t.Parallel()
	x, _, _ := syncedIndex(t)
	assert.Equal(t, []int64{2, 6}, noteIDs(t, x, Request{Query: "chest pain", PersonID: 102}))
	assert.Equal(t, []int64{1}, noteIDs(t, x, Request{Query: "chest pain", PersonID: 101}))
	assert.Empty(t, noteIDs(t, x, Request{Query: "chest pain", PersonID: 999}))
	assert.Equal(t, []int64{6}, noteIDs(t, x, Request{Query: "-exam", PersonID: 102}), "only exclusions")
}

func TestSearchPaging(t *testing.T) {
	t.Parallel()
	x, _, _ := syncedIndex(t)
	all, err := x.Search(ctx(t), Request{Query: "chest pain"})
	require.NoError(t, err)
	require.Len(t, all.Hits, 3)
	for i := 1; i < len(all.Hits); i++ {
		assert.GreaterOrEqual(t, all.Hits[i-1].Score, all.Hits[i].Score, "ranked best first")
	}
	page, err := x.Search(ctx(t), Request{Query: "chest pain", Size: 1, From: 1})
	require.NoError(t, err)
	assert.EqualValues(t, 3, page.Total)
	require.Len(t, page.Hits, 1)
	assert.Equal(t, all.Hits[1].NoteID, page.Hits[0].NoteID)
	assert.Equal(t, DefaultSize, pageSize(0))
	assert.Equal(t, MaxSize, pageSize(5000))
}

func TestSearchRejectsEmptyAndInvalidQueries(t *testing.T) {
	t.Parallel()
	x, _, _ := syncedIndex(t)
	for _, q := range []string{"", "   ", "\t\n", "... ;"} {
		_, err := x.Search(ctx(t), Request{Query: q})
		assert.ErrorIs(t, err, ErrEmptyQuery, "query %q", q)
	}
	_, err := x.Search(ctx(t), Request{Query: `"chest pain`})
	assert.ErrorIs(t, err, ErrInvalidQuery)
	assert.Equal(t, []int64{1, 2, 6}, noteIDs(t, x, Request{Query: "chest , pain"}), "punctuation-only words are ignored")
}
