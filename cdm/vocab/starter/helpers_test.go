package starter

import (
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// sampleDir is the shared OMOP vocabulary sample, relative to this package.
const sampleDir = "../../../../shared/reference/omop/vocab-sample"

// requireSample returns sampleDir; it fails the test when the sample is
// missing under CI and skips it otherwise.
func requireSample(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sampleDir, "CONCEPT.csv")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared vocabulary sample missing: %v", err)
		}
		t.Skipf("shared vocabulary sample missing: %v", err)
	}
	return sampleDir
}

// readRows reads a CSV file of fsys (header first) with n fields a line.
func readRows(t *testing.T, fsys fs.FS, name string, n int) (header []string, rows [][]string) {
	t.Helper()
	f, err := fsys.Open(name)
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = n
	all, err := r.ReadAll()
	require.NoError(t, err, name)
	require.NotEmpty(t, all, "%s has a header", name)
	return all[0], all[1:]
}

// conceptRow is a CONCEPT row by field name.
type conceptRow struct {
	id                                                       int64
	name, domain, vocabulary, class, standard, code, invalid string
	fields                                                   []string
}

// readConcepts reads CONCEPT.csv of fsys by concept_id.
func readConcepts(t *testing.T, fsys fs.FS) map[int64]conceptRow {
	t.Helper()
	_, rows := readRows(t, fsys, "CONCEPT.csv", 10)
	out := make(map[int64]conceptRow, len(rows))
	for _, f := range rows {
		id, err := strconv.ParseInt(f[0], 10, 64)
		require.NoError(t, err)
		_, dup := out[id]
		require.False(t, dup, "concept_id %d is unique", id)
		out[id] = conceptRow{id, f[1], f[2], f[3], f[4], f[5], f[6], f[9], f}
	}
	return out
}

// relRow is a CONCEPT_RELATIONSHIP row.
type relRow struct {
	id1, id2 int64
	rel      string
	fields   []string
}

// readRelationships reads CONCEPT_RELATIONSHIP.csv of fsys.
func readRelationships(t *testing.T, fsys fs.FS) []relRow {
	t.Helper()
	_, rows := readRows(t, fsys, "CONCEPT_RELATIONSHIP.csv", 6)
	out := make([]relRow, len(rows))
	for i, f := range rows {
		a, err := strconv.ParseInt(f[0], 10, 64)
		require.NoError(t, err)
		b, err := strconv.ParseInt(f[1], 10, 64)
		require.NoError(t, err)
		out[i] = relRow{a, b, f[2], f}
	}
	return out
}

// mustID parses a concept id field.
func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return id
}
