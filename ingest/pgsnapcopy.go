package ingest

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// snapshotChunkRows is how many rows the snapshot reader hands an encoding
// worker at a time; snapshotBatchBytes bounds the row images of one append
// besides MaxBatch, so that a table of wide rows (notes, documents) does not
// hold MaxBatch of them twice over in memory.
const (
	snapshotChunkRows  = 512
	snapshotBatchBytes = 24 << 20
)

// snapshotCopy streams the snapshot's tables into bronze through a
// pipeline: the caller's goroutine reads rows off the snapshot transaction
// into chunks; workers (one per CPU) encode chunks into changes; one
// collector gathers changes into batches of MaxBatch and appends them, so
// that reading, encoding and the durable write overlap. Every stage hands
// over through a small bounded channel, so memory stays bounded by a few
// chunks and one batch whatever the table sizes. Every row of a snapshot
// has the same LSN and a Seq of its own; their order does not matter.
type snapshotCopy struct {
	p     *Postgres
	tx    pgx.Tx
	lsn   int64
	at    time.Time
	total atomic.Int64 // rows in the snapshot; 0 until counted

	seq     int64 // last Seq handed out (reader)
	flushed int64 // rows appended (collector)

	chunks  chan *rowChunk
	encoded chan encodedChunk
}

// rowChunk is a run of one table's rows, copied out of the connection's
// read buffer: value i of the chunk is vals[i], or NULL when null[i].
type rowChunk struct {
	table string
	cols  []column
	seq0  int64 // Seq of the first row
	vals  [][]byte
	null  []bool
	buf   []byte // backing store of vals
}

func (ch *rowChunk) rows() int { return len(ch.vals) / len(ch.cols) }

type encodedChunk struct {
	table   string
	changes []bronze.Change
}

// run copies tables and makes the last batch durable with done.
func (c *snapshotCopy) run(ctx context.Context, tables []string, done bronze.Checkpoint) error {
	g, gctx := errgroup.WithContext(ctx)
	workers := max(1, runtime.GOMAXPROCS(0))
	c.chunks = make(chan *rowChunk, workers)
	c.encoded = make(chan encodedChunk, workers)
	var encoders errgroup.Group
	for range workers {
		encoders.Go(func() error { return c.encode(gctx) })
	}
	g.Go(func() error {
		err := encoders.Wait()
		close(c.encoded)
		return err
	})
	g.Go(func() error { return c.collect(gctx, done) })
	g.Go(func() error {
		defer close(c.chunks)
		for _, t := range tables {
			if err := c.table(gctx, t); err != nil {
				return err
			}
		}
		return nil
	})
	return g.Wait()
}

// table reads one table's rows into chunks for the encoders.
func (c *snapshotCopy) table(ctx context.Context, table string) error {
	cols, err := tableColumns(ctx, c.tx, table)
	if err != nil {
		return err
	}
	labelColumns(cols)
	rows, err := c.tx.Query(ctx, "SELECT * FROM "+pgx.Identifier(splitTable(table)).Sanitize(), pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return fmt.Errorf("ingest: snapshot %s: %w", table, err)
	}
	defer rows.Close()
	if n := len(rows.FieldDescriptions()); n != len(cols) {
		return fmt.Errorf("ingest: snapshot %s: %d columns returned, %d expected", table, n, len(cols))
	}
	chunk := c.newChunk(table, cols)
	for rows.Next() {
		for _, raw := range rows.RawValues() {
			chunk.add(raw)
		}
		c.seq++
		if chunk.rows() >= snapshotChunkRows {
			if err := c.send(ctx, chunk); err != nil {
				return err
			}
			chunk = c.newChunk(table, cols)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ingest: snapshot %s: %w", table, err)
	}
	if len(chunk.vals) == 0 {
		return nil
	}
	return c.send(ctx, chunk)
}

func (c *snapshotCopy) newChunk(table string, cols []column) *rowChunk {
	n := snapshotChunkRows * len(cols)
	return &rowChunk{table: table, cols: cols, seq0: c.seq + 1, vals: make([][]byte, 0, n), null: make([]bool, 0, n)}
}

// add copies one value; the chunk's earlier values keep pointing into the
// old backing store when it grows.
func (ch *rowChunk) add(raw []byte) {
	ch.null = append(ch.null, raw == nil)
	if len(ch.buf)+len(raw) > cap(ch.buf) {
		ch.buf = make([]byte, 0, max(64<<10, 2*len(raw)))
	}
	start := len(ch.buf)
	ch.buf = append(ch.buf, raw...)
	ch.vals = append(ch.vals, ch.buf[start:len(ch.buf):len(ch.buf)])
}

func (c *snapshotCopy) send(ctx context.Context, chunk *rowChunk) error {
	select {
	case c.chunks <- chunk:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// encode turns chunks into changes until the reader is done.
func (c *snapshotCopy) encode(ctx context.Context) error {
	var enc rowEncoder
	for chunk := range c.chunks {
		n := chunk.rows()
		changes := make([]bronze.Change, n)
		vals := make([]value, len(chunk.cols))
		for r := range n {
			row := r * len(chunk.cols)
			for i := range vals {
				vals[i] = value{text: chunk.vals[row+i], null: chunk.null[row+i]}
			}
			key, data := enc.encode(chunk.cols, vals)
			changes[r] = bronze.Change{LSN: c.lsn, Seq: chunk.seq0 + int64(r), CommitTime: c.at,
				Op: bronze.OpRead, Table: chunk.table, Key: key, Data: data}
		}
		select {
		case c.encoded <- encodedChunk{table: chunk.table, changes: changes}:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	return nil
}

// collect gathers the encoded changes into batches of MaxBatch (or
// snapshotBatchBytes) and appends each on a goroutine of its own while it
// gathers the next (at most one append in flight, so that two batches bound
// memory); the last batch, with the checkpoint done, follows once every
// chunk is in and every other batch is durable.
func (c *snapshotCopy) collect(ctx context.Context, done bronze.Checkpoint) error {
	var (
		batch    = make([]bronze.Change, 0, c.p.opts.MaxBatch)
		spare    []bronze.Change
		table    string
		inflight = make(chan []bronze.Change, 1)
		failed   = make(chan error, 1)
		busy     bool
	)
	wait := func() error {
		if !busy {
			return nil
		}
		busy = false
		select {
		case spare = <-inflight:
			return nil
		case err := <-failed:
			return err
		}
	}
	defer wait() //nolint:errcheck // only on the error paths, which report their own error
	size := 0    // bytes of Key and Data in batch
	for e := range c.encoded {
		table = e.table
		for _, ch := range e.changes {
			batch = append(batch, ch)
			size += len(ch.Key) + len(ch.Data)
			if len(batch) < c.p.opts.MaxBatch && size < snapshotBatchBytes {
				continue
			}
			if err := wait(); err != nil {
				return err
			}
			busy = true
			go func(b []bronze.Change, table string) {
				if err := c.flush(b, bronze.Checkpoint{Source: c.p.opts.Slot}, table); err != nil {
					failed <- err
					return
				}
				inflight <- b[:0]
			}(batch, table)
			batch, spare, size = spare, nil, 0
			if batch == nil {
				batch = make([]bronze.Change, 0, c.p.opts.MaxBatch)
			}
		}
	}
	if err := wait(); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil // a failing stage reports why
	}
	return c.flush(batch, done, table)
}

func (c *snapshotCopy) flush(batch []bronze.Change, cp bronze.Checkpoint, table string) error {
	start := time.Now()
	if err := c.p.log.Append(batch, cp); err != nil {
		return err
	}
	c.p.opts.Logger.Debug("snapshot batch appended", "rows", len(batch), "took", time.Since(start))
	n := int64(len(batch))
	c.flushed += n
	c.p.setStatus(func(s *Status) { s.SnapshotRows, s.Batches = s.SnapshotRows+n, s.Batches+1 })
	c.p.opts.Progress(Progress{Phase: "snapshot", Table: table, Rows: c.flushed, Total: c.total.Load()})
	return nil
}
