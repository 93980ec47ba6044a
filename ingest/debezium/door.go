package debezium

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// ErrClosed is returned by entries of a Door that was closed.
var ErrClosed = errors.New("debezium: door closed")

// ErrBusy is returned by RunKafka while another RunKafka of the door runs.
var ErrBusy = errors.New("debezium: kafka entry already running")

// The door's entries, as named in Stats and in logs.
const (
	EntryFile  = "file"
	EntryHTTP  = "http"
	EntryKafka = "kafka"
)

// Door writes Debezium change events from files, HTTP and Kafka into one
// bronze log, exactly once. Its entries may run concurrently: every bronze
// write is serialised, takes the next LSN and carries the whole position.
type Door struct {
	log     *bronze.Log
	opts    Options
	dec     *Decoder
	logger  *slog.Logger
	stats   stats
	metrics *metrics

	mu  sync.Mutex // serialises bronze writes; guards pos and lsn
	pos Position
	lsn int64 // the LSN of the next batch with changes

	files sync.Mutex // held by ReadFiles: one reader per position
	kafka sync.Mutex // held by RunKafka: one consumer per position

	submit    chan submission // HTTP requests to the group committer
	stop      chan struct{}
	stopOnce  sync.Once
	committer sync.WaitGroup

	// afterWrite, when set (by tests), runs after each durable write.
	afterWrite func(entry string)
}

// New returns a door writing into log, resuming from the position in its
// manifest and numbering its batches after the log's highest LSN. The
// caller keeps ownership of log; Close the door before closing the log.
func New(log *bronze.Log, opts Options) (*Door, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	m := log.Manifest()
	pos, err := ParsePosition(m.Position)
	if err != nil {
		return nil, err
	}
	met, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	d := &Door{
		metrics: met,
		log:     log,
		opts:    opts,
		dec:     NewDecoder(opts.TableMap, opts.Keys),
		logger:  opts.Logger.With("door", opts.Source),
		pos:     pos,
		lsn:     m.MaxLSN() + 1,
		submit:  make(chan submission),
		stop:    make(chan struct{}),
	}
	d.committer.Add(1)
	go d.runCommitter()
	return d, nil
}

// Close stops the door's HTTP group committer (requests still waiting are
// answered 503) and unregisters its metrics. It does not close the bronze
// log; entries still running must be stopped first.
func (d *Door) Close() error {
	d.stopOnce.Do(func() {
		close(d.stop)
		d.committer.Wait()
		d.metrics.unregister()
	})
	d.committer.Wait()
	return nil
}

// Position returns the door's durable resume point.
func (d *Door) Position() Position {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pos.clone()
}

// Decoder returns the door's event decoder.
func (d *Door) Decoder() *Decoder { return d.dec }

// batch is what one bronze write of an entry holds.
type batch struct {
	changes []bronze.Change
	rejects []bronze.Reject
	skipped int // tombstones: consumed, nothing stored
	events  int // records consumed
	bytes   int // their raw size
}

// full reports whether the batch reached its count or byte bound.
func (b *batch) full(o Options) bool {
	return b.events >= o.MaxBatch || b.bytes >= o.MaxBatchBytes
}

// empty reports whether the batch consumed nothing.
func (b *batch) empty() bool { return b.events == 0 && len(b.rejects) == 0 }

// add decodes one Kafka record into the batch.
func (d *Door) add(b *batch, key, value []byte, source, position string) {
	b.bytes += len(key)
	ch, err := d.dec.Decode(key, value)
	b.take(ch, err, source, position, value)
}

// take counts one consumed record of raw: a change, a reject naming source
// and position, or a skipped tombstone.
func (b *batch) take(ch bronze.Change, err error, source, position string, raw []byte) {
	b.events++
	b.bytes += len(raw)
	switch {
	case errors.Is(err, ErrTombstone):
		b.skipped++
	case err != nil:
		b.reject(source, position, err.Error(), raw)
	default:
		b.changes = append(b.changes, ch)
	}
}

// reject adds a refused record.
func (b *batch) reject(source, position, reason string, payload []byte) {
	b.rejects = append(b.rejects, bronze.NewReject(source, position, reason, payload))
}

// write makes the batch durable together with the position advance yields,
// numbering its changes with the door's next LSN. Only after it returns nil
// may the entry acknowledge anything to its source.
func (d *Door) write(entry string, b *batch, advance func(*Position)) error {
	d.mu.Lock()
	next := d.pos.clone()
	if advance != nil {
		advance(&next)
	}
	if len(b.changes) == 0 && len(b.rejects) == 0 && next.String() == d.pos.String() {
		d.mu.Unlock()
		return nil
	}
	for i := range b.changes {
		b.changes[i].LSN, b.changes[i].Seq = d.lsn, int64(i)
	}
	err := d.log.Write(bronze.Batch{
		Changes:    b.changes,
		Rejects:    b.rejects,
		Checkpoint: bronze.Checkpoint{Position: next.String(), Source: d.opts.Source},
	})
	if err != nil {
		d.mu.Unlock()
		return fmt.Errorf("debezium: write %s batch: %w", entry, err)
	}
	d.pos = next
	lsn := d.lsn
	if len(b.changes) > 0 {
		d.lsn++
	}
	d.mu.Unlock()
	d.metrics.record(entry, b, d.stats.record(entry, b).LastCommit)
	d.logger.Debug("batch durable", "entry", entry, "lsn", lsn,
		"changes", len(b.changes), "rejects", len(b.rejects), "skipped", b.skipped)
	if d.afterWrite != nil {
		d.afterWrite(entry)
	}
	return nil
}
