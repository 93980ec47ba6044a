package bench_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/memstat"
	"github.com/cdw-dev/cdw/internal/pgcluster"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

var (
	patients    = flag.Int("bench.patients", 5000, "patients in the synthetic hospital the ingest benchmarks read")
	streamTxns  = flag.Int("bench.txns", 100000, "transactions of the streaming workload")
	streamBatch = flag.Int("bench.rows", 1, "inserts per streaming transaction (1: single-row transactions, the server's slowest case to decode)")
	doorLog     = flag.Bool("bench.log", false, "log the door's debug messages to stderr")
)

// BenchmarkPostgresDoor measures the PostgreSQL door against the server's own
// limits in the same run:
//   - initial snapshot rows/s into durable bronze, against COPY (SELECT …) TO
//     of the same tables (target ≥ 0.5×);
//   - streaming changes/s into durable bronze, against the server decoding
//     the same changes with pg_logical_slot_get_binary_changes on a second
//     pgoutput slot (target ≥ 0.8×);
//   - the protocol's own ceiling: a bare client streaming the same changes
//     from a third slot over the replication protocol and discarding them
//     (wire_changes/s), so that a stream ratio below target can be told apart
//     from a slow door;
//   - the door's peak RSS during both, sampled every 20 ms.
//
// Run it at two sizes (-bench.patients) to see that memory stays flat.
func BenchmarkPostgresDoor(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runPostgresDoor(b)
	}
}

func runPostgresDoor(b *testing.B) {
	ctx := context.Background()
	c := pgtest.Start(b)
	db := pgtest.NewDB(b, c, "bench")
	st, err := hospital.Generate(ctx, db, hospital.Options{Patients: *patients, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("hospital: %d patients, %d rows", *patients, st.Rows())

	copyRows, copyTime := copyAll(b, ctx, db)
	rss := memstat.StartSampler(20 * time.Millisecond)
	log, err := bronze.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer log.Close()
	stop, door := runDoor(b, ctx, c, log)
	start := time.Now()
	waitFor(b, func() bool { return log.Manifest().SnapshotDone }, 30*time.Minute)
	snapTime := time.Since(start)
	snapRows := log.Manifest().Rows
	stop()

	// The streaming workload is written while the door is stopped, with a
	// second slot created first so that both read exactly the same changes.
	exec(b, ctx, db, "CREATE TABLE bench_events (id bigint PRIMARY KEY, v text NOT NULL)")
	exec(b, ctx, db, "SELECT pg_create_logical_replication_slot('bench_decode', 'pgoutput')")
	exec(b, ctx, db, "SELECT pg_create_logical_replication_slot('bench_wire', 'pgoutput')")
	exec(b, ctx, db, fmt.Sprintf(`DO $$ BEGIN
  FOR t IN 0..%d LOOP
    INSERT INTO bench_events SELECT g, 'event ' || g FROM generate_series(t * %d + 1, (t + 1) * %d) g;
    COMMIT;
  END LOOP;
END $$`, *streamTxns-1, *streamBatch, *streamBatch))
	changes := float64(*streamTxns * *streamBatch)
	var target string
	if err := db.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&target); err != nil {
		b.Fatal(err)
	}
	want, _ := pglogrepl.ParseLSN(target)

	stop, door = runDoor(b, ctx, c, log)
	start = time.Now()
	waitFor(b, func() bool { return door.Status().Durable >= want }, 30*time.Minute)
	streamTime := time.Since(start)
	stop()
	peak := rss.Stop()

	start = time.Now()
	var msgs int64
	if err := db.QueryRow(ctx, `SELECT count(*) FROM pg_logical_slot_get_binary_changes('bench_decode', NULL, NULL,
		'proto_version', '1', 'publication_names', 'cdw')`).Scan(&msgs); err != nil {
		b.Fatal(err)
	}
	decodeTime := time.Since(start)

	wireTime := receiveAll(b, ctx, c, "bench_wire", want)

	copyRate := float64(copyRows) / copyTime.Seconds()
	snapRate := float64(snapRows) / snapTime.Seconds()
	streamRate := changes / streamTime.Seconds()
	decodeRate := changes / decodeTime.Seconds()
	b.ReportMetric(snapRate, "snapshot_rows/s")
	b.ReportMetric(copyRate, "copy_rows/s")
	b.ReportMetric(snapRate/copyRate, "snapshot_ratio")
	b.ReportMetric(streamRate, "stream_changes/s")
	b.ReportMetric(decodeRate, "decode_changes/s")
	b.ReportMetric(streamRate/decodeRate, "stream_ratio")
	b.ReportMetric(changes/wireTime.Seconds(), "wire_changes/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak_rss_MiB")
	b.Logf("snapshot %d rows in %s (%.0f rows/s) vs COPY TO %d rows in %s (%.0f rows/s): %.2fx",
		snapRows, snapTime.Round(time.Millisecond), snapRate, copyRows, copyTime.Round(time.Millisecond), copyRate, snapRate/copyRate)
	b.Logf("a bare replication client (no decoding, nothing stored) receives the same changes in %s (%.0f changes/s): %.2fx of decoding",
		wireTime.Round(time.Millisecond), changes/wireTime.Seconds(), decodeTime.Seconds()/wireTime.Seconds())
	b.Logf("stream %.0f changes in %s (%.0f/s) vs server decoding %d messages in %s (%.0f changes/s): %.2fx; peak RSS %d MiB",
		changes, streamTime.Round(time.Millisecond), streamRate, msgs, decodeTime.Round(time.Millisecond), decodeRate, streamRate/decodeRate, peak>>20)
}

// copyAll reads every EMR table with COPY (SELECT * FROM t) TO STDOUT, the
// fastest way out of the server, and returns the rows and the time taken.
func copyAll(b *testing.B, ctx context.Context, db *pgxpool.Pool) (int64, time.Duration) {
	rows, err := db.Query(ctx, "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname = 'emr' ORDER BY 1")
	if err != nil {
		b.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	conn, err := db.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	var total int64
	start := time.Now()
	for _, t := range tables {
		tag, err := conn.Conn().PgConn().CopyTo(ctx, io.Discard, "COPY (SELECT * FROM "+t+") TO STDOUT")
		if err != nil {
			b.Fatal(err)
		}
		total += tag.RowsAffected()
	}
	return total, time.Since(start)
}

// receiveAll streams slot over the replication protocol, as the door does,
// and discards every message until the server has sent everything up to
// want: the rate a client that does nothing reaches, the protocol's ceiling.
func receiveAll(b *testing.B, ctx context.Context, c *pgcluster.Cluster, slot string, want pglogrepl.LSN) time.Duration {
	start := time.Now()
	conn, err := pgconn.Connect(ctx, c.ConnString("bench")+"&replication=database")
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := pglogrepl.StartReplication(ctx, conn, slot, 0, pglogrepl.StartReplicationOptions{
		PluginArgs: []string{"proto_version '1'", "publication_names 'cdw'"}}); err != nil {
		b.Fatal(err)
	}
	for {
		msg, err := conn.ReceiveMessage(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		cd, ok := msg.(*pgproto3.CopyData)
		if !ok || len(cd.Data) == 0 || cd.Data[0] != pglogrepl.XLogDataByteID {
			continue
		}
		xld, err := pglogrepl.ParseXLogData(cd.Data[1:])
		if err != nil {
			b.Fatal(err)
		}
		if len(xld.WALData) == 0 || xld.WALData[0] != 'C' {
			continue // only a commit can end the workload
		}
		m, err := pglogrepl.Parse(xld.WALData)
		if err != nil {
			b.Fatal(err)
		}
		if cm, ok := m.(*pglogrepl.CommitMessage); ok && cm.TransactionEndLSN >= want {
			return time.Since(start)
		}
	}
}

// runDoor starts the PostgreSQL door on log and returns the function that
// stops it and waits for it to return.
func runDoor(b *testing.B, ctx context.Context, c *pgcluster.Cluster, log *bronze.Log) (func(), *ingest.Postgres) {
	opts := ingest.PostgresOptions{ConnString: c.ConnString("bench"), StatusInterval: time.Second}
	if *doorLog {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	door, err := ingest.NewPostgres(log, opts)
	if err != nil {
		b.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- door.Run(rctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}, door
}

func waitFor(b *testing.B, cond func() bool, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("not done after %s", limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func exec(b *testing.B, ctx context.Context, db *pgxpool.Pool, sql string) {
	if _, err := db.Exec(ctx, sql); err != nil {
		b.Fatalf("%s: %v", sql, err)
	}
}
