package bronze_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

func batch(lsn int64, n int) []bronze.Change {
	var out []bronze.Change
	for i := 0; i < n; i++ {
		out = append(out, bronze.Change{LSN: lsn, Seq: int64(i + 1), CommitTime: time.Unix(lsn, 0).UTC(), Op: bronze.OpCreate,
			Table: "emr.t", Key: fmt.Sprintf("[%d]", lsn*100+int64(i)), Data: fmt.Sprintf(`{"id":%d}`, lsn*100+int64(i))})
	}
	return out
}

func keys(t *testing.T, dir string) []string {
	t.Helper()
	cs, err := bronze.ReadAll(dir)
	require.NoError(t, err)
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%d/%d/%s", c.LSN, c.Seq, c.Key))
	}
	sort.Strings(out)
	return out
}

func TestAppendIsDurableAndOrphansAreRemoved(t *testing.T) {
	dir := t.TempDir()
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	_, err = bronze.Open(dir)
	require.ErrorIs(t, err, bronze.ErrLocked, "one appender at a time")
	require.NoError(t, log.Append(batch(1, 3), bronze.Checkpoint{Position: "0/1"}))
	require.NoError(t, log.Close())

	// A crash between writing a file and replacing the manifest leaves an orphan.
	orphan := filepath.Join(dir, "changes", "emr.t", "000000000099.parquet")
	require.NoError(t, os.WriteFile(orphan, []byte("torn"), 0o644))
	log, err = bronze.Open(dir)
	require.NoError(t, err)
	defer log.Close()
	assert.NoFileExists(t, orphan)
	assert.Equal(t, "0/1", log.Manifest().Position)
	assert.Len(t, keys(t, dir), 3)
}

func TestCompactKeepsEveryChangeOnce(t *testing.T) {
	dir := t.TempDir()
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	defer log.Close()
	for i := int64(1); i <= 40; i++ {
		require.NoError(t, log.Append(batch(i, 5), bronze.Checkpoint{Position: fmt.Sprintf("0/%X", i)}))
	}
	before := keys(t, dir)
	require.Len(t, before, 200)

	merged, err := log.Compact(bronze.CompactOptions{MinFiles: 16, MaxRows: 120, Grace: time.Hour})
	require.NoError(t, err)
	assert.Equal(t, 40, merged)
	m := log.Manifest()
	assert.Len(t, m.Files, 2, "40 files of 5 rows merge into files of at most 120 rows")
	assert.Equal(t, before, keys(t, dir), "compaction neither loses nor duplicates a change")
	assert.Equal(t, "0/28", m.Position)
	require.Len(t, m.Obsolete, 40)
	assert.FileExists(t, filepath.Join(dir, m.Obsolete[0].Path), "replaced files stay for readers of the old manifest")

	_, err = log.Compact(bronze.CompactOptions{Grace: time.Nanosecond})
	require.NoError(t, err)
	assert.Empty(t, log.Manifest().Obsolete)
	assert.NoFileExists(t, filepath.Join(dir, m.Obsolete[0].Path))
	assert.Equal(t, before, keys(t, dir))
}
