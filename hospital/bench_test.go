package hospital_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

// BenchmarkGenerate writes 5000 patients per iteration into a fresh database
// and reports rows and patients written per second.
func BenchmarkGenerate(b *testing.B) {
	const patients = 5000
	c := pgtest.Start(b)
	ctx := context.Background()
	var rows int64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := newDB(b, c, fmt.Sprintf("bench%d", i))
		b.StartTimer()
		start := time.Now()
		st, err := hospital.Generate(ctx, db, hospital.Options{Patients: patients, Seed: int64(i)})
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		rows += st.Rows()
	}
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(patients*b.N)/elapsed.Seconds(), "patients/s")
}
