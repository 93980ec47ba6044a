package ingest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/assert"
)

// TestAppendValueRendering pins the JSON rendering of each type as
// docs/INGEST.md documents it.
func TestAppendValueRendering(t *testing.T) {
	for _, tc := range []struct {
		name string
		oid  uint32
		text string
		want string
	}{
		{"int8", pgtype.Int8OID, "-9223372036854775808", "-9223372036854775808"},
		{"numeric keeps every digit", pgtype.NumericOID, "123456789012345678901234567890.100", "123456789012345678901234567890.100"},
		{"numeric NaN", pgtype.NumericOID, "NaN", `"NaN"`},
		{"numeric infinity", pgtype.NumericOID, "-Infinity", `"-Infinity"`},
		{"float8 exponent", pgtype.Float8OID, "1.7976931348623157e+308", "1.7976931348623157e+308"},
		{"float4 infinity", pgtype.Float4OID, "Infinity", `"Infinity"`},
		{"bool", pgtype.BoolOID, "t", "true"},
		{"jsonb embedded", pgtype.JSONBOID, `{"a": [1, null]}`, `{"a": [1, null]}`},
		{"json kept byte for byte", pgtype.JSONOID, `{ "a" :1 }`, `{ "a" :1 }`},
		{"bytea base64", pgtype.ByteaOID, `\x00ff10`, `"AP8Q"`},
		{"bytea escape format", pgtype.ByteaOID, `a\000\\b`, `"YQBcYg=="`},
		{"timestamptz text", pgtype.TimestamptzOID, "2024-06-30 20:15:00.5+00", `"2024-06-30 20:15:00.5+00"`},
		{"interval text", pgtype.IntervalOID, "1 year 2 mons", `"1 year 2 mons"`},
		{"text array", pgtype.TextArrayOID, `{a,"b c","d,e","f\"g","h\\i",NULL,""}`, `["a","b c","d,e","f\"g","h\\i",null,""]`},
		{"int array", pgtype.Int4ArrayOID, "{1,NULL,-3}", "[1,null,-3]"},
		{"2-d array", pgtype.Int4ArrayOID, "{{1,2},{3,4}}", "[[1,2],[3,4]]"},
		{"empty array", pgtype.Int4ArrayOID, "{}", "[]"},
		{"jsonb array", pgtype.JSONBArrayOID, `{"{\"a\": 1}",null}`, `[{"a": 1},null]`},
		{"bytea array", pgtype.ByteaArrayOID, `{"\\x00ff"}`, `["AP8="]`},
		{"bounded array stays text", pgtype.Int4ArrayOID, "[0:1]={1,2}", `"[0:1]={1,2}"`},
		{"box array delimiter", pgtype.BoxArrayOID, "{(1,1),(0,0);(2,2),(1,1)}", `["(1,1),(0,0)","(2,2),(1,1)"]`},
		{"unknown type as text", 999999, "x", `"x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			appendValue(&buf, tc.oid, []byte(tc.text))
			assert.Equal(t, tc.want, buf.String())
		})
	}
}

// FuzzAppendValue: whatever text arrives for whichever type, the result is
// one valid JSON value.
func FuzzAppendValue(f *testing.F) {
	oids := []uint32{pgtype.Int4OID, pgtype.NumericOID, pgtype.Float8OID, pgtype.BoolOID, pgtype.JSONBOID, pgtype.ByteaOID,
		pgtype.TextOID, pgtype.TextArrayOID, pgtype.Int4ArrayOID, pgtype.JSONBArrayOID, pgtype.BoxArrayOID, pgtype.ByteaArrayOID}
	for i, s := range []string{"1", "NaN", "1e+308", "t", `{"a":1}`, `\x00ff`, "text", `{a,"b\"c",NULL}`, "{{1,2},{3}}", `{"{}"}`, "{(1,1),(0,0)}", `{"\\x00"}`, "{", `{"`, `\x0`, "-", "{,}", "{a}}"} {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		var buf bytes.Buffer
		appendValue(&buf, oids[int(which)%len(oids)], []byte(text))
		if !json.Valid(buf.Bytes()) {
			t.Fatalf("type %d, text %q: invalid JSON %q", oids[int(which)%len(oids)], text, buf.String())
		}
	})
}
