package vocab

import (
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults applied by LoadOptions when a field is left zero.
const (
	DefaultMemoryLimit   = "1GB"
	DefaultRejectSamples = 5
)

var (
	// ErrInvalidOptions is wrapped by every LoadOptions validation error.
	ErrInvalidOptions = errors.New("vocab: invalid load options")
	// ErrNoConcept means the download directory holds no CONCEPT file, the
	// one table every other vocabulary table refers to.
	ErrNoConcept = errors.New("vocab: no CONCEPT file in the download directory")
)

// LoadOptions configures Load.
type LoadOptions struct {
	// Dir is the unpacked Athena download: CONCEPT.csv, CONCEPT_RELATIONSHIP.csv, ...
	Dir string
	// Out is the directory that receives <table>.parquet; it is replaced as a
	// whole only when every file has loaded.
	Out string
	// Logger receives a summary line, a warning per table with rejected
	// lines, and per-table detail at debug level; nil discards.
	Logger *slog.Logger
	// Registerer receives the cdw_vocab_* counters; nil records no metrics.
	Registerer prometheus.Registerer
	// Progress, when set, is called with a table's name and its rows so far:
	// once with 0 when the table starts and once with its final count.
	Progress func(table string, rows int64)
	// MemoryLimit caps DuckDB's memory (DuckDB syntax, e.g. "512MB"); default 1GB.
	MemoryLimit string
	// Threads caps DuckDB's worker threads; 0 lets DuckDB use every core.
	Threads int
	// RejectSamples is how many rejected lines per table Result keeps; default 5.
	RejectSamples int
}

// withDefaults returns o with zero fields set to their defaults, or an error
// wrapping ErrInvalidOptions.
func (o LoadOptions) withDefaults() (LoadOptions, error) {
	if o.Dir == "" {
		return o, fmt.Errorf("%w: Dir is required", ErrInvalidOptions)
	}
	if o.Out == "" {
		return o, fmt.Errorf("%w: Out is required", ErrInvalidOptions)
	}
	if o.Threads < 0 || o.RejectSamples < 0 {
		return o, fmt.Errorf("%w: Threads and RejectSamples must not be negative", ErrInvalidOptions)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Progress == nil {
		o.Progress = func(string, int64) {}
	}
	if o.MemoryLimit == "" {
		o.MemoryLimit = DefaultMemoryLimit
	}
	if o.RejectSamples == 0 {
		o.RejectSamples = DefaultRejectSamples
	}
	return o, nil
}
