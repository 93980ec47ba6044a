package search

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"

	"github.com/cdw-dev/cdw/cdm"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver
)

// insertChunk is how many ids one INSERT statement loads into DuckDB.
const insertChunk = 1000

// differ is a private, in-memory DuckDB session that reads NOTE Parquet
// files of CDM snapshots and works out what a Sync must change. Everything
// runs on one connection; temporary spill files go to a private directory
// that close removes.
type differ struct {
	db    *sql.DB
	conn  *sql.Conn
	tmp   string
	empty bool // the empty "note" table has been created
}

// openDiffer starts a DuckDB session.
func openDiffer(ctx context.Context) (*differ, error) {
	tmp, err := os.MkdirTemp("", "cdw-search-duckdb-")
	if err != nil {
		return nil, fmt.Errorf("create DuckDB spill directory: %w", err)
	}
	d := &differ{tmp: tmp}
	if d.db, err = sql.Open("duckdb", ""); err != nil {
		d.close()
		return nil, fmt.Errorf("open DuckDB: %w", err)
	}
	if d.conn, err = d.db.Conn(ctx); err != nil {
		d.close()
		return nil, fmt.Errorf("connect to DuckDB: %w", err)
	}
	err = d.exec(ctx,
		"SET temp_directory = "+quote(tmp),
		"SET preserve_insertion_order = false",
	)
	if err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// close ends the session and removes its spill directory.
func (d *differ) close() {
	if d.conn != nil {
		d.conn.Close()
	}
	if d.db != nil {
		d.db.Close()
	}
	os.RemoveAll(d.tmp)
}

// exec runs statements in order, stopping at the first that fails.
func (d *differ) exec(ctx context.Context, stmts ...string) error {
	for _, s := range stmts {
		if _, err := d.conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("duckdb: %s: %w", firstLine(s), err)
		}
	}
	return nil
}

// count returns the single integer query yields.
func (d *differ) count(ctx context.Context, query string) (int, error) {
	var n int64
	if err := d.conn.QueryRowContext(ctx, query).Scan(&n); err != nil {
		return 0, fmt.Errorf("duckdb: %s: %w", firstLine(query), err)
	}
	return int(n), nil
}

// each runs query and calls fn for every row while the rows stream in.
func (d *differ) each(ctx context.Context, query string, fn func(*sql.Rows) error) error {
	rows, err := d.conn.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("duckdb: %s: %w", firstLine(query), err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("duckdb: %s: %w", firstLine(query), err)
	}
	return nil
}

// eachNote calls fn with every row of relation rel (selected with
// noteColumns) whose note_id is in table keys. The Go driver materialises
// a result before handing out rows, so the rows are read in pages of
// pageRows notes by note_id range; each page reads only the Parquet row
// groups its range can touch.
func (d *differ) eachNote(ctx context.Context, rel, keys string, pageRows int, fn func(*sql.Rows) error) error {
	bounds, err := d.pageBounds(ctx, keys, pageRows)
	if err != nil {
		return err
	}
	for i, lo := range bounds {
		where := fmt.Sprintf("note_id >= %d", lo)
		if i+1 < len(bounds) {
			where += fmt.Sprintf(" AND note_id < %d", bounds[i+1])
		}
		q := fmt.Sprintf("SELECT %s FROM %s WHERE %s AND note_id IN (SELECT note_id FROM %s WHERE %s)",
			noteColumns, rel, where, keys, where)
		if err := d.each(ctx, q, fn); err != nil {
			return err
		}
	}
	return nil
}

// pageBounds returns the lowest note_id of each page of pageRows ids of
// table keys, ascending.
func (d *differ) pageBounds(ctx context.Context, keys string, pageRows int) ([]int64, error) {
	var bounds []int64
	q := fmt.Sprintf(`SELECT note_id FROM (
		SELECT note_id, row_number() OVER (ORDER BY note_id) AS rn FROM %s)
		WHERE (rn - 1) %% %d = 0 ORDER BY note_id`, keys, max(pageRows, 1))
	err := d.each(ctx, q, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("scan page bound: %w", err)
		}
		bounds = append(bounds, id)
		return nil
	})
	return bounds, err
}

// defineNotes creates view name over the NOTE table of snap; a snapshot
// without one gets an empty NOTE table with OHDSI's columns.
func (d *differ) defineNotes(ctx context.Context, name string, snap cdm.Snapshot) error {
	path, ok := snap.Path("note")
	if ok {
		return d.exec(ctx, fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet(%s)", name, quote(path)))
	}
	if !d.empty {
		ddl, err := cdm.DDL("", "note")
		if err != nil {
			return fmt.Errorf("empty NOTE table: %w", err)
		}
		if err := d.exec(ctx, ddl); err != nil {
			return err
		}
		d.empty = true
	}
	return d.exec(ctx, fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM note", name))
}

// columns returns the column names of relation name, in order.
func (d *differ) columns(ctx context.Context, name string) ([]string, error) {
	var cols []string
	err := d.each(ctx, fmt.Sprintf("SELECT column_name FROM (DESCRIBE %s)", name), func(rows *sql.Rows) error {
		var c string
		if err := rows.Scan(&c); err != nil {
			return fmt.Errorf("describe %s: %w", name, err)
		}
		cols = append(cols, c)
		return nil
	})
	return cols, err
}

// loadIDs creates table name(id VARCHAR) holding every id that each yields.
func (d *differ) loadIDs(ctx context.Context, name string, each func(func(string) error) error) error {
	if err := d.exec(ctx, fmt.Sprintf("CREATE TABLE %s (id VARCHAR)", name)); err != nil {
		return err
	}
	chunk := make([]any, 0, insertChunk)
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		stmt := fmt.Sprintf("INSERT INTO %s VALUES %s", name, strings.Repeat("(?),", len(chunk)-1)+"(?)")
		if _, err := d.conn.ExecContext(ctx, stmt, chunk...); err != nil {
			return fmt.Errorf("duckdb: load ids into %s: %w", name, err)
		}
		chunk = chunk[:0]
		return nil
	}
	err := each(func(id string) error {
		chunk = append(chunk, id)
		if len(chunk) == insertChunk {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// quote returns s as a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteIdent returns s as a SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// firstLine shortens a statement for an error message.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if len(s) > 120 {
		s = s[:120] + " …"
	}
	return s
}
