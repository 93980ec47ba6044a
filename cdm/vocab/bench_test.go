package vocab

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var benchRows = flag.Int("vocab.rows", 1_000_000, "rows of the synthetic CONCEPT.csv BenchmarkLoadConcept loads")

// BenchmarkLoadConcept loads a synthetic Athena CONCEPT.csv of -vocab.rows
// rows and reports rows/s and the process's peak resident memory.
func BenchmarkLoadConcept(b *testing.B) {
	dir := b.TempDir()
	writeSyntheticConcept(b, filepath.Join(dir, "CONCEPT.csv"), *benchRows)
	out := filepath.Join(b.TempDir(), "vocab")
	rss := startRSSSampler(20 * time.Millisecond)
	base := rss.current()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		res, err := Load(context.Background(), LoadOptions{Dir: dir, Out: out})
		require.NoError(b, err)
		require.Equal(b, int64(*benchRows), res.Rows())
	}
	elapsed := time.Since(start)
	b.StopTimer()
	peak := rss.stop()
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

// rssSampler records the highest resident set size of this process.
type rssSampler struct {
	mu   sync.Mutex
	peak int64
	done chan struct{}
	wg   sync.WaitGroup
}

func startRSSSampler(every time.Duration) *rssSampler {
	s := &rssSampler{done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) sample() {
	n := s.current()
	s.mu.Lock()
	if n > s.peak {
		s.peak = n
	}
	s.mu.Unlock()
}

// current reads the resident set size from /proc/self/statm (0 elsewhere).
func (s *rssSampler) current() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(fields[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// stop ends sampling and returns the peak in bytes.
func (s *rssSampler) stop() int64 {
	close(s.done)
	s.wg.Wait()
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}
