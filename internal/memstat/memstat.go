// Package memstat measures this process's resident memory for benchmarks
// that must show memory staying flat as input grows.
package memstat

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RSS returns the process's resident set size in bytes, read from
// /proc/self/statm (0 where that file does not exist).
func RSS() int64 {
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

// Sampler records the highest RSS seen between StartSampler and Stop.
type Sampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak int64
}

// StartSampler samples RSS every interval until Stop; its goroutine ends with Stop.
func StartSampler(every time.Duration) *Sampler {
	s := &Sampler{done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			n := RSS()
			s.mu.Lock()
			s.peak = max(s.peak, n)
			s.mu.Unlock()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends sampling and returns the peak RSS in bytes.
func (s *Sampler) Stop() int64 {
	close(s.done)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}
