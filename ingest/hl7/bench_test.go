package hl7

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkMLLP measures accepted messages per second over MLLP with an ACK
// for each, from 8 concurrent senders, into a real bronze log in a temporary
// directory (every write fsynced).
func BenchmarkMLLP(b *testing.B) {
	for _, senders := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("senders=%d", senders), func(b *testing.B) { benchmarkMLLP(b, senders) })
	}
}

func benchmarkMLLP(b *testing.B, senders int) {
	dir := b.TempDir()
	d := openDoor(b, openLog(b, dir), Options{})
	addr, _ := serve(b, d)
	clients := make([]*client, senders)
	for i := range clients {
		clients[i] = dial(b, addr)
	}
	template := readTestdata(b, "adt_a01_v251.hl7")
	msgs := make([][]byte, b.N)
	for i := range msgs {
		msgs[i] = withControlID(b, template, fmt.Sprintf("B%d", i))
	}
	var next atomic.Int64
	var failed atomic.Int64
	b.SetBytes(int64(len(template)))
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(msgs)) {
					return
				}
				c.write(b, appendFrame(nil, msgs[i]))
				a, err := c.tryAck(30 * time.Second)
				if err != nil || a.code != "AA" {
					failed.Add(1)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d senders failed", failed.Load())
	}
	s := d.Stats()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(s.Accepted)/float64(max(s.Writes, 1)), "msgs/write")
	if s.AckLatency.Count > 0 {
		b.ReportMetric(float64(s.AckLatency.Sum.Microseconds())/float64(s.AckLatency.Count)/1000, "ms/ack")
	}
}

// BenchmarkReadFile measures messages per second read from an archive into
// a real bronze log (batches of MaxBatchMessages, each fsynced).
func BenchmarkReadFile(b *testing.B) {
	msgs := testMessages(b, "R", b.N)
	path := writeFile(b, b.TempDir(), "bench.hl7", archive{ending: "\r", envelope: true}.build(msgs))
	d := openDoor(b, openLog(b, b.TempDir()), Options{})
	b.ResetTimer()
	start := time.Now()
	if err := d.ReadFile(b.Context(), path); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	if got := d.Stats().Accepted; got != int64(b.N) {
		b.Fatalf("accepted %d of %d", got, b.N)
	}
}
