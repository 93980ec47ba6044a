package ingest

import (
	"context"
	"fmt"
	"strings"
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
func (p *Postgres) snapshot(ctx context.Context, repl *pgconn.PgConn) error {
	conn, err := p.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
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
	total, err := countRows(ctx, tx, tables)
	if err != nil {
		return err
	}
	c := &snapshotCopy{p: p, tx: tx, lsn: int64(point), total: total, at: time.Now().UTC()}
	for _, t := range tables {
		if err := c.table(ctx, t); err != nil {
			return err
		}
	}
	if err := c.flush(bronze.Checkpoint{SnapshotDone: true, SnapshotPosition: point.String(), Position: point.String(), Source: p.opts.Slot}); err != nil {
		return err
	}
	p.setStatus(func(s *Status) { s.Durable, s.Acked = point, point })
	p.opts.Logger.Info("initial snapshot complete", "tables", len(tables), "rows", c.done, "position", point)
	return nil
}

// snapshotCopy streams the snapshot's tables into bronze in bounded batches.
type snapshotCopy struct {
	p     *Postgres
	tx    pgx.Tx
	lsn   int64
	seq   int64
	at    time.Time
	batch []bronze.Change
	done  int64
	total int64
	enc   rowEncoder
}

func (c *snapshotCopy) table(ctx context.Context, table string) error {
	cols, err := tableColumns(ctx, c.tx, table)
	if err != nil {
		return err
	}
	rows, err := c.tx.Query(ctx, "SELECT * FROM "+pgx.Identifier(splitTable(table)).Sanitize(), pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return fmt.Errorf("ingest: snapshot %s: %w", table, err)
	}
	defer rows.Close()
	fields := rows.FieldDescriptions()
	if len(fields) != len(cols) {
		return fmt.Errorf("ingest: snapshot %s: %d columns returned, %d expected", table, len(fields), len(cols))
	}
	vals := make([]value, len(cols))
	for rows.Next() {
		for i, raw := range rows.RawValues() {
			vals[i] = value{text: raw, null: raw == nil}
		}
		key, data := c.enc.encode(cols, vals)
		c.seq++
		c.batch = append(c.batch, bronze.Change{LSN: c.lsn, Seq: c.seq, CommitTime: c.at, Op: bronze.OpRead, Table: table, Key: key, Data: data})
		c.done++
		if len(c.batch) >= c.p.opts.MaxBatch {
			if err := c.flush(bronze.Checkpoint{Source: c.p.opts.Slot}); err != nil {
				return err
			}
			c.p.opts.Progress(Progress{Phase: "snapshot", Table: table, Rows: c.done, Total: c.total})
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ingest: snapshot %s: %w", table, err)
	}
	c.p.opts.Progress(Progress{Phase: "snapshot", Table: table, Rows: c.done, Total: c.total})
	return nil
}

func (c *snapshotCopy) flush(cp bronze.Checkpoint) error {
	if err := c.p.log.Append(c.batch, cp); err != nil {
		return err
	}
	n := int64(len(c.batch))
	c.p.setStatus(func(s *Status) { s.SnapshotRows, s.Batches = s.SnapshotRows+n, s.Batches+1 })
	c.batch = c.batch[:0]
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
