package export

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

type documentResource struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id"`
	Meta         *meta             `json:"meta"`
	Status       string            `json:"status"`
	DocStatus    string            `json:"docStatus"`
	Type         *codeableConcept  `json:"type"`
	Category     []codeableConcept `json:"category"`
	Subject      *reference        `json:"subject"`
	Date         string            `json:"date"`
	Author       []*reference      `json:"author,omitempty"`
	Description  string            `json:"description,omitempty"`
	Content      []documentContent `json:"content"`
	Context      *documentContext  `json:"context"`
}

type documentContent struct {
	Attachment attachment `json:"attachment"`
}

type attachment struct {
	ContentType string `json:"contentType"`
	Language    string `json:"language,omitempty"`
	Data        string `json:"data"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

type documentContext struct {
	Encounter []*reference `json:"encounter"`
}

// noteTypes maps the EMR's note types onto LOINC document types.
var noteTypes = map[string]coding{
	"admission":  {System: SystemLOINC, Code: "34117-2", Display: "History and physical note"},
	"progress":   {System: SystemLOINC, Code: "11506-3", Display: "Progress note"},
	"discharge":  {System: SystemLOINC, Code: "18842-5", Display: "Discharge summary"},
	"outpatient": {System: SystemLOINC, Code: "34108-1", Display: "Outpatient Note"},
	"emergency":  {System: SystemLOINC, Code: "34111-1", Display: "Emergency department Note"},
	"operative":  {System: SystemLOINC, Code: "11504-8", Display: "Surgical operation note"},
	"radiology":  {System: SystemLOINC, Code: "18748-4", Display: "Diagnostic imaging study"},
}

// noteDocumentTypes maps the EMR's note types onto HL7 v2 document types
// (table 0270, TXA-2): an outpatient note is a history and physical.
var noteDocumentTypes = map[string]string{
	"admission": "HP", "progress": "PR", "discharge": "DS", "outpatient": "HP",
	"emergency": "ED", "operative": "OP", "radiology": "DI",
}

// NoteContentType is the attachment content type of exported notes.
const NoteContentType = "text/plain; charset=utf-8"

const documentQuery = `SELECT n.note_id, n.reg_id, n.patient_id, n.note_type, n.title, n.language, n.body, n.written_at, s.code, s.name
	FROM emr.clinical_note n LEFT JOIN emr.staff s ON s.staff_id = n.author_id ORDER BY n.note_id`

// writeDocuments writes one DocumentReference per emr.clinical_note row,
// carrying the note text base64-encoded as a text/plain attachment.
func writeDocuments(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	return r.stream(ctx, documentQuery, func(rows pgx.Rows) error {
		var (
			id, reg, patient       int64
			typ, title, lang, body string
			at                     time.Time
			author, authorName     *string
		)
		if err := rows.Scan(&id, &reg, &patient, &typ, &title, &lang, &body, &at, &author, &authorName); err != nil {
			return fmt.Errorf("clinical_note: %w", err)
		}
		t := noteTypes[typ]
		d := documentResource{ResourceType: "DocumentReference", ID: strconv.FormatInt(id, 10), Meta: r.meta,
			Status: "current", DocStatus: "final",
			Type:     &codeableConcept{Coding: []coding{t}, Text: typ},
			Category: []codeableConcept{*concept("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category", "clinical-note", "Clinical Note")},
			Subject:  ref("Patient", strconv.FormatInt(patient, 10)),
			Date:     r.clock.at(at).Format(time.RFC3339), Description: title,
			Content: []documentContent{{Attachment: attachment{ContentType: NoteContentType, Language: lang,
				Data: base64.StdEncoding.EncodeToString([]byte(body)), Title: title, Creation: r.clock.fhir(at)}}},
			Context: &documentContext{Encounter: []*reference{ref("Encounter", strconv.FormatInt(reg, 10))}}}
		if a := logical(r.sys.Staff, deref(author), deref(authorName)); a != nil {
			d.Author = []*reference{a}
		}
		if err := out.write(d); err != nil {
			return fmt.Errorf("clinical_note %d: %w", id, err)
		}
		return nil
	})
}
