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
		return fmt.Errorf("ingest: drop stale replication slot %s: %w", p.opts.Slot, err)
	}
	if err := p.log.Reset(); err != nil {
		return err
	}
	slot, err := pglogrepl.CreateReplicationSlot(ctx, repl, p.opts.Slot, "pgoutput",
		pglogrepl.CreateReplicationSlotOptions{SnapshotAction: "EXPORT_SNAPSHOT", Mode: pglogrepl.LogicalReplication})
	if err != nil {
		return fmt.Errorf("ingest: create replication slot %s: %w", p.opts.Slot, err)
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
	p.setStatus(func(s *Status) { s.Durable = point })
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
// whether they belong to the replica identity, the same key pgoutput flags.
func tableColumns(ctx context.Context, tx pgx.Tx, table string) ([]column, error) {
	const q = `
SELECT a.attname, a.atttypid,
       CASE c.relreplident
         WHEN 'f' THEN true
         WHEN 'i' THEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident AND a.attnum = ANY (i.indkey))
         WHEN 'd' THEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey))
         ELSE false
       END
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
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
