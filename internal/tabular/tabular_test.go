package tabular_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/internal/tabular"
)

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		format tabular.Format
		name1  string
		want   string
	}{
		{tabular.Table, "胸痛", "id | name | note\n---+------+-----\n1  | 胸痛 | NULL\n22 | a,b  | x\n(2 rows)\n"},
		{tabular.CSV, "胸痛", "id,name,note\n1,胸痛,\n22,\"a,b\",x\n"},
		{tabular.JSON, "<mark>胸痛</mark>", "[\n  {\"id\": 1, \"name\": \"<mark>胸痛</mark>\", \"note\": null},\n  {\"id\": 22, \"name\": \"a,b\", \"note\": \"x\"}\n]\n"},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			var buf bytes.Buffer
			w := tabular.New(&buf, tc.format)
			require.NoError(t, w.Header([]string{"id", "name", "note"}))
			require.NoError(t, w.Row([]any{1, tc.name1, nil}))
			require.NoError(t, w.Row([]any{22, "a,b", "x"}))
			require.NoError(t, w.Close())
			assert.Equal(t, tc.want, buf.String())
		})
	}
	_, err := tabular.ParseFormat("xml")
	require.Error(t, err)
}
