package fhir

import (
	"encoding/json"
	"time"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// batch collects the changes and rejects of the next durable write.
type batch struct {
	changes []bronze.Change
	rejects []bronze.Reject
	bytes   int
}

// full reports whether the batch reached a bound.
func (b *batch) full(o *Options) bool {
	return len(b.changes)+len(b.rejects) >= o.MaxBatch || b.bytes >= o.MaxBatchBytes
}

// addChange appends a change of resource type typ and id; its LSN is set
// when the batch is written.
func (b *batch) addChange(op bronze.Op, typ, id string, at time.Time, data []byte) {
	key, _ := json.Marshal([]string{id}) // a []string always encodes
	b.changes = append(b.changes, bronze.Change{
		Seq:        int64(len(b.changes)),
		CommitTime: at,
		Op:         op,
		Table:      TablePrefix + typ,
		Key:        string(key),
		Data:       string(data),
	})
	b.bytes += len(data) + len(key)
}

// addReject appends a dead-letter record.
func (b *batch) addReject(r bronze.Reject) {
	b.rejects = append(b.rejects, r)
	b.bytes += len(r.Payload) + len(r.Reason)
}

// reset empties the batch, keeping its capacity.
func (b *batch) reset() {
	clear(b.changes)
	b.changes = b.changes[:0]
	clear(b.rejects)
	b.rejects = b.rejects[:0]
	b.bytes = 0
}
