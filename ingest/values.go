package ingest

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/jackc/pgx/v5/pgtype"
)

// column is one source column as the change encoder sees it.
type column struct {
	name string
	oid  uint32
	key  bool
}

// appendValue appends the JSON form of a value PostgreSQL sent in text
// format: integers and finite numerics as JSON numbers (numerics keep every
// digit), booleans as true/false, json/jsonb as embedded JSON, everything else
// (dates, timestamps, text, uuid, arrays, bytea hex) as a JSON string of the
// exact text PostgreSQL sent.
func appendValue(buf *bytes.Buffer, oid uint32, text []byte) {
	switch oid {
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.OIDOID:
		buf.Write(text)
		return
	case pgtype.Float4OID, pgtype.Float8OID, pgtype.NumericOID:
		if _, err := strconv.ParseFloat(string(text), 64); err == nil && json.Valid(text) {
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
	}
	appendString(buf, string(text))
}

func appendString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a Go string always marshals
	buf.Write(b)
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
		appendString(&e.data, c.name)
		e.data.WriteByte(':')
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
