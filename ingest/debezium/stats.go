package debezium

import (
	"maps"
	"sync"
	"time"
)

// Stats counts what one entry of the door has made durable.
type Stats struct {
	// Accepted is the number of events stored as changes.
	Accepted int64
	// Rejected is the number of records stored as rejects.
	Rejected int64
	// Skipped is the number of tombstones consumed.
	Skipped int64
	// Batches is the number of bronze writes.
	Batches int64
	// LastCommit is the newest source commit time stored.
	LastCommit time.Time
}

// stats holds each entry's Stats.
type stats struct {
	mu      sync.Mutex
	entries map[string]Stats
}

// record counts a durable batch of entry and returns the entry's totals.
func (s *stats) record(entry string, b *batch) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries == nil {
		s.entries = map[string]Stats{}
	}
	e := s.entries[entry]
	e.Accepted += int64(len(b.changes))
	e.Rejected += int64(len(b.rejects))
	e.Skipped += int64(b.skipped)
	e.Batches++
	for _, c := range b.changes {
		if c.CommitTime.After(e.LastCommit) {
			e.LastCommit = c.CommitTime
		}
	}
	s.entries[entry] = e
	return e
}

// Stats returns what each entry (EntryFile, EntryHTTP, EntryKafka) has made
// durable since the door was created.
func (d *Door) Stats() map[string]Stats {
	d.stats.mu.Lock()
	defer d.stats.mu.Unlock()
	return maps.Clone(d.stats.entries)
}
