package hl7v2

import "fmt"

// ParseError reports malformed input: which segment (its 1-based position in
// the input and its name) and, when known, which field is at fault.
type ParseError struct {
	Segment int    // 1-based position of the segment in the input (empty lines not counted)
	Name    string // segment name, "" when it could not be read
	Field   int    // 1-based field number, 0 when the fault is not in one field
	Reason  string
}

func (e *ParseError) Error() string {
	where := fmt.Sprintf("segment %d", e.Segment)
	if e.Name != "" {
		where += " (" + e.Name + ")"
	}
	if e.Field > 0 {
		where += fmt.Sprintf(" field %d", e.Field)
	}
	return "hl7v2: " + where + ": " + e.Reason
}
