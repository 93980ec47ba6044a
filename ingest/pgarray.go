package ingest

import (
	"bytes"

	"github.com/jackc/pgx/v5/pgtype"
)

// arrayElement returns the element type and delimiter of an array type
// pgx knows (the built-in ones); ok is false for any other type.
func arrayElement(oid uint32) (elem uint32, delim byte, ok bool) {
	t, ok := typeMap.TypeForOID(oid)
	if !ok {
		return 0, 0, false
	}
	ac, ok := t.Codec.(*pgtype.ArrayCodec)
	if !ok || ac.ElementType == nil {
		return 0, 0, false
	}
	delim = ac.Delimiter
	if delim == 0 {
		delim = ','
	}
	return ac.ElementType.OID, delim, true
}

// appendArray appends the array literal text ("{1,NULL,3}",
// `{"a b","c\"d"}`, "{{1,2},{3,4}}") as a JSON array whose elements are
// encoded as their element type. It appends nothing and reports false when
// text is not a plain array literal (explicit bounds or malformed).
func appendArray(buf *bytes.Buffer, elem uint32, delim byte, text []byte) bool {
	p := arrayParser{s: text, elem: elem, delim: delim}
	var out bytes.Buffer
	if !p.array(&out) || p.i != len(p.s) {
		return false
	}
	buf.Write(out.Bytes())
	return true
}

// arrayParser reads PostgreSQL's array output syntax.
type arrayParser struct {
	s     []byte
	i     int
	elem  uint32
	delim byte
	item  []byte // scratch for one element's unescaped text
}

func (p *arrayParser) array(out *bytes.Buffer) bool {
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return false
	}
	p.i++
	out.WriteByte('[')
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		out.WriteByte(']')
		return true
	}
	for n := 0; ; n++ {
		if n > 0 {
			out.WriteByte(',')
		}
		if !p.element(out) {
			return false
		}
		if p.i >= len(p.s) {
			return false
		}
		switch p.s[p.i] {
		case p.delim:
			p.i++
		case '}':
			p.i++
			out.WriteByte(']')
			return true
		default:
			return false
		}
	}
}

// element reads one element: a nested array, a quoted string, NULL or an
// unquoted word.
func (p *arrayParser) element(out *bytes.Buffer) bool {
	if p.i >= len(p.s) {
		return false
	}
	switch p.s[p.i] {
	case '{':
		return p.array(out)
	case '"':
		p.i++
		p.item = p.item[:0]
		for p.i < len(p.s) && p.s[p.i] != '"' {
			if p.s[p.i] == '\\' {
				p.i++
				if p.i >= len(p.s) {
					return false
				}
			}
			p.item = append(p.item, p.s[p.i])
			p.i++
		}
		if p.i >= len(p.s) {
			return false
		}
		p.i++
		appendValue(out, p.elem, p.item)
		return true
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != p.delim && p.s[p.i] != '}' {
		if c := p.s[p.i]; c == '{' || c == '"' || c == '\\' {
			return false
		}
		p.i++
	}
	word := p.s[start:p.i]
	if len(word) == 0 {
		return false
	}
	if bytes.EqualFold(word, []byte("NULL")) {
		out.WriteString("null")
		return true
	}
	appendValue(out, p.elem, word)
	return true
}
