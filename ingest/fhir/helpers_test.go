package fhir_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/hospital/export"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/ingest/fhir"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

// txTime is the transaction time of the hospital export the tests read.
var txTime = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

var (
	exportOnce sync.Once
	exportDir  string // the hospital's export, shared read-only by all tests
	exportTmp  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if exportTmp != "" {
		os.RemoveAll(exportTmp)
	}
	os.Exit(code)
}

// hospitalExport returns a fresh copy, in t's temp dir, of the synthetic
// hospital's FHIR export (generated once per test binary from a real EMR).
func hospitalExport(t *testing.T) string {
	t.Helper()
	exportOnce.Do(func() { exportDir = generateExport(t) })
	if exportDir == "" {
		t.Skip("no hospital export (PostgreSQL missing)")
	}
	dir := t.TempDir()
	entries, err := os.ReadDir(exportDir)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(exportDir, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644))
	}
	return dir
}

// generateExport fills an EMR with 20 patients and exports it as FHIR.
func generateExport(t *testing.T) string {
	start := time.Now()
	defer func() { t.Logf("hospital export generated in %v", time.Since(start)) }()
	c := pgtest.Start(t)
	ctx := context.Background()
	db := pgtest.NewDB(t, c, "emr")
	require.NoError(t, hospital.CreateSchema(ctx, db))
	_, err := hospital.Generate(ctx, db, hospital.Options{Patients: 20, Seed: 7, Until: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	exportTmp, err = os.MkdirTemp("", "fhir-export-")
	require.NoError(t, err)
	dir := filepath.Join(exportTmp, "export")
	_, err = export.FHIR(ctx, db, dir, export.FHIROptions{TransactionTime: txTime})
	require.NoError(t, err)
	return dir
}

// openDoor opens the bronze log in dir and a door on it; both are closed
// when the test ends unless closed before.
func openDoor(t *testing.T, dir string, opts fhir.Options) (*fhir.Door, *bronze.Log) {
	t.Helper()
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	t.Cleanup(func() { log.Close() })
	d, err := fhir.New(log, opts)
	require.NoError(t, err)
	return d, log
}

// lines returns the non-blank lines of an NDJSON file.
func lines(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			out = append(out, append([]byte(nil), sc.Bytes()...))
		}
	}
	require.NoError(t, sc.Err())
	return out
}

// lineCounts returns the number of resources per type in an export dir.
func lineCounts(t *testing.T, dir string) map[string]int {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	require.NoError(t, err)
	counts := map[string]int{}
	for _, p := range paths {
		for _, l := range lines(t, p) {
			var r struct{ ResourceType string }
			require.NoError(t, json.Unmarshal(l, &r))
			counts[r.ResourceType]++
		}
	}
	return counts
}

// tableCounts returns the number of changes per resource type in a log.
func tableCounts(changes []bronze.Change) map[string]int {
	counts := map[string]int{}
	for _, c := range changes {
		counts[c.Table[len(fhir.TablePrefix):]]++
	}
	return counts
}

// byKey indexes changes by table and key, keeping them in (lsn, seq) order.
func byKey(changes []bronze.Change) map[string][]bronze.Change {
	sorted := append([]bronze.Change(nil), changes...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].LSN != sorted[j].LSN {
			return sorted[i].LSN < sorted[j].LSN
		}
		return sorted[i].Seq < sorted[j].Seq
	})
	out := map[string][]bronze.Change{}
	for _, c := range sorted {
		out[c.Table+c.Key] = append(out[c.Table+c.Key], c)
	}
	return out
}

// compact returns the compacted JSON of line.
func compact(t *testing.T, line []byte) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, json.Compact(&b, line))
	return b.String()
}

// writeLines writes lines as an NDJSON file.
func writeLines(t *testing.T, path string, ls ...[]byte) {
	t.Helper()
	var b bytes.Buffer
	for _, l := range ls {
		b.Write(l)
		b.WriteByte('\n')
	}
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

// appendLines appends lines to an NDJSON file.
func appendLines(t *testing.T, path string, ls ...[]byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	for _, l := range ls {
		_, err = f.Write(append(append([]byte(nil), l...), '\n'))
		require.NoError(t, err)
	}
	require.NoError(t, f.Close())
}
