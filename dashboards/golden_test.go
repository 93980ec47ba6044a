package dashboards_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/dashboards"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestSummaryGolden pins /api/summary of the fixture to
// testdata/summary.golden.json; run with -update after an intended change.
func TestSummaryGolden(t *testing.T) {
	rec := get(newServer(t, dashboards.Options{}).Handler(), http.MethodGet, "/api/summary")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	golden := filepath.Join("testdata", "summary.golden.json")
	if *update {
		var pretty bytes.Buffer
		require.NoError(t, json.Indent(&pretty, rec.Body.Bytes(), "", "  "))
		require.NoError(t, os.WriteFile(golden, pretty.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./dashboards -run TestSummaryGolden -update to create it")
	assert.JSONEq(t, string(want), rec.Body.String())
}
