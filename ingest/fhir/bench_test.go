package fhir_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/ingest/fhir"
)

// BenchmarkNDJSON measures resources per second from an NDJSON file into a
// durable bronze log (default batches: 5,000 resources, fsynced Parquet
// and manifest per batch). The file holds the hospital's resource shapes
// (testdata/resources.ndjson) repeated under distinct ids.
func BenchmarkNDJSON(b *testing.B) {
	const resources = 50_000
	src, err := os.ReadFile(filepath.Join("testdata", "resources.ndjson"))
	if err != nil {
		b.Fatal(err)
	}
	seeds := bytes.Split(bytes.TrimSpace(src), []byte("\n"))
	id := regexp.MustCompile(`"id":"([^"]+)"`)
	var file bytes.Buffer
	for i := 0; i < resources; i++ {
		line := seeds[i%len(seeds)]
		loc := id.FindSubmatchIndex(line)
		fmt.Fprintf(&file, "%s%s-%d%s\n", line[:loc[3]], line[loc[2]:loc[3]], i, line[loc[3]:])
	}
	path := filepath.Join(b.TempDir(), "bench.ndjson")
	if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(file.Len()))
	b.ResetTimer()
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), "fhir")
		log, err := bronze.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		d, err := fhir.New(log, fhir.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := d.ReadFiles(context.Background(), path); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		if rows := log.Manifest().Rows; rows != resources {
			b.Fatalf("%d rows, want %d", rows, resources)
		}
		log.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(resources*b.N)/elapsed.Seconds(), "resources/s")
}
