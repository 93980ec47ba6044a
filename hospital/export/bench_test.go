package export_test

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/cdw-dev/cdw/hospital/export"
)

// benchPatients is the hospital size of the benchmarks; CDW_BENCH_PATIENTS
// overrides it.
func benchPatients() int {
	if n, err := strconv.Atoi(os.Getenv("CDW_BENCH_PATIENTS")); err == nil && n > 0 {
		return n
	}
	return 200
}

func BenchmarkFHIR(b *testing.B) {
	db := newHospital(b, benchPatients())
	ctx := context.Background()
	dir := b.TempDir()
	var resources int64
	b.ResetTimer()
	for b.Loop() {
		stats, err := export.FHIR(ctx, db, dir, export.FHIROptions{TransactionTime: txTime})
		if err != nil {
			b.Fatal(err)
		}
		resources += stats.Resources
	}
	b.ReportMetric(float64(resources)/b.Elapsed().Seconds(), "resources/s")
}

func BenchmarkHL7(b *testing.B) {
	db := newHospital(b, benchPatients())
	ctx := context.Background()
	var messages int64
	b.ResetTimer()
	for b.Loop() {
		stats, err := export.HL7(ctx, db, io.Discard, export.HL7Options{CreatedAt: txTime})
		if err != nil {
			b.Fatal(err)
		}
		messages += stats.Messages
	}
	b.ReportMetric(float64(messages)/b.Elapsed().Seconds(), "messages/s")
}
