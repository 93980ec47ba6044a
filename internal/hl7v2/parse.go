package hl7v2

import (
	"fmt"
	"strings"
)

// Parse decodes one message. Segments may end with CR, LF or CRLF; empty
// lines are ignored. The first segment must be MSH, and no other header
// segment (MSH, FHS, BHS) may follow; use ParseFile for batches and files.
func Parse(data []byte) (*Message, error) {
	var m *Message
	var err error
	n := 0
	forEachLine(string(data), func(line string) bool {
		n++
		var seg Segment
		var d Delimiters
		if m == nil {
			if seg, d, err = parseHeader(line, n); err == nil && seg.Name != "MSH" {
				err = &ParseError{Segment: n, Name: seg.Name, Reason: "a message must start with MSH"}
			}
			if err == nil {
				m = &Message{Delims: d, Segments: []Segment{seg}}
			}
			return err == nil
		}
		if seg, err = parseSegment(line, n, m.Delims); err == nil {
			m.Segments = append(m.Segments, seg)
		}
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, &ParseError{Segment: 1, Reason: "no segments"}
	}
	return m, nil
}

// forEachLine calls fn with every non-empty segment line of s, split at CR,
// LF or CRLF, until fn returns false.
func forEachLine(s string, fn func(line string) bool) {
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		line := s
		if i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if line != "" && !fn(line) {
			return
		}
	}
}

// parseHeader parses a header segment line (MSH, FHS or BHS), which declares
// its own delimiters.
func parseHeader(line string, n int) (Segment, Delimiters, error) {
	name := line
	if len(name) > 3 {
		name = name[:3]
	}
	if !isHeader(name) {
		return Segment{}, Delimiters{}, &ParseError{Segment: n, Name: printableName(name), Reason: "expected a header segment (MSH, FHS or BHS)"}
	}
	d, rest, err := parseDelimiters(line)
	if err != nil {
		return Segment{}, d, &ParseError{Segment: n, Name: name, Field: 2, Reason: err.Error()}
	}
	seg := Segment{Name: name, Fields: []Field{Text(string(d.Field)), Text(d.EncodingCharacters())}}
	if rest != "" {
		seg.Fields = append(seg.Fields, splitFields(rest[1:], d)...)
	}
	return seg, d, nil
}

// parseSegment parses a non-header segment line with delimiters d.
func parseSegment(line string, n int, d Delimiters) (Segment, error) {
	name, rest, _ := strings.Cut(line, string(d.Field))
	if isHeader(name) {
		return Segment{}, &ParseError{Segment: n, Name: name, Reason: "header segment inside a message"}
	}
	if !validName(name) {
		return Segment{}, &ParseError{Segment: n, Name: printableName(name), Reason: "segment name must be three upper-case letters or digits"}
	}
	seg := Segment{Name: name}
	if len(line) > 3 {
		seg.Fields = splitFields(rest, d)
	}
	return seg, nil
}

// splitFields splits the raw text after a segment's name and first field
// separator into fields.
func splitFields(raw string, d Delimiters) []Field {
	parts := strings.Split(raw, string(d.Field))
	out := make([]Field, len(parts))
	for i, p := range parts {
		out[i] = parseField(p, d)
	}
	return out
}

// parseField splits one raw field into repetitions, components and
// sub-components, unescaping every leaf.
func parseField(raw string, d Delimiters) Field {
	reps := strings.Split(raw, string(d.Repetition))
	f := make(Field, len(reps))
	for i, r := range reps {
		comps := strings.Split(r, string(d.Component))
		rep := make(Repetition, len(comps))
		for j, c := range comps {
			subs := strings.Split(c, string(d.SubComponent))
			for k, s := range subs {
				subs[k] = d.UnescapeText(s)
			}
			rep[j] = subs
		}
		f[i] = rep
	}
	return f
}

func validName(name string) bool {
	if len(name) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c := name[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// printableName shortens and quotes an unreadable segment name for an error.
func printableName(name string) string {
	if len(name) > 8 {
		name = name[:8] + "…"
	}
	return fmt.Sprintf("%q", name)
}
