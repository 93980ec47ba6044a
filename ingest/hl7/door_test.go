package hl7

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

func TestOptionsValidation(t *testing.T) {
	for name, o := range map[string]Options{
		"negative FlushInterval":   {FlushInterval: -time.Second},
		"negative MaxMessageBytes": {MaxMessageBytes: -1},
		"negative DedupeWindow":    {DedupeWindow: -5},
		"negative IdleTimeout":     {IdleTimeout: -time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(openLog(t, t.TempDir()), o)
			require.ErrorIs(t, err, errOptions)
		})
	}
	o, err := Options{}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, 20*time.Millisecond, o.FlushInterval)
	assert.Equal(t, 8<<20, o.MaxMessageBytes)
	assert.Equal(t, 1_000_000, o.DedupeWindow)
}

func TestDedupeWindowIsBounded(t *testing.T) {
	dir := t.TempDir()
	log := openLog(t, dir)
	d := openDoor(t, log, Options{DedupeWindow: 3})
	addr, stop := serve(t, d)
	c := dial(t, addr)
	for i := 0; i < 5; i++ {
		require.Equal(t, "AA", c.send(t, message(t, fmt.Sprintf("W%d", i))).code)
	}
	stop()
	require.NoError(t, d.Close())

	// Rebuilt from bronze: the window holds the newest three (W2, W3, W4).
	d2 := openDoor(t, log, Options{DedupeWindow: 3})
	addr2, _ := serve(t, d2)
	c2 := dial(t, addr2)
	require.Equal(t, "AA", c2.send(t, message(t, "W4")).code)
	assert.EqualValues(t, 1, d2.Stats().Duplicates, "W4 is in the window")
	require.Equal(t, "AA", c2.send(t, message(t, "W0")).code)
	assert.EqualValues(t, 1, d2.Stats().Accepted, "W0 fell out of the window and is stored again")
	assert.Equal(t, 2, keysOf(t, dir)[`["NORTH","W0"]`])
}

func TestDoorCompactsSmallFiles(t *testing.T) {
	dir := t.TempDir()
	d := openDoor(t, openLog(t, dir), Options{CompactInterval: 20 * time.Millisecond})
	addr, _ := serve(t, d)
	c := dial(t, addr)
	const n = 20 // one bronze file each: more than CompactOptions.MinFiles
	for i := 0; i < n; i++ {
		require.Equal(t, "AA", c.send(t, message(t, fmt.Sprintf("K%d", i))).code)
	}
	require.Eventually(t, func() bool {
		m, err := bronze.ReadManifest(dir)
		require.NoError(t, err)
		return len(m.Files) < n
	}, 10*time.Second, 20*time.Millisecond, "small files are merged")
	keys := keysOf(t, dir)
	assert.Len(t, keys, n)
	for k, v := range keys {
		assert.Equal(t, 1, v, k)
	}
}

func TestIdleConnectionsAreClosed(t *testing.T) {
	d := openDoor(t, openLog(t, t.TempDir()), Options{IdleTimeout: 100 * time.Millisecond})
	addr, _ := serve(t, d)
	c := dial(t, addr)
	require.Equal(t, "AA", c.send(t, message(t, "I1")).code)
	_, err := c.tryAck(5 * time.Second)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "timeout", "the door closed the idle connection before the client's deadline")
}

// tally is a Counter and an Observer that counts calls.
type tally struct{ n atomic.Int64 }

func (t *tally) Inc()              { t.n.Add(1) }
func (t *tally) Observe(v float64) { t.n.Add(1) }

func TestMetricsAreUpdated(t *testing.T) {
	var acc, dup, rej, writes, lat tally
	d := openDoor(t, openLog(t, t.TempDir()), Options{Metrics: Metrics{Accepted: &acc, Duplicates: &dup, Rejected: &rej, Writes: &writes, AckLatency: &lat}})
	addr, _ := serve(t, d)
	c := dial(t, addr)
	assert.Equal(t, "AA", c.send(t, message(t, "M1")).code)
	assert.Equal(t, "AA", c.send(t, message(t, "M1")).code)
	assert.Equal(t, "AR", c.send(t, []byte("garbage")).code)
	for name, want := range map[string]struct {
		got  *tally
		want int64
	}{"accepted": {&acc, 1}, "duplicates": {&dup, 1}, "rejected": {&rej, 1}, "writes": {&writes, 2}, "ack latency": {&lat, 3}} {
		assert.Equal(t, want.want, want.got.n.Load(), name)
	}
	s := d.Stats()
	assert.Equal(t, Stats{Accepted: 1, Duplicates: 1, Rejected: 1, Writes: 2}, Stats{Accepted: s.Accepted, Duplicates: s.Duplicates, Rejected: s.Rejected, Writes: s.Writes})
}

func TestMLLPAndFilesShareTheDoor(t *testing.T) {
	dir, in := t.TempDir(), t.TempDir()
	log := openLog(t, dir)
	d := openDoor(t, log, Options{MaxBatchMessages: 7})
	addr, stop := serve(t, d)
	path := writeFile(t, in, "f.hl7", archive{ending: "\n", envelope: true}.build(testMessages(t, "FILE", 60)))
	errc := make(chan error, 1)
	go func() { errc <- d.ReadFile(t.Context(), path) }()
	c := dial(t, addr)
	for i := 0; i < 30; i++ {
		require.Equal(t, "AA", c.send(t, message(t, fmt.Sprintf("NET%d", i))).code)
	}
	require.NoError(t, <-errc)
	ids := controlIDs(t, dir)
	assert.Len(t, ids, 90)
	for id, n := range ids {
		assert.Equal(t, 1, n, id)
	}
	cs, err := bronze.ReadAll(dir)
	require.NoError(t, err)
	lsns := map[int64]bool{}
	for _, c := range cs {
		assert.False(t, lsns[c.LSN], "LSN %d used twice", c.LSN)
		lsns[c.LSN] = true
		assert.Zero(t, c.Seq)
	}
	assert.True(t, lsns[1] && lsns[90], "LSNs count from 1 to 90")

	// A reopened door numbers on after the log's MaxLSN.
	stop()
	require.NoError(t, d.Close())
	d2 := openDoor(t, log, Options{})
	addr2, _ := serve(t, d2)
	require.Equal(t, "AA", dial(t, addr2).send(t, message(t, "AFTER")).code)
	assert.EqualValues(t, 91, log.Manifest().MaxLSN())
}
