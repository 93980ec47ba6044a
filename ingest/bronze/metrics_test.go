package bronze_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

func TestCollectorExportsEverySource(t *testing.T) {
	root := t.TempDir()
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for name, n := range map[string]int{"postgres": 3, "fhir": 2} {
		log, err := bronze.Open(filepath.Join(root, name))
		require.NoError(t, err)
		var changes []bronze.Change
		for i := range n {
			changes = append(changes, bronze.Change{LSN: int64(i + 1), Seq: 1, CommitTime: at, Op: bronze.OpCreate, Table: "t", Key: "[1]", Data: "{}"})
		}
		b := bronze.Batch{Changes: changes, Checkpoint: bronze.Checkpoint{Position: "p", SnapshotDone: true}}
		if name == "fhir" {
			b.Rejects = []bronze.Reject{bronze.NewReject(name, "file.ndjson:3", "missing resourceType", []byte("{}"))}
		}
		require.NoError(t, log.Write(b))
		require.NoError(t, log.Close())
	}
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(bronze.NewCollector(root)))
	want := `
# HELP cdw_bronze_changes_total Changes the source's door has made durable in bronze.
# TYPE cdw_bronze_changes_total counter
cdw_bronze_changes_total{source="fhir"} 2
cdw_bronze_changes_total{source="postgres"} 3
# HELP cdw_bronze_rejects_total Records the source's door put in the dead-letter store.
# TYPE cdw_bronze_rejects_total counter
cdw_bronze_rejects_total{source="fhir"} 1
cdw_bronze_rejects_total{source="postgres"} 0
# HELP cdw_bronze_last_commit_timestamp_seconds Source time of the newest change in bronze (0 before the first).
# TYPE cdw_bronze_last_commit_timestamp_seconds gauge
cdw_bronze_last_commit_timestamp_seconds{source="fhir"} 1.772352e+09
cdw_bronze_last_commit_timestamp_seconds{source="postgres"} 1.772352e+09
# HELP cdw_bronze_read_errors 1 when the bronze manifests could not be read at this scrape.
# TYPE cdw_bronze_read_errors gauge
cdw_bronze_read_errors 0
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want),
		"cdw_bronze_changes_total", "cdw_bronze_rejects_total", "cdw_bronze_last_commit_timestamp_seconds", "cdw_bronze_read_errors"))
	n, err := testutil.GatherAndCount(reg, "cdw_bronze_changes_per_second", "cdw_bronze_files", "cdw_bronze_snapshot_done", "cdw_bronze_updated_timestamp_seconds")
	require.NoError(t, err)
	require.Equal(t, 8, n, "four more metrics per source")
}
