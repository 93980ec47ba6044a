package hl7

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

func TestMLLPAckOnlyAfterDurable(t *testing.T) {
	dir := t.TempDir()
	log := &gatedLog{Log: openLog(t, dir), gate: make(chan struct{})}
	d := openDoor(t, log, Options{})
	addr, _ := serve(t, d)
	c := dial(t, addr)
	c.write(t, appendFrame(nil, message(t, "D1")))

	_, err := c.tryAck(300 * time.Millisecond)
	require.Error(t, err, "no ACK while the bronze write is held")
	m, err := bronze.ReadManifest(dir)
	require.NoError(t, err)
	assert.Zero(t, m.Rows, "nothing durable yet")

	close(log.gate)
	c.fr = newFrameReader(c.conn, 1<<20, 0) // the timed-out read left the reader at a clean boundary
	a := c.ack(t)
	assert.Equal(t, "AA", a.code)
	assert.Equal(t, "D1", a.controlID)

	require.NoError(t, d.Close())
	require.NoError(t, log.Close())
	reopened := openLog(t, dir)
	cs, err := bronze.ReadAll(reopened.Dir())
	require.NoError(t, err)
	require.Len(t, cs, 1)
	assert.Equal(t, "hl7.ADT", cs[0].Table)
	assert.Equal(t, `["NORTH","D1"]`, cs[0].Key)
	assert.Equal(t, bronze.OpCreate, cs[0].Op)
	assert.Equal(t, time.Date(2025, 3, 1, 7, 30, 0, 0, time.UTC), cs[0].CommitTime, "MSH-7 in UTC")
}

func TestMLLPAckSwapsSenderAndReceiver(t *testing.T) {
	d := openDoor(t, openLog(t, t.TempDir()), Options{})
	addr, _ := serve(t, d)
	a := dial(t, addr).send(t, message(t, "S1"))
	for path, want := range map[string]string{"MSH-3": "CDW", "MSH-5": "EPIC", "MSH-6": "NORTH", "MSH-6.2": "1.2.3",
		"MSH-9.1": "ACK", "MSH-9.2": "A01", "MSH-12": "2.5.1", "MSA-1": "AA", "MSA-2": "S1"} {
		assert.Equal(t, want, a.msg.Get(path), path)
	}
	assert.NotEmpty(t, a.msg.ControlID())
	assert.Nil(t, a.msg.Segment("ERR", 1))
}

func TestMLLPResendAfterCrash(t *testing.T) {
	dir := t.TempDir()
	log := &gatedLog{Log: openLog(t, dir)}
	log.crashAfter.Store(1)
	d := openDoor(t, log, Options{})
	addr, stop := serve(t, d)
	msg := message(t, "R1")

	c := dial(t, addr)
	c.write(t, appendFrame(nil, msg))
	_, err := c.tryAck(5 * time.Second)
	require.Error(t, err, "the door 'crashed' after the write: no ACK, connection closed")
	stop()
	require.NoError(t, d.Close())
	require.NoError(t, log.Close())

	// Restart: the dedupe window is rebuilt from bronze.
	d2 := openDoor(t, openLog(t, dir), Options{})
	addr2, _ := serve(t, d2)
	c2 := dial(t, addr2)
	for i := 0; i < 2; i++ {
		a := c2.send(t, msg)
		assert.Equal(t, "AA", a.code)
		assert.Equal(t, "R1", a.controlID)
	}
	assert.Equal(t, map[string]int{`["NORTH","R1"]`: 1}, keysOf(t, dir))
	s := d2.Stats()
	assert.EqualValues(t, 2, s.Duplicates)
	assert.EqualValues(t, 0, s.Accepted)

	// Another sending application with the same facility and control id is
	// not a duplicate of it.
	other := strings.Replace(string(msg), "|EPIC|", "|OTHER|", 1)
	assert.Equal(t, "AA", c2.send(t, []byte(other)).code)
	assert.EqualValues(t, 1, d2.Stats().Accepted)
}

func TestMLLPBadMessages(t *testing.T) {
	dir := t.TempDir()
	d := openDoor(t, openLog(t, dir), Options{MaxMessageBytes: 4096})
	addr, _ := serve(t, d)
	c := dial(t, addr)
	good := readTestdata(t, "adt_a01_v251.hl7")
	v23 := readTestdata(t, "oru_r01_v23.hl7")
	tests := []struct {
		name    string
		send    []byte // sent as is, followed by a good framed message
		code    string
		ctrl    string
		reason  string
		errCode string // ERR-3.1 (2.5) or ERR-1.4.1 (2.3)
		errPath string
	}{
		{"no MSH", appendFrame(nil, []byte("PID|1||M1\rPV1|1|I\r")), "AR", "", "expected a header segment", "100", "ERR-3.1"},
		{"bad encoding characters", appendFrame(nil, []byte("MSH|^~|A|F|||2025||ADT^A01|X1|P|2.5.1\r")), "AR", "", "encoding characters", "102", "ERR-3.1"},
		{"bad segment", appendFrame(nil, []byte(strings.Replace(string(good), "PV1|", "pv1|", 1))), "AE", "MSG00001", "segment name", "100", "ERR-3.1"},
		{"bad segment, v2.3", appendFrame(nil, []byte(strings.Replace(string(v23), "OBX|", "O X|", 1))), "AE", "LAB23", "segment name", "100", "ERR-1.4.1"},
		{"no control id", appendFrame(nil, []byte("MSH|^~\\&|A|F|||2025||ADT^A01||P|2.5.1\r")), "AE", "", "MSH-10", "101", "ERR-3.1"},
		{"truncated frame", append([]byte{startBlock}, good[:200]...), "AE", "MSG00001", "start block", "100", "ERR-3.1"},
		{"oversized", appendFrame(nil, append(append([]byte{}, good...), []byte("NTE|1||"+strings.Repeat("x", 5000)+"\r")...)), "AR", "MSG00001", "MaxMessageBytes", "207", "ERR-3.1"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := fmt.Sprintf("G%d", i)
			c.write(t, append(append([]byte{}, tt.send...), appendFrame(nil, message(t, id))...))
			a := c.ack(t)
			assert.Equal(t, tt.code, a.code)
			assert.Equal(t, tt.ctrl, a.controlID)
			assert.Contains(t, a.text+a.msg.Get("ERR-8"), strings.SplitN(tt.reason, " ", 2)[0])
			require.NotNil(t, a.msg.Segment("ERR", 1), "ERR segment")
			assert.Equal(t, tt.errCode, a.msg.Get(tt.errPath))
			ok := c.ack(t)
			assert.Equal(t, "AA", ok.code, "the next good message on the connection is accepted")
			assert.Equal(t, id, ok.controlID)
		})
	}
	rejects, err := bronze.ReadRejects(dir)
	require.NoError(t, err)
	require.Len(t, rejects, len(tests))
	for i, r := range rejects {
		assert.Equal(t, "hl7:mllp", r.Source)
		assert.Contains(t, r.Position, "127.0.0.1:")
		assert.Contains(t, r.Reason, strings.SplitN(tests[i].reason, " ", 2)[0], tests[i].name)
		assert.NotEmpty(t, r.Payload)
		assert.LessOrEqual(t, len(r.Payload), bronze.MaxRejectPayload)
	}
	assert.Len(t, keysOf(t, dir), len(tests))
	s := d.Stats()
	assert.EqualValues(t, len(tests), s.Rejected)
	assert.EqualValues(t, len(tests), s.Accepted)
	assert.EqualValues(t, 2*len(tests), s.AckLatency.Count)
}

func TestMLLPConcurrentSendersShareWrites(t *testing.T) {
	dir := t.TempDir()
	d := openDoor(t, openLog(t, dir), Options{})
	addr, _ := serve(t, d)
	const senders, each = 8, 40
	var wg sync.WaitGroup
	for s := 0; s < senders; s++ {
		c := dial(t, addr)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				id := fmt.Sprintf("C%d-%d", s, i)
				a := c.send(t, message(t, id))
				assert.Equal(t, "AA", a.code)
				assert.Equal(t, id, a.controlID)
			}
		}()
	}
	wg.Wait()
	keys := keysOf(t, dir)
	assert.Len(t, keys, senders*each)
	for k, n := range keys {
		assert.Equal(t, 1, n, k)
	}
	s := d.Stats()
	assert.EqualValues(t, senders*each, s.Accepted)
	assert.Less(t, s.Writes, int64(senders*each/2), "concurrent messages share bronze writes")
	t.Logf("%d messages in %d writes", s.Accepted, s.Writes)
}

func TestListenerStops(t *testing.T) {
	base := runtime.NumGoroutine()
	log := &gatedLog{Log: openLog(t, t.TempDir()), gate: make(chan struct{})}
	d := openDoor(t, log, Options{})
	addr, stop := serve(t, d)
	idle := dial(t, addr)
	waiting := dial(t, addr)
	waiting.write(t, appendFrame(nil, message(t, "W1")))
	time.Sleep(50 * time.Millisecond)

	stop() // fails the test if Serve does not return
	for _, c := range []*client{idle, waiting} {
		_, err := c.tryAck(5 * time.Second)
		require.Error(t, err, "connections are closed without an ACK")
	}

	l := NewListener(d)
	require.NoError(t, l.Close())
	assert.ErrorIs(t, l.ListenAndServe(t.Context(), "127.0.0.1:0"), ErrClosed)

	close(log.gate) // the held write completes; nobody is told
	require.NoError(t, d.Close())
	deadline := time.Now().Add(5 * time.Second) // polled here: assert.Eventually runs its own goroutine
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines left running, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

func TestMaxConnections(t *testing.T) {
	d := openDoor(t, openLog(t, t.TempDir()), Options{MaxConnections: 1})
	addr, _ := serve(t, d)
	first := dial(t, addr)
	require.Equal(t, "AA", first.send(t, message(t, "C1")).code)
	second := dial(t, addr) // the kernel completes the handshake; the door does not serve it yet
	second.write(t, appendFrame(nil, message(t, "C2")))
	_, err := second.tryAck(300 * time.Millisecond)
	require.Error(t, err, "the second connection waits for a slot")
	require.NoError(t, first.conn.Close())
	second.fr = newFrameReader(second.conn, 1<<20, 0)
	a := second.ack(t)
	assert.Equal(t, "AA", a.code)
	assert.Equal(t, "C2", a.controlID)
}
