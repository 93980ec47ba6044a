package hl7v2

// Message is one HL7 v2 message: its encoding characters and its segments,
// the first of which is MSH.
type Message struct {
	Delims   Delimiters
	Segments []Segment
}

// Segment is one segment. Fields[0] is field 1; in header segments (MSH, FHS,
// BHS) field 1 is the field separator and field 2 the encoding characters,
// both taken from the message's Delimiters when encoding.
type Segment struct {
	Name   string
	Fields []Field
}

// Field is a field's repetitions; most fields have one.
type Field []Repetition

// Repetition is one occurrence of a field: its components.
type Repetition []Component

// Component is a component's sub-components, each an unescaped value.
type Component []string

// Text returns a field holding the single value s.
func Text(s string) Field { return Field{Repetition{Component{s}}} }

// Comp returns a field with one repetition whose components are parts.
func Comp(parts ...string) Field {
	r := make(Repetition, len(parts))
	for i, p := range parts {
		r[i] = Component{p}
	}
	return Field{r}
}

// Reps returns a field whose repetitions are the first repetitions of fields.
func Reps(fields ...Field) Field {
	f := make(Field, 0, len(fields))
	for _, x := range fields {
		if len(x) > 0 {
			f = append(f, x[0])
		}
	}
	return f
}

// Seg returns a segment named name with fields 1, 2, … set to fields.
func Seg(name string, fields ...Field) Segment {
	return Segment{Name: name, Fields: fields}
}

// isHeader reports whether a segment named name carries the encoding
// characters in its fields 1 and 2.
func isHeader(name string) bool { return name == "MSH" || name == "FHS" || name == "BHS" }

// NewMessage returns a message with an MSH segment whose MSH-1 and MSH-2 are
// d's and whose fields 3, 4, … are fields.
func NewMessage(d Delimiters, fields ...Field) *Message {
	msh := Segment{Name: "MSH", Fields: append([]Field{Text(string(d.Field)), Text(d.EncodingCharacters())}, fields...)}
	return &Message{Delims: d, Segments: []Segment{msh}}
}

// Add appends segments to m.
func (m *Message) Add(segs ...Segment) { m.Segments = append(m.Segments, segs...) }

// Segment returns the n-th (1-based) segment named name, or nil.
func (m *Message) Segment(name string, n int) *Segment {
	for i := range m.Segments {
		if m.Segments[i].Name == name {
			if n--; n == 0 {
				return &m.Segments[i]
			}
		}
	}
	return nil
}

// All returns the segments named name in message order.
func (m *Message) All(name string) []*Segment {
	var out []*Segment
	for i := range m.Segments {
		if m.Segments[i].Name == name {
			out = append(out, &m.Segments[i])
		}
	}
	return out
}

// Field returns field n (1-based), or nil when the segment has fewer fields.
func (s *Segment) Field(n int) Field {
	if n < 1 || n > len(s.Fields) {
		return nil
	}
	return s.Fields[n-1]
}

// SetField sets field n (1-based), growing the segment as needed.
func (s *Segment) SetField(n int, f Field) {
	if len(s.Fields) < n {
		s.Fields = append(s.Fields, make([]Field, n-len(s.Fields))...)
	}
	s.Fields[n-1] = f
}

// Value returns the sub-component at the 1-based repetition, component and
// sub-component indexes, or "" when it is absent.
func (f Field) Value(rep, comp, sub int) string {
	if rep < 1 || rep > len(f) {
		return ""
	}
	r := f[rep-1]
	if comp < 1 || comp > len(r) {
		return ""
	}
	c := r[comp-1]
	if sub < 1 || sub > len(c) {
		return ""
	}
	return c[sub-1]
}

// MessageType is MSH-9: message code, trigger event and message structure.
type MessageType struct {
	Code, Trigger, Structure string
}

// String returns the type as CODE^TRIGGER.
func (t MessageType) String() string { return t.Code + "^" + t.Trigger }

// ControlID returns MSH-10, the message control id.
func (m *Message) ControlID() string { return m.Get("MSH-10") }

// Type returns MSH-9.
func (m *Message) Type() MessageType {
	return MessageType{Code: m.Get("MSH-9.1"), Trigger: m.Get("MSH-9.2"), Structure: m.Get("MSH-9.3")}
}

// Version returns MSH-12.1, the version id such as "2.5.1".
func (m *Message) Version() string { return m.Get("MSH-12.1") }
