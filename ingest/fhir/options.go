package fhir

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cdw-dev/cdw/ingest"
)

// Defaults of Options.
const (
	DefaultMaxBatch        = 5000
	DefaultMaxBatchBytes   = 8 << 20
	DefaultMaxRecordBytes  = 16 << 20
	DefaultMaxTrackedFiles = 1024
)

// TablePrefix is the schema of every table the door writes: fhir.<ResourceType>.
const TablePrefix = "fhir."

// Options configures a Door. The zero value is usable.
type Options struct {
	// Source names the door in rejects ("fhir:Patient.ndjson") and in the
	// manifest. Empty means ingest.SourceFHIR.
	Source string
	// Types restricts the resource types accepted; resources of other types
	// are skipped (and counted). Empty accepts every type, unknown ones too.
	Types []string
	// MaxBatch bounds the resources of one durable write (default 5,000).
	MaxBatch int
	// MaxBatchBytes bounds the resource bytes of one durable write (default 8 MiB).
	MaxBatchBytes int
	// MaxRecordBytes bounds one NDJSON line; a longer line is rejected as
	// oversized without being held in memory (default 16 MiB).
	MaxRecordBytes int
	// MaxTrackedFiles bounds the local files whose read position is kept;
	// the least recently read are forgotten beyond it, and reading such a file
	// again finds its resources unchanged (default 1,024).
	MaxTrackedFiles int
	// OnCommit, when set, is called after every durable write.
	OnCommit func(Commit)
	// Logger receives progress and rejects; nil discards.
	Logger *slog.Logger
	// Registerer receives the door's metrics; nil registers none.
	Registerer prometheus.Registerer
}

// Commit describes one durable write to bronze.
type Commit struct {
	LSN     int64 // the LSN of its changes (0 when it held none)
	Changes int
	Rejects int
}

// ErrInvalidOptions is wrapped by every Options validation error.
var ErrInvalidOptions = errors.New("fhir: invalid options")

var typePattern = regexp.MustCompile(`^[A-Z][A-Za-z]{0,63}$`)

// withDefaults validates o and returns it with defaults filled in.
func (o Options) withDefaults() (Options, error) {
	if o.Source == "" {
		o.Source = ingest.SourceFHIR
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
	if o.MaxTrackedFiles == 0 {
		o.MaxTrackedFiles = DefaultMaxTrackedFiles
	}
	if o.MaxBatch < 0 || o.MaxBatchBytes < 0 || o.MaxRecordBytes < 0 || o.MaxTrackedFiles < 0 {
		return o, fmt.Errorf("%w: negative limit", ErrInvalidOptions)
	}
	for _, t := range o.Types {
		if !typePattern.MatchString(t) {
			return o, fmt.Errorf("%w: %q is not a resource type", ErrInvalidOptions, t)
		}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o, nil
}
