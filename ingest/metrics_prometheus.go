package ingest

import (
	"github.com/prometheus/client_golang/prometheus"
)

// RegisterMetrics registers the door's metrics with reg, labelled with the
// slot. Every value is read from Status when reg is gathered, so the door
// does no metrics work between scrapes:
//
//	cdw_ingest_postgres_lag_bytes                      WAL sent by the server, not yet durable nor acknowledged
//	cdw_ingest_postgres_changes_appended_total         streamed changes appended to bronze
//	cdw_ingest_postgres_snapshot_rows_total            snapshot rows appended to bronze
//	cdw_ingest_postgres_batches_total                  appends to bronze (snapshot and stream)
//	cdw_ingest_postgres_last_commit_timestamp_seconds  source commit time of the newest appended change
//	cdw_ingest_postgres_durable_lsn                    position up to which bronze holds everything
//	cdw_ingest_postgres_acknowledged_lsn               position last acknowledged to the server
//	cdw_ingest_postgres_streaming                      1 while the stream is running
func (p *Postgres) RegisterMetrics(reg prometheus.Registerer) error {
	return reg.Register(&collector{p: p, labels: prometheus.Labels{"slot": p.opts.Slot}})
}

type collector struct {
	p      *Postgres
	labels prometheus.Labels
}

type metric struct {
	name, help string
	kind       prometheus.ValueType
	value      func(Status) float64
}

var metrics = []metric{
	{"lag_bytes", "WAL the server has sent that the door has neither made durable nor acknowledged.", prometheus.GaugeValue,
		func(s Status) float64 { return float64(s.LagBytes()) }},
	{"changes_appended_total", "Streamed changes appended to bronze.", prometheus.CounterValue,
		func(s Status) float64 { return float64(s.Rows) }},
	{"snapshot_rows_total", "Initial-snapshot rows appended to bronze.", prometheus.CounterValue,
		func(s Status) float64 { return float64(s.SnapshotRows) }},
	{"batches_total", "Durable appends to bronze.", prometheus.CounterValue,
		func(s Status) float64 { return float64(s.Batches) }},
	{"session_retries_total", "Replication sessions started again after a transient failure.", prometheus.CounterValue,
		func(s Status) float64 { return float64(s.Retries) }},
	{"last_commit_timestamp_seconds", "Source commit time of the newest appended change (0 before the first).", prometheus.GaugeValue,
		func(s Status) float64 {
			if s.LastCommit.IsZero() {
				return 0
			}
			return float64(s.LastCommit.UnixNano()) / 1e9
		}},
	{"durable_lsn", "Source position up to which bronze holds every change.", prometheus.GaugeValue,
		func(s Status) float64 { return float64(s.Durable) }},
	{"acknowledged_lsn", "Source position last acknowledged to the server.", prometheus.GaugeValue,
		func(s Status) float64 { return float64(s.Acked) }},
	{"streaming", "1 while the change stream runs.", prometheus.GaugeValue,
		func(s Status) float64 {
			if s.Streaming {
				return 1
			}
			return 0
		}},
}

func (c *collector) desc(m metric) *prometheus.Desc {
	return prometheus.NewDesc("cdw_ingest_postgres_"+m.name, m.help, nil, c.labels)
}

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range metrics {
		ch <- c.desc(m)
	}
}

// Collect implements prometheus.Collector.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	s := c.p.Status()
	for _, m := range metrics {
		ch <- prometheus.MustNewConstMetric(c.desc(m), m.kind, m.value(s))
	}
}
