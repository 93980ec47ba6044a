package fhir

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// Door appends FHIR bulk data to one source's bronze log. It is safe for
// concurrent use, but calls run one at a time; it starts no goroutines, so
// it needs no Close (the caller closes the log).
type Door struct {
	log     *bronze.Log
	opts    Options
	logger  *slog.Logger
	metrics *metrics
	types   map[string]bool // Options.Types as a set; nil accepts all

	mu     sync.Mutex
	loaded bool
	pos    position
	seen   *seenIndex
	lsn    int64
	batch  batch
}

// New returns a door appending to log (which the caller opened with
// bronze.Open and closes). It reads nothing yet: the resume position and the
// index of resources already in the log are loaded on first use.
func New(log *bronze.Log, opts Options) (*Door, error) {
	if log == nil {
		return nil, fmt.Errorf("%w: nil bronze log", ErrInvalidOptions)
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	d := &Door{log: log, opts: o, logger: o.Logger, metrics: m}
	if len(o.Types) > 0 {
		d.types = map[string]bool{}
		for _, t := range o.Types {
			d.types[t] = true
		}
	}
	return d, nil
}

// load reads the position and rebuilds the resource index from the log,
// once, and again after a failed write.
func (d *Door) load(ctx context.Context) error {
	if d.loaded {
		return ctx.Err()
	}
	m := d.log.Manifest()
	pos, err := parsePosition(m.Position)
	if err != nil {
		return err
	}
	start := time.Now()
	seen := newSeenIndex()
	if err := seen.load(d.log.Dir(), m); err != nil {
		return err
	}
	d.pos, d.seen, d.lsn, d.loaded = pos, seen, m.MaxLSN(), true
	d.batch.reset()
	d.logger.Info("fhir: resumed", "resources", len(seen.latest), "files", len(pos.Files), "lsn", d.lsn, "took", time.Since(start))
	return ctx.Err()
}

// flush durably writes the batch with the current position. On failure the
// door forgets its in-memory state, so the next call resumes from the log.
func (d *Door) flush() error {
	b := &d.batch
	lsn := int64(0)
	if len(b.changes) > 0 {
		lsn = d.lsn + 1
		for i := range b.changes {
			b.changes[i].LSN = lsn
		}
	}
	d.pos.forget(d.opts.MaxTrackedFiles)
	err := d.log.Write(bronze.Batch{
		Changes:    b.changes,
		Rejects:    b.rejects,
		Checkpoint: bronze.Checkpoint{Position: d.pos.encode(), Source: d.opts.Source},
	})
	if err != nil {
		d.seen.rollback()
		d.loaded = false
		return fmt.Errorf("fhir: write bronze: %w", err)
	}
	if lsn > 0 {
		d.lsn = lsn
	}
	d.seen.commit()
	c := Commit{LSN: lsn, Changes: len(b.changes), Rejects: len(b.rejects)}
	b.reset()
	if d.opts.OnCommit != nil {
		d.opts.OnCommit(c)
	}
	return nil
}

// finish flushes what is left after a call and, when the call failed,
// drops the unwritten batch so that the next call resumes from the log.
func (d *Door) finish(err error) error {
	if err == nil {
		return d.flush()
	}
	if d.loaded {
		d.seen.rollback()
		d.loaded = false
	}
	return err
}

// accept reports whether resources of typ are wanted.
func (d *Door) accept(typ string) bool { return d.types == nil || d.types[typ] }

// isCanceled reports whether err is the context's.
func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
