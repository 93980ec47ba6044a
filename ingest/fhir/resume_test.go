package fhir_test

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/ingest/fhir"
)

// stopAfter is a context that is cancelled once Err has been asked n times:
// the door asks before every line, so it stops at a chosen line, mid-batch.
type stopAfter struct {
	context.Context
	n atomic.Int64
}

func (s *stopAfter) Err() error {
	if s.n.Add(-1) < 0 {
		return context.Canceled
	}
	return s.Context.Err()
}

// assertOnce checks that every resource of the export dir is in the log
// exactly once.
func assertOnce(t *testing.T, bronzeDir string, want map[string]int) {
	t.Helper()
	changes, err := bronze.ReadAll(bronzeDir)
	require.NoError(t, err)
	assert.Equal(t, want, tableCounts(changes))
	for key, cs := range byKey(changes) {
		assert.Len(t, cs, 1, key)
	}
}

// total sums counts.
func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

func TestCrashAndResumeIsExactlyOnce(t *testing.T) {
	dir := hospitalExport(t)
	want := lineCounts(t, dir)
	opts := fhir.Options{MaxBatch: 400}
	for name, stop := range map[string]func(ctx context.Context) (context.Context, fhir.Options){
		"cancelled between batches": func(ctx context.Context) (context.Context, fhir.Options) {
			ctx, cancel := context.WithCancel(ctx)
			o, commits := opts, 0
			o.OnCommit = func(fhir.Commit) {
				if commits++; commits == 3 {
					cancel()
				}
			}
			return ctx, o
		},
		"stopped mid-batch": func(ctx context.Context) (context.Context, fhir.Options) {
			s := &stopAfter{Context: ctx}
			s.n.Store(1234)
			return s, opts
		},
		"stopped in the second file of the manifest": func(ctx context.Context) (context.Context, fhir.Options) {
			s := &stopAfter{Context: ctx}
			s.n.Store(int64(want["Patient"] + want["Encounter"]/2))
			o := opts
			o.MaxBatch = 16
			return s, o
		},
	} {
		t.Run(name, func(t *testing.T) {
			bronzeDir := filepath.Join(t.TempDir(), "fhir")
			ctx, o := stop(context.Background())
			d, log := openDoor(t, bronzeDir, o)
			err := d.ReadDir(ctx, dir)
			require.ErrorIs(t, err, context.Canceled)
			partial := log.Manifest().Rows
			require.Greater(t, partial, int64(0), "something was durable before the stop")

			reg := prometheus.NewRegistry()
			d, _ = restart(t, log, fhir.Options{Registerer: reg})
			require.NoError(t, d.ReadDir(context.Background(), dir))
			assertOnce(t, bronzeDir, want)
			assert.Empty(t, gathered(t, reg, "cdw_fhir_resources_unchanged_total"), "no durable line is read again")
			var resumed float64
			for _, n := range gathered(t, reg, "cdw_fhir_resources_accepted_total") {
				resumed += n
			}
			assert.Equal(t, float64(total(want))-float64(partial), resumed, "the restart reads exactly the lines not durable")
		})
	}
}

func TestAppendedLinesAreReadOnResume(t *testing.T) {
	src := lines(t, filepath.Join("testdata", "resources.ndjson"))
	dir := t.TempDir()
	path := filepath.Join(dir, "feed.ndjson")
	writeLines(t, path, src[:7]...)

	bronzeDir := filepath.Join(t.TempDir(), "fhir")
	d, log := openDoor(t, bronzeDir, fhir.Options{})
	ctx := context.Background()
	require.NoError(t, d.ReadFiles(ctx, path))
	assert.Equal(t, int64(7), log.Manifest().Rows)

	appendLines(t, path, src[7:12]...)
	reg := prometheus.NewRegistry()
	d, log = restart(t, log, fhir.Options{Registerer: reg})
	require.NoError(t, d.ReadFiles(ctx, path))
	assert.Equal(t, int64(12), log.Manifest().Rows)
	assert.Empty(t, gathered(t, reg, "cdw_fhir_resources_unchanged_total"), "the first lines are not read again")

	appendLines(t, path, src[12:]...)
	require.NoError(t, d.ReadFiles(ctx, path), "the same door continues too")
	changes, err := bronze.ReadAll(bronzeDir)
	require.NoError(t, err)
	require.Len(t, changes, len(src))
	for i, c := range changes {
		assert.Equal(t, compact(t, src[i]), c.Data, "line %d in file order", i+1)
		assert.Equal(t, bronze.OpCreate, c.Op)
	}

	t.Run("a replaced file is read from its start", func(t *testing.T) {
		// Same name, new content: the first line changed, the rest are the
		// same resources and are recognised as unchanged.
		changed := append([][]byte{[]byte(`{"resourceType":"Patient","id":"new-1"}`)}, src...)
		writeLines(t, path, changed...)
		require.NoError(t, d.ReadFiles(ctx, path))
		assert.Equal(t, int64(len(src)+1), log.Manifest().Rows)
	})
	t.Run("a truncated file is read from its start", func(t *testing.T) {
		writeLines(t, path, []byte(`{"resourceType":"Patient","id":"new-2"}`))
		require.NoError(t, d.ReadFiles(ctx, path))
		assert.Equal(t, int64(len(src)+2), log.Manifest().Rows)
	})
	t.Run("a missing file is an error and changes nothing", func(t *testing.T) {
		err := d.ReadFiles(ctx, filepath.Join(dir, "nope.ndjson"))
		require.ErrorIs(t, err, os.ErrNotExist)
		assert.Equal(t, int64(len(src)+2), log.Manifest().Rows)
	})
}
