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
// server described, the transaction being received, and the committed
// transactions waiting to be made durable.
type streamState struct {
	relations  map[uint32]*relation
	catalog    *pgx.Conn // opened on first need by primaryKey
	txn        *txnBuf
	batch      []bronze.Change
	batchEnd   pglogrepl.LSN // end of the last committed transaction in batch
	batchSince time.Time     // when the oldest change in batch was received
	lastCommit time.Time
	durable    pglogrepl.LSN
	serverEnd  pglogrepl.LSN
	enc        rowEncoder
}

type txnBuf struct {
	lsn     pglogrepl.LSN
	at      time.Time
	skip    bool // already durable: a re-sent transaction after a restart
	changes []bronze.Change
}

// stream receives the change stream from the bronze position onwards.
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
	st := &streamState{relations: map[uint32]*relation{}, durable: start, serverEnd: start}
	defer func() {
		if st.catalog != nil {
			st.catalog.Close(context.Background())
		}
	}()
	p.lastCompact = time.Now()
	p.setStatus(func(s *Status) { s.Durable, s.ServerEnd, s.Streaming = start, start, true })
	defer p.setStatus(func(s *Status) { s.Streaming = false })
	nextStatus := time.Now()
	for {
		if len(st.batch) > 0 && (len(st.batch) >= p.opts.MaxBatch || time.Since(st.batchSince) >= p.opts.FlushInterval) {
			if err := p.flush(st); err != nil {
				return err
			}
			nextStatus = time.Now()
		}
		if !time.Now().Before(nextStatus) {
			if err := p.sendStatus(ctx, repl, st); err != nil {
				return p.stopped(ctx, repl, st, err)
			}
			nextStatus = time.Now().Add(p.opts.StatusInterval)
		}
		deadline := nextStatus
		if len(st.batch) > 0 {
			if d := st.batchSince.Add(p.opts.FlushInterval); d.Before(deadline) {
				deadline = d
			}
		}
		rctx, cancel := context.WithDeadline(ctx, deadline)
		msg, err := repl.ReceiveMessage(rctx)
		cancel()
		if err != nil {
			if ctx.Err() == nil && pgconn.Timeout(err) {
				continue
			}
			return p.stopped(ctx, repl, st, err)
		}
		replyNow, err := p.receive(ctx, st, msg)
		if err != nil {
			return err
		}
		if replyNow {
			nextStatus = time.Now()
		}
	}
}

// stopped ends the stream: on cancellation it makes every complete
// transaction durable and acknowledges it; otherwise it reports err.
func (p *Postgres) stopped(ctx context.Context, repl *pgconn.PgConn, st *streamState, err error) error {
	if ctx.Err() == nil {
		return fmt.Errorf("ingest: replication stream: %w", err)
	}
	if ferr := p.flush(st); ferr != nil {
		return ferr
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = p.sendStatus(sctx, repl, st) // best effort: the position is durable in bronze either way
	return nil
}

func (p *Postgres) receive(ctx context.Context, st *streamState, msg pgproto3.BackendMessage) (replyNow bool, err error) {
	switch m := msg.(type) {
	case *pgproto3.ErrorResponse:
		return false, fmt.Errorf("ingest: replication error from server: %s (%s)", m.Message, m.Code)
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

// flush appends the committed transactions to bronze; only then does the
// durable position, which is acknowledged to the server, move.
func (p *Postgres) flush(st *streamState) error {
	if len(st.batch) == 0 {
		return nil
	}
	p.opts.Logger.Debug("appending to bronze", "changes", len(st.batch), "position", st.batchEnd)
	if err := p.log.Append(st.batch, bronze.Checkpoint{Position: st.batchEnd.String()}); err != nil {
		return err
	}
	n := int64(len(st.batch))
	st.durable = st.batchEnd
	st.batch = st.batch[:0]
	p.setStatus(func(s *Status) {
		s.Durable, s.Rows, s.Batches, s.LastCommit = st.durable, s.Rows+n, s.Batches+1, st.lastCommit
	})
	p.opts.Progress(Progress{Phase: "stream", Rows: p.Status().Rows})
	p.maybeCompact()
	return nil
}

// maybeCompact merges bronze's small files when CompactInterval has passed.
// A failed compaction changes nothing and is retried next time.
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

// sendStatus acknowledges the durable position. With nothing received but
// not yet durable, it acknowledges the server's WAL end instead, so an idle
// slot never holds WAL back.
func (p *Postgres) sendStatus(ctx context.Context, repl *pgconn.PgConn, st *streamState) error {
	pos := st.durable
	if st.txn == nil && len(st.batch) == 0 && st.serverEnd > pos {
		pos = st.serverEnd
	}
	if err := pglogrepl.SendStandbyStatusUpdate(ctx, repl, pglogrepl.StandbyStatusUpdate{WALWritePosition: pos}); err != nil {
		return fmt.Errorf("send standby status: %w", err)
	}
	p.setStatus(func(s *Status) { s.Acked = pos })
	return nil
}

var errNoRelation = errors.New("change for a relation the server has not described")
