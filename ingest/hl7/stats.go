package hl7

import (
	"sync/atomic"
	"time"
)

// Stats are the door's counters since it was opened.
type Stats struct {
	// Accepted messages are stored in bronze; Duplicates were already there
	// (acknowledged AA, not stored again); Rejected were stored as Rejects.
	Accepted, Duplicates, Rejected int64
	// Writes counts bronze writes (each one group commit); WriteErrors
	// those that failed.
	Writes, WriteErrors int64
	// AckLatency is the time from a frame's arrival to its ACK being handed
	// to the connection.
	AckLatency Histogram
}

// Histogram is a cumulative-free latency histogram: Counts[i] observations
// were at most Bounds[i] (and above Bounds[i-1]); Counts[len(Bounds)] were
// above the last bound.
type Histogram struct {
	Bounds []time.Duration
	Counts []int64
	Count  int64
	Sum    time.Duration
}

// latencyBounds are the ACK latency buckets.
var latencyBounds = []time.Duration{
	500 * time.Microsecond, time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond,
	200 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second,
}

// stats holds the live counters; every field is updated atomically.
type stats struct {
	m                                                   Metrics
	accepted, duplicates, rejected, writes, writeErrors atomic.Int64
	latency                                             [14]atomic.Int64 // len(latencyBounds)+1
	latencyCount, latencySum                            atomic.Int64
}

func (s *stats) observeAck(d time.Duration) {
	i := 0
	for i < len(latencyBounds) && d > latencyBounds[i] {
		i++
	}
	s.latency[i].Add(1)
	s.latencyCount.Add(1)
	s.latencySum.Add(int64(d))
	if s.m.AckLatency != nil {
		s.m.AckLatency.Observe(d.Seconds())
	}
}

func (s *stats) add(o outcome) {
	switch o {
	case outcomeStored:
		s.accepted.Add(1)
		inc(s.m.Accepted)
	case outcomeDuplicate:
		s.duplicates.Add(1)
		inc(s.m.Duplicates)
	case outcomeRejected:
		s.rejected.Add(1)
		inc(s.m.Rejected)
	}
}

func (s *stats) wrote(err error) {
	if err != nil {
		s.writeErrors.Add(1)
		inc(s.m.WriteErrors)
		return
	}
	s.writes.Add(1)
	inc(s.m.Writes)
}

func (s *stats) snapshot() Stats {
	out := Stats{
		Accepted: s.accepted.Load(), Duplicates: s.duplicates.Load(), Rejected: s.rejected.Load(),
		Writes: s.writes.Load(), WriteErrors: s.writeErrors.Load(),
		AckLatency: Histogram{Bounds: append([]time.Duration(nil), latencyBounds...), Counts: make([]int64, len(s.latency)),
			Count: s.latencyCount.Load(), Sum: time.Duration(s.latencySum.Load())},
	}
	for i := range s.latency {
		out.AckLatency.Counts[i] = s.latency[i].Load()
	}
	return out
}

// Counter is what the door needs of a counter; prometheus.Counter has it.
type Counter interface{ Inc() }

// Observer is what the door needs of a histogram; prometheus.Histogram and
// prometheus.Summary have it.
type Observer interface{ Observe(float64) }

// Metrics are the external instruments the door updates besides Stats, e.g.
// Prometheus collectors registered by the caller (a nil field is skipped):
//
//	m := hl7.Metrics{Accepted: promauto.With(reg).NewCounter(prometheus.CounterOpts{Name: "cdw_hl7_messages_accepted_total"}), …}
type Metrics struct {
	Accepted, Duplicates, Rejected Counter
	Writes, WriteErrors            Counter
	// AckLatency receives each ACK's latency in seconds.
	AckLatency Observer
}

func inc(c Counter) {
	if c != nil {
		c.Inc()
	}
}
