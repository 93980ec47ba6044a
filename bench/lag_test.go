package bench_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

var (
	liveFor      = flag.Duration("bench.live", 30*time.Second, "how long the live hospital runs in BenchmarkLiveLag")
	liveInterval = flag.Duration("bench.live-interval", 20*time.Millisecond, "pause between the live hospital's rounds of activity")
)

// BenchmarkLiveLag measures end-to-end ingest lag under a running hospital
// (hospital.Live, as cdw simulate --live drives it): for every change, the
// time from its commit in PostgreSQL to the moment its bronze file was
// durable (the file's modification time, written just before the manifest
// names it). It reports the 50th and 99th percentiles and the change rate.
func BenchmarkLiveLag(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runLiveLag(b)
	}
}

func runLiveLag(b *testing.B) {
	ctx := context.Background()
	c := pgtest.Start(b)
	db := pgtest.NewDB(b, c, "bench")
	if _, err := hospital.Generate(ctx, db, hospital.Options{Patients: 500, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	log, err := bronze.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer log.Close()
	door, err := ingest.NewPostgres(log, ingest.PostgresOptions{ConnString: c.ConnString("bench"), CompactInterval: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- door.Run(rctx) }()
	waitFor(b, func() bool { return door.Status().Streaming }, 10*time.Minute)

	live := hospital.NewLive(db, hospital.LiveOptions{Seed: 2, Interval: *liveInterval})
	lctx, stopLive := context.WithTimeout(ctx, *liveFor)
	defer stopLive()
	if err := live.Run(lctx); err != nil && lctx.Err() == nil {
		b.Fatal(err)
	}
	time.Sleep(2 * time.Second) // let the last changes become durable
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}

	var lags []time.Duration
	for _, f := range log.Manifest().Files {
		info, err := os.Stat(filepath.Join(dir, f.Path))
		if err != nil {
			b.Fatal(err)
		}
		changes, err := bronze.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			b.Fatal(err)
		}
		for _, ch := range changes {
			if ch.Op != bronze.OpRead {
				lags = append(lags, info.ModTime().Sub(ch.CommitTime))
			}
		}
	}
	if len(lags) == 0 {
		b.Fatal("the live hospital wrote nothing")
	}
	sort.Slice(lags, func(i, j int) bool { return lags[i] < lags[j] })
	p := func(q float64) time.Duration { return lags[min(len(lags)-1, int(q*float64(len(lags))))] }
	b.ReportMetric(float64(p(0.50).Milliseconds()), "p50_lag_ms")
	b.ReportMetric(float64(p(0.99).Milliseconds()), "p99_lag_ms")
	b.ReportMetric(float64(len(lags))/liveFor.Seconds(), "changes/s")
	b.Logf("%d live changes in %s: commit → durable in bronze p50 %s, p99 %s, max %s",
		len(lags), *liveFor, p(0.50).Round(time.Millisecond), p(0.99).Round(time.Millisecond), lags[len(lags)-1].Round(time.Millisecond))
}
