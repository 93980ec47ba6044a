package ingest_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetrics(t *testing.T) {
	src := sourceDB(t)
	db := src.connect(t)
	mustExec(t, db, "CREATE TABLE m (id int PRIMARY KEY); INSERT INTO m SELECT generate_series(1, 30)")
	dir := filepath.Join(t.TempDir(), "bronze")
	r := startWith(t, src, dir, nil)
	defer r.stop(t)
	reg := prometheus.NewRegistry()
	require.NoError(t, r.door.RegisterMetrics(reg))
	waitRows(t, dir, "public.m", 30)
	mustExec(t, db, "INSERT INTO m SELECT generate_series(31, 40); UPDATE m SET id = id WHERE id = 1")
	waitRows(t, dir, "public.m", 40)

	values := func() map[string]float64 {
		mfs, err := reg.Gather()
		require.NoError(t, err)
		out := map[string]float64{}
		for _, mf := range mfs {
			m := mf.GetMetric()[0]
			assert.Equal(t, src.slot, m.GetLabel()[0].GetValue())
			if c := m.GetCounter(); c != nil {
				out[mf.GetName()] = c.GetValue()
			} else {
				out[mf.GetName()] = m.GetGauge().GetValue()
			}
		}
		return out
	}
	require.Eventually(t, func() bool { return values()["cdw_ingest_postgres_changes_appended_total"] == 11 }, 10*time.Second, 20*time.Millisecond)
	v := values()
	assert.Equal(t, 30.0, v["cdw_ingest_postgres_snapshot_rows_total"])
	assert.GreaterOrEqual(t, v["cdw_ingest_postgres_batches_total"], 2.0)
	assert.InDelta(t, float64(time.Now().Unix()), v["cdw_ingest_postgres_last_commit_timestamp_seconds"], 60)
	assert.Equal(t, 1.0, v["cdw_ingest_postgres_streaming"])
	assert.Positive(t, v["cdw_ingest_postgres_durable_lsn"])
	require.Eventually(t, func() bool { return values()["cdw_ingest_postgres_lag_bytes"] == 0 }, 10*time.Second, 20*time.Millisecond, "lag returns to zero once idle")
}
