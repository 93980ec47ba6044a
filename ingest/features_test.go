package ingest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

// startWith runs the door with test-friendly timings changed by opt.
func startWith(t *testing.T, src source, dir string, opt func(*ingest.PostgresOptions)) *runner {
	t.Helper()
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	o := ingest.PostgresOptions{ConnString: src.conn, Slot: src.slot, FlushInterval: 20 * time.Millisecond, StatusInterval: 50 * time.Millisecond}
	if opt != nil {
		opt(&o)
	}
	door, err := ingest.NewPostgres(log, o)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	r := &runner{cancel: cancel, done: make(chan error, 1), door: door, log: log}
	go func() { r.done <- door.Run(ctx) }()
	return r
}

func mustExec(t *testing.T, db *pgx.Conn, sql string) {
	t.Helper()
	_, err := db.Exec(context.Background(), sql)
	require.NoError(t, err, sql)
}

// sorted returns the log's changes of table in (lsn, seq) order.
func sorted(t *testing.T, dir, table string) []bronze.Change {
	t.Helper()
	all, err := bronze.ReadAll(dir)
	require.NoError(t, err)
	var out []bronze.Change
	for _, c := range all {
		if c.Table == table {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].LSN < out[j].LSN || out[i].LSN == out[j].LSN && out[i].Seq < out[j].Seq
	})
	return out
}

func TestTruncateReachesBronze(t *testing.T) {
	src := sourceDB(t)
	db := src.connect(t)
	mustExec(t, db, `CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY); INSERT INTO a VALUES (1), (2); INSERT INTO b VALUES (1)`)
	dir := filepath.Join(t.TempDir(), "bronze")
	r := startWith(t, src, dir, nil)
	defer r.stop(t)
	waitRows(t, dir, "public.a", 2)

	mustExec(t, db, `INSERT INTO a VALUES (3); TRUNCATE a, b; INSERT INTO a VALUES (4)`)
	rows := waitRows(t, dir, "public.a", 1)
	assert.Contains(t, rows, "[4]")
	assert.Empty(t, state(t, dir)["public.b"], "b is empty after the truncate")
	for _, table := range []string{"public.a", "public.b"} {
		var truncates []bronze.Change
		for _, ch := range sorted(t, dir, table) {
			if ch.Op == bronze.OpTruncate {
				truncates = append(truncates, ch)
			}
		}
		require.Len(t, truncates, 1, "%s: one truncate", table)
		assert.Equal(t, "[]", truncates[0].Key)
		assert.Empty(t, truncates[0].Data)
	}
}

func TestPublicationWithoutTruncateIsRefused(t *testing.T) {
	src := sourceDB(t)
	db := src.connect(t)
	mustExec(t, db, `CREATE PUBLICATION cdw FOR ALL TABLES WITH (publish = 'insert, update, delete')`)
	log, err := bronze.Open(filepath.Join(t.TempDir(), "bronze"))
	require.NoError(t, err)
	defer log.Close()
	door, err := ingest.NewPostgres(log, ingest.PostgresOptions{ConnString: src.conn, Slot: src.slot})
	require.NoError(t, err)
	err = door.Run(context.Background())
	require.ErrorIs(t, err, ingest.ErrPublication)
	assert.Contains(t, err.Error(), "truncate=false")
}

// TestNewTableWhileStreaming: under FOR ALL TABLES, a table created while
// the door streams reaches bronze without a restart, and so does a column
// added to it.
func TestNewTableWhileStreaming(t *testing.T) {
	src := sourceDB(t)
	db := src.connect(t)
	mustExec(t, db, `CREATE TABLE first (id int PRIMARY KEY); INSERT INTO first VALUES (1)`)
	dir := filepath.Join(t.TempDir(), "bronze")
	r := startWith(t, src, dir, nil)
	defer r.stop(t)
	waitRows(t, dir, "public.first", 1)
	require.Eventually(t, func() bool { return r.door.Status().Streaming }, 10*time.Second, 10*time.Millisecond)

	mustExec(t, db, `CREATE TABLE later (code text PRIMARY KEY, n int); INSERT INTO later VALUES ('x', 1)`)
	rows := waitRows(t, dir, "public.later", 1)
	assert.Equal(t, map[string]any{"code": "x", "n": 1.0}, rows[`["x"]`])
	mustExec(t, db, `ALTER TABLE later ADD COLUMN note text DEFAULT 'd'; UPDATE later SET n = 2; INSERT INTO later VALUES ('y', 3, 'new')`)
	rows = waitRows(t, dir, "public.later", 2)
	assert.Equal(t, map[string]any{"code": "x", "n": 2.0, "note": "d"}, rows[`["x"]`])
	assert.Equal(t, map[string]any{"code": "y", "n": 3.0, "note": "new"}, rows[`["y"]`])
}

// TestReplicaIdentity shows what each REPLICA IDENTITY gives bronze: the
// key (the primary key whenever there is one, except USING INDEX), and the
// Before image of updates and deletes (FULL only), which also restores the
// TOASTed values an update did not resend.
func TestReplicaIdentity(t *testing.T) {
	src := sourceDB(t)
	db := src.connect(t)
	big := "(SELECT string_agg(md5(i::text), '') FROM generate_series(1, 2000) i)" // 64 kB that does not compress: stored out of line
	mustExec(t, db, `
CREATE TABLE dflt (id int PRIMARY KEY, code text NOT NULL UNIQUE, n int, big text);
CREATE TABLE full_pk (id int PRIMARY KEY, code text NOT NULL UNIQUE, n int, big text);
ALTER TABLE full_pk REPLICA IDENTITY FULL;
CREATE TABLE idx (id int PRIMARY KEY, code text NOT NULL, n int, big text);
CREATE UNIQUE INDEX idx_code ON idx (code);
ALTER TABLE idx REPLICA IDENTITY USING INDEX idx_code;
CREATE TABLE full_nopk (id int, code text, n int, big text);
ALTER TABLE full_nopk REPLICA IDENTITY FULL;`)
	tables := []string{"dflt", "full_pk", "idx", "full_nopk"}
	for _, tb := range tables {
		mustExec(t, db, "INSERT INTO "+tb+" VALUES (1, 'a', 1, "+big+"), (2, 'b', 1, 'small')")
	}
	dir := filepath.Join(t.TempDir(), "bronze")
	r := startWith(t, src, dir, nil)
	defer r.stop(t)
	for _, tb := range tables {
		waitRows(t, dir, "public."+tb, 2)
		mustExec(t, db, "UPDATE "+tb+" SET n = 2 WHERE id = 1; DELETE FROM "+tb+" WHERE id = 2")
	}
	for _, tc := range []identityCase{
		{"dflt", "[1]", "[2]", false, false, []bronze.Op{bronze.OpUpdate}},
		{"full_pk", "[1]", "[2]", true, true, []bronze.Op{bronze.OpUpdate}},
		{"idx", `["a"]`, `["b"]`, false, false, []bronze.Op{bronze.OpUpdate}},
		// Without a key every column is the key: an update is a new key.
		{"full_nopk", "", "", true, true, []bronze.Op{bronze.OpDelete, bronze.OpCreate}},
	} {
		t.Run(tc.table, func(t *testing.T) { checkIdentity(t, dir, tc) })
	}
}

// identityCase is what one table's snapshot, update of row 1 and delete of
// row 2 must look like in bronze.
type identityCase struct {
	table, key1, key2 string
	before            bool // updates and deletes carry the old row
	bigInUpdate       bool // the update's Data holds the unchanged TOASTed column
	updateOps         []bronze.Op
}

func checkIdentity(t *testing.T, dir string, tc identityCase) {
	var changes []bronze.Change
	require.Eventually(t, func() bool {
		changes = sorted(t, dir, "public."+tc.table)
		return len(changes) >= 3+len(tc.updateOps)
	}, 20*time.Second, 20*time.Millisecond)
	require.Len(t, changes, 3+len(tc.updateOps))
	snap, upd, del := changes[:2], changes[2:2+len(tc.updateOps)], changes[len(changes)-1]
	if tc.key1 != "" {
		assert.Equal(t, tc.key1, snap[0].Key)
		assert.Equal(t, tc.key2, snap[1].Key)
		assert.Equal(t, tc.key1, upd[0].Key)
		assert.Equal(t, tc.key2, del.Key)
	} else {
		assert.Equal(t, snap[0].Key, upd[0].Key, "the update deletes the old all-column key")
		assert.Equal(t, snap[1].Key, del.Key)
	}
	for i, op := range tc.updateOps {
		assert.Equal(t, op, upd[i].Op)
	}
	assert.Equal(t, bronze.OpDelete, del.Op)
	last := upd[len(upd)-1]
	data := decodeRow(t, last.Data)
	assert.Equal(t, 2.0, data["n"])
	_, hasBig := data["big"]
	assert.Equal(t, tc.bigInUpdate, hasBig, "update Data holds the unchanged TOASTed column")
	if tc.before {
		old := decodeRow(t, last.Before)
		assert.Equal(t, 1.0, old["n"], "update Before is the old row")
		assert.Len(t, old["big"], 64000, "update Before holds the TOASTed value")
		assert.Equal(t, map[string]any{"id": 2.0, "code": "b", "n": 1.0, "big": "small"}, decodeRow(t, del.Before), "delete Before is the old row")
	} else {
		assert.Empty(t, last.Before)
		assert.Empty(t, del.Before)
	}
	assert.Len(t, state(t, dir)["public."+tc.table], 1, "replay holds the one remaining row")
}

// TestIdleSlotAdvances: with nothing to stream, the door still
// acknowledges the server's WAL end, so the slot's confirmed_flush_lsn
// follows WAL written elsewhere and the slot holds no WAL back.
func TestIdleSlotAdvances(t *testing.T) {
	ctx := context.Background()
	src := sourceDB(t)
	db := src.connect(t)
	mustExec(t, db, `CREATE TABLE watched (id int PRIMARY KEY); CREATE TABLE elsewhere (id int PRIMARY KEY, pad text)`)
	dir := filepath.Join(t.TempDir(), "bronze")
	r := startWith(t, src, dir, func(o *ingest.PostgresOptions) { o.Tables = []string{"public.watched"} })
	defer r.stop(t)
	require.Eventually(t, func() bool { return r.door.Status().Streaming }, 10*time.Second, 10*time.Millisecond)
	confirmed := func() pglogrepl.LSN {
		var l pglogrepl.LSN
		require.NoError(t, db.QueryRow(ctx, "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1", src.slot).Scan(&l))
		return l
	}
	for round := range 3 {
		before := confirmed()
		// WAL the publication does not carry: nothing reaches bronze.
		mustExec(t, db, "INSERT INTO elsewhere SELECT i, repeat('x', 200) FROM generate_series(1, 500) i ON CONFLICT (id) DO UPDATE SET pad = excluded.pad || 'y'")
		var written pglogrepl.LSN
		began := time.Now()
		defer func() { t.Logf("round %d: confirmed past %s after %v", round, written, time.Since(began)) }()
		require.NoError(t, db.QueryRow(ctx, "SELECT pg_current_wal_lsn()").Scan(&written))
		require.Eventually(t, func() bool { return confirmed() >= written }, 15*time.Second, 20*time.Millisecond,
			"round %d: confirmed_flush_lsn moves from %s past %s while idle", round, before, written)
		// The door records an acknowledgement after sending it, so the
		// server may show it a moment before the door's own status does.
		require.Eventually(t, func() bool { st := r.door.Status(); return st.Acked >= written && st.LagBytes() == 0 },
			5*time.Second, 5*time.Millisecond, "round %d: the door's status shows %s acknowledged and nothing pending", round, written)
	}
	assert.Empty(t, sorted(t, dir, "public.elsewhere"))
}

// TestSlotInUse: a second door on a slot another connection is streaming
// from waits SlotWait for it, then reports ErrSlotInUse without disturbing
// the first.
func TestSlotInUse(t *testing.T) {
	src := sourceDB(t)
	db := src.connect(t)
	mustExec(t, db, "CREATE TABLE s (id int PRIMARY KEY); INSERT INTO s VALUES (1)")
	dir := filepath.Join(t.TempDir(), "bronze")
	r := startWith(t, src, dir, nil)
	defer r.stop(t)
	waitRows(t, dir, "public.s", 1)
	require.Eventually(t, func() bool { return r.door.Status().Streaming }, 10*time.Second, 10*time.Millisecond)

	log, err := bronze.Open(filepath.Join(t.TempDir(), "other"))
	require.NoError(t, err)
	defer log.Close()
	other, err := ingest.NewPostgres(log, ingest.PostgresOptions{ConnString: src.conn, Slot: src.slot, SlotWait: 300 * time.Millisecond})
	require.NoError(t, err)
	began := time.Now()
	require.ErrorIs(t, other.Run(context.Background()), ingest.ErrSlotInUse)
	assert.GreaterOrEqual(t, time.Since(began), 300*time.Millisecond, "it waited SlotWait")

	mustExec(t, db, "INSERT INTO s VALUES (2)")
	waitRows(t, dir, "public.s", 2)
}

// TestResumesAfterTheServerEndsTheSession: the walsender is terminated
// (as an operator or a server restart would) while transactions keep
// committing; the door resumes from bronze's durable position each time,
// and bronze holds every insert exactly once.
func TestResumesAfterTheServerEndsTheSession(t *testing.T) {
	ctx := context.Background()
	src := sourceDB(t)
	db := src.connect(t)
	mustExec(t, db, "CREATE TABLE r (id int PRIMARY KEY)")
	dir := filepath.Join(t.TempDir(), "bronze")
	r := startWith(t, src, dir, nil)
	defer r.stop(t)
	next := 0
	insert := func(n int) {
		for range n {
			next++
			mustExec(t, db, fmt.Sprintf("INSERT INTO r VALUES (%d)", next))
		}
	}
	for round := range 3 {
		require.Eventually(t, func() bool { return r.door.Status().Streaming }, 20*time.Second, 10*time.Millisecond, "round %d: streaming", round)
		insert(50)
		var pid int
		require.NoError(t, db.QueryRow(ctx, "SELECT coalesce(active_pid, 0) FROM pg_replication_slots WHERE slot_name = $1", src.slot).Scan(&pid))
		require.NotZero(t, pid, "the slot is active")
		mustExec(t, db, fmt.Sprintf("SELECT pg_terminate_backend(%d)", pid))
		insert(50)
		require.Eventually(t, func() bool { return r.door.Status().Retries > int64(round) }, 10*time.Second, 10*time.Millisecond,
			"round %d: the door noticed and resumed", round)
	}
	waitRows(t, dir, "public.r", next)
	seen := map[string]int{}
	for _, c := range sorted(t, dir, "public.r") {
		seen[c.Key]++
	}
	for key, n := range seen {
		assert.Equal(t, 1, n, "key %s is in bronze exactly once", key)
	}
	assert.Len(t, seen, next)
}
