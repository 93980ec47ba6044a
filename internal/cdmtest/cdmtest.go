// Package cdmtest publishes small, real CDM snapshots for tests the way
// transform does: OMOP tables created from OHDSI's DDL in DuckDB, filled by
// the test, written as Parquet and published through cdm.Store.
package cdmtest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
)

// Publish creates the named OMOP tables in an in-memory DuckDB, lets fill
// insert rows, writes every table to Parquet and publishes them as the
// store's current snapshot. meta may set ID, Created or SourceLSN.
func Publish(t testing.TB, store *cdm.Store, meta cdm.Snapshot, fill func(db *sql.DB), tables ...string) cdm.Snapshot {
	t.Helper()
	staged, err := store.Stage()
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	ddl, err := cdm.DDL("", tables...)
	require.NoError(t, err)
	_, err = db.Exec(ddl)
	require.NoError(t, err)
	fill(db)
	meta.Tables = map[string]cdm.TableFile{}
	for _, name := range tables {
		file := name + ".parquet"
		_, err = db.Exec(fmt.Sprintf("COPY %s TO '%s' (FORMAT parquet)", name, strings.ReplaceAll(filepath.Join(staged, file), "'", "''")))
		require.NoError(t, err)
		var n int64
		require.NoError(t, db.QueryRow("SELECT count(*) FROM "+name).Scan(&n))
		meta.Tables[name] = cdm.TableFile{File: file, Rows: n}
	}
	snap, err := store.Publish(staged, meta)
	require.NoError(t, err)
	return snap
}

// Exec returns a fill function that runs the statements in order.
func Exec(t testing.TB, stmts ...string) func(db *sql.DB) {
	return func(db *sql.DB) {
		for _, s := range stmts {
			_, err := db.Exec(s)
			require.NoError(t, err, s)
		}
	}
}

// Conn returns a connection, closed when the test ends, to an in-memory
// DuckDB (dsn, "" for the defaults) holding the named OMOP tables (all of
// them when none are named), empty, created from OHDSI's DDL after edit
// (nil leaves the DDL as it is).
func Conn(t testing.TB, dsn string, edit func(ddl string) string, tables ...string) *sql.Conn {
	t.Helper()
	db, err := sql.Open("duckdb", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	ddl, err := cdm.DDL("", tables...)
	require.NoError(t, err)
	if edit != nil {
		ddl = edit(ddl)
	}
	_, err = conn.ExecContext(context.Background(), ddl)
	require.NoError(t, err)
	return conn
}
