package vocab

import (
	"bufio"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// openDuckDB opens an in-memory DuckDB closed with the test.
func openDuckDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// column is one column of a Parquet file as DuckDB describes it.
type column struct{ Name, Type string }

// describe reads the schema of a Parquet file back through DuckDB.
func describe(t testing.TB, db *sql.DB, path string) []column {
	t.Helper()
	rows, err := db.Query("DESCRIBE SELECT * FROM read_parquet(" + literal(path) + ")")
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out []column
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		out = append(out, column{Name: vals[0].(string), Type: vals[1].(string)})
	}
	require.NoError(t, rows.Err())
	return out
}

// countRows counts the rows of a Parquet file through DuckDB.
func countRows(t testing.TB, db *sql.DB, path string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.QueryRow("SELECT count(*) FROM read_parquet("+literal(path)+")").Scan(&n))
	return n
}

// dataLines counts the non-empty lines of a file after its header.
func dataLines(t testing.TB, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var n int64
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			n++
		}
	}
	require.NoError(t, sc.Err())
	return n - 1
}

// writeFiles writes name → content into dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
}
