package fhir

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseResource measures decoding and validating one line, the
// door's CPU cost per resource (bronze's write cost excluded).
func BenchmarkParseResource(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "resources.ndjson"))
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(src), []byte("\n"))
	b.SetBytes(int64(len(src) / len(lines)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := parseResource(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
}
