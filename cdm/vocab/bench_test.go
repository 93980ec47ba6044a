package vocab

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/internal/memstat"
)

var benchRows = flag.Int("vocab.rows", 1_000_000, "rows of the synthetic CONCEPT.csv BenchmarkLoadConcept loads")

// BenchmarkLoadConcept loads a synthetic Athena CONCEPT.csv of -vocab.rows
// rows and reports rows/s and the process's peak resident memory.
func BenchmarkLoadConcept(b *testing.B) {
	dir := b.TempDir()
	writeSyntheticConcept(b, filepath.Join(dir, "CONCEPT.csv"), *benchRows)
	out := filepath.Join(b.TempDir(), "vocab")
	rss := memstat.StartSampler(20 * time.Millisecond)
	base := memstat.RSS()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		res, err := Load(context.Background(), LoadOptions{Dir: dir, Out: out})
		require.NoError(b, err)
		require.Equal(b, int64(*benchRows), res.Rows())
	}
	elapsed := time.Since(start)
	b.StopTimer()
	peak := rss.Stop()
	b.ReportMetric(float64(*benchRows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak_rss_MB")
	b.ReportMetric(float64(base)/(1<<20), "base_rss_MB")
}

// writeSyntheticConcept writes an Athena-style CONCEPT.csv of n rows.
func writeSyntheticConcept(b *testing.B, path string, n int) {
	b.Helper()
	f, err := os.Create(path)
	require.NoError(b, err)
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, strings.ReplaceAll(conceptHeader, ",", "\t"))
	domains := []string{"Condition", "Drug", "Measurement", "Procedure", "Observation"}
	for i := 0; i < n; i++ {
		std := "S"
		if i%3 == 0 {
			std = ""
		}
		fmt.Fprintf(w, "%d\tSynthetic concept number %d with a \"quoted\" word\t%s\tSNOMED\tClinical Finding\t%s\t%d\t%d\t20991231\t\n",
			i+1, i, domains[i%len(domains)], std, 100000+i, 19700101+(i%28))
	}
	require.NoError(b, w.Flush())
	require.NoError(b, f.Close())
}
