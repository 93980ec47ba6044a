package search

import (
	"database/sql"
	"fmt"
	"strconv"
	"unicode"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/nlp"
)

// noteColumns is the select list that reads one NOTE row for indexing; the
// order matches noteRow.scan.
const noteColumns = `CAST(note_id AS BIGINT), CAST(person_id AS BIGINT),
	CAST(note_date AS DATE), CAST(note_datetime AS TIMESTAMP),
	CAST(note_title AS VARCHAR), CAST(note_text AS VARCHAR),
	CAST(language_concept_id AS BIGINT), CAST(note_source_value AS VARCHAR),
	CAST(visit_occurrence_id AS BIGINT)`

// noteRow is one row of the NOTE table, as far as the index needs it.
type noteRow struct {
	NoteID       int64
	PersonID     int64
	NoteDate     sql.NullTime
	NoteDateTime sql.NullTime
	Title        sql.NullString
	Text         sql.NullString
	LanguageID   sql.NullInt64
	SourceValue  sql.NullString
	VisitID      sql.NullInt64
}

// scan reads the current row of rows, selected with noteColumns.
func (r *noteRow) scan(rows *sql.Rows) error {
	if err := rows.Scan(&r.NoteID, &r.PersonID, &r.NoteDate, &r.NoteDateTime, &r.Title,
		&r.Text, &r.LanguageID, &r.SourceValue, &r.VisitID); err != nil {
		return fmt.Errorf("scan note row: %w", err)
	}
	return nil
}

// docID is the document id of a note: its note_id in decimal.
func docID(noteID int64) string { return strconv.FormatInt(noteID, 10) }

// document returns the Bleve document of the note. note_date holds
// note_datetime when recorded, else note_date at midnight UTC.
func (r *noteRow) document() map[string]any {
	d := map[string]any{
		fieldNoteID:   float64(r.NoteID),
		fieldPersonID: float64(r.PersonID),
		fieldTitle:    r.Title.String,
		fieldText:     r.Text.String,
		fieldLanguage: language(r.LanguageID.Int64, r.Text.String),
	}
	switch {
	case r.NoteDateTime.Valid:
		d[fieldNoteDate] = r.NoteDateTime.Time.UTC()
	case r.NoteDate.Valid:
		d[fieldNoteDate] = r.NoteDate.Time.UTC()
	}
	if r.SourceValue.Valid && r.SourceValue.String != "" {
		d[fieldNoteType] = r.SourceValue.String
	}
	if r.VisitID.Valid {
		d[fieldVisitID] = float64(r.VisitID.Int64)
	}
	if names := sectionNames(r.Text.String); len(names) > 0 {
		d[fieldSections] = names
	}
	return d
}

// sectionNames returns the distinct nlp section names present in text, in
// order of first appearance.
func sectionNames(text string) []string {
	var names []string
	seen := map[string]bool{}
	for _, s := range nlp.Sections(text) {
		if !seen[s.Name] {
			seen[s.Name] = true
			names = append(names, s.Name)
		}
	}
	return names
}

// Languages reported in Hit.Language.
const (
	LanguageEnglish = "en"
	LanguageChinese = "zh"
	LanguageUnknown = "und"
)

// sniffBytes bounds how much of a note language detection looks at.
const sniffBytes = 4096

// language names the note's language from its script: Chinese when Han
// characters are at least half as many as Latin letters (a Han character
// carries about a word), English when there are Latin letters or
// language_concept_id says English, else unknown. Script decides first
// because cdm has no concept for Chinese yet, so a Chinese note may carry
// any language_concept_id.
func language(conceptID int64, text string) string {
	if len(text) > sniffBytes {
		text = text[:sniffBytes]
	}
	han, latin := 0, 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r < unicode.MaxLatin1 && unicode.IsLetter(r):
			latin++
		}
	}
	switch {
	case han > 0 && 2*han >= latin:
		return LanguageChinese
	case latin > 0 || conceptID == cdm.ConceptEnglish:
		return LanguageEnglish
	}
	return LanguageUnknown
}
