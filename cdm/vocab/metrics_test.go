package vocab

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadMetrics(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "athena")
	writeFiles(t, dir, athenaFixture())
	reg := prometheus.NewRegistry()
	opts := LoadOptions{Dir: dir, Out: filepath.Join(t.TempDir(), "vocab"), Registerer: reg}
	for i := 0; i < 2; i++ { // a second Load reuses the registered series
		_, err := Load(context.Background(), opts)
		require.NoError(t, err)
	}
	assert.Equal(t, 8.0, counter(t, reg, "cdw_vocab_rows_loaded_total", "concept"))
	assert.Equal(t, 4.0, counter(t, reg, "cdw_vocab_rows_rejected_total", "concept"))
	assert.Equal(t, 2.0, counter(t, reg, "cdw_vocab_rows_loaded_total", "drug_strength"))
	assert.Positive(t, counter(t, reg, "cdw_vocab_load_seconds_total", "concept"))

	clash := prometheus.NewRegistry()
	clash.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "cdw_vocab_rows_loaded_total", Help: "x"}))
	_, err := Load(context.Background(), LoadOptions{Dir: dir, Out: opts.Out, Registerer: clash})
	require.Error(t, err)
}

// counter gathers reg and returns the value of the named counter's series
// for table.
func counter(t *testing.T, reg *prometheus.Registry, name, table string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "table" && l.GetValue() == table {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("no series %s{table=%q}", name, table)
	return 0
}
