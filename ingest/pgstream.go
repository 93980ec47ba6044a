package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// streamState is the stream loop's working memory: the relations the
// server described, the transaction being received, the committed
// transactions waiting to be handed to the appender, and the appender.
type streamState struct {
	relations  map[uint32]*relation
	catalog    *pgx.Conn // opened on first need by primaryKey
	txn        *txnBuf
	spareTxn   *txnBuf // the last committed transaction's buffer, reused
	batch      []bronze.Change
	batchEnd   pglogrepl.LSN // end of the last committed transaction in batch
	batchSince time.Time     // when the oldest change in batch was received
	lastCommit time.Time
	durable    pglogrepl.LSN
	serverEnd  pglogrepl.LSN
	idle       bool      // the last read found the socket quiet for flushIdle
	handedOff  time.Time // when the last batch went to the appender
	enc        rowEncoder
	app        *appender
}

type txnBuf struct {
	lsn     pglogrepl.LSN
	at      time.Time
	skip    bool // already durable: a re-sent transaction after a restart
	changes []bronze.Change
}

// flushIdle is how long the socket must stay quiet before a batch goes to
// an idle appender ahead of MaxBatch and FlushInterval: a backlog thus
// arrives in large batches, while the last change before a pause is made
// durable at once. Such early hand-offs are at least FlushInterval/10
// apart, so that a trickle of transactions does not become a file each.
// statusPoll bounds any one read, a safety net behind the wake-ups on
// cancellation and on a finished append.
const (
	flushIdle  = 10 * time.Millisecond
	statusPoll = time.Second
)

// stream receives the change stream from the bronze position onwards.
// Reads wait on the connection's read deadline rather than a context, so
// that receiving a message costs no goroutine hand-off; cancellation of ctx
// and a finished append interrupt a blocked read by moving the deadline.
func (p *Postgres) stream(ctx context.Context, repl *pgconn.PgConn) error {
	start, err := pglogrepl.ParseLSN(p.log.Manifest().Position)
	if err != nil {
		return fmt.Errorf("ingest: bronze position %q: %w", p.log.Manifest().Position, err)
	}
	err = pglogrepl.StartReplication(ctx, repl, p.opts.Slot, start, pglogrepl.StartReplicationOptions{
		PluginArgs: []string{"proto_version '1'", "publication_names '" + p.opts.Publication + "'"},
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return slotError(fmt.Errorf("ingest: start replication from slot %s at %s: %w", p.opts.Slot, start, err))
	}
	p.opts.Logger.Info("streaming changes", "slot", p.opts.Slot, "from", start)
	conn := repl.Conn()
	wake := func() { _ = conn.SetReadDeadline(time.Now()) }
	st := &streamState{relations: map[uint32]*relation{}, durable: start, serverEnd: start, app: newAppender(p, wake)}
	stopWake := context.AfterFunc(ctx, wake)
	defer func() {
		stopWake()
		st.app.collect(true) // never leave an append running
		_ = conn.SetReadDeadline(time.Time{})
		if st.catalog != nil {
			st.catalog.Close(context.Background())
		}
	}()
	p.lastCompact = time.Now()
	p.setStatus(func(s *Status) { s.Durable, s.ServerEnd, s.Streaming = start, start, true })
	defer p.setStatus(func(s *Status) { s.Streaming = false })
	return p.receiveLoop(ctx, repl, st)
}

// receiveLoop reads the stream until ctx is done or it fails, handing
// committed batches to the appender and acknowledging what is durable.
func (p *Postgres) receiveLoop(ctx context.Context, repl *pgconn.PgConn, st *streamState) error {
	nextStatus := time.Now()
	for {
		acked, err := p.handOff(st)
		if err != nil {
			return err
		}
		if acked {
			nextStatus = time.Now()
		}
		if !time.Now().Before(nextStatus) {
			if err := p.sendStatus(ctx, repl, st); err != nil {
				return p.stopped(ctx, repl, st, err)
			}
			nextStatus = time.Now().Add(p.opts.StatusInterval)
		}
		_ = repl.Conn().SetReadDeadline(p.readDeadline(st, nextStatus))
		if ctx.Err() != nil {
			return p.stopped(ctx, repl, st, ctx.Err())
		}
		if st.app.ready() {
			continue
		}
		msg, err := repl.ReceiveMessage(context.Background())
		if err != nil {
			if pgconn.Timeout(err) {
				st.idle = true
				continue
			}
			return p.stopped(ctx, repl, st, err)
		}
		st.idle = false
		replyNow, err := p.receive(ctx, st, msg)
		if err != nil {
			return err
		}
		if replyNow {
			nextStatus = time.Now()
		}
	}
}

// readDeadline is when the next read gives up: at the next status update,
// when the oldest waiting change is due, after flushIdle of quiet when an
// idle appender could take the batch, and after statusPoll at the latest.
func (p *Postgres) readDeadline(st *streamState, nextStatus time.Time) time.Time {
	now := time.Now()
	d := now.Add(statusPoll)
	if nextStatus.Before(d) {
		d = nextStatus
	}
	if len(st.batch) > 0 {
		if due := st.batchSince.Add(p.opts.FlushInterval); due.Before(d) {
			d = due
		}
		if !st.app.busy {
			q := now.Add(flushIdle)
			if st.idle {
				q = st.handedOff.Add(p.opts.FlushInterval / 10)
			}
			if q.Before(d) {
				d = q
			}
		}
	}
	return d
}

// handOff collects a finished append and gives the waiting batch to the
// appender when it is free and the batch is full, due, or the socket is
// quiet (see flushIdle). A full batch waits for the append in flight:
// backpressure. It reports whether the durable position moved.
func (p *Postgres) handOff(st *streamState) (moved bool, err error) {
	full := len(st.batch) >= p.opts.MaxBatch
	r, ok := st.app.collect(full && st.app.busy)
	if ok {
		if r.err != nil {
			return false, r.err
		}
		st.durable, moved = r.end, true
	}
	if len(st.batch) == 0 || st.app.busy {
		return moved, nil
	}
	early := st.idle && time.Since(st.handedOff) >= p.opts.FlushInterval/10
	if full || early || time.Since(st.batchSince) >= p.opts.FlushInterval {
		st.handedOff = time.Now()
		batch := st.batch
		st.batch = st.app.spare
		st.app.spare = nil
		st.app.start(batch, st.batchEnd, st.lastCommit)
	}
	return moved, nil
}

// stopped ends the stream: on cancellation it makes every complete
// transaction durable and acknowledges it; otherwise it reports err.
func (p *Postgres) stopped(ctx context.Context, repl *pgconn.PgConn, st *streamState, err error) error {
	if r, ok := st.app.collect(true); ok && r.err == nil {
		st.durable = r.end
	} else if ok {
		return r.err
	}
	if ctx.Err() == nil {
		return fmt.Errorf("ingest: replication stream: %w", err)
	}
	if len(st.batch) > 0 {
		if err := p.appendBatch(st.batch, st.batchEnd, st.lastCommit); err != nil {
			return err
		}
		st.durable = st.batchEnd
		st.batch = st.batch[:0]
	}
	_ = repl.Conn().SetReadDeadline(time.Time{})
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = p.sendStatus(sctx, repl, st) // best effort: the position is durable in bronze either way
	return nil
}

func (p *Postgres) receive(ctx context.Context, st *streamState, msg pgproto3.BackendMessage) (replyNow bool, err error) {
	switch m := msg.(type) {
	case *pgproto3.ErrorResponse:
		return false, &ServerError{Code: m.Code, Message: m.Message}
	case *pgproto3.CopyData:
		if len(m.Data) == 0 {
			return false, nil
		}
		switch m.Data[0] {
		case pglogrepl.PrimaryKeepaliveMessageByteID:
			ka, err := pglogrepl.ParsePrimaryKeepaliveMessage(m.Data[1:])
			if err != nil {
				return false, fmt.Errorf("ingest: parse keepalive: %w", err)
			}
			st.serverEnd = max(st.serverEnd, ka.ServerWALEnd)
			p.setStatus(func(s *Status) { s.ServerEnd = st.serverEnd })
			return ka.ReplyRequested, nil
		case pglogrepl.XLogDataByteID:
			xld, err := pglogrepl.ParseXLogData(m.Data[1:])
			if err != nil {
				return false, fmt.Errorf("ingest: parse XLogData: %w", err)
			}
			return false, p.decode(ctx, st, xld.WALStart, xld.WALData)
		}
	}
	return false, nil
}

// sendStatus acknowledges the durable position. With nothing received but
// not yet durable, it acknowledges the server's WAL end instead, so an idle
// slot never holds WAL back.
func (p *Postgres) sendStatus(ctx context.Context, repl *pgconn.PgConn, st *streamState) error {
	pos := st.durable
	if st.txn == nil && len(st.batch) == 0 && !st.app.busy && st.serverEnd > pos {
		pos = st.serverEnd
	}
	if err := pglogrepl.SendStandbyStatusUpdate(ctx, repl, pglogrepl.StandbyStatusUpdate{WALWritePosition: pos}); err != nil {
		return fmt.Errorf("send standby status: %w", err)
	}
	p.setStatus(func(s *Status) { s.Acked = pos })
	return nil
}

var errNoRelation = errors.New("change for a relation the server has not described")
