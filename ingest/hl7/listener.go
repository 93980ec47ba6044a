package hl7

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// Listener serves HL7 v2 over MLLP for a Door: any number of connections,
// each message answered with an ACK once it (or its Reject) is durable in
// bronze.
type Listener struct {
	door  *Door
	slots chan struct{} // one per connection served

	mu     sync.Mutex
	closed bool
	lns    map[net.Listener]struct{}
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

// NewListener returns a Listener feeding d.
func NewListener(d *Door) *Listener {
	return &Listener{door: d, slots: make(chan struct{}, d.opts.MaxConnections),
		lns: map[net.Listener]struct{}{}, conns: map[net.Conn]struct{}{}}
}

// ListenAndServe listens on the TCP address addr and serves it; see Serve.
func (l *Listener) ListenAndServe(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return l.Serve(ctx, ln)
}

// Serve accepts MLLP connections on ln, at most Options.MaxConnections at a
// time over all of the Listener's Serve calls, until ctx is done or Close is
// called; then it closes ln and every connection it accepted and returns nil
// once their goroutines have ended. It returns the accept error otherwise,
// and ErrClosed when the Listener was already closed.
func (l *Listener) Serve(ctx context.Context, ln net.Listener) error {
	if !l.track(ln) {
		ln.Close()
		return ErrClosed
	}
	defer l.untrack(ln)
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel, which closes every connection
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	for {
		select {
		case l.slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		conn, err := ln.Accept()
		if err != nil {
			<-l.slots
			if ctx.Err() != nil || l.isClosed() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		if !l.trackConn(conn) {
			<-l.slots
			conn.Close()
			return nil
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-l.slots }()
			defer l.untrackConn(conn)
			l.serveConn(ctx, conn)
		}()
	}
}

// Close stops every Serve call: listeners and connections are closed and
// Close returns when their goroutines have ended. A message whose write is
// in flight is not acknowledged; its sender will resend it, and the resend
// is recognised as a duplicate.
func (l *Listener) Close() error {
	l.mu.Lock()
	l.closed = true
	for ln := range l.lns {
		ln.Close()
	}
	for c := range l.conns {
		c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
	return nil
}

func (l *Listener) track(ln net.Listener) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.lns[ln] = struct{}{}
	l.wg.Add(1)
	return true
}

func (l *Listener) untrack(ln net.Listener) {
	l.mu.Lock()
	delete(l.lns, ln)
	l.mu.Unlock()
	l.wg.Done()
}

func (l *Listener) trackConn(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.conns[c] = struct{}{}
	return true
}

func (l *Listener) untrackConn(c net.Conn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
	c.Close()
}

func (l *Listener) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// serveConn reads frames from one connection and answers each with its ACK
// after the message is durable. It returns when the peer closes, ctx ends
// or a write to bronze or to the peer fails (the peer then resends).
func (l *Listener) serveConn(ctx context.Context, conn net.Conn) {
	d := l.door
	d.producers.Add(1)
	defer d.producers.Add(-1)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	remote := conn.RemoteAddr().String()
	log := d.opts.Logger.With("remote", remote)
	fr := newFrameReader(conn, d.opts.MaxMessageBytes, bronze.MaxRejectPayload)
	defer func() {
		if fr.skipped > 0 {
			log.Warn("hl7: bytes outside MLLP frames were ignored", "bytes", fr.skipped)
		}
	}()
	for {
		if d.opts.IdleTimeout > 0 {
			_ = conn.SetReadDeadline(time.Now().Add(d.opts.IdleTimeout))
		}
		frame, ferr := fr.next()
		if ferr != nil && !errors.Is(ferr, ErrFrameTooLarge) && !errors.Is(ferr, ErrFrameTruncated) {
			if !errors.Is(ferr, io.EOF) && ctx.Err() == nil {
				log.Info("hl7: MLLP connection ended", "err", ferr)
			}
			return
		}
		arrived := time.Now()
		ack, err := d.acceptFrame(ctx, frame, ferr, remote, fr.start)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("hl7: message not stored; closing the connection without ACK", "err", err)
			}
			return
		}
		d.stats.observeAck(time.Since(arrived))
		_ = conn.SetWriteDeadline(time.Now().Add(d.opts.WriteTimeout))
		if _, err := conn.Write(ack); err != nil {
			log.Info("hl7: ACK not sent", "err", err)
			return
		}
		if errors.Is(ferr, io.ErrUnexpectedEOF) {
			return // the peer closed inside a frame
		}
	}
}
