package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

// TestSnapshotPipelineBatches copies tables larger than many reader chunks
// through the parallel snapshot pipeline and checks what the pipeline must
// keep: every row exactly once with a Seq of its own, no append larger than
// MaxBatch, progress counted only for durable rows and a Total that, once
// known, is the snapshot's row count.
func TestSnapshotPipelineBatches(t *testing.T) {
	ctx := context.Background()
	src := sourceDB(t)
	db := src.connect(t)
	_, err := db.Exec(ctx, `CREATE SCHEMA emr;
CREATE TABLE emr.a (id int PRIMARY KEY, note text);
CREATE TABLE emr.b (k text PRIMARY KEY, v numeric, extra jsonb);
INSERT INTO emr.a SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE repeat('x', i % 50) || ' <&> "q"' END FROM generate_series(1, 2600) i;
INSERT INTO emr.b SELECT 'k' || i, i / 3.0, jsonb_build_object('i', i) FROM generate_series(1, 1700) i;`)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "bronze")
	var (
		mu       sync.Mutex
		progress []ingest.Progress
	)
	r := startWith(t, src, dir, func(o *ingest.PostgresOptions) {
		o.MaxBatch = 300
		o.Progress = func(p ingest.Progress) {
			mu.Lock()
			progress = append(progress, p)
			mu.Unlock()
		}
	})
	require.Eventually(t, func() bool { return r.log.Manifest().SnapshotDone }, 60*time.Second, 20*time.Millisecond)
	r.stop(t)

	changes, err := bronze.ReadAll(dir)
	require.NoError(t, err)
	require.Len(t, changes, 4300)
	seqs := map[int64]bool{}
	keys := map[string]bool{}
	for _, c := range changes {
		assert.Equal(t, bronze.OpRead, c.Op)
		assert.False(t, seqs[c.Seq], "seq %d twice", c.Seq)
		seqs[c.Seq] = true
		id := c.Table + c.Key
		assert.False(t, keys[id], "row %s twice", id)
		keys[id] = true
	}
	st := state(t, dir)
	assert.Equal(t, map[string]any{"id": 14.0, "note": nil}, st["emr.a"]["[14]"])
	assert.Equal(t, map[string]any{"id": 3.0, "note": `xxx <&> "q"`}, st["emr.a"]["[3]"])
	assert.Equal(t, map[string]any{"k": "k9", "v": 3.0, "extra": map[string]any{"i": 9.0}}, st["emr.b"][`["k9"]`])

	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, progress)
	last := int64(0)
	for _, p := range progress {
		assert.Equal(t, "snapshot", p.Phase)
		assert.LessOrEqual(t, p.Rows-last, int64(300), "an append holds at most MaxBatch rows")
		assert.Greater(t, p.Rows, last, "progress only moves forward")
		last = p.Rows
		if p.Total != 0 {
			assert.Equal(t, int64(4300), p.Total)
		}
	}
	assert.Equal(t, int64(4300), last)
}

// TestStreamBacklogPipelined has the door catch up with a backlog of
// single-row transactions (written while it was stopped), so that appends
// run beside the receiving, and checks every change arrives once, in
// commit order per key, with the durable position acknowledged at the end.
func TestStreamBacklogPipelined(t *testing.T) {
	ctx := context.Background()
	src := sourceDB(t)
	db := src.connect(t)
	_, err := db.Exec(ctx, `CREATE SCHEMA emr; CREATE TABLE emr.ev (id int PRIMARY KEY, v int)`)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "bronze")
	opts := func(o *ingest.PostgresOptions) { o.MaxBatch, o.StatusInterval = 250, 50*time.Millisecond }
	r := startWith(t, src, dir, opts)
	require.Eventually(t, func() bool { return r.log.Manifest().SnapshotDone }, 30*time.Second, 20*time.Millisecond)
	r.stop(t)

	const n = 3000
	_, err = db.Exec(ctx, fmt.Sprintf(`DO $$ BEGIN
  FOR i IN 1..%d LOOP
    INSERT INTO emr.ev VALUES (i %% 100, i) ON CONFLICT (id) DO UPDATE SET v = excluded.v;
    COMMIT;
  END LOOP;
END $$`, n))
	require.NoError(t, err)
	r = startWith(t, src, dir, opts)
	waitRows(t, dir, "emr.ev", 100)
	require.Eventually(t, func() bool { return r.door.Status().Rows == n }, 30*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool { s := r.door.Status(); return s.Acked >= s.Durable }, 10*time.Second, 20*time.Millisecond,
		"the durable position is acknowledged")
	assert.Greater(t, r.door.Status().Batches, int64(n/250-1), "MaxBatch bounds every append")
	r.stop(t)

	changes := sorted(t, dir, "emr.ev")
	require.Len(t, changes, n)
	lastV := map[string]float64{}
	for _, c := range changes {
		var row struct{ V float64 }
		require.NoError(t, json.Unmarshal([]byte(c.Data), &row))
		assert.Greater(t, row.V, lastV[c.Key], "key %s: changes in commit order", c.Key)
		lastV[c.Key] = row.V
	}
	rows := state(t, dir)["emr.ev"]
	for id := 0; id < 100; id++ {
		assert.Equal(t, float64(n-(n-id)%100), rows[fmt.Sprintf("[%d]", id)]["v"], "id %d", id)
	}
}
