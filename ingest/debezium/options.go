package debezium

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for the zero fields of Options.
const (
	// DefaultSource is the door's name, ingest.SourceDebezium.
	DefaultSource          = "debezium"
	DefaultMaxBatch        = 5000
	DefaultMaxBatchBytes   = 8 << 20
	DefaultMaxRecordBytes  = 16 << 20
	DefaultMaxRequestBytes = 64 << 20
)

// ErrInvalidOptions is wrapped by every error Options.validate returns.
var ErrInvalidOptions = errors.New("debezium: invalid options")

// Options configures a Door. The zero value is usable.
type Options struct {
	// Source names the door in rejects and in the manifest (default
	// DefaultSource, the same as ingest.SourceDebezium).
	Source string
	// TableMap renames source tables: "dbo.PATIENTS" → "emr.patient". Keys
	// are the names the door derives from the event's source block.
	TableMap map[string]string
	// Keys names the key columns of a table (by its mapped name), for events
	// that come without a Kafka message key. Without an entry, the first
	// column of the row image is the key.
	Keys map[string][]string
	// MaxBatch bounds the events of one bronze write (default 5,000).
	MaxBatch int
	// MaxBatchBytes bounds the raw event bytes of one bronze write (default 8 MiB).
	MaxBatchBytes int
	// MaxRecordBytes bounds one event; a longer line or event is rejected as
	// an oversized record (default 16 MiB).
	MaxRecordBytes int
	// MaxRequestBytes bounds one HTTP request body; a longer one is answered
	// 413 (default 64 MiB).
	MaxRequestBytes int64
	// Logger receives the door's log; nil discards it.
	Logger *slog.Logger
	// Registerer receives the door's metrics (cdw_debezium_*, by entry);
	// nil registers none.
	Registerer prometheus.Registerer
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.Source == "" {
		o.Source = DefaultSource
	}
	if o.MaxBatch == 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.MaxBatchBytes == 0 {
		o.MaxBatchBytes = DefaultMaxBatchBytes
	}
	if o.MaxRecordBytes == 0 {
		o.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if o.MaxRequestBytes == 0 {
		o.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// validate reports the first setting that cannot work.
func (o Options) validate() error {
	switch {
	case o.MaxBatch < 1:
		return fmt.Errorf("%w: MaxBatch %d < 1", ErrInvalidOptions, o.MaxBatch)
	case o.MaxBatchBytes < 1:
		return fmt.Errorf("%w: MaxBatchBytes %d < 1", ErrInvalidOptions, o.MaxBatchBytes)
	case o.MaxRecordBytes < 1:
		return fmt.Errorf("%w: MaxRecordBytes %d < 1", ErrInvalidOptions, o.MaxRecordBytes)
	case o.MaxRequestBytes < 1:
		return fmt.Errorf("%w: MaxRequestBytes %d < 1", ErrInvalidOptions, o.MaxRequestBytes)
	}
	for table, cols := range o.Keys {
		if len(cols) == 0 {
			return fmt.Errorf("%w: Keys[%q] names no column", ErrInvalidOptions, table)
		}
	}
	return nil
}
