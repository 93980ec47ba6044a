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
	FlushInterval time.Duration
	MaxBatch      int
	// StatusInterval is how often the standby status is sent (default 10s).
	StatusInterval time.Duration
	// CompactInterval is how often, while streaming, bronze's small files
	// are merged (default 30s); Compact bounds each compaction.
	CompactInterval time.Duration
	Compact         bronze.CompactOptions
	Logger          *slog.Logger
	// Progress, when set, is called as the snapshot and the stream advance.
	Progress func(Progress)
}

// Progress reports how far the door has come.
type Progress struct {
	Phase string // "snapshot" or "stream"
	Table string // the table being snapshotted
	Rows  int64  // rows done in this phase (snapshot: of the whole snapshot)
	Total int64  // rows the snapshot will read (0 while streaming)
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
	Durable    pglogrepl.LSN // everything up to here is in bronze
	ServerEnd  pglogrepl.LSN // the server's WAL end at the last message
	Acked      pglogrepl.LSN // the position last acknowledged to the server
	Rows       int64         // changes appended since Run started
	LastCommit time.Time     // commit time of the newest appended change
	Streaming  bool
}

// LagBytes is the WAL the server has written that bronze does not hold yet.
func (s Status) LagBytes() int64 {
	if s.ServerEnd <= s.Durable {
		return 0
	}
	return int64(s.ServerEnd - s.Durable)
}

// NewPostgres returns the door appending to log. Nothing connects until Run.
func NewPostgres(log *bronze.Log, opts PostgresOptions) (*Postgres, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return &Postgres{opts: opts, log: log}, nil
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
// received in full has been made durable and acknowledged.
func (p *Postgres) Run(ctx context.Context) error {
	if err := p.ensurePublication(ctx); err != nil {
		return err
	}
	repl, err := p.connectReplication(ctx)
	if err != nil {
		return err
	}
	defer repl.Close(context.Background())
	if !p.log.Manifest().SnapshotDone {
		if err := p.snapshot(ctx, repl); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
	return p.stream(ctx, repl)
}

func (p *Postgres) connectReplication(ctx context.Context) (*pgconn.PgConn, error) {
	cfg, err := pgconn.ParseConfig(p.opts.ConnString)
	if err != nil {
		return nil, fmt.Errorf("ingest: parse connection string: %w", err)
	}
	cfg.RuntimeParams["replication"] = "database"
	cfg.RuntimeParams["TimeZone"] = "UTC"
	cfg.RuntimeParams["DateStyle"] = "ISO, YMD"
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
	cfg.RuntimeParams["TimeZone"] = "UTC"
	cfg.RuntimeParams["DateStyle"] = "ISO, YMD"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("ingest: connect to source: %w", err)
	}
	return conn, nil
}

// ensurePublication creates the publication when it does not exist.
func (p *Postgres) ensurePublication(ctx context.Context) error {
	conn, err := p.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1)", p.opts.Publication).Scan(&exists); err != nil {
		return fmt.Errorf("ingest: look up publication %s: %w", p.opts.Publication, err)
	}
	if exists {
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
	if _, err := conn.Exec(ctx, q); err != nil {
		return fmt.Errorf("ingest: create publication %s: %w", p.opts.Publication, err)
	}
	p.opts.Logger.Info("created publication", "publication", p.opts.Publication)
	return nil
}
