package debezium

import (
	"context"
	"errors"
	"slices"
)

// submission is one HTTP request's decoded batch waiting to be made durable.
type submission struct {
	b    *batch
	key  string     // the request's Idempotency-Key, "" for none
	done chan error // buffered: the committer never blocks on a reply
}

// errDuplicate answers a request whose Idempotency-Key is already durable.
var errDuplicate = errors.New("debezium: a request with this Idempotency-Key is already stored")

// runCommitter makes HTTP requests durable in groups: it takes a request,
// adds every request already waiting (up to MaxBatch events), writes them in
// one bronze batch, with their Idempotency-Keys in the same position, and
// answers each. A request whose key is durable, or already in the group, is
// answered errDuplicate and not stored again. It returns when the door is
// closed.
func (d *Door) runCommitter() {
	defer d.committer.Done()
	for {
		select {
		case <-d.stop:
			return
		case s := <-d.submit:
			var group []submission
			var keys []string
			merged := &batch{}
			pos := d.Position()
			add := func(s submission) {
				if s.key != "" && (pos.hasRequest(s.key) || slices.Contains(keys, s.key)) {
					s.done <- errDuplicate
					return
				}
				if s.key != "" {
					keys = append(keys, s.key)
				}
				group = append(group, s)
				merged.merge(s.b)
			}
			add(s)
		drain:
			for merged.events < d.opts.MaxBatch && merged.bytes < d.opts.MaxBatchBytes {
				select {
				case more := <-d.submit:
					add(more)
				default:
					break drain
				}
			}
			if len(group) == 0 {
				continue
			}
			err := d.write(EntryHTTP, merged, func(p *Position) { p.addRequests(keys) })
			for _, g := range group {
				g.done <- err
			}
		}
	}
}

// merge appends o's records to b.
func (b *batch) merge(o *batch) {
	b.changes = append(b.changes, o.changes...)
	b.rejects = append(b.rejects, o.rejects...)
	b.skipped += o.skipped
	b.events += o.events
	b.bytes += o.bytes
}

// commit makes b durable through the group committer and returns the
// write's outcome (errDuplicate when key is already durable). A request
// whose ctx ends first gets ctx's error; its batch may still become durable.
func (d *Door) commit(ctx context.Context, b *batch, key string) error {
	s := submission{b: b, key: key, done: make(chan error, 1)}
	select {
	case d.submit <- s:
	case <-d.stop:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-s.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
