package search

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
)

func TestOpenEmptyIndex(t *testing.T) {
	t.Parallel()
	x := openIndex(t, Options{})
	snap, err := x.Snapshot()
	require.NoError(t, err)
	assert.Empty(t, snap)
	n, err := x.DocCount()
	require.NoError(t, err)
	assert.Zero(t, n)
	res, err := x.Search(ctx(t), Request{Query: "chest"})
	require.NoError(t, err)
	assert.Empty(t, res.Hits)
}

func TestReopenKeepsDocumentsAndSnapshot(t *testing.T) {
	// Not parallel: it counts the process's goroutines.
	before := runtime.NumGoroutine()
	store := cdm.NewStore(t.TempDir())
	snap := publishNotes(t, store, loadNotes(t))
	dir := filepath.Join(t.TempDir(), "index")

	x, err := Open(dir, Options{})
	require.NoError(t, err)
	_, err = x.Sync(ctx(t), snap)
	require.NoError(t, err)
	require.NoError(t, x.Close())
	require.NoError(t, x.Close(), "second Close is a no-op")
	_, err = x.Search(ctx(t), Request{Query: "chest"})
	assert.ErrorIs(t, err, ErrClosed)
	_, err = x.Sync(ctx(t), snap)
	assert.ErrorIs(t, err, ErrClosed)
	_, err = x.DocCount()
	assert.ErrorIs(t, err, ErrClosed)

	x, err = Open(dir, Options{})
	require.NoError(t, err)
	assertIndex(t, x, snap.ID, []int64{1, 2, 3, 4, 5, 6})
	assert.Equal(t, []int64{4}, noteIDs(t, x, Request{Query: "胸痛"}))
	st, err := x.Sync(ctx(t), snap)
	require.NoError(t, err)
	assert.Zero(t, st.Indexed, "reopened index knows its snapshot")
	require.NoError(t, x.Close())

	assertNoGoroutineLeak(t, before)
}

// assertNoGoroutineLeak waits up to 5s for the goroutine count to drop back
// to before, and dumps the goroutines if it does not.
func assertNoGoroutineLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines left running after Close (%d before):\n%s",
				runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestOpenFailsWhileAnotherHolderHasTheIndex(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "index")
	x, err := Open(dir, Options{})
	require.NoError(t, err)
	defer x.Close()
	_, err = Open(dir, Options{})
	assert.Error(t, err)
}

func TestCloseCancelsRunningSync(t *testing.T) {
	t.Parallel()
	store := cdm.NewStore(t.TempDir())
	snap := publishNotes(t, store, loadNotes(t))
	x, err := Open(filepath.Join(t.TempDir(), "index"), Options{})
	require.NoError(t, err)
	x.batchSize = 1
	closed := make(chan error, 1)
	x.opts.Progress = func(done, total int) {
		if done == 1 {
			go func() { closed <- x.Close() }()
			<-x.closing.Done()
		}
	}
	_, err = x.Sync(ctx(t), snap)
	assert.ErrorIs(t, err, context.Canceled)
	require.NoError(t, <-closed)
	_, err = x.Snapshot()
	assert.ErrorIs(t, err, ErrClosed)
}
