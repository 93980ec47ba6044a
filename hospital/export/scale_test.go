package export_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/hospital/export"
)

// BenchmarkExportScale exports a large hospital (CDW_EXPORT_SCALE patients,
// default 5,000) and reports the rates and the peak Go heap, to show that
// memory does not grow with the EMR. It is a benchmark, outside the suite:
// make bench, or go test -run '^$' -bench ExportScale ./hospital/export.
func BenchmarkExportScale(b *testing.B) {
	n, err := strconv.Atoi(os.Getenv("CDW_EXPORT_SCALE"))
	if err != nil || n <= 0 {
		n = 5000
	}
	db := newHospital(b, n)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		peak := watchHeap(b)
		fs, err := export.FHIR(ctx, db, b.TempDir(), export.FHIROptions{TransactionTime: txTime})
		require.NoError(b, err)
		b.ReportMetric(float64(fs.Resources)/fs.Duration.Seconds(), "resources/s")
		b.ReportMetric(float64(peak()>>20), "fhir-peak-heap-MiB")
		peak = watchHeap(b)
		hs, err := export.HL7(ctx, db, io.Discard, export.HL7Options{CreatedAt: txTime})
		require.NoError(b, err)
		b.ReportMetric(float64(hs.Messages)/hs.Duration.Seconds(), "messages/s")
		b.ReportMetric(float64(peak()>>20), "hl7-peak-heap-MiB")
	}
}

// watchHeap samples the heap in use every 100 ms until the returned function
// is called, which stops the sampler and returns the peak.
func watchHeap(t testing.TB) func() uint64 {
	runtime.GC()
	var (
		mu   sync.Mutex
		peak uint64
		wg   sync.WaitGroup
	)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				mu.Lock()
				peak = max(peak, ms.HeapInuse)
				mu.Unlock()
			}
		}
	}()
	var once sync.Once
	stop := func() uint64 {
		once.Do(func() { close(done); wg.Wait() })
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
	t.Cleanup(func() { stop() })
	return stop
}
