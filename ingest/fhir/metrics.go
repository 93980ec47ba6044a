package fhir

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the door's Prometheus series; the zero value (no registerer)
// records nothing.
type metrics struct {
	accepted  *prometheus.CounterVec
	rejected  *prometheus.CounterVec
	unchanged *prometheus.CounterVec
	skipped   *prometheus.CounterVec
	bytes     prometheus.Counter
	download  prometheus.Histogram
}

// newMetrics registers the door's metrics with reg; nil registers none.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return &metrics{}, nil
	}
	m := &metrics{
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cdw", Subsystem: "fhir",
			Name: "resources_accepted_total", Help: "Resources written to bronze, by resource type."}, []string{"type"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cdw", Subsystem: "fhir",
			Name: "resources_rejected_total", Help: "NDJSON lines refused as rejects, by resource type (\"\" when unknown)."}, []string{"type"}),
		unchanged: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cdw", Subsystem: "fhir",
			Name: "resources_unchanged_total", Help: "Resources read again with unchanged content, not written."}, []string{"type"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cdw", Subsystem: "fhir",
			Name: "resources_skipped_total", Help: "Resources of types Options.Types excludes."}, []string{"type"}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cdw", Subsystem: "fhir",
			Name: "read_bytes_total", Help: "NDJSON bytes read from files and downloads."}),
		download: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "cdw", Subsystem: "fhir",
			Name: "download_seconds", Help: "Time to download and ingest one $export file.",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)}),
	}
	for _, c := range []prometheus.Collector{m.accepted, m.rejected, m.unchanged, m.skipped, m.bytes, m.download} {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				return nil, fmt.Errorf("%w: metrics already registered (one door per registerer)", ErrInvalidOptions)
			}
			return nil, fmt.Errorf("fhir: register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) count(v *prometheus.CounterVec, typ string) {
	if v != nil {
		v.WithLabelValues(typ).Inc()
	}
}

func (m *metrics) read(n int) {
	if m.bytes != nil {
		m.bytes.Add(float64(n))
	}
}

func (m *metrics) downloaded(seconds float64) {
	if m.download != nil {
		m.download.Observe(seconds)
	}
}
