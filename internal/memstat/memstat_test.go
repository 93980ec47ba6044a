package memstat_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cdw-dev/cdw/internal/memstat"
)

// TestSamplerSeesAnAllocation touches a 64 MiB buffer while sampling: RSS
// then counts it, and the sampler's peak is at least what RSS shows.
func TestSamplerSeesAnAllocation(t *testing.T) {
	s := memstat.StartSampler(5 * time.Millisecond)
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	time.Sleep(30 * time.Millisecond)
	cur := memstat.RSS()
	peak := s.Stop()
	runtime.KeepAlive(buf)
	assert.GreaterOrEqual(t, cur, int64(64<<20), "the touched buffer is resident")
	assert.GreaterOrEqual(t, peak, cur-1<<20, "sampled every 5 ms for 30 ms, the peak saw it")
}
