package hl7

import (
	"errors"
	"fmt"
)

var (
	// ErrClosed is returned by a Door or Listener that has been closed.
	ErrClosed = errors.New("hl7: closed")
	// ErrFrameTooLarge reports an MLLP frame longer than Options.MaxMessageBytes.
	// The reader has skipped the rest of the frame, so the connection stays in sync.
	ErrFrameTooLarge = errors.New("hl7: MLLP frame too large")
	// ErrFrameTruncated reports an MLLP frame cut short: a start block (0x0B)
	// arrived before the end block (0x1C 0x0D), or the peer closed the
	// connection inside a frame.
	ErrFrameTruncated = errors.New("hl7: MLLP frame truncated")
)

// Severity says how a refused message is acknowledged.
type Severity int

const (
	// SeverityError (AE) refuses a message whose header could be read.
	SeverityError Severity = iota
	// SeverityReject (AR) refuses input whose MSH could not be read at all.
	SeverityReject
)

// MessageError is why a message was refused: it becomes the Reject's reason
// and the ACK's MSA-3 and ERR segment.
type MessageError struct {
	Severity Severity
	// Code is the HL7 table 0357 error code (100 segment sequence error, 101
	// required field missing, 102 data type error, 203 unsupported version,
	// 207 application internal error).
	Code int
	// Segment and Field locate the fault when known (Field 0: whole segment).
	Segment string
	Seq     int
	Field   int
	Reason  string
	Err     error // the underlying error, if any
}

func (e *MessageError) Error() string {
	where := ""
	if e.Segment != "" {
		where = e.Segment
		if e.Field > 0 {
			where += fmt.Sprintf("-%d", e.Field)
		}
		where += ": "
	}
	return where + e.Reason
}

func (e *MessageError) Unwrap() error { return e.Err }

// codeText names the HL7 table 0357 codes the door uses.
func codeText(code int) string {
	switch code {
	case 100:
		return "Segment sequence error"
	case 101:
		return "Required field missing"
	case 102:
		return "Data type error"
	case 200:
		return "Unsupported message type"
	case 203:
		return "Unsupported version id"
	default:
		return "Application internal error"
	}
}
