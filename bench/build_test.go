package bench_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/memstat"
	"github.com/cdw-dev/cdw/internal/pgtest"
	"github.com/cdw-dev/cdw/transform"
)

// BenchmarkBuild measures a full CDM build from bronze against, in the same
// run, a raw DuckDB COPY of the same rows to Parquet: every table of the
// built snapshot read back and written again with the same compression
// (target: the build within 2× of it). Bronze is the PostgreSQL door's
// initial snapshot of a synthetic hospital of -bench.patients patients. It
// reports the build's rows/s and peak RSS (the whole process, sampled every
// 20 ms while the build runs).
func BenchmarkBuild(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runBuild(b)
	}
}

func runBuild(b *testing.B) {
	ctx := context.Background()
	c := pgtest.Start(b)
	db := pgtest.NewDB(b, c, "bench")
	began := time.Now()
	st, err := hospital.Generate(ctx, db, hospital.Options{Patients: *patients, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("hospital: %d patients, %d rows in %s", *patients, st.Rows(), time.Since(began).Round(time.Second))
	root := b.TempDir()
	log, err := bronze.Open(filepath.Join(root, ingest.SourcePostgres))
	if err != nil {
		b.Fatal(err)
	}
	stop, _ := runDoor(b, ctx, c, log)
	waitFor(b, func() bool { return log.Manifest().SnapshotDone }, 60*time.Minute)
	stop()
	bronzeRows := log.Manifest().Rows
	if err := log.Close(); err != nil {
		b.Fatal(err)
	}

	store := cdm.NewStore(filepath.Join(root, "cdm"))
	rss := memstat.StartSampler(20 * time.Millisecond)
	start := time.Now()
	res, err := transform.Build(ctx, transform.Options{BronzeDir: root, Store: store})
	if err != nil {
		b.Fatal(err)
	}
	buildTime := time.Since(start)
	peak := rss.Stop()
	var rows int64
	for _, n := range res.Rows {
		rows += n
	}
	copyTime := copySnapshot(b, res.Snapshot, b.TempDir())

	b.ReportMetric(buildTime.Seconds(), "build_s")
	b.ReportMetric(copyTime.Seconds(), "copy_s")
	b.ReportMetric(buildTime.Seconds()/copyTime.Seconds(), "build_to_copy")
	b.ReportMetric(float64(bronzeRows)/buildTime.Seconds(), "bronze_rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak_rss_MiB")
	b.Logf("build: %d bronze changes → %d CDM rows in %d tables in %s (%.0f changes/s); raw COPY of the same rows %s: %.2fx; peak RSS %d MiB",
		bronzeRows, rows, len(res.Rows), buildTime.Round(time.Millisecond), float64(bronzeRows)/buildTime.Seconds(),
		copyTime.Round(time.Millisecond), buildTime.Seconds()/copyTime.Seconds(), peak>>20)
}

// copySnapshot reads every table of snap and writes it again as zstd
// Parquet into dir with plain DuckDB COPY statements, and returns the time.
func copySnapshot(b *testing.B, snap cdm.Snapshot, dir string) time.Duration {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	for _, name := range snap.TableNames() {
		p, _ := snap.Path(name)
		q := fmt.Sprintf("COPY (SELECT * FROM read_parquet('%s')) TO '%s' (FORMAT parquet, COMPRESSION zstd)", p, filepath.Join(dir, name+".parquet"))
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}
