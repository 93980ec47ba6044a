package ingest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// snapshot (re)creates the replication slot, exporting its snapshot, and
// copies every published table as it was at the slot's consistent point into
// bronze as "r" changes. A snapshot that did not complete is started over
// from an empty log, so a crash mid-snapshot can neither lose nor duplicate rows.
// conn, when not nil, is an open connection to the source to use.
func (p *Postgres) snapshot(ctx context.Context, repl *pgconn.PgConn, conn *pgx.Conn) error {
	if conn == nil || conn.IsClosed() {
		c, err := p.connect(ctx)
		if err != nil {
			return err
		}
		defer c.Close(context.Background())
		conn = c
	}
	if _, err := conn.Exec(ctx, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1", p.opts.Slot); err != nil {
		return slotError(fmt.Errorf("ingest: drop stale replication slot %s: %w", p.opts.Slot, err))
	}
	if err := p.log.Reset(); err != nil {
		return err
	}
	slot, err := pglogrepl.CreateReplicationSlot(ctx, repl, p.opts.Slot, "pgoutput",
		pglogrepl.CreateReplicationSlotOptions{SnapshotAction: "EXPORT_SNAPSHOT", Mode: pglogrepl.LogicalReplication})
	if err != nil {
		return slotError(fmt.Errorf("ingest: create replication slot %s: %w", p.opts.Slot, err))
	}
	point, err := pglogrepl.ParseLSN(slot.ConsistentPoint)
	if err != nil {
		return fmt.Errorf("ingest: slot consistent point %q: %w", slot.ConsistentPoint, err)
	}
	p.opts.Logger.Info("replication slot created", "slot", p.opts.Slot, "consistent_point", point)

	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("ingest: begin snapshot transaction: %w", err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+slot.SnapshotName+"'"); err != nil {
		return fmt.Errorf("ingest: import snapshot %s: %w", slot.SnapshotName, err)
	}
	tables, err := publishedTables(ctx, tx, p.opts.Publication)
	if err != nil {
		return err
	}
	if err := lockTables(ctx, tx, tables); err != nil {
		return err
	}
	p.opts.Logger.Debug("snapshot tables locked", "tables", len(tables))
	c := &snapshotCopy{p: p, tx: tx, lsn: int64(point), at: time.Now().UTC()}
	cctx, stopCount := context.WithCancel(ctx)
	counted := make(chan struct{})
	go func() {
		defer close(counted)
		p.countSnapshot(cctx, slot.SnapshotName, tables, &c.total)
	}()
	done := bronze.Checkpoint{SnapshotDone: true, SnapshotPosition: point.String(), Position: point.String(), Source: p.opts.Slot}
	err = c.run(ctx, tables, done)
	stopCount()
	<-counted
	if err != nil {
		return err
	}
	p.setStatus(func(s *Status) { s.Durable, s.Acked = point, point })
	p.opts.Logger.Info("initial snapshot complete", "tables", len(tables), "rows", c.flushed, "position", point)
	return nil
}

// publishedTables lists the publication's tables, schema-qualified, in a
// stable order.
func publishedTables(ctx context.Context, tx pgx.Tx, publication string) ([]string, error) {
	rows, err := tx.Query(ctx, "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1", publication)
	if err != nil {
		return nil, fmt.Errorf("ingest: list tables of publication %s: %w", publication, err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("ingest: list tables of publication %s: %w", publication, err)
	}
	return tables, nil
}

// lockTables takes ACCESS SHARE locks on every table at once, right after
// the snapshot is imported: a TRUNCATE (not MVCC-safe) committed after the
// slot's consistent point can then only empty a table for the copy in the
// moment before the locks, not while earlier tables are being copied.
func lockTables(ctx context.Context, tx pgx.Tx, tables []string) error {
	if len(tables) == 0 {
		return nil
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = pgx.Identifier(splitTable(t)).Sanitize()
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+joinComma(names)+" IN ACCESS SHARE MODE"); err != nil {
		return fmt.Errorf("ingest: lock the snapshot's tables: %w", err)
	}
	return nil
}

// countSnapshot stores in total how many rows the snapshot holds, counted
// on a connection of its own that imports the same snapshot, while the copy
// runs; until then Progress reports a Total of 0. It only serves Progress,
// so a failure leaves Total at 0 and the snapshot goes on.
func (p *Postgres) countSnapshot(ctx context.Context, snapshot string, tables []string, total *atomic.Int64) {
	n, err := func() (int64, error) {
		conn, err := p.connect(ctx)
		if err != nil {
			return 0, err
		}
		defer conn.Close(context.Background())
		tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return 0, err
		}
		defer tx.Rollback(context.Background())
		if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+snapshot+"'"); err != nil {
			return 0, err
		}
		return countRows(ctx, tx, tables)
	}()
	if err != nil {
		if ctx.Err() == nil {
			p.opts.Logger.Warn("could not count the snapshot's rows; progress shows no total", "err", err)
		}
		return
	}
	total.Store(n)
	p.opts.Logger.Debug("snapshot rows counted", "rows", n)
}

func countRows(ctx context.Context, tx pgx.Tx, tables []string) (int64, error) {
	var total int64
	for _, t := range tables {
		var n int64
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier(splitTable(t)).Sanitize()).Scan(&n); err != nil {
			return 0, fmt.Errorf("ingest: count rows of %s: %w", t, err)
		}
		total += n
	}
	return total, nil
}

// tableColumns returns the table's columns in order with their type and
// whether they belong to the key, by the rule keyColumns applies to the
// stream: the replica identity index for REPLICA IDENTITY USING INDEX,
// otherwise the primary key, otherwise every column.
func tableColumns(ctx context.Context, tx pgx.Tx, table string) ([]column, error) {
	const q = `
WITH rel AS (SELECT $1::regclass AS oid),
keyidx AS (
  SELECT i.indkey FROM pg_index i, pg_class c, rel
  WHERE i.indrelid = rel.oid AND c.oid = rel.oid
    AND CASE WHEN c.relreplident = 'i' THEN i.indisreplident ELSE i.indisprimary END)
SELECT a.attname, a.atttypid,
       CASE WHEN EXISTS (SELECT 1 FROM keyidx) THEN a.attnum = ANY ((SELECT indkey FROM keyidx)::int2[]) ELSE true END
FROM pg_attribute a, rel
WHERE a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`
	rows, err := tx.Query(ctx, q, pgx.Identifier(splitTable(table)).Sanitize())
	if err != nil {
		return nil, fmt.Errorf("ingest: columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.oid, &c.key); err != nil {
			return nil, fmt.Errorf("ingest: columns of %s: %w", table, err)
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

func splitTable(t string) []string {
	if i := strings.IndexByte(t, '.'); i >= 0 {
		return []string{t[:i], t[i+1:]}
	}
	return []string{"public", t}
}

func joinComma(s []string) string { return strings.Join(s, ", ") }
