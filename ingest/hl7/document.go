package hl7

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cdw-dev/cdw/internal/hl7v2"
)

// Document is the bronze Data of one message (see the package doc for the
// JSON shape). Fields are declared in the order they are written, so that
// the header comes first and a reader can stop early.
type Document struct {
	MessageType          string       `json:"message_type"`
	TriggerEvent         string       `json:"trigger_event"`
	Structure            string       `json:"structure"`
	ControlID            string       `json:"control_id"`
	Version              string       `json:"version"`
	SendingApplication   string       `json:"sending_application"`
	SendingFacility      string       `json:"sending_facility"`
	ReceivingApplication string       `json:"receiving_application"`
	ReceivingFacility    string       `json:"receiving_facility"`
	SentAt               string       `json:"sent_at,omitempty"`
	ProcessingID         string       `json:"processing_id,omitempty"`
	Charset              string       `json:"charset,omitempty"`
	EventType            string       `json:"event_type"`
	PatientID            string       `json:"patient_id,omitempty"`
	PatientIDAuthority   string       `json:"patient_id_authority,omitempty"`
	PatientIdentifiers   []Identifier `json:"patient_identifiers,omitempty"`
	MergedIdentifiers    []Identifier `json:"merged_patient_identifiers,omitempty"`
	VisitNumber          string       `json:"visit_number,omitempty"`
	VisitNumberAuthority string       `json:"visit_number_authority,omitempty"`
	Source               string       `json:"source,omitempty"`
	ReceivedAt           string       `json:"received_at,omitempty"`
	Segments             []Segment    `json:"segments"`
	Raw                  string       `json:"raw"`
}

// Identifier is one CX identifier (PID-3, MRG-1): the id, its assigning
// authority (namespace id, else universal id) and identifier type code.
type Identifier struct {
	ID        string `json:"id"`
	Authority string `json:"authority,omitempty"`
	Type      string `json:"type,omitempty"`
}

// Segment is one segment: its id and its fields, Fields[0] being field 1
// (so that SEG-n is Fields[n-1], MSH-1 and MSH-2 included). A field is a
// string when it has one repetition of one component of one sub-component;
// otherwise it is the array of its repetitions, each a string (one
// component) or the array of its components, each a string (one
// sub-component) or the array of its sub-components.
type Segment struct {
	ID     string `json:"id"`
	Fields []any  `json:"fields"`
}

// Received says where and when the door received a message.
type Received struct {
	Source string    // e.g. "mllp 10.0.0.7:50122", "file /in/adt.hl7@1234"
	At     time.Time // zero: not recorded
}

// NewDocument parses one message into its Document. Input that is not
// valid UTF-8 is read as ISO 8859-1. It fails with a *MessageError when the
// message cannot be parsed (SeverityReject when not even MSH can be read) or
// lacks what the door needs: MSH-9.1 message type and MSH-10 control id.
func NewDocument(raw []byte, rcv Received, loc *time.Location) (*Document, error) {
	text := decodeText(raw)
	msg, err := hl7v2.Parse([]byte(text))
	if err != nil {
		return nil, parseFailure(text, err)
	}
	doc := header(msg, loc)
	if err := doc.validate(); err != nil {
		return nil, err
	}
	doc.EventType = msg.Get("MSH-9.2")
	if doc.EventType == "" {
		doc.EventType = msg.Get("EVN-1")
	}
	identities(msg, doc)
	doc.Source = rcv.Source
	if !rcv.At.IsZero() {
		doc.ReceivedAt = rcv.At.UTC().Format(time.RFC3339Nano)
	}
	doc.Segments = segments(text, msg.Delims)
	doc.Raw = text
	return doc, nil
}

// Marshal returns the JSON of d as stored in bronze: members in declaration
// order, no HTML escaping, no trailing newline.
func (d *Document) Marshal() ([]byte, error) { return marshalJSON(d, "") }

// marshalJSON encodes v without HTML escaping, indented when indent is set.
func marshalJSON(v any, indent string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// decodeText returns raw as a string, read as ISO 8859-1 when it is not
// valid UTF-8 (every byte is then the code point of the same value).
func decodeText(raw []byte) string {
	if utf8.Valid(raw) {
		return string(raw)
	}
	var b strings.Builder
	b.Grow(len(raw) + len(raw)/4)
	for _, c := range raw {
		b.WriteRune(rune(c))
	}
	return b.String()
}

// header fills the MSH fields of a Document.
func header(msg *hl7v2.Message, loc *time.Location) *Document {
	t := msg.Type()
	doc := &Document{
		MessageType: t.Code, TriggerEvent: t.Trigger, Structure: t.Structure,
		ControlID: msg.ControlID(), Version: msg.Version(),
		SendingApplication: hd(msg, "MSH-3"), SendingFacility: hd(msg, "MSH-4"),
		ReceivingApplication: hd(msg, "MSH-5"), ReceivingFacility: hd(msg, "MSH-6"),
		ProcessingID: msg.Get("MSH-11"), Charset: msg.Get("MSH-18"),
	}
	if at, ok := parseTS(msg.Get("MSH-7"), loc); ok {
		doc.SentAt = at.Format(time.RFC3339Nano)
	}
	return doc
}

// hd returns an HD field's namespace id, else its universal id.
func hd(msg *hl7v2.Message, path string) string {
	if v := msg.Get(path + ".1"); v != "" {
		return v
	}
	return msg.Get(path + ".2")
}

// validate checks what the door needs to store and acknowledge a message.
func (d *Document) validate() error {
	if d.MessageType == "" {
		return &MessageError{Code: 101, Segment: "MSH", Seq: 1, Field: 9, Reason: "MSH-9 message type is empty"}
	}
	if !validCode(d.MessageType) {
		return &MessageError{Code: 200, Segment: "MSH", Seq: 1, Field: 9,
			Reason: fmt.Sprintf("MSH-9.1 message type %q is not a three-character code", d.MessageType)}
	}
	if d.ControlID == "" {
		return &MessageError{Code: 101, Segment: "MSH", Seq: 1, Field: 10, Reason: "MSH-10 message control id is empty"}
	}
	if d.Version != "" && !strings.HasPrefix(d.Version, "2.") {
		return &MessageError{Code: 203, Segment: "MSH", Seq: 1, Field: 12,
			Reason: fmt.Sprintf("MSH-12 version %q is not HL7 version 2", d.Version)}
	}
	return nil
}

// validCode reports whether s is three upper-case letters or digits.
func validCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// parseFailure turns a parse error into a MessageError: AE when the MSH line
// alone parses (its header can be acknowledged), AR otherwise.
func parseFailure(text string, err error) *MessageError {
	me := &MessageError{Severity: SeverityReject, Code: 100, Reason: err.Error(), Err: err}
	var pe *hl7v2.ParseError
	if errors.As(err, &pe) {
		me.Segment, me.Seq, me.Field, me.Reason = strings.Trim(pe.Name, `"`), pe.Segment, pe.Field, pe.Reason
		if pe.Field > 0 {
			me.Code = 102
		}
		me.Reason = fmt.Sprintf("segment %d%s: %s", pe.Segment, nameSuffix(pe.Name), pe.Reason)
	}
	if _, herr := hl7v2.Parse([]byte(firstLine(text))); herr == nil {
		me.Severity = SeverityError
	}
	return me
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " (" + name + ")"
}

// firstLine returns the first non-empty line of text.
func firstLine(text string) string {
	text = strings.TrimLeft(text, "\r\n")
	if i := strings.IndexAny(text, "\r\n"); i >= 0 {
		return text[:i]
	}
	return text
}

// readHeader parses only the MSH line of raw, for acknowledging a message
// that failed later; nil when MSH cannot be read.
func readHeader(raw []byte) *hl7v2.Message {
	line := raw
	line = bytes.TrimLeft(line, "\r\n")
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	msg, err := hl7v2.Parse([]byte(decodeText(line)))
	if err != nil {
		return nil
	}
	return msg
}
