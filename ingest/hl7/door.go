package hl7

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// Log is the part of *bronze.Log the door writes to.
type Log interface {
	Write(bronze.Batch) error
	Manifest() bronze.Manifest
	Dir() string
	Compact(bronze.CompactOptions) (int, error)
}

// Door feeds HL7 v2 messages into one bronze log, from MLLP connections (see
// Listener) and from files (ReadFile). Every message becomes one
// bronze.Change or one bronze.Reject; messages arriving together share one
// bronze write (group commit), and no caller learns that a message is
// accepted before that write returned.
type Door struct {
	log  Log
	opts Options

	reqs      chan *request
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	// producers counts the senders that may have a request outstanding
	// (connections, file readers): a batch holding one request from each
	// is written at once.
	producers atomic.Int64
	stats     stats
	ackSeq    atomic.Int64
	ackPrefix string // makes ACK control ids unique across restarts

	mu  sync.Mutex
	pos positions // durable source position; written by the committer

	// Owned by the committer goroutine.
	window *dedupeWindow
	lsn    int64
}

// New opens a door onto log: it reads the log's position, rebuilds the
// duplicate window from its newest files and starts the committer. Close
// stops it; the log stays open (the caller closes it).
func New(log Log, opts Options) (*Door, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	m := log.Manifest()
	pos, err := parsePositions(m.Position)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	w, err := rebuildWindow(log.Dir(), m, o.DedupeWindow)
	if err != nil {
		return nil, err
	}
	o.Logger.Info("hl7 door open", "dir", log.Dir(), "rows", m.Rows, "max_lsn", m.MaxLSN(),
		"dedupe_keys", w.len(), "rebuild", time.Since(start))
	d := &Door{log: log, opts: o, reqs: make(chan *request, 1024), stop: make(chan struct{}), done: make(chan struct{}),
		pos: pos, window: w, lsn: m.MaxLSN(),
		ackPrefix: "CDW" + strconv.FormatInt(o.Now().UnixMilli(), 36) + "-"}
	d.stats.m = o.Metrics
	go d.run()
	return d, nil
}

// Close stops the committer after the write in progress; requests not yet
// written fail with ErrClosed. It does not close the log.
func (d *Door) Close() error {
	d.closeOnce.Do(func() { close(d.stop) })
	<-d.done
	return nil
}

// Stats returns the door's counters.
func (d *Door) Stats() Stats { return d.stats.snapshot() }

// outcome is what became of one entry of a request.
type outcome uint8

const (
	outcomeStored outcome = iota
	outcomeDuplicate
	outcomeRejected
)

// entry is one message (a change with its dedupe key) or one reject.
type entry struct {
	change   bronze.Change
	key      dedupeKey
	reject   bronze.Reject
	isReject bool
	size     int
}

// request is a group of entries that a producer waits on, with the file
// position they bring the log to (file empty: none).
type request struct {
	entries []entry
	file    string
	mark    fileMark
	// after is the request this one continues, if any: when after was not
	// written, neither is this one, so that a file's position never passes
	// a batch whose write failed.
	after   *request
	written bool // set by the committer once durable
	done    chan result
}

// errPredecessorFailed refuses a request whose predecessor was not written.
var errPredecessorFailed = errors.New("hl7: the preceding batch of this file was not written")

// result is the fate of a request: one outcome per entry, or the write error.
type result struct {
	outcomes []outcome
	err      error
}

// submit hands entries to the committer and waits until they are durable.
func (d *Door) submit(ctx context.Context, req *request) ([]outcome, error) {
	if err := d.enqueue(ctx, req); err != nil {
		return nil, err
	}
	return d.wait(ctx, req)
}

// enqueue hands a request to the committer.
func (d *Door) enqueue(ctx context.Context, req *request) error {
	req.done = make(chan result, 1)
	select {
	case d.reqs <- req:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-d.stop:
		return ErrClosed
	}
}

// wait returns the fate of an enqueued request once it is decided.
func (d *Door) wait(ctx context.Context, req *request) ([]outcome, error) {
	select {
	case res := <-req.done:
		return res.outcomes, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-d.done:
		return nil, ErrClosed
	}
}

// messageEntry returns the bronze entry of a parsed message.
func (d *Door) messageEntry(doc *Document, raw []byte, at time.Time) (entry, error) {
	data, err := doc.Marshal()
	if err != nil {
		return entry{}, fmt.Errorf("hl7: encode %s: %w", doc.ControlID, err)
	}
	key, err := json.Marshal([]string{doc.SendingFacility, doc.ControlID})
	if err != nil {
		return entry{}, err
	}
	commit := at
	if t, err := time.Parse(time.RFC3339Nano, doc.SentAt); doc.SentAt != "" && err == nil {
		commit = t
	}
	return entry{
		change: bronze.Change{CommitTime: commit.UTC(), Op: bronze.OpCreate, Table: "hl7." + doc.MessageType, Key: string(key), Data: string(data)},
		key:    newDedupeKey(doc.SendingApplication, doc.SendingFacility, doc.ControlID),
		size:   len(raw) + len(data),
	}, nil
}

// rejectEntry returns the bronze entry of a refused record.
func (d *Door) rejectEntry(source, position, reason string, raw []byte) entry {
	r := bronze.NewReject(source, position, reason, raw)
	r.At = d.opts.Now().UTC()
	return entry{reject: r, isReject: true, size: min(len(raw), bronze.MaxRejectPayload)}
}

// position returns the durable mark of a file.
func (d *Door) position(file string) (fileMark, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	m, ok := d.pos.Files[file]
	return m, ok
}
