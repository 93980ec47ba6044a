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

func TestWritePartitionsByTableAndDayAndKeepsRejects(t *testing.T) {
	dir := t.TempDir()
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	day1 := time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC)
	changes := []bronze.Change{
		{LSN: 1, Seq: 1, CommitTime: day1, Op: bronze.OpCreate, Table: "emr.a", Key: "[1]", Data: `{"id":1}`},
		{LSN: 2, Seq: 1, CommitTime: day1.Add(2 * time.Minute), Op: bronze.OpCreate, Table: "emr.a", Key: "[2]", Data: `{"id":2}`},
		{LSN: 2, Seq: 2, CommitTime: day1.Add(2 * time.Minute), Op: bronze.OpDelete, Table: "emr.b", Key: "[9]"},
	}
	big := make([]byte, bronze.MaxRejectPayload+10)
	for i := range big {
		big[i] = 'x'
	}
	rejects := []bronze.Reject{
		bronze.NewReject("hl7:file", "a.hl7:3", "MSH-10 (control id) is empty", []byte("MSH|^~\\&|")),
		bronze.NewReject("fhir:Patient.ndjson", "Patient.ndjson:7", "record of 65546 bytes exceeds the limit", big),
	}
	require.NoError(t, log.Write(bronze.Batch{Changes: changes, Rejects: rejects, Checkpoint: bronze.Checkpoint{Position: "p2"}}))
	require.NoError(t, log.Close())

	m, err := bronze.ReadManifest(dir)
	require.NoError(t, err)
	var paths []string
	for _, f := range m.Files {
		paths = append(paths, filepath.Dir(f.Path))
	}
	require.Len(t, paths, 2, "one file per table, whatever the commit days")
	day := filepath.Base(paths[0])
	assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, day, "partitioned by the UTC day the batch was appended")
	assert.ElementsMatch(t, []string{"changes/emr.a/" + day, "changes/emr.b/" + day}, paths)
	assert.EqualValues(t, 2, m.MaxLSN())
	assert.EqualValues(t, 2, m.RejectCount)

	got, err := bronze.ReadRejects(dir)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "a.hl7:3", got[0].Position)
	assert.Equal(t, "MSH-10 (control id) is empty", got[0].Reason)
	assert.Len(t, got[1].Payload, bronze.MaxRejectPayload, "an oversized payload is cut")

	// A crash after writing a rejects file but before the manifest leaves an orphan.
	orphan := filepath.Join(dir, "rejects", "000000000777.parquet")
	require.NoError(t, os.WriteFile(orphan, []byte("torn"), 0o644))
	log, err = bronze.Open(dir)
	require.NoError(t, err)
	defer log.Close()
	assert.NoFileExists(t, orphan)
	got, err = bronze.ReadRejects(dir)
	require.NoError(t, err)
	assert.Len(t, got, 2)
}

// TestRateFollowsAppends checks the smoothed append rate the status shows:
// positive while changes arrive, decaying to zero once they stop.
func TestRateFollowsAppends(t *testing.T) {
	log, err := bronze.Open(t.TempDir())
	require.NoError(t, err)
	defer log.Close()
	for i := int64(1); i <= 5; i++ {
		require.NoError(t, log.Append(batch(i, 200), bronze.Checkpoint{Position: fmt.Sprint(i)}))
		time.Sleep(50 * time.Millisecond)
	}
	m := log.Manifest()
	assert.Greater(t, m.RateAt(time.Now()), 10.0, "about 200 changes every 50 ms, averaged over ~10 s from zero")
	assert.Zero(t, m.RateAt(time.Now().Add(2*time.Minute)), "idle for two minutes")
}
