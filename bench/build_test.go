package bench_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/jackc/pglogrepl"

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
// 20 ms while the build runs). Then the live hospital adds about 1% more
// changes, and an incremental build is timed against a full build of the
// same bronze (target ≤ 5%).
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
	b.Logf("full build phases: %s", phases(res.Phases))

	// About 1% more changes from the live hospital, streamed into bronze;
	// then an incremental build, and a full build of the same bronze into
	// a fresh store for comparison.
	log, err = bronze.Open(filepath.Join(root, ingest.SourcePostgres))
	if err != nil {
		b.Fatal(err)
	}
	stop, door := runDoor(b, ctx, c, log)
	live := hospital.NewLive(db, hospital.LiveOptions{Seed: 2})
	for door.Status().Rows < bronzeRows/100 {
		if _, err := live.Step(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var end string
	if err := db.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&end); err != nil {
		b.Fatal(err)
	}
	want, _ := pglogrepl.ParseLSN(end)
	waitFor(b, func() bool { st := door.Status(); return st.Durable >= want || st.Acked >= want }, 10*time.Minute)
	stop()
	changed := log.Manifest().Rows - bronzeRows
	if err := log.Close(); err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	inc, err := transform.Build(ctx, transform.Options{BronzeDir: root, Store: store})
	if err != nil {
		b.Fatal(err)
	}
	incTime := time.Since(start)
	b.Logf("incremental build phases: %s", phases(inc.Phases))
	start = time.Now()
	if _, err := transform.Build(ctx, transform.Options{BronzeDir: root, Store: cdm.NewStore(filepath.Join(root, "fresh"))}); err != nil {
		b.Fatal(err)
	}
	fullTime := time.Since(start)
	b.ReportMetric(incTime.Seconds()/fullTime.Seconds(), "incremental_to_full")
	b.Logf("incremental: %d new changes (%.1f%% of bronze), replay %s, in %s; a full build of the same bronze %s: %.2f",
		changed, 100*float64(changed)/float64(bronzeRows), inc.Replay, incTime.Round(time.Millisecond), fullTime.Round(time.Millisecond),
		incTime.Seconds()/fullTime.Seconds())

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

func phases(ps []transform.Phase) string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s %s", p.Name, p.Took.Round(time.Millisecond)))
	}
	return strings.Join(out, ", ")
}
