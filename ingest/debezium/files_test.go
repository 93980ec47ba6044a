package debezium

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// patientLine is a create of emr.patient with id n; seq n orders them.
func patientLine(n int) string {
	return string(bare("patient", "c", nil, obj("patient_id", n, "mrn", fmt.Sprintf("MRN%06d", n)), t0+int64(n)*1000)) + "\n"
}

// writeLines appends lines to the file at path.
func writeLines(t *testing.T, path string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	_, err = f.WriteString(strings.Join(lines, ""))
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// patientLines returns creates of patients from..to (inclusive).
func patientLines(from, to int) []string {
	var out []string
	for n := from; n <= to; n++ {
		out = append(out, patientLine(n))
	}
	return out
}

// assertPatients checks bronze holds exactly the creates of patients
// 1..n, once each, in order.
func assertPatients(t *testing.T, dir string, n int) {
	t.Helper()
	got := changes(t, dir)
	require.Len(t, got, n)
	for i, c := range got {
		require.Equal(t, fmt.Sprintf("[%d]", i+1), c.Key, "change %d", i)
	}
}

func TestReadFilesBadInputBecomesRejects(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	path := filepath.Join(src, "cdc.ndjson")
	decimal := []map[string]any{fieldSchema("id", "int64", "", nil), fieldSchema("price", "bytes", typeConnectDecimal, map[string]string{"scale": "2"})}
	writeLines(t, path,
		patientLine(1),
		"{\"op\":\"c\",\"after\":{\"patient_id\":\n", // 2: malformed JSON
		patientLine(2),
		string(mustJSON(t, map[string]any{"after": obj("patient_id", 9), "source": pgSource("patient", t0)}))+"\n", // 4: missing op
		string(bare("patient", "z", nil, obj("patient_id", 9), t0))+"\n",                                           // 5: unknown op
		"\n", // 6: blank
		string(wrappedEvent("price", "c", decimal, nil, obj("id", 77, "price", "%%%"), t0))+"\n", // 7: bad decimal
		`{"op":"c","after":{"patient_id":9,"pad":"`+strings.Repeat("x", 3000)+`"}}`+"\n",         // 8: oversized
		patientLine(3),
	)
	d, _ := openDoor(t, dir, Options{MaxRecordBytes: 2048})
	require.NoError(t, d.ReadFiles(t.Context(), path))

	assertPatients(t, dir, 3)
	rs := rejects(t, dir)
	require.Len(t, rs, 5)
	want := []struct{ pos, reason string }{
		{"cdc.ndjson:2", "malformed event"},
		{"cdc.ndjson:4", "emr.patient: field op: malformed event: missing op"},
		{"cdc.ndjson:5", `emr.patient: field op: malformed event: unknown op "z"`},
		{"cdc.ndjson:7", `emr.price [77]: field after.price: decimal "%%%" is not base64`},
		{"cdc.ndjson:8", "oversized record"},
	}
	for i, w := range want {
		assert.Equal(t, "debezium:cdc.ndjson", rs[i].Source)
		assert.Equal(t, w.pos, rs[i].Position)
		assert.Contains(t, rs[i].Reason, w.reason)
		assert.NotEmpty(t, rs[i].Payload)
	}
	assert.True(t, strings.HasPrefix(rs[4].Payload, `{"op":"c","after"`))

	// All of it was consumed: a second run adds nothing.
	require.NoError(t, d.ReadFiles(t.Context(), path))
	assert.Len(t, changes(t, dir), 3)
	assert.Len(t, rejects(t, dir), 5)
}

func TestReadFilesExactlyOnceAcrossCrashes(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	path := filepath.Join(src, "cdc.jsonl")
	writeLines(t, path, patientLines(1, 100)...)

	// Run 1 "crashes" after its second durable batch of 7.
	d, closeDoor := openDoor(t, dir, Options{MaxBatch: 7})
	ctx, cancel := context.WithCancel(t.Context())
	writes := 0
	d.afterWrite = func(string) {
		if writes++; writes == 2 {
			cancel()
		}
	}
	require.ErrorIs(t, d.ReadFiles(ctx, path), context.Canceled)
	closeDoor()
	assertPatients(t, dir, 14)

	// The file grows while the door is down; run 2 resumes after line 14.
	writeLines(t, path, patientLines(101, 130)...)
	d, closeDoor = openDoor(t, dir, Options{MaxBatch: 7})
	ctx, cancel = context.WithCancel(t.Context())
	writes = 0
	d.afterWrite = func(string) {
		if writes++; writes == 5 {
			cancel()
		}
	}
	require.ErrorIs(t, d.ReadFiles(ctx, path), context.Canceled)
	closeDoor()
	assertPatients(t, dir, 49)

	// Run 3 finishes; run 4 finds nothing new.
	d, closeDoor = openDoor(t, dir, Options{MaxBatch: 7})
	require.NoError(t, d.ReadFiles(t.Context(), path))
	require.NoError(t, d.ReadFiles(t.Context(), path))
	closeDoor()
	assertPatients(t, dir, 130)

	got := changes(t, dir)
	for i := 1; i < len(got); i++ {
		require.Less(t, got[i-1].LSN*1e6+got[i-1].Seq, got[i].LSN*1e6+got[i].Seq, "order")
	}
	m, err := bronze.ReadManifest(dir)
	require.NoError(t, err)
	pos, err := ParsePosition(m.Position)
	require.NoError(t, err)
	abs, _ := filepath.Abs(path)
	st, _ := os.Stat(path)
	assert.Equal(t, FilePosition{Offset: st.Size(), Line: 130, HeadLen: headBytes, HeadSHA256: pos.Files[abs].HeadSHA256}, pos.Files[abs])
}

func TestReadFilesAppendAndIncompleteLastLine(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	path := filepath.Join(src, "cdc.ndjson")
	half := patientLine(3)
	writeLines(t, path, patientLine(1), patientLine(2), half[:len(half)/2])

	d, _ := openDoor(t, dir, Options{})
	require.NoError(t, d.ReadFiles(t.Context(), path))
	assertPatients(t, dir, 2) // the half-written line waits

	writeLines(t, path, half[len(half)/2:], patientLine(4), strings.TrimSuffix(patientLine(5), "\n"))
	require.NoError(t, d.ReadFiles(t.Context(), path))
	assertPatients(t, dir, 5) // a complete last line without newline is read
	assert.Empty(t, rejects(t, dir))
}

func TestReadFilesReplacedFileIsReadAfresh(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	path := filepath.Join(src, "cdc.ndjson")
	writeLines(t, path, patientLines(1, 3)...)
	d, _ := openDoor(t, dir, Options{})
	require.NoError(t, d.ReadFiles(t.Context(), path))

	// Rotated: the same name now holds other events (longer than before).
	require.NoError(t, os.Remove(path))
	writeLines(t, path, patientLines(4, 8)...)
	require.NoError(t, d.ReadFiles(t.Context(), path))
	assertPatients(t, dir, 8)
}

func TestReadFilesDirectoryInNameOrder(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	writeLines(t, filepath.Join(src, "b.ndjson"), patientLines(3, 4)...)
	writeLines(t, filepath.Join(src, "a.json"), patientLines(1, 2)...)
	writeLines(t, filepath.Join(src, "c.jsonl"), patientLines(5, 5)...)
	writeLines(t, filepath.Join(src, "notes.txt"), "not events\n")
	d, _ := openDoor(t, dir, Options{})
	require.NoError(t, d.ReadFiles(t.Context(), src))
	assertPatients(t, dir, 5)
	assert.Empty(t, rejects(t, dir))
	assert.Len(t, d.Position().Files, 3)
}

func TestReadFilesBatchBounds(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	path := filepath.Join(src, "cdc.ndjson")
	writeLines(t, path, patientLines(1, 50)...)
	lineBytes := len(patientLine(10))
	d, _ := openDoor(t, dir, Options{MaxBatch: 1000, MaxBatchBytes: 10 * lineBytes})
	require.NoError(t, d.ReadFiles(t.Context(), path))
	assertPatients(t, dir, 50)
	assert.Equal(t, int64(5), d.Stats()[EntryFile].Batches, "50 lines of about 10 per batch by bytes")
	lsns := map[int64]int{}
	for _, c := range changes(t, dir) {
		lsns[c.LSN]++
	}
	assert.Len(t, lsns, 5)
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{MaxBatch: -1}, {MaxRecordBytes: -5}, {Keys: map[string][]string{"emr.x": nil}}} {
		log, err := bronze.Open(t.TempDir())
		require.NoError(t, err)
		_, err = New(log, o)
		assert.ErrorIs(t, err, ErrInvalidOptions)
		require.NoError(t, log.Close())
	}
}

func TestReadFilesLongLines(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	path := filepath.Join(src, "cdc.ndjson")
	long := func(n, size int) string { // a valid event of about size bytes
		return string(bare("patient", "c", nil, obj("patient_id", n, "note", strings.Repeat("y", size)), t0)) + "\n"
	}
	writeLines(t, path, patientLine(1), long(2, 150<<10), long(3, 400<<10), patientLine(4))
	d, _ := openDoor(t, dir, Options{MaxRecordBytes: 300 << 10})
	require.NoError(t, d.ReadFiles(t.Context(), path))
	got := changes(t, dir)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"[1]", "[2]", "[4]"}, []string{got[0].Key, got[1].Key, got[2].Key})
	assert.Len(t, column(t, got[1].Data, "note"), 150<<10+2)
	rs := rejects(t, dir)
	require.Len(t, rs, 1)
	assert.Equal(t, "cdc.ndjson:3", rs[0].Position)
	assert.Contains(t, rs[0].Reason, "oversized record")
	assert.Len(t, rs[0].Payload, bronze.MaxRejectPayload)
}
