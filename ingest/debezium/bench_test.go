package debezium

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkDecodeLine decodes the realistic fixture's events (schema-wrapped,
// about 4 KB each).
func BenchmarkDecodeLine(b *testing.B) {
	raw, err := os.ReadFile(fixture("events.ndjson"))
	require.NoError(b, err)
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			lines = append(lines, append([]byte(nil), sc.Bytes()...))
		}
	}
	dec := NewDecoder(nil, nil)
	b.SetBytes(int64(len(raw) / len(lines)))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_, _ = dec.DecodeLine(lines[i%len(lines)])
	}
}

// BenchmarkReadFiles reads a file of 20,000 schema-wrapped events into a
// fresh bronze log (Parquet, fsync) per iteration.
func BenchmarkReadFiles(b *testing.B) {
	raw, err := os.ReadFile(fixture("events.ndjson"))
	require.NoError(b, err)
	src := filepath.Join(b.TempDir(), "big.ndjson")
	f, err := os.Create(src)
	require.NoError(b, err)
	var n int
	for n < 20000 {
		_, err := f.Write(raw)
		require.NoError(b, err)
		n += bytes.Count(raw, []byte("\n"))
	}
	require.NoError(b, f.Close())
	st, _ := os.Stat(src)
	b.SetBytes(st.Size())
	for b.Loop() {
		d, closeAll := openDoor(b, b.TempDir(), Options{})
		require.NoError(b, d.ReadFiles(b.Context(), src))
		closeAll()
	}
	b.ReportMetric(float64(n), "events/op")
}
