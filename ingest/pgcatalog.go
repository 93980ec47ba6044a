package ingest

import (
	"context"
	"fmt"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
)

// relation is a table as the stream knows it: its name and columns, with the
// key chosen by keyColumns.
type relation struct {
	table string
	cols  []column
}

// keyColumns decides which columns form a row's bronze Key, the same rule
// the snapshot applies (tableColumns): the replica identity when it is the
// primary key (DEFAULT) or an index (USING INDEX); otherwise (FULL, NOTHING,
// or DEFAULT without a primary key) the primary key when the table has one,
// else every column. pgoutput flags every column as identity under FULL, so
// without this an ordinary update of a FULL table would look like a new key.
func (p *Postgres) keyColumns(ctx context.Context, st *streamState, m *pglogrepl.RelationMessage) (*relation, error) {
	rel := &relation{table: m.Namespace + "." + m.RelationName, cols: make([]column, len(m.Columns))}
	flagged := 0
	for i, c := range m.Columns {
		rel.cols[i] = column{name: c.Name, oid: c.DataType, key: c.Flags&1 == 1}
		if rel.cols[i].key {
			flagged++
		}
	}
	labelColumns(rel.cols)
	if flagged > 0 && (m.ReplicaIdentity == 'd' || m.ReplicaIdentity == 'i') {
		return rel, nil
	}
	pk, err := p.primaryKey(ctx, st, m.RelationID)
	if err != nil {
		return nil, err
	}
	for i := range rel.cols {
		rel.cols[i].key = len(pk) == 0 || pk[rel.cols[i].name]
	}
	return rel, nil
}

// primaryKey returns the names of the relation's primary-key columns (none
// when it has no primary key or no longer exists), read from the current
// catalog on a connection the stream opens on first use.
func (p *Postgres) primaryKey(ctx context.Context, st *streamState, relID uint32) (map[string]bool, error) {
	if st.catalog == nil {
		conn, err := p.connect(ctx)
		if err != nil {
			return nil, err
		}
		st.catalog = conn
	}
	const q = `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
WHERE i.indrelid = $1 AND i.indisprimary`
	rows, err := st.catalog.Query(ctx, q, relID)
	if err != nil {
		return nil, fmt.Errorf("ingest: primary key of relation %d: %w", relID, err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("ingest: primary key of relation %d: %w", relID, err)
	}
	pk := make(map[string]bool, len(names))
	for _, n := range names {
		pk[n] = true
	}
	return pk, nil
}
