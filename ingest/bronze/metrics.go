package bronze

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Collector exports every door's bronze log under a root as Prometheus
// metrics labelled by source: what each door has made durable, rejected and
// how fast, read from the manifests at each scrape. It sees the doors that
// run in other processes (cdw ingest fhir, hl7, debezium) as well as the
// ones in this one.
type Collector struct {
	root string
	now  func() time.Time
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector returns the collector of the bronze root.
func NewCollector(root string) *Collector { return &Collector{root: root, now: time.Now} }

var (
	changesDesc = prometheus.NewDesc("cdw_bronze_changes_total",
		"Changes the source's door has made durable in bronze.", []string{"source"}, nil)
	rejectsDesc = prometheus.NewDesc("cdw_bronze_rejects_total",
		"Records the source's door put in the dead-letter store.", []string{"source"}, nil)
	rateDesc = prometheus.NewDesc("cdw_bronze_changes_per_second",
		"Changes per second appended by the source's door (10s moving average, decaying while idle).", []string{"source"}, nil)
	lastCommitDesc = prometheus.NewDesc("cdw_bronze_last_commit_timestamp_seconds",
		"Source time of the newest change in bronze (0 before the first).", []string{"source"}, nil)
	updatedDesc = prometheus.NewDesc("cdw_bronze_updated_timestamp_seconds",
		"When the source's bronze log last changed.", []string{"source"}, nil)
	filesDesc = prometheus.NewDesc("cdw_bronze_files",
		"Parquet change files in the source's bronze log.", []string{"source"}, nil)
	snapshotDesc = prometheus.NewDesc("cdw_bronze_snapshot_done",
		"1 once the source's initial snapshot is complete in bronze.", []string{"source"}, nil)
	scrapeErrDesc = prometheus.NewDesc("cdw_bronze_read_errors",
		"1 when the bronze manifests could not be read at this scrape.", nil, nil)
)

// Describe sends the metrics' descriptions.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{changesDesc, rejectsDesc, rateDesc, lastCommitDesc, updatedDesc, filesDesc, snapshotDesc, scrapeErrDesc} {
		ch <- d
	}
}

// Collect reads the manifests and sends one sample per source and metric.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	set, err := ReadSet(c.root)
	failed := 0.0
	if err != nil {
		failed = 1
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrDesc, prometheus.GaugeValue, failed)
	if err != nil {
		return
	}
	now := c.now()
	for _, name := range set.Names() {
		m := set.Sources[name]
		done := 0.0
		if m.SnapshotDone {
			done = 1
		}
		for _, s := range []struct {
			desc *prometheus.Desc
			kind prometheus.ValueType
			v    float64
		}{
			{changesDesc, prometheus.CounterValue, float64(m.Rows)},
			{rejectsDesc, prometheus.CounterValue, float64(m.RejectCount)},
			{rateDesc, prometheus.GaugeValue, m.RateAt(now)},
			{lastCommitDesc, prometheus.GaugeValue, unixSeconds(m.LastCommit)},
			{updatedDesc, prometheus.GaugeValue, unixSeconds(m.UpdatedAt)},
			{filesDesc, prometheus.GaugeValue, float64(len(m.Files))},
			{snapshotDesc, prometheus.GaugeValue, done},
		} {
			ch <- prometheus.MustNewConstMetric(s.desc, s.kind, s.v, name)
		}
	}
}

func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
