package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// PostgresOptions configures the PostgreSQL logical-replication door.
type PostgresOptions struct {
	// ConnString is a libpq URL or DSN of the source database. Required. The
	// role needs REPLICATION (and, for FOR ALL TABLES, ownership or superuser).
	ConnString string
	// Slot and Publication name the replication slot and publication cdw
	// creates when missing (default "cdw" for both).
	Slot, Publication string
	// Tables restricts the publication to these schema-qualified tables; empty
	// publishes all tables (new tables are then picked up while streaming).
	Tables []string
	// FlushInterval bounds how long an accepted change waits before it is made
	// durable (default 500ms); MaxBatch bounds the changes per append (default 20,000).
	// While streaming, appends run beside the receiving, one at a time: a
	// batch is handed over when the previous append is done and the batch is
	// full, is FlushInterval old, or the server has paused for 10ms (such an
	// early append at most every FlushInterval/10).
	FlushInterval time.Duration
	MaxBatch      int
	// StatusInterval is how often the standby status is sent (default 10s).
	StatusInterval time.Duration
	// CompactInterval is how often, while streaming, bronze's small files
	// are merged (default 30s); Compact bounds each compaction.
	CompactInterval time.Duration
	Compact         bronze.CompactOptions
	// SlotWait bounds how long Run waits for the replication slot while the
	// server still holds it for an earlier connection, as it briefly does
	// after the door's previous process died (default 60s).
	SlotWait time.Duration
	// Retries bounds how many sessions in a row Run starts again after a
	// transient failure (a lost connection, a server restart, an internal
	// error in the server's decoding), each resuming from bronze's durable
	// position after a backoff of 0.1s doubling to 30s; the count starts
	// over after a session that ran for a minute. Default 8; negative: none.
	Retries int
	Logger  *slog.Logger
	// Progress, when set, is called as the snapshot and the stream advance.
	Progress func(Progress)
	// Registerer, when set, receives the door's metrics (see RegisterMetrics).
	Registerer prometheus.Registerer
}

// Progress reports how far the door has come.
type Progress struct {
	Phase string // "snapshot" or "stream"
	Table string // the table being snapshotted
	Rows  int64  // rows made durable in this phase (snapshot: of the whole snapshot)
	Total int64  // rows the snapshot will read; 0 while streaming and until counted
}

var identRe = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

func (o *PostgresOptions) validate() error {
	if o.ConnString == "" {
		return errors.New("ingest: PostgresOptions.ConnString is required")
	}
	if o.Slot == "" {
		o.Slot = "cdw"
	}
	if o.Publication == "" {
		o.Publication = "cdw"
	}
	for _, n := range []string{o.Slot, o.Publication} {
		if !identRe.MatchString(n) {
			return fmt.Errorf("ingest: invalid slot or publication name %q (lower-case letters, digits and _ only)", n)
		}
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = 500 * time.Millisecond
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 20000
	}
	if o.StatusInterval <= 0 {
		o.StatusInterval = 10 * time.Second
	}
	if o.CompactInterval <= 0 {
		o.CompactInterval = 30 * time.Second
	}
	if o.SlotWait <= 0 {
		o.SlotWait = 60 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 8
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Progress == nil {
		o.Progress = func(Progress) {}
	}
	return nil
}

// Postgres streams a PostgreSQL database into the bronze log.
type Postgres struct {
	opts PostgresOptions
	log  *bronze.Log

	mu     sync.Mutex // guards status
	status Status

	lastCompact time.Time // owned by the stream loop
}

// Status is the door's position and lag.
type Status struct {
	Durable      pglogrepl.LSN // everything up to here is in bronze
	ServerEnd    pglogrepl.LSN // the server's WAL end at the last message
	Acked        pglogrepl.LSN // the position last acknowledged to the server
	Rows         int64         // streamed changes appended since NewPostgres
	SnapshotRows int64         // snapshot rows appended since NewPostgres
	Batches      int64         // appends to bronze since NewPostgres
	Retries      int64         // sessions started again after a transient failure
	LastCommit   time.Time     // commit time of the newest appended change
	Streaming    bool
}

// LagBytes is the WAL the server has sent that the door has neither made
// durable in bronze nor acknowledged as holding nothing for it.
func (s Status) LagBytes() int64 {
	done := max(s.Durable, s.Acked)
	if s.ServerEnd <= done {
		return 0
	}
	return int64(s.ServerEnd - done)
}

// NewPostgres returns the door appending to log. Nothing connects until Run.
func NewPostgres(log *bronze.Log, opts PostgresOptions) (*Postgres, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	p := &Postgres{opts: opts, log: log}
	if opts.Registerer != nil {
		if err := p.RegisterMetrics(opts.Registerer); err != nil {
			return nil, fmt.Errorf("ingest: register metrics: %w", err)
		}
	}
	return p, nil
}

// Status returns the door's current position.
func (p *Postgres) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

func (p *Postgres) setStatus(f func(*Status)) {
	p.mu.Lock()
	f(&p.status)
	p.mu.Unlock()
}

// Run takes the initial snapshot when bronze has none, then streams changes
// until ctx is done. It returns nil after a cancellation, once every change
// received in full has been made durable and acknowledged. While the server
// still holds the slot for an earlier connection (after a crash of the
// previous process), Run retries for up to SlotWait before it returns an
// error wrapping ErrSlotInUse.
func (p *Postgres) Run(ctx context.Context) error {
	// The replication connection opens while the publication is checked.
	early := make(chan *pgconn.PgConn, 1)
	go func() {
		repl, err := p.connectReplication(ctx)
		if err != nil {
			repl = nil // the session connects again and reports why
		}
		early <- repl
	}()
	conn, err := p.connect(ctx)
	if err == nil {
		err = p.ensurePublication(ctx, conn)
	}
	repl := <-early
	if err != nil {
		if conn != nil {
			conn.Close(context.Background())
		}
		if repl != nil {
			repl.Close(context.Background())
		}
		return err
	}
	p.opts.Logger.Debug("publication ready", "publication", p.opts.Publication)
	deadline := time.Now().Add(p.opts.SlotWait)
	retry := retryPolicy{limit: max(p.opts.Retries, 0)}
	for wait := 20 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		began := time.Now()
		err := p.session(ctx, conn, repl)
		conn, repl = nil, nil // the first session took them over
		pause := wait
		switch {
		case err == nil || ctx.Err() != nil:
			return err
		case errors.Is(err, ErrSlotInUse):
			if time.Now().After(deadline) {
				return err
			}
			p.opts.Logger.Info("replication slot still in use; retrying", "slot", p.opts.Slot, "err", err)
		default:
			backoff, ok := retry.next(err, time.Since(began))
			if !ok {
				return err
			}
			pause = backoff
			deadline = time.Now().Add(p.opts.SlotWait) // the server may hold the slot a moment
			p.opts.Logger.Warn("replication session failed; resuming from bronze's durable position",
				"err", err, "attempt", retry.failed, "of", retry.limit, "backoff", backoff)
			p.setStatus(func(s *Status) { s.Retries++ })
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
	}
}

// session runs one replication connection: the snapshot when needed, then
// the stream. It owns conn and repl, open connections to the source or nil
// (it then opens its own): the snapshot uses conn, which is closed before
// the stream starts.
func (p *Postgres) session(ctx context.Context, conn *pgx.Conn, repl *pgconn.PgConn) error {
	closeConn := func() {
		if conn != nil {
			conn.Close(context.Background())
			conn = nil
		}
	}
	defer closeConn()
	if repl == nil {
		var err error
		if repl, err = p.connectReplication(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
	defer repl.Close(context.Background())
	p.opts.Logger.Debug("replication connection open")
	if !p.log.Manifest().SnapshotDone {
		if err := p.snapshot(ctx, repl, conn); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
	closeConn()
	return p.stream(ctx, repl)
}

// ErrSlotInUse reports that the replication slot is active for another
// connection.
var ErrSlotInUse = errors.New("ingest: replication slot is in use by another connection")

// ErrPublication reports a publication that does not publish every kind of
// change (insert, update, delete and truncate) the door needs.
var ErrPublication = errors.New("ingest: publication does not publish every change kind")

// slotError wraps err with ErrSlotInUse when the server refused because the
// slot is active elsewhere (SQLSTATE 55006, object_in_use), or exists
// although it was just dropped (42710, duplicate_object: the walsender of a
// dead connection finished creating it late).
func slotError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "55006" || pgErr.Code == "42710") {
		return fmt.Errorf("%w: %w", ErrSlotInUse, err)
	}
	return err
}

func (p *Postgres) connectReplication(ctx context.Context) (*pgconn.PgConn, error) {
	cfg, err := pgconn.ParseConfig(p.opts.ConnString)
	if err != nil {
		return nil, fmt.Errorf("ingest: parse connection string: %w", err)
	}
	cfg.RuntimeParams["replication"] = "database"
	for k, v := range sessionParams {
		cfg.RuntimeParams[k] = v
	}
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("ingest: open replication connection: %w", err)
	}
	return conn, nil
}

func (p *Postgres) connect(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(p.opts.ConnString)
	if err != nil {
		return nil, fmt.Errorf("ingest: parse connection string: %w", err)
	}
	for k, v := range sessionParams {
		cfg.RuntimeParams[k] = v
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("ingest: connect to source: %w", err)
	}
	return conn, nil
}

// ensurePublication creates the publication when it does not exist, and
// refuses one that leaves out a change kind (ErrPublication): bronze could
// then not replay to the source's state.
func (p *Postgres) ensurePublication(ctx context.Context, conn *pgx.Conn) error {
	var exists, ins, upd, del, trunc bool
	err := conn.QueryRow(ctx, "SELECT true, pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication WHERE pubname = $1",
		p.opts.Publication).Scan(&exists, &ins, &upd, &del, &trunc)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("ingest: look up publication %s: %w", p.opts.Publication, err)
	}
	if exists {
		if !(ins && upd && del && trunc) {
			return fmt.Errorf("%w: %s publishes insert=%t update=%t delete=%t truncate=%t; ALTER PUBLICATION %s SET (publish = 'insert, update, delete, truncate')",
				ErrPublication, p.opts.Publication, ins, upd, del, trunc, p.opts.Publication)
		}
		return nil
	}
	q := "CREATE PUBLICATION " + p.opts.Publication + " FOR ALL TABLES"
	if len(p.opts.Tables) > 0 {
		names := make([]string, len(p.opts.Tables))
		for i, t := range p.opts.Tables {
			names[i] = pgx.Identifier(splitTable(t)).Sanitize()
		}
		q = "CREATE PUBLICATION " + p.opts.Publication + " FOR TABLE " + joinComma(names)
	}
	q += " WITH (publish = 'insert, update, delete, truncate')"
	if _, err := conn.Exec(ctx, q); err != nil {
		return fmt.Errorf("ingest: create publication %s: %w", p.opts.Publication, err)
	}
	p.opts.Logger.Info("created publication", "publication", p.opts.Publication)
	return nil
}
