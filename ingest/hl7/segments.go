package hl7

import (
	"strings"
	"unicode/utf8"

	"github.com/cdw-dev/cdw/internal/hl7v2"
)

// segments splits the (already validated) message text into Segments,
// keeping every repetition, component and sub-component and decoding every
// leaf with decodeLeaf.
func segments(text string, d hl7v2.Delimiters) []Segment {
	var out []Segment
	for text != "" {
		line := text
		if i := strings.IndexAny(text, "\r\n"); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if line != "" {
			out = append(out, segment(line, d))
		}
	}
	return out
}

// segment splits one segment line.
func segment(line string, d hl7v2.Delimiters) Segment {
	name, rest, _ := strings.Cut(line, string(d.Field))
	seg := Segment{ID: name, Fields: []any{}}
	if name == "MSH" || name == "FHS" || name == "BHS" {
		enc, after, _ := strings.Cut(rest, string(d.Field))
		seg.Fields = append(seg.Fields, string(d.Field), enc)
		if len(rest) == len(enc) {
			return seg
		}
		rest = after
	} else if len(line) <= len(name) {
		return seg
	}
	for _, f := range strings.Split(rest, string(d.Field)) {
		seg.Fields = append(seg.Fields, field(f, d))
	}
	return seg
}

// field returns one raw field in its JSON form: a string when it is a single
// value, else the array of its repetitions (see Segment).
func field(raw string, d hl7v2.Delimiters) any {
	reps := strings.Split(raw, string(d.Repetition))
	if len(reps) == 1 {
		if v, ok := repetition(reps[0], d).(string); ok {
			return v
		}
	}
	out := make([]any, len(reps))
	for i, r := range reps {
		out[i] = repetition(r, d)
	}
	return out
}

// repetition returns a string for a single value, else the array of components.
func repetition(raw string, d hl7v2.Delimiters) any {
	comps := strings.Split(raw, string(d.Component))
	if len(comps) == 1 {
		if v, ok := component(comps[0], d).(string); ok {
			return v
		}
	}
	out := make([]any, len(comps))
	for i, c := range comps {
		out[i] = component(c, d)
	}
	return out
}

// component returns a string for a single value, else the array of
// sub-components.
func component(raw string, d hl7v2.Delimiters) any {
	subs := strings.Split(raw, string(d.SubComponent))
	if len(subs) == 1 {
		return decodeLeaf(subs[0], d)
	}
	out := make([]any, len(subs))
	for i, s := range subs {
		out[i] = decodeLeaf(s, d)
	}
	return out
}

// decodeLeaf decodes the escape sequences of one raw value: \F\ \S\ \T\ \R\
// \E\ become the delimiters, \Xhh..\ the bytes it spells, \.br\ a line
// break (LF); other formatting sequences (\.sp\, \H\, \N\, …) and unknown or
// unterminated sequences are kept as written.
func decodeLeaf(raw string, d hl7v2.Delimiters) string {
	if strings.IndexByte(raw, d.Escape) < 0 {
		return raw
	}
	var b strings.Builder
	start := 0 // start of the text not yet written
	for i := 0; i < len(raw); {
		if raw[i] != d.Escape {
			i++
			continue
		}
		end := strings.IndexByte(raw[i+1:], d.Escape)
		if end < 0 {
			break
		}
		if raw[i+1:i+1+end] == ".br" {
			b.WriteString(d.UnescapeText(raw[start:i]))
			b.WriteByte('\n')
			start = i + end + 2
		}
		i += end + 2
	}
	b.WriteString(d.UnescapeText(raw[start:]))
	return validText(b.String())
}

// validText returns s, read as ISO 8859-1 when \Xhh\ sequences made it
// invalid UTF-8, so that JSON keeps every byte.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return decodeText([]byte(s))
}
