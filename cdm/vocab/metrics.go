package vocab

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are Load's Prometheus series; the zero value (no registerer)
// records nothing.
type metrics struct {
	rows     *prometheus.CounterVec
	rejected *prometheus.CounterVec
	seconds  *prometheus.CounterVec
}

// newMetrics registers Load's series with reg, reusing the ones an earlier
// Load registered there; nil registers none.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{}
	if reg == nil {
		return m, nil
	}
	vecs := []**prometheus.CounterVec{&m.rows, &m.rejected, &m.seconds}
	opts := []prometheus.CounterOpts{
		{Namespace: "cdw", Subsystem: "vocab", Name: "rows_loaded_total", Help: "Vocabulary rows written to Parquet, by table."},
		{Namespace: "cdw", Subsystem: "vocab", Name: "rows_rejected_total", Help: "Vocabulary lines that did not parse and were left out, by table."},
		{Namespace: "cdw", Subsystem: "vocab", Name: "load_seconds_total", Help: "Time spent loading vocabulary files, by table."},
	}
	for i, o := range opts {
		v := prometheus.NewCounterVec(o, []string{"table"})
		if err := reg.Register(v); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, fmt.Errorf("vocab: register metrics: %w", err)
			}
			existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
			if !ok {
				return nil, fmt.Errorf("vocab: register metrics: %s is registered with another type", o.Name)
			}
			v = existing
		}
		*vecs[i] = v
	}
	return m, nil
}

// table records one loaded table.
func (m *metrics) table(tr TableResult) {
	if m.rows == nil {
		return
	}
	m.rows.WithLabelValues(tr.Table).Add(float64(tr.Rows))
	m.rejected.WithLabelValues(tr.Table).Add(float64(tr.Rejected))
	m.seconds.WithLabelValues(tr.Table).Add(tr.Duration.Seconds())
}
