package debezium

import (
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gathered returns the value of each cdw_debezium series of entry.
func gathered(t *testing.T, reg *prometheus.Registry, entry string) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	out := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "entry" && l.GetValue() == entry {
					if m.GetCounter() != nil {
						out[f.GetName()] = m.GetCounter().GetValue()
					} else {
						out[f.GetName()] = m.GetGauge().GetValue()
					}
				}
			}
		}
	}
	return out
}

func TestMetrics(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	path := filepath.Join(src, "cdc.ndjson")
	writeLines(t, path, patientLine(1), "{bad\n", patientLine(2), `{"key":{"patient_id":2},"value":null}`+"\n", patientLine(3))
	reg := prometheus.NewRegistry()
	d, closeDoor := openDoor(t, dir, Options{Registerer: reg, MaxBatch: 2})
	require.NoError(t, d.ReadFiles(t.Context(), path))
	assert.Equal(t, map[string]float64{
		"cdw_debezium_events_accepted_total":         3,
		"cdw_debezium_events_rejected_total":         1,
		"cdw_debezium_tombstones_skipped_total":      1,
		"cdw_debezium_batches_written_total":         3,
		"cdw_debezium_last_commit_timestamp_seconds": float64(t0+3000) / 1e3,
	}, gathered(t, reg, EntryFile))

	// A second door on the same registerer is refused while the first is
	// open, and accepted once it is closed.
	_, err := New(d.log, Options{Registerer: reg})
	require.ErrorIs(t, err, ErrInvalidOptions)
	closeDoor()
	d2, _ := openDoor(t, dir, Options{Registerer: reg})
	require.NoError(t, d2.ReadFiles(t.Context(), path))
	assert.Empty(t, gathered(t, reg, EntryFile), "a fresh door has written nothing yet")
}
