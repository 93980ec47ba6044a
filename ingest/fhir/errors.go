package fhir

import (
	"errors"
	"fmt"
	"strings"
)

// Kinds of invalid input; every *InvalidError wraps one of them.
var (
	ErrMalformed       = errors.New("malformed resource")
	ErrOversized       = errors.New("oversized")
	ErrMissingElement  = errors.New("missing required element")
	ErrInvalidElement  = errors.New("invalid element")
	ErrBadReference    = errors.New("invalid reference")
	ErrUnresolvedLocal = errors.New("unresolved contained reference")
)

// InvalidError is why one NDJSON line was refused: the resource it names
// (Type/id, as far as known), the element at fault and the kind of problem.
type InvalidError struct {
	Resource string // "Observation/vs-1-hr"; empty when the line named none
	Element  string // FHIR path, e.g. "Observation.code"
	Kind     error  // one of the Err… kinds above
	Detail   string
}

// Error reads "Observation/7: missing required element Observation.code".
func (e *InvalidError) Error() string {
	var b strings.Builder
	if e.Resource != "" {
		b.WriteString(e.Resource)
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.Error())
	if e.Element != "" {
		b.WriteString(" ")
		b.WriteString(e.Element)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Unwrap returns the kind, for errors.Is.
func (e *InvalidError) Unwrap() error { return e.Kind }

// ExportError is a $export request the server refused or failed: its HTTP
// status and the OperationOutcome's issues when it sent one.
type ExportError struct {
	Op      string // "kick-off", "status" or "download <url>"
	Status  int
	Outcome string
}

// Error reads "fhir: $export kick-off: HTTP 400: error invalid: _type …".
func (e *ExportError) Error() string {
	msg := fmt.Sprintf("fhir: $export %s: HTTP %d", e.Op, e.Status)
	if e.Outcome != "" {
		msg += ": " + e.Outcome
	}
	return msg
}

// ErrExportExpired is wrapped when a stored $export's status URL is gone.
var ErrExportExpired = errors.New("fhir: $export status URL expired")
