package ingest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

var (
	crashTrials = flag.Int("crash.trials", 20, "kill -9 trials TestCrashExactlyOnce runs")
	crashSeed   = flag.Uint64("crash.seed", 0, "seed of the crash trials' kill points and workload (0: from the clock)")
)

// The crash child is this test binary re-executed with these variables set:
// it runs the door on the bronze directory until it is killed.
const (
	crashChildEnv = "CDW_INGEST_CRASH_CHILD"
	crashDirEnv   = "CDW_INGEST_CRASH_DIR"
	crashConnEnv  = "CDW_INGEST_CRASH_CONN"
	crashSlotEnv  = "CDW_INGEST_CRASH_SLOT"
)

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		os.Exit(crashChild(os.Getenv(crashDirEnv), source{conn: os.Getenv(crashConnEnv), slot: os.Getenv(crashSlotEnv)}))
	}
	code := m.Run()
	stopShared()
	os.Exit(code)
}

// crashChild runs the door with small batches and frequent compaction,
// printing its phases on stdout, until SIGTERM (clean stop, exit 0) or SIGKILL.
func crashChild(dir string, src source) int {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log, err := bronze.Open(dir)
	if err != nil {
		logger.Error("open bronze", "err", err)
		return 1
	}
	defer log.Close()
	door, err := ingest.NewPostgres(log, ingest.PostgresOptions{
		ConnString: src.conn, Slot: src.slot, FlushInterval: 15 * time.Millisecond, MaxBatch: 40, StatusInterval: 50 * time.Millisecond,
		CompactInterval: 30 * time.Millisecond, Compact: bronze.CompactOptions{MinFiles: 3, Grace: 100 * time.Millisecond},
		Logger: logger,
		Progress: func(p ingest.Progress) {
			fmt.Printf("PROGRESS phase=%s rows=%d total=%d\n", p.Phase, p.Rows, p.Total)
		},
	})
	if err != nil {
		logger.Error("new door", "err", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := door.Run(ctx); err != nil {
		logger.Error("door stopped", "err", err)
		return 1
	}
	return 0
}

// phaseOf maps a line the child printed to the phase it begins ("" for none).
func phaseOf(line string) string {
	switch {
	case strings.Contains(line, `msg="replication slot created"`), strings.Contains(line, "PROGRESS phase=snapshot"):
		return "snapshot"
	case strings.Contains(line, `msg="replication slot still in use; retrying"`):
		return "slot-wait"
	case strings.Contains(line, `msg="appending to bronze"`):
		return "append"
	case strings.Contains(line, `msg="compacting bronze"`):
		return "compaction"
	case strings.Contains(line, `msg="streaming changes"`), strings.Contains(line, "PROGRESS phase=stream"),
		strings.Contains(line, `msg="bronze compaction done"`), strings.Contains(line, `msg="initial snapshot complete"`):
		return "stream"
	}
	return ""
}

// sessionRetries holds the lines in which a crash child said it resumed
// after a transient failure (guarded by the children's mutexes: one child
// runs at a time).
var sessionRetries []string

// child is one run of the crash child.
type child struct {
	cmd    *exec.Cmd
	lines  chan string // every line printed, closed at EOF
	mu     sync.Mutex
	phase  string // the phase the last printed line began
	start  time.Time
	ready  time.Duration // when the child first began a phase other than slot-wait
	output []string
	done   chan struct{}
}

func startChild(t *testing.T, dir string, src source) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashDirEnv+"="+dir, crashConnEnv+"="+src.conn, crashSlotEnv+"="+src.slot)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = cmd.Stdout
	require.NoError(t, cmd.Start())
	c := &child{cmd: cmd, lines: make(chan string, 1024), phase: "startup", done: make(chan struct{}), start: time.Now()}
	go func() {
		defer close(c.done)
		defer close(c.lines)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			c.mu.Lock()
			if p := phaseOf(line); p != "" {
				c.phase = p
				if c.ready == 0 && p != "slot-wait" {
					c.ready = time.Since(c.start)
				}
			}
			if strings.Contains(line, `msg="replication session failed`) {
				sessionRetries = append(sessionRetries, line)
			}
			c.output = append(c.output, line)
			if len(c.output) > 200 {
				c.output = c.output[100:]
			}
			c.mu.Unlock()
			select {
			case c.lines <- line:
			default: // nobody waits for lines now
			}
		}
	}()
	return c
}

// waitFor returns once the n-th line beginning phase has been printed, or
// after limit.
func (c *child) waitFor(phase string, n int, limit time.Duration) bool {
	timeout := time.After(limit)
	for seen := 0; seen < n; {
		select {
		case line, ok := <-c.lines:
			if !ok {
				return false
			}
			if phaseOf(line) == phase && !strings.Contains(line, "PROGRESS phase=snapshot rows=0") {
				seen++
			}
		case <-timeout:
			return false
		}
	}
	return true
}

// kill SIGKILLs the child and returns the phase it was in: the last one it
// printed before it died.
func (c *child) kill(t *testing.T) string {
	t.Helper()
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
	<-c.done
	err := c.cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("crash child ended on its own (%v) before the kill:\n%s", err, c.tail())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.phase
}

func (c *child) tail() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.output, "\n")
}

// crashPlan is one trial's kill point: after the n-th line of phase (or,
// for phase "", after the start) plus delay.
type crashPlan struct {
	phase string
	n     int
	delay time.Duration
}

func (p crashPlan) String() string {
	if p.phase == "" {
		return fmt.Sprintf("%v after start", p.delay)
	}
	return fmt.Sprintf("%v after %s line %d", p.delay, p.phase, p.n)
}

// planKill draws a kill point: while the snapshot is not done, the first
// time and then for at most a sixth of the trials, mid-snapshot after a
// random one of its batches;
// otherwise at a random time after the start, in a random append, or in a
// random compaction.
func planKill(rng *rand.Rand, trials, snapshotKills int, snapshotDone bool, snapshotBatches int) crashPlan {
	jitter := time.Duration(rng.Int64N(int64(3 * time.Millisecond)))
	if !snapshotDone && (snapshotKills == 0 || snapshotKills < max(2, trials/6) && rng.IntN(3) > 0) {
		return crashPlan{phase: "snapshot", n: 1 + rng.IntN(max(1, snapshotBatches-1)), delay: jitter}
	}
	switch rng.IntN(3) {
	case 0:
		return crashPlan{delay: time.Duration(rng.Int64N(int64(900 * time.Millisecond)))}
	case 1:
		return crashPlan{phase: "append", n: 1 + rng.IntN(12), delay: jitter}
	default:
		return crashPlan{phase: "compaction", n: 1 + rng.IntN(4), delay: jitter}
	}
}

// TestCrashExactlyOnce runs the door in a child process, SIGKILLs it at
// random points while a writer keeps changing the source, restarts it, and
// after a final clean catch-up checks that bronze holds every committed
// change exactly once, in commit order, and replays to the source's rows.
// Reproduce a run with -crash.seed; scripts/fault.sh runs 100 trials.
func TestCrashExactlyOnce(t *testing.T) {
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("crash trials: %d, seed %d (rerun with -crash.seed=%d)", *crashTrials, seed, seed)
	ctx := context.Background()
	src := sourceDB(t)
	db := src.connect(t)
	_, err := db.Exec(ctx, crashSchema)
	require.NoError(t, err)
	w := newWorkload(seed)
	for range 2000 {
		w.insertItem()
	}
	require.NoError(t, w.commit(ctx, db))
	run := &crashRun{src: src, dir: filepath.Join(t.TempDir(), ingest.SourcePostgres), probe: src.connect(t),
		rng: rand.New(rand.NewPCG(seed, 1)), kills: map[string]int{}}

	wctx, stopWriter := context.WithCancel(ctx)
	writerDone := make(chan error, 1)
	go func() { writerDone <- runWriter(wctx, db, w) }()
	began := time.Now()
	for trial := 1; trial <= *crashTrials; trial++ {
		run.trial(t, trial)
	}
	trialsTook := time.Since(began)
	stopWriter()
	require.NoError(t, <-writerDone)
	run.catchUp(t)

	changes, err := bronze.ReadAll(run.dir)
	require.NoError(t, err)
	t.Logf("%d trials in %v (kills by phase: %v); %d transactions committed, bronze holds %d changes; catch-up and check took %v",
		*crashTrials, trialsTook.Round(time.Millisecond), run.kills, len(w.txns), len(changes), time.Since(began.Add(trialsTook)).Round(time.Millisecond))
	for _, line := range sessionRetries {
		t.Logf("a child resumed after a transient failure: %s", line)
	}
	problems := verifyExactlyOnce(changes, w.txns)
	for i, p := range problems {
		if i == 20 {
			t.Errorf("... and %d more", len(problems)-20)
			break
		}
		t.Error(p)
	}
	assertReplaysToSource(t, ctx, db, run.dir)
	if *crashTrials >= 20 {
		assert.Positive(t, run.kills["snapshot"], "some kill fell in the initial snapshot")
		assert.Positive(t, run.kills["append"]+run.kills["stream"], "some kill fell while streaming")
	}
}

// crashRun is the state of the trials: the source, bronze, the kill plan's
// generator and the phases the kills hit.
type crashRun struct {
	src   source
	dir   string
	probe *pgx.Conn // the parent's own connection (the writer has another)
	rng   *rand.Rand
	kills map[string]int
}

// trial starts the child, kills it at a random point and logs where.
func (r *crashRun) trial(t *testing.T, trial int) {
	ctx := context.Background()
	m, err := bronze.ReadManifest(r.dir)
	require.NoError(t, err)
	if m.SnapshotDone && r.rng.IntN(10) == 0 {
		// Now and then bronze is rebuilt from scratch, as an operator
		// would: the door must take a new initial snapshot of tables
		// that keep changing, and the kills fall in it again.
		require.NoError(t, os.RemoveAll(r.dir))
		m = bronze.Manifest{}
		t.Logf("trial %2d: bronze removed; the door takes a new initial snapshot", trial)
	}
	var sourceRows int
	require.NoError(t, r.probe.QueryRow(ctx, `SELECT (SELECT count(*) FROM crash.item) + (SELECT count(*) FROM crash.side)
		+ (SELECT count(*) FROM crash.ledger)`).Scan(&sourceRows))
	plan := planKill(r.rng, *crashTrials, r.kills["snapshot"], m.SnapshotDone, sourceRows/40)
	ch := startChild(t, r.dir, r.src)
	if plan.phase != "" {
		ch.waitFor(plan.phase, plan.n, 5*time.Second)
	}
	time.Sleep(plan.delay)
	phase := ch.kill(t)
	r.kills[phase]++
	m, err = bronze.ReadManifest(r.dir)
	require.NoError(t, err)
	t.Logf("trial %2d: kill %-30s -> killed in %-10s (ready after %v; bronze: snapshot done %t, %d rows, %d files, position %s)",
		trial, plan, phase, ch.ready.Round(time.Millisecond), m.SnapshotDone, m.Rows, len(m.Files), m.Position)
}

// catchUp runs a child until bronze holds a complete snapshot and the slot
// confirms everything committed (the door confirms only what is durable, or,
// when idle with nothing pending, the server's WAL end), then stops it with
// SIGTERM, which must end it cleanly. The slot alone is not enough: after a
// kill in a fresh snapshot, the new slot's consistent point is already past
// the last commit while bronze is still empty.
func (r *crashRun) catchUp(t *testing.T) {
	ctx := context.Background()
	var end pglogrepl.LSN
	require.NoError(t, r.probe.QueryRow(ctx, "SELECT pg_current_wal_lsn()").Scan(&end))
	ch := startChild(t, r.dir, r.src)
	require.Eventually(t, func() bool {
		m, err := bronze.ReadManifest(r.dir)
		if err != nil || !m.SnapshotDone {
			return false
		}
		var confirmed pglogrepl.LSN
		err = r.probe.QueryRow(ctx, "SELECT coalesce(confirmed_flush_lsn, '0/0') FROM pg_replication_slots WHERE slot_name = $1",
			r.src.slot).Scan(&confirmed)
		return err == nil && confirmed >= end
	}, 30*time.Second, 20*time.Millisecond, "the door catches up with %s", end)
	require.NoError(t, ch.cmd.Process.Signal(syscall.SIGTERM))
	<-ch.done
	require.NoError(t, ch.cmd.Wait(), "a SIGTERM stops the door cleanly:\n%s", ch.tail())
}

// runWriter commits random transactions, a few hundred a second, until ctx is done.
func runWriter(ctx context.Context, db *pgx.Conn, w *workload) error {
	for ctx.Err() == nil {
		if err := w.commit(context.Background(), db); err != nil {
			return err
		}
		time.Sleep(time.Duration(w.rng.IntN(3000)) * time.Microsecond)
	}
	return nil
}

// assertReplaysToSource compares bronze, replayed as transform does, with
// the source tables row for row.
func assertReplaysToSource(t *testing.T, ctx context.Context, db *pgx.Conn, dir string) {
	t.Helper()
	got := state(t, dir)
	for _, q := range []struct{ table, sql string }{
		{"crash.item", "SELECT json_build_array(id)::text, json_build_object('id', id, 'ver', ver, 'note', note)::text FROM crash.item"},
		{"crash.side", "SELECT json_build_array(id)::text, json_build_object('id', id, 'v', v)::text FROM crash.side"},
		{"crash.ledger", "SELECT json_build_array(tx)::text, json_build_object('tx', tx)::text FROM crash.ledger"},
	} {
		rows, err := db.Query(ctx, q.sql)
		require.NoError(t, err)
		want := map[string]map[string]any{}
		for rows.Next() {
			var key, data string
			require.NoError(t, rows.Scan(&key, &data))
			want[normKey(t, key)] = decodeRow(t, data)
		}
		require.NoError(t, rows.Err())
		assert.Equal(t, len(want), len(got[q.table]), "%s: rows in bronze vs source", q.table)
		assert.Equal(t, want, orEmpty(got[q.table]), "%s: bronze replays to the source's rows", q.table)
	}
}

func normKey(t *testing.T, key string) string {
	t.Helper()
	var v []any
	require.NoError(t, json.Unmarshal([]byte(key), &v))
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func decodeRow(t *testing.T, data string) map[string]any {
	t.Helper()
	row := map[string]any{}
	require.NoError(t, json.Unmarshal([]byte(data), &row))
	return row
}

func orEmpty(m map[string]map[string]any) map[string]map[string]any {
	if m == nil {
		return map[string]map[string]any{}
	}
	return m
}
