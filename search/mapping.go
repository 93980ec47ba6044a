package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names of a note document.
const (
	fieldNoteID   = "note_id"
	fieldPersonID = "person_id"
	fieldNoteDate = "note_date"
	fieldTitle    = "title"
	fieldText     = "text"
	fieldLanguage = "language"
	fieldNoteType = "note_type"
	fieldVisitID  = "visit_occurrence_id"
	fieldSections = "sections"
)

// textAnalyzer analyses title and text. Bleve's "cjk" analyzer is the
// unicode tokenizer followed by cjk_width, lowercase and cjk_bigram: Latin
// words become lower-case terms and runs of Han characters become
// overlapping bigrams, so "chest pain" and "胸痛" are both searchable in
// one field.
const textAnalyzer = cjk.AnalyzerName

// searchFields are the fields a query without an explicit field searches.
var searchFields = []string{fieldTitle, fieldText}

// newMapping returns the index mapping for note documents. The mapping is
// static: fields not listed here are neither indexed nor stored.
func newMapping() *mapping.IndexMappingImpl {
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldNoteID, numericField(false))
	doc.AddFieldMappingsAt(fieldPersonID, numericField(true))
	doc.AddFieldMappingsAt(fieldVisitID, numericField(true))
	doc.AddFieldMappingsAt(fieldNoteDate, dateField())
	doc.AddFieldMappingsAt(fieldTitle, textField())
	doc.AddFieldMappingsAt(fieldText, textField())
	doc.AddFieldMappingsAt(fieldLanguage, keywordField(true))
	doc.AddFieldMappingsAt(fieldNoteType, keywordField(true))
	doc.AddFieldMappingsAt(fieldSections, keywordField(false))

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = textAnalyzer
	m.DefaultField = fieldText
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	return m
}

// textField is analysed free text, stored with term vectors so that hits
// can be highlighted.
func textField() *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Analyzer = textAnalyzer
	f.Store = true
	f.IncludeTermVectors = true
	f.IncludeInAll = false
	f.DocValues = false
	return f
}

func keywordField(store bool) *mapping.FieldMapping {
	f := bleve.NewKeywordFieldMapping()
	f.Analyzer = keyword.Name
	f.Store = store
	f.IncludeTermVectors = false
	f.IncludeInAll = false
	return f
}

func numericField(store bool) *mapping.FieldMapping {
	f := bleve.NewNumericFieldMapping()
	f.Store = store
	f.IncludeInAll = false
	return f
}

func dateField() *mapping.FieldMapping {
	f := bleve.NewDateTimeFieldMapping()
	f.Store = true
	f.IncludeInAll = false
	return f
}
