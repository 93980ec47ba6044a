package search

import (
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cdw-dev/cdw/cdm"
)

func TestLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		concept int64
		text    string
		want    string
	}{
		{cdm.ConceptEnglish, "Chest pain for two days.", LanguageEnglish},
		{0, "Chest pain for two days.", LanguageEnglish},
		{0, "主诉：胸痛3天。", LanguageChinese},
		{cdm.ConceptEnglish, "主诉：胸痛3天，ECG示ST段抬高。", LanguageChinese},
		{0, "Dx: 急性冠脉综合征 (ACS), troponin elevated, ECG shows STEMI", LanguageEnglish},
		{0, "12/80 ...", LanguageUnknown},
		{cdm.ConceptEnglish, "", LanguageEnglish},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, language(tt.concept, tt.text), "%d %q", tt.concept, tt.text)
	}
}

func TestDocument(t *testing.T) {
	t.Parallel()
	r := noteRow{
		NoteID:       7,
		PersonID:     42,
		NoteDate:     sql.NullTime{Time: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Valid: true},
		NoteDateTime: sql.NullTime{Time: time.Date(2024, 5, 1, 9, 15, 0, 0, time.UTC), Valid: true},
		Title:        sql.NullString{String: "ED note", Valid: true},
		Text:         sql.NullString{String: "Chief Complaint: chest pain\nPlan: ECG\nPlan: repeat troponin", Valid: true},
		LanguageID:   sql.NullInt64{Int64: cdm.ConceptEnglish, Valid: true},
		SourceValue:  sql.NullString{String: "emergency", Valid: true},
	}
	assert.Equal(t, map[string]any{
		fieldNoteID:   7.0,
		fieldPersonID: 42.0,
		fieldNoteDate: time.Date(2024, 5, 1, 9, 15, 0, 0, time.UTC),
		fieldTitle:    "ED note",
		fieldText:     r.Text.String,
		fieldLanguage: LanguageEnglish,
		fieldNoteType: "emergency",
		fieldSections: []string{"chief_complaint", "plan"},
	}, r.document(), "no visit, distinct sections")
	assert.Equal(t, "7", docID(r.NoteID))
}
