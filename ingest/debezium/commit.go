package debezium

import "context"

// submission is one HTTP request's decoded batch waiting to be made durable.
type submission struct {
	b    *batch
	done chan error // buffered: the committer never blocks on a reply
}

// runCommitter makes HTTP requests durable in groups: it takes a request,
// adds every request already waiting (up to MaxBatch events), writes them in
// one bronze batch and answers each. It returns when the door is closed.
func (d *Door) runCommitter() {
	defer d.committer.Done()
	for {
		select {
		case <-d.stop:
			return
		case s := <-d.submit:
			group := []submission{s}
			merged := &batch{}
			merged.merge(s.b)
		drain:
			for merged.events < d.opts.MaxBatch && merged.bytes < d.opts.MaxBatchBytes {
				select {
				case more := <-d.submit:
					group = append(group, more)
					merged.merge(more.b)
				default:
					break drain
				}
			}
			err := d.write(EntryHTTP, merged, nil)
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
// write's outcome. A request whose ctx ends first gets ctx's error; its
// batch may still become durable.
func (d *Door) commit(ctx context.Context, b *batch) error {
	s := submission{b: b, done: make(chan error, 1)}
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
