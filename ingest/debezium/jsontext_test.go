package debezium

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAppendRawEscapesLikeThePostgresDoor: whatever escaping a producer
// used, a string comes out as encoding/json (the PostgreSQL door) writes it.
func TestAppendRawEscapesLikeThePostgresDoor(t *testing.T) {
	for _, in := range []string{
		`"plain"`, `"王伟"`, `"emoji 🫀"`, `""`,
		`"a\/b"`, `"tab\there"`, `"</script>"`, `"fish & chips"`, `"\u0041"`,
		"\"line\u2028sep\"", `"\ud83e\udec0"`, `"quote \" inside"`, `"back\\slash"`,
	} {
		t.Run(in, func(t *testing.T) {
			var s string
			require.NoError(t, json.Unmarshal([]byte(in), &s))
			want, _ := json.Marshal(s)
			var buf bytes.Buffer
			require.NoError(t, appendRaw(&buf, json.RawMessage(in)))
			assert.Equal(t, string(want), buf.String())
		})
	}
}
