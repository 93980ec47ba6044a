package search

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandler(t *testing.T) {
	x, _, _ := syncedIndex(t)
	srv := httptest.NewServer(Handler(x, nil))
	defer srv.Close()
	for _, tc := range []struct {
		name, query string
		status      int
	}{
		{"empty query", "", http.StatusBadRequest},
		{"bad limit", "q=pain&limit=x", http.StatusBadRequest},
		{"bad person", "q=pain&person=abc", http.StatusBadRequest},
		{"unclosed quote", "q=%22chest", http.StatusBadRequest},
		{"ok", "q=pain&limit=5", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + "?" + tc.query)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			var body map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			if tc.status != http.StatusOK {
				assert.NotEmpty(t, body["error"])
			} else {
				assert.Contains(t, body, "hits")
			}
		})
	}
	resp, err := http.Post(srv.URL, "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}
