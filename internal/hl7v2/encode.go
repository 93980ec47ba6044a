package hl7v2

import (
	"fmt"
	"strings"
)

// Encode returns m in the standard wire form, every segment ended by CR. It
// fails when m's delimiters are invalid, a segment name is not three
// upper-case letters or digits, or m does not start with MSH.
func Encode(m *Message) ([]byte, error) {
	var b strings.Builder
	if err := encodeTo(&b, m); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// encodeTo appends m to b.
func encodeTo(b *strings.Builder, m *Message) error {
	if err := m.Delims.validate(); err != nil {
		return fmt.Errorf("hl7v2: encode: %w", err)
	}
	if len(m.Segments) == 0 || m.Segments[0].Name != "MSH" {
		return fmt.Errorf("hl7v2: encode: a message must start with MSH")
	}
	for i := range m.Segments {
		if err := encodeSegment(b, &m.Segments[i], m.Delims); err != nil {
			return fmt.Errorf("hl7v2: encode: segment %d: %w", i+1, err)
		}
	}
	return nil
}

// encodeSegment appends one segment and its CR terminator to b.
func encodeSegment(b *strings.Builder, s *Segment, d Delimiters) error {
	if !validName(s.Name) {
		return fmt.Errorf("bad segment name %q", s.Name)
	}
	b.WriteString(s.Name)
	fields := s.Fields
	if isHeader(s.Name) {
		b.WriteByte(d.Field)
		b.WriteString(d.EncodingCharacters())
		if len(fields) > 2 {
			fields = fields[2:]
		} else {
			fields = nil
		}
	}
	for _, f := range fields {
		b.WriteByte(d.Field)
		encodeField(b, f, d)
	}
	b.WriteByte('\r')
	return nil
}

// encodeField appends one field, escaping every leaf.
func encodeField(b *strings.Builder, f Field, d Delimiters) {
	for i, r := range f {
		if i > 0 {
			b.WriteByte(d.Repetition)
		}
		for j, c := range r {
			if j > 0 {
				b.WriteByte(d.Component)
			}
			for k, s := range c {
				if k > 0 {
					b.WriteByte(d.SubComponent)
				}
				b.WriteString(d.EscapeText(s))
			}
		}
	}
}
