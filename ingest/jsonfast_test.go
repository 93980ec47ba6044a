package ingest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzAppendString proves the hand-written string path writes exactly what
// encoding/json.Marshal writes, for strings and for PostgreSQL's bytes.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "<tag>&amp;", "tab\tnl\nret\r", "\x00\x1f\x7f",
		"é ü 漢字", "\u2028\u2029", "\xff\xfe invalid", "emoji 😀", "\b\f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		var got bytes.Buffer
		appendString(&got, s)
		assert.Equal(t, string(want), got.String())
		got.Reset()
		appendBytes(&got, []byte(s))
		assert.Equal(t, string(want), got.String())
	})
}

// FuzzIsJSONNumber proves the hand-written number grammar agrees with
// json.Valid on every text that starts like a number, as it did before.
func FuzzIsJSONNumber(f *testing.F) {
	for _, s := range []string{"0", "-0", "12", "01", "-", "1.", "1.5", ".5", "1e5", "1E+5", "1e-", "1e", "-1.25e-07",
		"123456789012345678901234567890.100", "1 ", "1\n", "1 2", "1x", "NaN", "-Infinity", "1.7976931348623157e+308"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text := []byte(s)
		want := len(text) > 0 && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9')) && json.Valid(text)
		assert.Equal(t, want, isJSONNumber(text), "%q", s)
	})
}

// TestLabelColumnsMatchesName checks that a pre-encoded column key renders
// the row exactly as encoding the name each time does.
func TestLabelColumnsMatchesName(t *testing.T) {
	cols := []column{{name: "id", oid: 20, key: true}, {name: `we"ird <name>`, oid: 25}, {name: "é", oid: 25}}
	vals := []value{{text: []byte("7")}, {text: []byte("x")}, {null: true}}
	var plain rowEncoder
	wantKey, wantData := plain.encode(cols, vals)
	labelColumns(cols)
	var labelled rowEncoder
	key, data := labelled.encode(cols, vals)
	assert.Equal(t, wantKey, key)
	assert.Equal(t, wantData, data)
	assert.Equal(t, `{"id":7,"we\"ird \u003cname\u003e":"x","é":null}`, data)
}
