package ingest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"github.com/jackc/pgx/v5/pgtype"
)

// column is one source column as the change encoder sees it.
type column struct {
	name string
	oid  uint32
	key  bool
	// label is the name as a JSON object key with its colon ("name":),
	// encoded once per table by labelColumns; empty until then.
	label string
}

// labelColumns encodes each column's JSON object key once, so that rows of
// the table do not encode it again.
func labelColumns(cols []column) {
	var buf bytes.Buffer
	for i := range cols {
		buf.Reset()
		appendString(&buf, cols[i].name)
		buf.WriteByte(':')
		cols[i].label = buf.String()
	}
}

// typeMap resolves array types to their element type. It is only read.
var typeMap = pgtype.NewMap()

// sessionParams pins every setting that shapes the text PostgreSQL sends, on
// the snapshot connection and the replication connection alike, so that a
// value reads the same whichever path brought it and whatever the server's
// or role's defaults are.
var sessionParams = map[string]string{
	"TimeZone":           "UTC",
	"DateStyle":          "ISO, YMD",
	"IntervalStyle":      "postgres",
	"extra_float_digits": "1", // shortest text that reads back to the same float
	"bytea_output":       "hex",
}

// appendValue appends the JSON form of a value PostgreSQL sent in text
// format, so that the JSON reads back to the same value (docs/INGEST.md has
// the table):
//   - integers, and finite float and numeric values, as JSON numbers with
//     exactly the digits PostgreSQL sent;
//   - NaN, Infinity and -Infinity as the JSON strings "NaN", "Infinity", "-Infinity";
//   - booleans as true/false; json and jsonb embedded as JSON;
//   - bytea as a base64 string (RFC 4648, padded);
//   - one- or multi-dimensional arrays of a known element type as JSON arrays
//     of their elements' JSON forms (NULL elements as null); an array with
//     explicit bounds ("[0:1]={1,2}") as the string PostgreSQL sent;
//   - everything else (dates, times, timestamps, intervals, text, uuid, enum
//     and other types) as a JSON string of the exact text PostgreSQL sent.
func appendValue(buf *bytes.Buffer, oid uint32, text []byte) {
	switch oid {
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.OIDOID,
		pgtype.Float4OID, pgtype.Float8OID, pgtype.NumericOID:
		if isJSONNumber(text) {
			buf.Write(text)
			return
		}
	case pgtype.BoolOID:
		if len(text) > 0 && text[0] == 't' {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
		return
	case pgtype.JSONOID, pgtype.JSONBOID:
		if json.Valid(text) {
			buf.Write(text)
			return
		}
	case pgtype.ByteaOID:
		if b, ok := decodeBytea(text); ok {
			buf.WriteByte('"')
			buf.WriteString(base64.StdEncoding.EncodeToString(b))
			buf.WriteByte('"')
			return
		}
	default:
		if elem, delim, ok := arrayElement(oid); ok && appendArray(buf, elem, delim, text) {
			return
		}
	}
	appendBytes(buf, text)
}

// appendBytes is appendString for a value PostgreSQL sent.
func appendBytes(buf *bytes.Buffer, text []byte) {
	for _, c := range text {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			appendString(buf, string(text))
			return
		}
	}
	buf.WriteByte('"')
	buf.Write(text)
	buf.WriteByte('"')
}

// isJSONNumber reports whether text is a JSON number literal; PostgreSQL's
// numbers are, except NaN and the infinities.
func isJSONNumber(text []byte) bool {
	if len(text) == 0 || (text[0] != '-' && (text[0] < '0' || text[0] > '9')) {
		return false
	}
	i := 0
	if text[i] == '-' {
		i++
	}
	switch {
	case i < len(text) && text[i] == '0':
		i++
	case i < len(text) && text[i] >= '1' && text[i] <= '9':
		i = skipDigits(text, i)
	default:
		return false
	}
	if i < len(text) && text[i] == '.' {
		j := skipDigits(text, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(text) && (text[i] == 'e' || text[i] == 'E') {
		i++
		if i < len(text) && (text[i] == '+' || text[i] == '-') {
			i++
		}
		j := skipDigits(text, i)
		if j == i {
			return false
		}
		i = j
	}
	for ; i < len(text); i++ { // json.Valid allows trailing white space
		if c := text[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

func skipDigits(text []byte, i int) int {
	for i < len(text) && text[i] >= '0' && text[i] <= '9' {
		i++
	}
	return i
}

// decodeBytea reads bytea text output: hex ("\x0aff", what sessionParams
// asks for) or the older escape format.
func decodeBytea(text []byte) ([]byte, bool) {
	if bytes.HasPrefix(text, []byte(`\x`)) {
		b := make([]byte, hex.DecodedLen(len(text)-2))
		if _, err := hex.Decode(b, text[2:]); err != nil {
			return nil, false
		}
		return b, true
	}
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		switch {
		case i+1 < len(text) && text[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(text) && isOctal(text[i+1]) && isOctal(text[i+2]) && isOctal(text[i+3]):
			out = append(out, (text[i+1]-'0')<<6|(text[i+2]-'0')<<3|(text[i+3]-'0'))
			i += 3
		default:
			return nil, false
		}
	}
	return out, true
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// appendString appends s as a JSON string, exactly as encoding/json
// marshals it (HTML-safe escapes included). Strings of printable ASCII
// that need no escape, by far the most common, are copied as they are.
func appendString(buf *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a Go string always marshals
			buf.Write(b)
			return
		}
	}
	buf.WriteByte('"')
	buf.WriteString(s)
	buf.WriteByte('"')
}

// rowEncoder turns one row's text values into the bronze Key and Data JSON.
// A nil value is SQL NULL; a value marked unchanged (a TOASTed column the
// source did not resend) is left out of Data so that transform keeps the
// previous value.
type rowEncoder struct {
	key, data bytes.Buffer
}

type value struct {
	text      []byte
	null      bool
	unchanged bool
}

func (e *rowEncoder) encode(cols []column, vals []value) (key, data string) {
	e.key.Reset()
	e.data.Reset()
	e.key.WriteByte('[')
	e.data.WriteByte('{')
	nk, nd := 0, 0
	for i, c := range cols {
		v := vals[i]
		if c.key {
			if nk > 0 {
				e.key.WriteByte(',')
			}
			nk++
			writeValue(&e.key, c.oid, v)
		}
		if v.unchanged {
			continue
		}
		if nd > 0 {
			e.data.WriteByte(',')
		}
		nd++
		if c.label != "" {
			e.data.WriteString(c.label)
		} else {
			appendString(&e.data, c.name)
			e.data.WriteByte(':')
		}
		writeValue(&e.data, c.oid, v)
	}
	e.key.WriteByte(']')
	e.data.WriteByte('}')
	return e.key.String(), e.data.String()
}

func writeValue(buf *bytes.Buffer, oid uint32, v value) {
	if v.null || v.unchanged {
		buf.WriteString("null")
		return
	}
	appendValue(buf, oid, v.text)
}
