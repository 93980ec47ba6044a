package search

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/cdw-dev/cdw/cdm"
)

// batchSize is how many document changes go into one Bleve batch.
const batchSize = 1000

// pageRows is how many notes Sync reads from DuckDB per query.
const pageRows = 10000

// SyncStats describes what one Sync did.
type SyncStats struct {
	Snapshot string        // id of the snapshot the index now reflects
	Full     bool          // a full reconciliation rather than a diff
	Indexed  int           // notes (re)indexed
	Deleted  int           // notes removed from the index
	Duration time.Duration // wall time of the Sync
}

// Sync brings the index to exactly the NOTE table of snap (a snapshot
// without one counts as empty) and records snap.ID as the snapshot it
// reflects. When the snapshot the index last reflected is still in snap's
// store, only notes whose row changed, appeared or disappeared are touched;
// otherwise every note is reindexed and every other document deleted.
//
// Changes are applied in batches; a Sync that fails or is cancelled part-way
// leaves the previous snapshot id recorded, and the next Sync redoes the
// work, also covering whatever the failed one applied. Syncing the snapshot
// the index already reflects does nothing. On error the returned counts are
// of the changes attempted before the failure.
func (x *Index) Sync(ctx context.Context, snap cdm.Snapshot) (SyncStats, error) {
	start := time.Now()
	x.syncMu.Lock()
	defer x.syncMu.Unlock()
	ctx, release, err := x.acquire(ctx)
	if err != nil {
		return SyncStats{}, err
	}
	defer release()
	stats := SyncStats{Snapshot: snap.ID}
	if snap.ID == "" {
		return stats, fmt.Errorf("search: sync: snapshot has no id")
	}
	st, err := x.readState()
	if err != nil {
		return stats, err
	}
	if st.snapshot == snap.ID && len(st.pending) == 0 {
		stats.Duration = time.Since(start)
		x.log.Debug("index already reflects snapshot", "snapshot", snap.ID)
		return stats, nil
	}
	if err := x.syncTo(ctx, snap, st, &stats); err != nil {
		return stats, fmt.Errorf("search: sync snapshot %s: %w", snap.ID, err)
	}
	stats.Duration = time.Since(start)
	x.log.Info("synced notes index", "snapshot", snap.ID, "full", stats.Full,
		"indexed", stats.Indexed, "deleted", stats.Deleted, "duration", stats.Duration)
	return stats, nil
}

// syncTo plans and applies the changes from st to snap.
func (x *Index) syncTo(ctx context.Context, snap cdm.Snapshot, st state, stats *SyncStats) error {
	d, err := openDiffer(ctx)
	if err != nil {
		return err
	}
	defer d.close()
	p, err := x.plan(ctx, d, snap, st)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	stats.Full = p.full
	if p.full {
		x.log.Info("full reconciliation of notes index", "snapshot", snap.ID, "reason", p.reason)
	}
	if err := x.markPending(st, snap.ID); err != nil {
		return err
	}
	w := &writer{idx: x.idx, batch: x.idx.NewBatch(), size: x.batchSize, total: p.total, progress: x.opts.Progress}
	err = d.eachNote(ctx, "cur", p.upsert, x.pageRows, func(rows *sql.Rows) error {
		var r noteRow
		if err := r.scan(rows); err != nil {
			return err
		}
		stats.Indexed++
		return w.index(ctx, docID(r.NoteID), r.document())
	})
	if err != nil {
		return fmt.Errorf("index notes: %w", err)
	}
	err = d.each(ctx, "SELECT id FROM "+p.gone, func(rows *sql.Rows) error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("scan deleted note id: %w", err)
		}
		stats.Deleted++
		return w.delete(ctx, id)
	})
	if err != nil {
		return fmt.Errorf("delete notes: %w", err)
	}
	return w.commit(ctx, snap.ID)
}

// markPending records, before the index changes, that it may come to hold
// parts of snapshot id.
func (x *Index) markPending(st state, id string) error {
	pending := st.pending
	if !slices.Contains(pending, id) {
		pending = append(slices.Clip(pending), id)
	}
	if err := x.idx.SetInternal(keyPending, []byte(strings.Join(pending, "\n"))); err != nil {
		return fmt.Errorf("record pending snapshot %s: %w", id, err)
	}
	return nil
}

// eachDocID calls fn with the id of every document in the index.
func (x *Index) eachDocID(fn func(string) error) error {
	adv, err := x.idx.Advanced()
	if err != nil {
		return fmt.Errorf("open index reader: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("open index reader: %w", err)
	}
	defer r.Close()
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return fmt.Errorf("list indexed documents: %w", err)
	}
	defer ids.Close()
	for {
		iid, err := ids.Next()
		if err != nil {
			return fmt.Errorf("list indexed documents: %w", err)
		}
		if iid == nil {
			return nil
		}
		ext, err := r.ExternalID(iid)
		if err != nil {
			return fmt.Errorf("list indexed documents: %w", err)
		}
		if err := fn(ext); err != nil {
			return err
		}
	}
}

// writer applies document changes to the index in batches.
type writer struct {
	idx      bleve.Index
	batch    *bleve.Batch
	size     int // changes per batch
	queued   int // document changes in batch
	done     int // document changes applied so far
	total    int
	progress func(done, total int)
}

func (w *writer) index(ctx context.Context, id string, doc map[string]any) error {
	if err := w.batch.Index(id, doc); err != nil {
		return fmt.Errorf("map note %s: %w", id, err)
	}
	w.queued++
	return w.maybeFlush(ctx)
}

func (w *writer) delete(ctx context.Context, id string) error {
	w.batch.Delete(id)
	w.queued++
	return w.maybeFlush(ctx)
}

func (w *writer) maybeFlush(ctx context.Context) error {
	if w.queued < w.size {
		return nil
	}
	return w.flush(ctx)
}

// flush applies the batch, unless ctx is done.
func (w *writer) flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.idx.Batch(w.batch); err != nil {
		return fmt.Errorf("apply batch of %d changes: %w", w.queued, err)
	}
	w.batch.Reset()
	w.done += w.queued
	w.queued = 0
	if w.progress != nil {
		w.progress(w.done, w.total)
	}
	return nil
}

// commit applies the last batch together with the record that the index
// now reflects snapshot id and nothing is pending.
func (w *writer) commit(ctx context.Context, id string) error {
	w.batch.SetInternal(keySnapshot, []byte(id))
	w.batch.DeleteInternal(keyPending)
	return w.flush(ctx)
}
