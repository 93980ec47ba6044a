package export

import (
	"strconv"
	"strings"

	v2 "github.com/cdw-dev/cdw/internal/hl7v2"
)

// notePayload is the payload of a clinical note event.
type notePayload struct {
	Type, Title, Language, Body string
	Author, AuthorName          *string
}

// mdmNote returns MDM^T02 for a clinical note: TXA with the document type
// (HL7 table 0270: DI for a radiology report, HP, PR, DS, ED, OP),
// author, unique document number (DOC<note_id>) and status, and one OBX of
// type TX whose repetitions are the note's lines (split at LF). MSH-19 is
// the note's language.
func (r *hl7Run) mdmNote(ev *event) (*v2.Message, error) {
	var n notePayload
	if err := ev.decode(&n); err != nil {
		return nil, err
	}
	at := r.clock.hl7(ev.at)
	m := r.newMessage(ev, "MDM", "T02", "MDM_T02")
	m.Segments[0].SetField(19, v2.Comp(n.Language, n.Language, "ISO639"))
	docType, ok := noteDocumentTypes[n.Type]
	if !ok {
		docType = n.Type
	}
	txa := v2.Seg("TXA", v2.Text("1"), v2.Text(docType), v2.Text("TX"), v2.Text(at), xcn(n.Author, n.AuthorName), v2.Text(at))
	txa.SetField(12, v2.Text("DOC"+strconv.FormatInt(ev.id, 10)))
	txa.SetField(17, v2.Text("AU"))
	t := noteTypes[n.Type]
	lines := strings.Split(n.Body, "\n")
	text := make(v2.Field, len(lines))
	for i, l := range lines {
		text[i] = v2.Repetition{v2.Component{l}}
	}
	obx := v2.Seg("OBX", v2.Text("1"), v2.Text("TX"), v2.Comp(t.Code, n.Title, "LN"), nil, text)
	obx.SetField(11, v2.Text("F"))
	obx.SetField(14, v2.Text(at))
	m.Add(r.evn(ev, "T02"), r.pid(&ev.pat), r.pv1(&ev.enc, ev.at, nil), txa, obx)
	return m, nil
}
