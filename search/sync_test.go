package search

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
)

func TestSyncFullThenIncremental(t *testing.T) {
	t.Parallel()
	notes := loadNotes(t)
	store := cdm.NewStore(t.TempDir())
	v1 := publishNotes(t, store, notes)
	var progress [][2]int
	x := openIndex(t, Options{Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }})
	x.pageRows = 2 // read the notes in several pages

	st, err := x.Sync(ctx(t), v1)
	require.NoError(t, err)
	assert.Equal(t, SyncStats{Snapshot: v1.ID, Full: true, Indexed: 6, Deleted: 0, Duration: st.Duration}, st)
	assert.Equal(t, [][2]int{{6, 6}}, progress)
	assertIndex(t, x, v1.ID, []int64{1, 2, 3, 4, 5, 6})

	// v2: note 2 rewritten, note 5 deleted, note 7 added.
	n2 := find(notes, 2)
	n2.Text = "Right-sided pneumothorax on chest X-ray; chest tube placed."
	v2notes := withNote(withoutNote(withNote(notes, n2), 5), testNote{
		NoteID: 7, PersonID: 105, NoteDate: "2024-03-07", Title: "出院记录",
		Text: "住院经过：胸痛缓解。\n出院带药：阿司匹林", Source: "discharge",
	})
	v2 := publishNotes(t, store, v2notes)
	progress = nil
	st, err = x.Sync(ctx(t), v2)
	require.NoError(t, err)
	assert.False(t, st.Full)
	assert.Equal(t, 2, st.Indexed)
	assert.Equal(t, 1, st.Deleted)
	assert.Equal(t, [][2]int{{3, 3}}, progress)
	assertIndex(t, x, v2.ID, []int64{1, 2, 3, 4, 6, 7})
	assert.Equal(t, []int64{2}, noteIDs(t, x, Request{Query: "pneumothorax"}))
	assert.Equal(t, []int64{1, 6}, noteIDs(t, x, Request{Query: "chest pain"}), "old text of note 2 is gone")
	assert.Empty(t, noteIDs(t, x, Request{Query: "发热"}))
	assert.Equal(t, []int64{4, 7}, noteIDs(t, x, Request{Query: "胸痛"}))

	st, err = x.Sync(ctx(t), v2)
	require.NoError(t, err)
	assert.Equal(t, SyncStats{Snapshot: v2.ID, Duration: st.Duration}, st, "already in sync")
}

func TestSyncReconcilesFullyWhenPreviousSnapshotIsGone(t *testing.T) {
	t.Parallel()
	x, store, v1 := syncedIndex(t)
	notes := loadNotes(t)
	v2notes := withNote(withoutNote(notes, 1), testNote{NoteID: 8, PersonID: 101, NoteDate: "2024-04-01", Text: "Follow-up: no chest pain."})
	v2 := publishNotes(t, store, v2notes)
	require.NoError(t, os.RemoveAll(v1.Dir))

	st, err := x.Sync(ctx(t), v2)
	require.NoError(t, err)
	assert.True(t, st.Full)
	assert.Equal(t, 6, st.Indexed)
	assert.Equal(t, 1, st.Deleted)
	assertIndex(t, x, v2.ID, []int64{2, 3, 4, 5, 6, 8})

	fresh := openIndex(t, Options{})
	_, err = fresh.Sync(ctx(t), v2)
	require.NoError(t, err)
	assert.Equal(t, docIDs(t, fresh), docIDs(t, x), "same documents as a fresh build")
	assert.Equal(t, noteIDs(t, fresh, Request{Query: "chest pain"}), noteIDs(t, x, Request{Query: "chest pain"}))
}

func TestSyncSnapshotWithoutNoteTableEmptiesIndex(t *testing.T) {
	t.Parallel()
	x, store, _ := syncedIndex(t)
	staged, err := store.Stage()
	require.NoError(t, err)
	empty, err := store.Publish(staged, cdm.Snapshot{Tables: map[string]cdm.TableFile{}})
	require.NoError(t, err)

	st, err := x.Sync(ctx(t), empty)
	require.NoError(t, err)
	assert.False(t, st.Full)
	assert.Equal(t, 0, st.Indexed)
	assert.Equal(t, 6, st.Deleted)
	assertIndex(t, x, empty.ID, nil)
}

// A Sync that fails part-way keeps the old snapshot id; the next Sync also
// repairs what the failed one applied, even when the change is reverted.
func TestSyncFailedPartWayIsRedone(t *testing.T) {
	t.Parallel()
	notes := loadNotes(t)
	store := cdm.NewStore(t.TempDir())
	v1 := publishNotes(t, store, notes)
	c, cancel := context.WithCancel(ctx(t))
	defer cancel()
	x := openIndex(t, Options{})
	x.batchSize = 1
	_, err := x.Sync(ctx(t), v1)
	require.NoError(t, err)
	x.opts.Progress = func(done, total int) { cancel() }

	n2 := find(notes, 2)
	n2.Text = "Transient pneumothorax."
	v2 := publishNotes(t, store, withoutNote(withNote(notes, n2), 5))
	_, err = x.Sync(c, v2) // applies note 2, then is cancelled before deleting note 5
	require.ErrorIs(t, err, context.Canceled)
	assertIndex(t, x, v1.ID, []int64{1, 2, 3, 4, 5, 6})
	require.Equal(t, []int64{2}, noteIDs(t, x, Request{Query: "pneumothorax"}), "the failed sync applied note 2")

	x.opts.Progress = nil
	v3 := publishNotes(t, store, notes) // note 2 back to its v1 text
	st, err := x.Sync(ctx(t), v3)
	require.NoError(t, err)
	assert.False(t, st.Full)
	assert.Equal(t, 2, st.Indexed, "note 2 (changed in v2) and note 5 (missing in v2)")
	assert.Equal(t, 0, st.Deleted)
	assertIndex(t, x, v3.ID, []int64{1, 2, 3, 4, 5, 6})
	assert.Empty(t, noteIDs(t, x, Request{Query: "pneumothorax"}))
	assert.Equal(t, []int64{1, 2, 6}, noteIDs(t, x, Request{Query: "chest pain"}))
}

func TestSyncRejectsMissingParquet(t *testing.T) {
	t.Parallel()
	x, store, v1 := syncedIndex(t)
	v2 := publishNotes(t, store, loadNotes(t))
	p, _ := v2.Path("note")
	require.NoError(t, os.Remove(p))
	_, err := x.Sync(ctx(t), v2)
	require.Error(t, err)
	assert.Contains(t, err.Error(), v2.ID)
	assertIndex(t, x, v1.ID, []int64{1, 2, 3, 4, 5, 6})
}

// assertIndex checks the snapshot id the index records and its documents.
func assertIndex(t *testing.T, x *Index, snapshot string, ids []int64) {
	t.Helper()
	got, err := x.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, snapshot, got)
	n, err := x.DocCount()
	require.NoError(t, err)
	assert.EqualValues(t, len(ids), n)
	assert.Equal(t, ids, docIDs(t, x))
}
