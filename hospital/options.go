package hospital

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ErrNotEmpty is returned by Generate when the EMR already holds departments
// or patients: generated ids start at 1 and would collide.
var ErrNotEmpty = errors.New("hospital: EMR is not empty")

// Options configures Generate.
type Options struct {
	// Patients is the number of patients to write (default 1000).
	Patients int
	// Seed determines every generated value; the same Seed, Until, Days and
	// Patients write byte-identical tables.
	Seed int64
	// Until is the end of the generated history (default: today 00:00 UTC).
	// No generated timestamp is later than Until.
	Until time.Time
	// Days is the length of the history window ending at Until (default 365).
	Days int
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is called after each committed batch with the number
	// of patients written so far and the total.
	Progress func(done, total int)
}

// batchPatients is the number of patients written and committed together.
const batchPatients = 1000

// withDefaults returns opts with zero fields set to their defaults, or an
// error when a field is out of range.
func (o Options) withDefaults() (Options, error) {
	if err := o.validate(); err != nil {
		return o, err
	}
	if o.Patients == 0 {
		o.Patients = 1000
	}
	if o.Days == 0 {
		o.Days = 365
	}
	if o.Until.IsZero() {
		o.Until = time.Now().UTC().Truncate(24 * time.Hour)
	}
	o.Until = o.Until.UTC().Truncate(time.Second)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// validate reports the first out-of-range field.
func (o Options) validate() error {
	if o.Patients < 0 {
		return fmt.Errorf("hospital: Patients must not be negative, got %d", o.Patients)
	}
	if o.Days < 0 {
		return fmt.Errorf("hospital: Days must not be negative, got %d", o.Days)
	}
	return nil
}

// Stats counts the rows Generate wrote per table.
type Stats struct {
	Departments   int64
	Staff         int64
	Patients      int64
	Registrations int64
	Diagnoses     int64
	Notes         int64
}

// Rows returns the number of rows written to all tables together.
func (s Stats) Rows() int64 {
	return s.Departments + s.Staff + s.Patients + s.Registrations + s.Diagnoses + s.Notes
}
