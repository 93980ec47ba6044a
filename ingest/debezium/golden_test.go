package debezium

import (
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// goldenRow is a bronze row as the golden file shows it.
type goldenRow struct {
	LSN        int64  `json:"lsn"`
	Seq        int64  `json:"seq"`
	CommitTime string `json:"commit_time"`
	Op         string `json:"op"`
	Table      string `json:"table"`
	// Key, Data and Before are the exact text bronze holds.
	Key    string `json:"key"`
	Data   string `json:"data,omitempty"`
	Before string `json:"before,omitempty"`
}

// TestGoldenEvents reads a realistic event file (PostgreSQL connector events
// of emr.patient, emr.registration and emr.diagnosis, schema-wrapped, some
// with their Kafka key; a bare MySQL event; a tombstone; a truncate; a blank
// line) through the file entry and compares bronze with the golden file.
func TestGoldenEvents(t *testing.T) {
	dir := t.TempDir()
	d, _ := openDoor(t, dir, Options{})
	require.NoError(t, d.ReadFiles(t.Context(), fixture("events.ndjson")))
	assert.Empty(t, rejects(t, dir))

	var rows []goldenRow
	for _, c := range changes(t, dir) {
		rows = append(rows, goldenRow{LSN: c.LSN, Seq: c.Seq, CommitTime: c.CommitTime.Format("2006-01-02T15:04:05.000Z07:00"),
			Op: string(c.Op), Table: c.Table, Key: c.Key, Data: c.Data, Before: c.Before})
	}
	got, err := json.MarshalIndent(rows, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	golden := fixture("events.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	st := d.Stats()[EntryFile]
	assert.Equal(t, int64(len(rows)), st.Accepted)
	assert.Equal(t, int64(1), st.Skipped, "the tombstone")
}
