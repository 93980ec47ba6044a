package ingest

import (
	"time"

	"github.com/jackc/pglogrepl"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// appender makes the stream's committed batches durable on a goroutine of
// its own, one batch at a time and in commit order, so that the stream keeps
// reading the replication socket while bronze encodes, compresses and
// fsyncs. At most one batch is in flight: the stream waits for it before it
// hands over the next, which bounds memory to two batches and pushes back on
// the server. The goroutine of a batch ends when its append does; the
// stream waits for it (wait) before it returns, so none outlives Run.
type appender struct {
	p    *Postgres
	wake func() // interrupts the stream's blocked read when a batch is durable
	done chan appendResult
	busy bool
	// spare is the buffer of the last durable batch, reused for the next.
	spare []bronze.Change
}

// appendResult is the outcome of one batch's append.
type appendResult struct {
	end   pglogrepl.LSN // the position the batch made durable
	batch []bronze.Change
	err   error
}

func newAppender(p *Postgres, wake func()) *appender {
	return &appender{p: p, wake: wake, done: make(chan appendResult, 1)}
}

// start appends batch, which ends at end, in the background. The caller
// must not touch batch until its result is collected, nor start while busy.
func (a *appender) start(batch []bronze.Change, end pglogrepl.LSN, lastCommit time.Time) {
	a.busy = true
	go func() {
		err := a.p.appendBatch(batch, end, lastCommit)
		a.done <- appendResult{end: end, batch: batch, err: err}
		a.wake()
	}()
}

// ready reports whether the batch in flight has finished.
func (a *appender) ready() bool { return len(a.done) > 0 }

// collect returns the result of the batch in flight: at once when it has
// finished, after waiting for it when block is set, otherwise ok is false.
func (a *appender) collect(block bool) (r appendResult, ok bool) {
	if !a.busy {
		return appendResult{}, false
	}
	if block {
		r = <-a.done
	} else {
		select {
		case r = <-a.done:
		default:
			return appendResult{}, false
		}
	}
	a.busy = false
	a.spare = r.batch[:0]
	return r, true
}

// appendBatch appends one batch of committed transactions to bronze; only
// then does the durable position, which the stream acknowledges, move.
// Compaction runs here too, between appends, when it is due.
func (p *Postgres) appendBatch(batch []bronze.Change, end pglogrepl.LSN, lastCommit time.Time) error {
	p.opts.Logger.Debug("appending to bronze", "changes", len(batch), "position", end)
	if err := p.log.Append(batch, bronze.Checkpoint{Position: end.String()}); err != nil {
		return err
	}
	n := int64(len(batch))
	var rows int64
	p.setStatus(func(s *Status) {
		s.Durable, s.Rows, s.Batches, s.LastCommit = end, s.Rows+n, s.Batches+1, lastCommit
		rows = s.Rows
	})
	p.opts.Progress(Progress{Phase: "stream", Rows: rows})
	p.maybeCompact()
	return nil
}

// maybeCompact merges bronze's small files when CompactInterval has passed.
// A failed compaction changes nothing and is retried next time. Only the
// appender calls it, so compactions never overlap.
func (p *Postgres) maybeCompact() {
	if time.Since(p.lastCompact) < p.opts.CompactInterval {
		return
	}
	p.lastCompact = time.Now()
	p.opts.Logger.Debug("compacting bronze")
	n, err := p.log.Compact(p.opts.Compact)
	if err != nil {
		p.opts.Logger.Warn("bronze compaction failed; will retry", "err", err)
		return
	}
	p.opts.Logger.Debug("bronze compaction done", "files_merged", n)
}
