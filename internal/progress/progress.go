// Package progress reports long work to a person: counts done of a total,
// the rate, and the time left, on one line that updates in place on a
// terminal and as occasional plain lines elsewhere (logs, CI).
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Bar reports the progress of one named task. It is safe for concurrent use.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	label    string
	unit     string
	total    int64
	start    time.Time
	last     time.Time
	every    time.Duration
	terminal bool
	done     bool
}

// New starts a bar for label counting unit (e.g. "rows") up to total (0 when unknown).
func New(w io.Writer, label, unit string, total int64) *Bar {
	now := time.Now()
	b := &Bar{w: w, label: label, unit: unit, total: total, start: now, last: now, every: 2 * time.Second}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			b.terminal, b.every = true, 200*time.Millisecond
		}
	}
	return b
}

// Set records that n units are done; it prints at most every few hundred
// milliseconds on a terminal and every two seconds elsewhere, and not at
// all for work that finishes sooner (Finish still prints the summary).
func (b *Bar) Set(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done || time.Since(b.last) < b.every {
		return
	}
	b.last = time.Now()
	b.print(n, false)
}

// SetTotal changes the expected total.
func (b *Bar) SetTotal(total int64) {
	b.mu.Lock()
	b.total = total
	b.mu.Unlock()
}

// Finish prints the final line with the overall rate.
func (b *Bar) Finish(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.done = true
	b.print(n, true)
}

func (b *Bar) print(n int64, final bool) {
	elapsed := time.Since(b.start)
	rate := float64(n) / max(elapsed.Seconds(), 1e-9)
	line := fmt.Sprintf("%s: %d", b.label, n)
	if b.total > 0 {
		line += fmt.Sprintf("/%d %s (%.0f%%)", b.total, b.unit, 100*float64(n)/float64(b.total))
	} else {
		line += " " + b.unit
	}
	line += fmt.Sprintf(", %.0f %s/s", rate, b.unit)
	switch {
	case final:
		line += fmt.Sprintf(", done in %s", elapsed.Round(100*time.Millisecond))
	case b.total > 0 && rate > 0:
		eta := time.Duration(float64(b.total-n) / rate * float64(time.Second))
		line += fmt.Sprintf(", ETA %s", eta.Round(time.Second))
	}
	switch {
	case b.terminal && final:
		fmt.Fprintf(b.w, "\r\033[K%s\n", line)
	case b.terminal:
		fmt.Fprintf(b.w, "\r\033[K%s", line)
	default:
		fmt.Fprintln(b.w, line)
	}
}
