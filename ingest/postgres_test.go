package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

// state replays bronze into the current rows per table and key, as transform does.
func state(t *testing.T, dir string) map[string]map[string]map[string]any {
	t.Helper()
	changes, err := bronze.ReadAll(dir)
	require.NoError(t, err)
	sort.SliceStable(changes, func(i, j int) bool {
		if changes[i].LSN != changes[j].LSN {
			return changes[i].LSN < changes[j].LSN
		}
		return changes[i].Seq < changes[j].Seq
	})
	out := map[string]map[string]map[string]any{}
	for _, c := range changes {
		if out[c.Table] == nil {
			out[c.Table] = map[string]map[string]any{}
		}
		switch c.Op {
		case bronze.OpDelete:
			delete(out[c.Table], c.Key)
		case bronze.OpTruncate:
			out[c.Table] = map[string]map[string]any{}
		default:
			row := map[string]any{}
			require.NoError(t, json.Unmarshal([]byte(c.Data), &row))
			if prev, ok := out[c.Table][c.Key]; ok && c.Op == bronze.OpUpdate {
				for k, v := range prev {
					if _, sent := row[k]; !sent {
						row[k] = v
					}
				}
			}
			out[c.Table][c.Key] = row
		}
	}
	return out
}

type runner struct {
	cancel context.CancelFunc
	done   chan error
	door   *ingest.Postgres
	log    *bronze.Log
}

func start(t *testing.T, src source, dir string) *runner {
	t.Helper()
	return startWith(t, src, dir, func(o *ingest.PostgresOptions) {
		o.FlushInterval, o.MaxBatch = 50*time.Millisecond, 7
		o.CompactInterval, o.Compact = 100*time.Millisecond, bronze.CompactOptions{MinFiles: 2, Grace: 2 * time.Second}
	})
}

func (r *runner) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("ingest did not stop")
	}
	require.NoError(t, r.log.Close())
}

func waitRows(t *testing.T, dir, table string, want int) map[string]map[string]any {
	t.Helper()
	var got map[string]map[string]any
	require.Eventually(t, func() bool {
		got = state(t, dir)[table]
		return len(got) == want
	}, 30*time.Second, 50*time.Millisecond, "bronze should hold %d rows of %s", want, table)
	return got
}

func TestSnapshotThenStreamExactlyOnce(t *testing.T) {
	ctx := context.Background()
	src := sourceDB(t)
	db := src.connect(t)
	_, err := db.Exec(ctx, `CREATE SCHEMA emr;
CREATE TABLE emr.item (id bigint PRIMARY KEY, name text, n numeric(10,3), ok boolean, at timestamp, doc jsonb, tags text[]);
INSERT INTO emr.item SELECT i, 'item ' || i, i * 1.5, i % 2 = 0, '2024-01-01'::timestamp + i * interval '1 hour', jsonb_build_object('i', i), ARRAY['a','b'] FROM generate_series(1, 20) i;`)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "bronze")

	r := start(t, src, dir)
	rows := waitRows(t, dir, "emr.item", 20)
	assert.Equal(t, map[string]any{"id": 3.0, "name": "item 3", "n": 4.5, "ok": false, "at": "2024-01-01 03:00:00", "doc": map[string]any{"i": 3.0}, "tags": []any{"a", "b"}}, rows["[3]"])
	m := r.log.Manifest()
	require.True(t, m.SnapshotDone)
	snapPos := m.Position

	_, err = db.Exec(ctx, `INSERT INTO emr.item (id, name) SELECT i, 'new ' || i FROM generate_series(21, 30) i;
UPDATE emr.item SET name = 'renamed' WHERE id = 5;
DELETE FROM emr.item WHERE id = 6;
UPDATE emr.item SET id = 100 WHERE id = 7;`)
	require.NoError(t, err)
	rows = waitRows(t, dir, "emr.item", 29)
	assert.Equal(t, "renamed", rows["[5]"]["name"])
	assert.NotContains(t, rows, "[6]")
	assert.NotContains(t, rows, "[7]")
	assert.Equal(t, "item 7", rows["[100]"]["name"])
	require.Eventually(t, func() bool { return r.log.Manifest().Position != snapPos }, 10*time.Second, 50*time.Millisecond, "the manifest position advances")
	r.stop(t)

	// Changes made while ingest is down arrive exactly once after the restart.
	for i := 0; i < 5; i++ {
		_, err = db.Exec(ctx, fmt.Sprintf("INSERT INTO emr.item (id, name) VALUES (%d, 'offline')", 200+i))
		require.NoError(t, err)
	}
	r = start(t, src, dir)
	waitRows(t, dir, "emr.item", 34)
	_, err = db.Exec(ctx, "ALTER TABLE emr.item ADD COLUMN extra text; INSERT INTO emr.item (id, extra) VALUES (300, 'new column')")
	require.NoError(t, err)
	rows = waitRows(t, dir, "emr.item", 35)
	assert.Equal(t, "new column", rows["[300]"]["extra"])
	r.stop(t)

	changes, err := bronze.ReadAll(dir)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, ch := range changes {
		id := fmt.Sprintf("%d/%d", ch.LSN, ch.Seq)
		require.False(t, seen[id], "change %s appears twice in bronze", id)
		seen[id] = true
	}
}
