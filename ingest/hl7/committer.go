package hl7

import (
	"time"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// run is the committer: it gathers requests into batches and writes each
// batch to bronze in one Write, then answers every request of it.
func (d *Door) run() {
	defer close(d.done)
	var compact <-chan time.Time
	if d.opts.CompactInterval > 0 {
		t := time.NewTicker(d.opts.CompactInterval)
		defer t.Stop()
		compact = t.C
	}
	for {
		var first *request
		select {
		case <-d.stop:
			return
		case first = <-d.reqs:
		case <-compact:
			d.compact()
			continue
		}
		d.commit(d.gather(first))
	}
}

// gather collects requests after first until the batch is full, holds one
// request from every producer, or FlushInterval has passed.
func (d *Door) gather(first *request) []*request {
	batch := []*request{first}
	n, size := countEntries(first)
	timer := time.NewTimer(d.opts.FlushInterval)
	defer timer.Stop()
	for n < d.opts.MaxBatchMessages && size < d.opts.MaxBatchBytes && int64(len(batch)) < d.producers.Load() {
		select {
		case r := <-d.reqs:
			batch = append(batch, r)
			rn, rs := countEntries(r)
			n, size = n+rn, size+rs
		case <-timer.C:
			return batch
		case <-d.stop:
			return batch
		}
	}
	return batch
}

func countEntries(r *request) (n, size int) {
	for _, e := range r.entries {
		size += e.size
	}
	return len(r.entries), size
}

// plan is one bronze write being prepared: the batch, each request's
// result, and the state the door takes on once the write is durable.
type plan struct {
	b       bronze.Batch
	results []result
	refused map[*request]bool
	keys    []dedupeKey
	lsn     int64
	pos     positions
	moved   bool
}

// commit writes one batch: changes not already in the window get the next
// LSNs, duplicates are dropped, rejects and file positions go along. Only
// after the write has returned are the requests answered.
func (d *Door) commit(batch []*request) {
	p := d.plan(batch)
	if len(p.b.Changes) > 0 || len(p.b.Rejects) > 0 || p.moved {
		err := d.log.Write(p.b)
		d.stats.wrote(err)
		if err != nil {
			d.opts.Logger.Error("hl7: bronze write failed; nothing acknowledged", "messages", len(p.b.Changes), "rejects", len(p.b.Rejects), "err", err)
			for i := range p.results {
				p.results[i] = result{err: err}
			}
			d.answer(batch, p.results)
			return
		}
	}
	for _, r := range batch {
		r.written = !p.refused[r]
	}
	d.lsn = p.lsn
	for _, k := range p.keys {
		d.window.add(k)
	}
	if p.moved {
		d.mu.Lock()
		d.pos = p.pos
		d.mu.Unlock()
	}
	d.count(p.results)
	d.answer(batch, p.results)
}

// plan prepares the write of a batch without changing the door's state.
func (d *Door) plan(batch []*request) *plan {
	d.mu.Lock()
	p := &plan{results: make([]result, len(batch)), lsn: d.lsn, pos: d.pos}
	d.mu.Unlock()
	p.refused = d.refuseBroken(batch, p.results)
	seen := map[dedupeKey]struct{}{}
	for i, r := range batch {
		if p.refused[r] {
			continue
		}
		p.results[i].outcomes = make([]outcome, len(r.entries))
		for j, e := range r.entries {
			switch _, dup := seen[e.key]; {
			case e.isReject:
				p.b.Rejects = append(p.b.Rejects, e.reject)
				p.results[i].outcomes[j] = outcomeRejected
			case dup || d.window.has(e.key):
				p.results[i].outcomes[j] = outcomeDuplicate
			default:
				p.lsn++
				c := e.change
				c.LSN = p.lsn
				p.b.Changes = append(p.b.Changes, c)
				seen[e.key] = struct{}{}
				p.keys = append(p.keys, e.key)
			}
		}
		if r.file != "" {
			p.pos, p.moved = p.pos.with(r.file, r.mark), true
		}
	}
	p.b.Checkpoint.Source = d.opts.Source
	if p.moved {
		p.b.Checkpoint.Position = p.pos.String()
	}
	return p
}

// refuseBroken fails the requests whose predecessor was not written (in an
// earlier batch, or refused in this one) and returns them.
func (d *Door) refuseBroken(batch []*request, results []result) map[*request]bool {
	var refused map[*request]bool
	inBatch := make(map[*request]bool, len(batch))
	for i, r := range batch {
		if r.after != nil && (refused[r.after] || !r.after.written && !inBatch[r.after]) {
			if refused == nil {
				refused = map[*request]bool{}
			}
			refused[r] = true
			results[i].err = errPredecessorFailed
		}
		inBatch[r] = true
	}
	return refused
}

// count adds a committed batch's outcomes to the stats.
func (d *Door) count(results []result) {
	for _, r := range results {
		for _, o := range r.outcomes {
			d.stats.add(o)
		}
	}
}

func (d *Door) answer(batch []*request, results []result) {
	for i, r := range batch {
		r.done <- results[i]
	}
}

// compact merges small bronze files; a failure is logged and retried at the
// next interval.
func (d *Door) compact() {
	n, err := d.log.Compact(bronze.CompactOptions{})
	if err != nil {
		d.opts.Logger.Warn("hl7: compact bronze", "err", err)
		return
	}
	if n > 0 {
		d.opts.Logger.Info("hl7: compacted bronze", "files_merged", n)
	}
}
