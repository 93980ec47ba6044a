package bronze_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// BenchmarkWrite appends batches of 20,000 realistic row images (the
// PostgreSQL door's largest batch) and reports changes made durable per second.
func BenchmarkWrite(b *testing.B) {
	log, err := bronze.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer log.Close()
	const n = 20000
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	batch := make([]bronze.Change, n)
	for i := range batch {
		id := int64(i)
		batch[i] = bronze.Change{LSN: 1, Seq: id, CommitTime: at, Op: bronze.OpRead, Table: fmt.Sprintf("emr.t%d", i%8), Key: fmt.Sprintf("[%d]", id),
			Data: fmt.Sprintf(`{"vital_id":%d,"reg_id":%d,"patient_id":%d,"item":"heart_rate","value":%d.5,"unit":"bpm","measured_at":"2026-03-01 08:%02d:00","recorded_by":%d,"note":"patient resting comfortably, no distress"}`, id, id/40, id/90, 60+i%50, i%60, 100+i%30)}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := log.Append(batch, bronze.Checkpoint{Position: fmt.Sprint(i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "changes/s")
}
