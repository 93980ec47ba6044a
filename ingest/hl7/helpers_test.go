package hl7

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/hl7v2"
)

// gatedLog is a real bronze log whose writes can be held (gate), made to
// report a crash after they are durable (crashAfter), or observed (after).
type gatedLog struct {
	*bronze.Log
	gate       chan struct{} // Write waits until it is closed; nil: no wait
	crashAfter atomic.Int64  // the first n durable writes report errCrash
	failFirst  atomic.Int64  // the first n writes fail without writing
	writes     atomic.Int64
	after      func(n int64) // called after every durable write
}

var errCrash = errors.New("simulated crash after the write was durable")

func (g *gatedLog) Write(b bronze.Batch) error {
	if g.gate != nil {
		<-g.gate
	}
	if g.failFirst.Add(-1) >= 0 {
		return errors.New("simulated write failure")
	}
	if err := g.Log.Write(b); err != nil {
		return err
	}
	n := g.writes.Add(1)
	if g.after != nil {
		g.after(n)
	}
	if g.crashAfter.Add(-1) >= 0 {
		return errCrash
	}
	return nil
}

// openLog opens the bronze log in dir and closes it when the test ends.
func openLog(t testing.TB, dir string) *bronze.Log {
	t.Helper()
	l, err := bronze.Open(dir)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l
}

// openDoor opens a door onto log and closes it when the test ends.
func openDoor(t testing.TB, log Log, o Options) *Door {
	t.Helper()
	if o.CompactInterval == 0 {
		o.CompactInterval = -1
	}
	d, err := New(log, o)
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	return d
}

// serve serves d on a loopback port and stops when the test ends; it
// returns the address and a stop function that waits for Serve to return.
func serve(t testing.TB, d *Door) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewListener(d).Serve(ctx, ln) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Error("Serve did not return after its context was cancelled")
			}
		})
	}
	t.Cleanup(stop)
	return ln.Addr().String(), stop
}

// client is an MLLP sender.
type client struct {
	conn net.Conn
	fr   *frameReader
}

func dial(t testing.TB, addr string) *client {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &client{conn: c, fr: newFrameReader(c, 1<<20, 0)}
}

// write sends bytes as they are.
func (c *client) write(t testing.TB, b []byte) {
	t.Helper()
	_, err := c.conn.Write(b)
	require.NoError(t, err)
}

// send frames and sends msg and returns its ACK.
func (c *client) send(t testing.TB, msg []byte) *ack {
	t.Helper()
	c.write(t, appendFrame(nil, msg))
	return c.ack(t)
}

// ack reads one ACK.
func (c *client) ack(t testing.TB) *ack {
	t.Helper()
	a, err := c.tryAck(10 * time.Second)
	require.NoError(t, err)
	return a
}

// tryAck reads one ACK within timeout.
func (c *client) tryAck(timeout time.Duration) (*ack, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(timeout))
	b, err := c.fr.next()
	if err != nil {
		return nil, err
	}
	m, err := hl7v2.Parse(b)
	if err != nil {
		return nil, err
	}
	return &ack{msg: m, code: m.Get("MSA-1"), controlID: m.Get("MSA-2"), text: m.Get("MSA-3")}, nil
}

// ack is a parsed acknowledgement.
type ack struct {
	msg                   *hl7v2.Message
	code, controlID, text string
}

// message returns the ADT^A01 test message with control id id.
func message(t testing.TB, id string) []byte {
	t.Helper()
	return withControlID(t, readTestdata(t, "adt_a01_v251.hl7"), id)
}

// withControlID returns raw with MSH-10 set to id.
func withControlID(t testing.TB, raw []byte, id string) []byte {
	t.Helper()
	m, err := hl7v2.Parse(raw)
	require.NoError(t, err)
	require.NoError(t, m.Set("MSH-10", id))
	b, err := hl7v2.Encode(m)
	require.NoError(t, err)
	return b
}

// keysOf returns the Key of every change in dir, counting repeats.
func keysOf(t testing.TB, dir string) map[string]int {
	t.Helper()
	cs, err := bronze.ReadAll(dir)
	require.NoError(t, err)
	out := map[string]int{}
	for _, c := range cs {
		out[c.Key]++
	}
	return out
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
