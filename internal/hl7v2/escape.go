package hl7v2

import (
	"encoding/hex"
	"strings"
)

// UnescapeText decodes the escape sequences of a raw leaf value encoded with d.
// \F\ \S\ \T\ \R\ \E\ become the delimiters, \Xhh..\ the bytes it spells;
// formatting sequences (\.br\, \H\, \N\, …) are kept verbatim; an unknown or
// unterminated sequence is kept as literal text.
func (d Delimiters) UnescapeText(raw string) string {
	if strings.IndexByte(raw, d.Escape) < 0 {
		return raw
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != d.Escape {
			b.WriteByte(c)
			i++
			continue
		}
		end := strings.IndexByte(raw[i+1:], d.Escape)
		if end < 0 {
			b.WriteString(raw[i:])
			break
		}
		seq := raw[i+1 : i+1+end]
		if !d.decodeSequence(&b, seq) {
			b.WriteString(raw[i : i+end+2])
		}
		i += end + 2
	}
	return b.String()
}

// decodeSequence writes the decoded form of the escape sequence seq (without
// its escape characters) and reports whether it was recognised.
func (d Delimiters) decodeSequence(b *strings.Builder, seq string) bool {
	switch {
	case seq == "F":
		b.WriteByte(d.Field)
	case seq == "S":
		b.WriteByte(d.Component)
	case seq == "T":
		b.WriteByte(d.SubComponent)
	case seq == "R":
		b.WriteByte(d.Repetition)
	case seq == "E":
		b.WriteByte(d.Escape)
	case len(seq) > 1 && seq[0] == 'X' && len(seq)%2 == 1:
		raw, err := hex.DecodeString(seq[1:])
		if err != nil {
			return false
		}
		b.Write(raw)
	default:
		return false
	}
	return true
}

// isFormatting reports whether seq (the text between two escape characters) is
// a formatting command kept verbatim: \H\, \N\ or \.xx\ such as \.br\ and \.sp2\.
func isFormatting(seq string) bool {
	if seq == "H" || seq == "N" {
		return true
	}
	if len(seq) < 2 || seq[0] != '.' {
		return false
	}
	for i := 1; i < len(seq); i++ {
		if c := seq[i]; !isAlnum(c) && c != '+' && c != '-' {
			return false
		}
	}
	return true
}

// EscapeText encodes value for writing as a leaf with d: delimiters and the escape
// character become escape sequences, CR and LF become \X0D\ and \X0A\, and
// formatting sequences already in value are written unchanged.
func (d Delimiters) EscapeText(value string) string {
	if !d.needsEscape(value) {
		return value
	}
	var b strings.Builder
	b.Grow(len(value) + 8)
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == d.Escape {
			if end := strings.IndexByte(value[i+1:], d.Escape); end >= 0 && isFormatting(value[i+1:i+1+end]) {
				b.WriteString(value[i : i+end+2])
				i += end + 1
				continue
			}
		}
		d.escapeByte(&b, c)
	}
	return b.String()
}

// escapeByte writes c, escaped when it is a delimiter, the escape character,
// CR or LF.
func (d Delimiters) escapeByte(b *strings.Builder, c byte) {
	var code string
	switch c {
	case d.Field:
		code = "F"
	case d.Component:
		code = "S"
	case d.SubComponent:
		code = "T"
	case d.Repetition:
		code = "R"
	case d.Escape:
		code = "E"
	case '\r':
		code = "X0D"
	case '\n':
		code = "X0A"
	default:
		b.WriteByte(c)
		return
	}
	b.WriteByte(d.Escape)
	b.WriteString(code)
	b.WriteByte(d.Escape)
}

func (d Delimiters) needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case d.Field, d.Component, d.SubComponent, d.Repetition, d.Escape, '\r', '\n':
			return true
		}
	}
	return false
}
