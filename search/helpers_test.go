package search

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/internal/cdmtest"
)

// testNote is one NOTE row of a test snapshot (testdata/notes.json).
type testNote struct {
	NoteID       int64   `json:"note_id"`
	PersonID     int64   `json:"person_id"`
	NoteDate     string  `json:"note_date"`
	NoteDatetime *string `json:"note_datetime"`
	Title        string  `json:"title"`
	Text         string  `json:"text"`
	LanguageID   int64   `json:"language_concept_id"`
	VisitID      *int64  `json:"visit_occurrence_id"`
	Source       string  `json:"source"`
}

// loadNotes reads testdata/notes.json.
func loadNotes(t *testing.T) []testNote {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "notes.json"))
	require.NoError(t, err)
	var notes []testNote
	require.NoError(t, json.Unmarshal(b, &notes))
	return notes
}

// publishNotes writes notes as the NOTE table of a new snapshot in store,
// the way transform does: OHDSI's DDL in DuckDB, then COPY to Parquet.
func publishNotes(t *testing.T, store *cdm.Store, notes []testNote) cdm.Snapshot {
	t.Helper()
	return cdmtest.Publish(t, store, cdm.Snapshot{}, func(db *sql.DB) {
		for _, n := range notes {
			_, err := db.Exec(`INSERT INTO note (note_id, person_id, note_date, note_datetime,
			note_type_concept_id, note_class_concept_id, note_title, note_text,
			encoding_concept_id, language_concept_id, visit_occurrence_id, note_source_value)
			VALUES (?, ?, CAST(? AS DATE), CAST(? AS TIMESTAMP), ?, 0, ?, ?, ?, ?, ?, ?)`,
				n.NoteID, n.PersonID, n.NoteDate, n.NoteDatetime, cdm.ConceptTypeEHR, n.Title, n.Text,
				cdm.ConceptUTF8, n.LanguageID, n.VisitID, n.Source)
			require.NoError(t, err)
		}
	}, "note")
}

// openIndex opens a fresh index in a temporary directory, closed when the
// test ends.
func openIndex(t *testing.T, opts Options) *Index {
	t.Helper()
	x, err := Open(filepath.Join(t.TempDir(), "index"), opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, x.Close()) })
	return x
}

// syncedIndex returns an index fully synced to the fixture notes, with its store.
func syncedIndex(t *testing.T) (*Index, *cdm.Store, cdm.Snapshot) {
	t.Helper()
	store := cdm.NewStore(t.TempDir())
	snap := publishNotes(t, store, loadNotes(t))
	x := openIndex(t, Options{})
	_, err := x.Sync(ctx(t), snap)
	require.NoError(t, err)
	return x, store, snap
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// noteIDs returns the note ids of the hits of query, sorted.
func noteIDs(t *testing.T, x *Index, req Request) []int64 {
	t.Helper()
	res, err := x.Search(ctx(t), req)
	require.NoError(t, err)
	ids := make([]int64, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.NoteID)
	}
	slices.Sort(ids)
	return ids
}

// docIDs returns every document id in the index, sorted numerically.
func docIDs(t *testing.T, x *Index) []int64 {
	t.Helper()
	var ids []int64
	require.NoError(t, x.eachDocID(func(id string) error {
		n, err := strconv.ParseInt(id, 10, 64)
		ids = append(ids, n)
		return err
	}))
	slices.Sort(ids)
	return ids
}

// withNote returns notes with n replacing the note of the same id, or added.
func withNote(notes []testNote, n testNote) []testNote {
	out := slices.Clone(notes)
	for i := range out {
		if out[i].NoteID == n.NoteID {
			out[i] = n
			return out
		}
	}
	return append(out, n)
}

// withoutNote returns notes without note id.
func withoutNote(notes []testNote, id int64) []testNote {
	return slices.DeleteFunc(slices.Clone(notes), func(n testNote) bool { return n.NoteID == id })
}

// find returns the note with id.
func find(notes []testNote, id int64) testNote {
	i := slices.IndexFunc(notes, func(n testNote) bool { return n.NoteID == id })
	return notes[i]
}
