package debezium

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the door's Prometheus series, labelled by entry (file, http,
// kafka); the zero value (no registerer) records nothing.
type metrics struct {
	accepted   *prometheus.CounterVec
	rejected   *prometheus.CounterVec
	skipped    *prometheus.CounterVec
	batches    *prometheus.CounterVec
	lastCommit *prometheus.GaugeVec

	reg        prometheus.Registerer
	collectors []prometheus.Collector
}

// newMetrics registers the door's metrics with reg; nil registers none.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return &metrics{}, nil
	}
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cdw", Subsystem: "debezium", Name: name, Help: help}, []string{"entry"})
	}
	m := &metrics{
		accepted: counter("events_accepted_total", "Debezium events written to bronze as changes, by entry."),
		rejected: counter("events_rejected_total", "Records written to bronze as rejects, by entry."),
		skipped:  counter("tombstones_skipped_total", "Kafka tombstones consumed without a change, by entry."),
		batches:  counter("batches_written_total", "Durable bronze writes, by entry."),
		lastCommit: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "cdw", Subsystem: "debezium",
			Name: "last_commit_timestamp_seconds", Help: "Source commit time of the newest change written, by entry."}, []string{"entry"}),
	}
	for _, c := range []prometheus.Collector{m.accepted, m.rejected, m.skipped, m.batches, m.lastCommit} {
		if err := reg.Register(c); err != nil {
			m.unregister()
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				return nil, fmt.Errorf("%w: metrics already registered (one door per registerer)", ErrInvalidOptions)
			}
			return nil, fmt.Errorf("debezium: register metrics: %w", err)
		}
		m.reg, m.collectors = reg, append(m.collectors, c)
	}
	return m, nil
}

// unregister removes the door's metrics from its registerer, so that a door
// reopened on the same registerer can register them again.
func (m *metrics) unregister() {
	for _, c := range m.collectors {
		m.reg.Unregister(c)
	}
	m.collectors = nil
}

// record counts a durable batch of entry; last is the newest commit time
// the entry has written (zero while it has written no change).
func (m *metrics) record(entry string, b *batch, last time.Time) {
	if m.accepted == nil {
		return
	}
	m.accepted.WithLabelValues(entry).Add(float64(len(b.changes)))
	m.rejected.WithLabelValues(entry).Add(float64(len(b.rejects)))
	m.skipped.WithLabelValues(entry).Add(float64(b.skipped))
	m.batches.WithLabelValues(entry).Inc()
	if !last.IsZero() {
		m.lastCommit.WithLabelValues(entry).Set(float64(last.UnixMilli()) / 1e3)
	}
}
