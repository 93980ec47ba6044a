package hl7

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Options configures a Door. The zero value is valid: every field has a default.
type Options struct {
	// Source names the door in rejects and checkpoints (default "hl7").
	Source string
	// FlushInterval bounds how long a message waits for others to share its
	// bronze write (group commit). A write starts earlier when every active
	// sender has a message waiting or the batch is full. Default 20 ms.
	FlushInterval time.Duration
	// MaxBatchMessages and MaxBatchBytes bound one bronze write (defaults
	// 5,000 messages and 32 MiB of raw message text).
	MaxBatchMessages int
	MaxBatchBytes    int
	// MaxMessageBytes bounds one message (an MLLP frame or a message in a
	// file); longer ones are refused (AR) and kept as a Reject with their
	// first bronze.MaxRejectPayload bytes. Default 8 MiB.
	MaxMessageBytes int
	// DedupeWindow is how many of the most recent messages (by LSN) are
	// remembered to recognise a resend by (MSH-3, MSH-4, MSH-10). On start
	// the window is rebuilt from the newest bronze files. Default 1,000,000
	// (about 40 MiB of memory); a resend of an older message is stored again.
	DedupeWindow int
	// MaxConnections bounds the MLLP connections served at once per
	// Listener (default 256); further connections wait in the accept queue.
	// Memory per connection is bounded by MaxMessageBytes.
	MaxConnections int
	// WriteTimeout bounds writing one ACK to a connection (default 30 s).
	WriteTimeout time.Duration
	// IdleTimeout closes an MLLP connection that sends nothing for this long
	// (default 0: never).
	IdleTimeout time.Duration
	// CompactInterval is how often the door merges small bronze files when
	// it is idle (default 30 s; negative disables).
	CompactInterval time.Duration
	// Location is the time zone of MSH-7 timestamps without an offset
	// (default UTC).
	Location *time.Location
	// Metrics are updated alongside Door.Stats (e.g. Prometheus collectors
	// the caller registered); nil fields are skipped.
	Metrics Metrics
	// Logger receives the door's events (nil: discard).
	Logger *slog.Logger
	// Now is the clock (nil: time.Now); tests set it for reproducible output.
	Now func() time.Time
}

const (
	defaultFlushInterval    = 20 * time.Millisecond
	defaultMaxBatchMessages = 5000
	defaultMaxBatchBytes    = 32 << 20
	defaultMaxMessageBytes  = 8 << 20
	defaultDedupeWindow     = 1_000_000
	defaultMaxConnections   = 256
	defaultWriteTimeout     = 30 * time.Second
	defaultCompactInterval  = 30 * time.Second
)

// errOptions is wrapped by every validation error.
var errOptions = errors.New("hl7: invalid options")

// withDefaults returns o with every unset field defaulted, or an error
// naming the first invalid one.
func (o Options) withDefaults() (Options, error) {
	if o.Source == "" {
		o.Source = "hl7"
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"FlushInterval", &o.FlushInterval, defaultFlushInterval}, {"WriteTimeout", &o.WriteTimeout, defaultWriteTimeout}} {
		if *d.v < 0 {
			return o, fmt.Errorf("%w: %s %v is negative", errOptions, d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	for _, n := range []struct {
		name string
		v    *int
		def  int
	}{{"MaxBatchMessages", &o.MaxBatchMessages, defaultMaxBatchMessages}, {"MaxBatchBytes", &o.MaxBatchBytes, defaultMaxBatchBytes},
		{"MaxMessageBytes", &o.MaxMessageBytes, defaultMaxMessageBytes}, {"DedupeWindow", &o.DedupeWindow, defaultDedupeWindow},
		{"MaxConnections", &o.MaxConnections, defaultMaxConnections}} {
		if *n.v < 0 {
			return o, fmt.Errorf("%w: %s %d is negative", errOptions, n.name, *n.v)
		}
		if *n.v == 0 {
			*n.v = n.def
		}
	}
	if o.IdleTimeout < 0 {
		return o, fmt.Errorf("%w: IdleTimeout %v is negative", errOptions, o.IdleTimeout)
	}
	if o.CompactInterval == 0 {
		o.CompactInterval = defaultCompactInterval
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}
