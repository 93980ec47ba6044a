package warehouse_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/internal/cdmtest"
	"github.com/cdw-dev/cdw/warehouse"
)

// publishPersons publishes a snapshot whose PERSON table holds n persons.
func publishPersons(t *testing.T, store *cdm.Store, n int) cdm.Snapshot {
	t.Helper()
	return cdmtest.Publish(t, store, cdm.Snapshot{}, cdmtest.Exec(t, fmt.Sprintf(`INSERT INTO person (person_id, gender_concept_id, year_of_birth, race_concept_id, ethnicity_concept_id)
		SELECT i, CASE WHEN i %% 2 = 0 THEN 8507 ELSE 8532 END, 1950 + i %% 50, 0, 0 FROM range(1, %d) t(i)`, n+1)), "person")
}

func mustPath(t *testing.T, snap cdm.Snapshot, table string) string {
	t.Helper()
	p, ok := snap.Path(table)
	require.True(t, ok, table)
	return p
}

func count(t *testing.T, w *warehouse.Warehouse, q string) int64 {
	t.Helper()
	rows, err := w.Query(context.Background(), q)
	require.NoError(t, err)
	defer rows.Close()
	require.True(t, rows.Next())
	var n int64
	require.NoError(t, rows.Scan(&n))
	return n
}

func TestQueryFollowsSnapshots(t *testing.T) {
	ctx := context.Background()
	store := cdm.NewStore(t.TempDir())
	_, err := warehouse.Open(ctx, warehouse.Options{Store: store})
	require.ErrorIs(t, err, cdm.ErrNoSnapshot)

	first := publishPersons(t, store, 10)
	w, err := warehouse.Open(ctx, warehouse.Options{Store: store})
	require.NoError(t, err)
	defer w.Close()
	assert.Equal(t, int64(10), count(t, w, "SELECT count(*) FROM person"))
	assert.Equal(t, int64(5), count(t, w, "SELECT count(*) FROM PERSON WHERE gender_concept_id = 8507"))

	publishPersons(t, store, 25)
	moved, err := w.Refresh(ctx)
	require.NoError(t, err)
	assert.True(t, moved)
	assert.Equal(t, int64(25), count(t, w, "SELECT count(*) FROM person"))

	pinned, err := warehouse.Open(ctx, warehouse.Options{Store: store, SnapshotID: first.ID})
	require.NoError(t, err)
	defer pinned.Close()
	assert.Equal(t, int64(10), count(t, pinned, "SELECT count(*) FROM person"))
}

func TestUserSQLCannotEscape(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := cdm.NewStore(filepath.Join(dir, "cdm"))
	snap := publishPersons(t, store, 3)
	// A build's replay state (the source's identified rows) sits beside
	// the snapshots, where user SQL must not reach it.
	state := filepath.Join(store.StateDir(snap.ID), "state_src_patient.parquet")
	require.NoError(t, os.MkdirAll(filepath.Dir(state), 0o700))
	require.NoError(t, os.Link(mustPath(t, snap, "person"), state))
	secret := filepath.Join(dir, "secret.csv")
	require.NoError(t, os.WriteFile(secret, []byte("a,b\n1,2\n"), 0o600))
	out := filepath.Join(dir, "out.csv")
	w, err := warehouse.Open(ctx, warehouse.Options{Store: store})
	require.NoError(t, err)
	defer w.Close()

	for _, q := range []string{
		"COPY person TO '" + out + "'",
		"copy (select * from person) to '" + out + "' (format csv)",
		"/* harmless */ CoPy person TO '" + out + "'",
		"EXPORT DATABASE '" + dir + "'",
		"SELECT * FROM read_csv('" + secret + "')",
		"SELECT * FROM read_csv_auto('/etc/passwd')",
		"WITH x AS (SELECT * FROM read_text('/etc/hostname')) SELECT * FROM x",
		"SELECT * FROM glob('/etc/*')",
		"ATTACH '" + filepath.Join(dir, "x.db") + "' AS x",
		"INSTALL httpfs",
		"LOAD httpfs",
		"SET enable_external_access = true",
		"RESET lock_configuration",
		"PRAGMA enable_profiling",
		"CREATE TABLE t AS SELECT 1",
		"DROP VIEW person",
		"SELECT 1; COPY person TO '" + out + "'",
		"CALL pragma_version()",
		"SELECT * FROM read_parquet('" + secret + "')",
		"SELECT * FROM read_parquet('" + state + "')",
		"SELECT * FROM read_parquet('" + filepath.Join(snap.Dir, "..", "..", "state", snap.ID, "*.parquet") + "')",
		"",
	} {
		t.Run(q, func(t *testing.T) {
			rows, err := w.Query(ctx, q)
			if err == nil {
				for rows.Next() {
				}
				err = rows.Err()
				rows.Close()
			}
			require.Error(t, err, "must be refused")
			_, statErr := os.Stat(out)
			require.True(t, os.IsNotExist(statErr), "no file may be written")
		})
	}
	assert.Equal(t, int64(3), count(t, w, "SELECT count(*) FROM person"), "the warehouse still answers after refusals")
}
