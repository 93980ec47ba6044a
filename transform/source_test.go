package transform

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// TestCurrentStateReplaysChanges checks the replay's rules row by row: the
// latest change decides; a column an update omitted keeps its earlier
// value, one it set to null becomes NULL; deletes remove; a truncate hides
// everything before it; an update whose data is not JSON carries nothing
// and fails nothing; a value of the wrong type is NULL.
func TestCurrentStateReplaysChanges(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bronze")
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	c := func(lsn int64, op bronze.Op, key, data string) bronze.Change {
		return bronze.Change{LSN: lsn, Seq: 1, CommitTime: at, Op: op, Table: "t.x", Key: key, Data: data}
	}
	require.NoError(t, log.Append([]bronze.Change{
		c(1, bronze.OpRead, "[0]", `{"id":0,"a":"gone","b":"x"}`),
		c(2, bronze.OpTruncate, "[]", ""),
		c(3, bronze.OpCreate, "[1]", `{"id":1,"a":"one","b":"big text"}`),
		c(4, bronze.OpUpdate, "[1]", `{"id":1,"a":"uno"}`), // b unchanged and TOASTed: omitted
		c(5, bronze.OpCreate, "[2]", `{"id":2,"a":"two","b":"bee"}`),
		c(6, bronze.OpUpdate, "[2]", `{"id":2,"a":"two","b":null}`),
		c(7, bronze.OpCreate, "[3]", `{"id":3,"a":"three","b":"c"}`),
		c(8, bronze.OpDelete, "[3]", ""),
		c(9, bronze.OpCreate, "[4]", `{"id":4,"a":"four","b":"d","extra":[1,2]}`),
		c(10, bronze.OpUpdate, "[4]", `not json`),
		c(11, bronze.OpCreate, "[5]", `{"id":"five?","a":{"nested":true},"b":"e"}`),
	}, bronze.Checkpoint{Position: "p", SnapshotDone: true}))
	require.NoError(t, log.Close())

	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	tbl := sourceTable{"t.x", "src_x", cols("id BIGINT, a VARCHAR, b VARCHAR")}
	set, err := bronze.ReadSet(filepath.Dir(dir))
	require.NoError(t, err)
	_, err = db.Exec(currentStateSQL(tbl, set.Paths("t.x")))
	require.NoError(t, err)
	rows, err := db.Query("SELECT _key, id, a, b FROM src_x ORDER BY _key")
	require.NoError(t, err)
	defer rows.Close()
	type row struct {
		key  string
		id   sql.NullInt64
		a, b sql.NullString
	}
	var got []row
	for rows.Next() {
		var r row
		require.NoError(t, rows.Scan(&r.key, &r.id, &r.a, &r.b))
		got = append(got, r)
	}
	require.NoError(t, rows.Err())
	str := func(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
	id := func(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: true} }
	assert.Equal(t, []row{
		{"[1]", id(1), str("uno"), str("big text")},
		{"[2]", id(2), str("two"), sql.NullString{}},
		{"[4]", id(4), str("four"), str("d")},
		{"[5]", sql.NullInt64{}, str(`{"nested":true}`), str("e")},
	}, got)
}
