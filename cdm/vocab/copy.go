package vocab

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// copyTable streams src into <dir>/<table>.parquet through conn and reports
// its rows and the lines DuckDB rejected. Rejected lines never fail the copy.
func copyTable(ctx context.Context, conn *sql.Conn, src source, dir string, samples int) (TableResult, error) {
	start := time.Now()
	res := TableResult{Table: src.table.Name, File: src.path}
	fm, err := sniffFile(src.path, src.table)
	if err != nil {
		return res, err
	}
	out := filepath.Join(dir, src.table.Name+".parquet")
	r, err := conn.ExecContext(ctx, fmt.Sprintf(
		"COPY (SELECT * FROM %s) TO %s (FORMAT parquet, COMPRESSION zstd)",
		readCSV(src, fm), literal(out)))
	if err != nil {
		return res, fmt.Errorf("vocab: load %s: %w", src.path, err)
	}
	if res.Rows, err = r.RowsAffected(); err != nil {
		return res, fmt.Errorf("vocab: load %s: %w", src.path, err)
	}
	if res.Rejected, res.Rejects, err = rejects(ctx, conn, src, samples); err != nil {
		return res, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

// readCSV is the read_csv call that parses src with fm: explicit columns with
// the DDL's names and types (so nothing is sniffed and a file streams), and
// unparsable lines stored in per-table rejects tables instead of failing.
func readCSV(src source, fm format) string {
	cols := make([]string, len(src.table.Columns))
	for i, c := range src.table.Columns {
		cols[i] = fmt.Sprintf("%s: %s", literal(c.Name), literal(c.DuckDBType()))
	}
	opts := []string{
		"header = true", "auto_detect = false",
		"columns = {" + strings.Join(cols, ", ") + "}",
		"delim = " + literal(string(fm.delim)),
		"store_rejects = true",
		"rejects_table = " + literal(rejectsTable(src)),
		"rejects_scan = " + literal(rejectsScan(src)),
	}
	if fm.quoted {
		opts = append(opts, `quote = '"'`, `escape = '"'`)
	} else {
		opts = append(opts, "quote = ''", "escape = ''")
	}
	if fm.compactDates {
		opts = append(opts, "dateformat = '%Y%m%d'")
	}
	return fmt.Sprintf("read_csv(%s, %s)", literal(src.path), strings.Join(opts, ", "))
}

func rejectsTable(src source) string { return "rejects_" + src.table.Name }
func rejectsScan(src source) string  { return "rejects_scan_" + src.table.Name }

// rejects counts the distinct lines DuckDB rejected while reading src and
// returns the first samples of them in line order.
func rejects(ctx context.Context, conn *sql.Conn, src source, samples int) (int64, []Reject, error) {
	var n int64
	q := fmt.Sprintf("SELECT count(DISTINCT line) FROM %s", rejectsTable(src))
	if err := conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, nil, fmt.Errorf("vocab: count rejects of %s: %w", src.path, err)
	}
	if n == 0 {
		return 0, nil, nil
	}
	// DuckDB records one error per bad field; a line's reason is its
	// structural error (wrong column count) or else its first bad field.
	q = fmt.Sprintf(`SELECT line,
			first(error_message ORDER BY error_type NOT IN ('MISSING COLUMNS', 'TOO MANY COLUMNS'), column_idx),
			count(*) - 1, any_value(csv_line)
		FROM %s GROUP BY line ORDER BY line LIMIT %d`, rejectsTable(src), samples)
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return 0, nil, fmt.Errorf("vocab: read rejects of %s: %w", src.path, err)
	}
	defer rows.Close()
	var out []Reject
	for rows.Next() {
		rj := Reject{File: src.path}
		var text sql.NullString
		var more int64
		if err := rows.Scan(&rj.Line, &rj.Reason, &more, &text); err != nil {
			return 0, nil, fmt.Errorf("vocab: read rejects of %s: %w", src.path, err)
		}
		if more > 0 {
			rj.Reason += fmt.Sprintf(" (and %d more errors on this line)", more)
		}
		rj.Text = text.String
		out = append(out, rj)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("vocab: read rejects of %s: %w", src.path, err)
	}
	return n, out, nil
}

// literal quotes s as a SQL string literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
