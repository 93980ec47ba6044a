package export

import "time"

// clock turns the EMR's wall-clock timestamps (timestamp without time zone)
// into instants in the hospital's time zone.
type clock struct{ loc *time.Location }

// at returns the wall-clock time t in the hospital's zone.
func (c clock) at(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.loc)
}

// fhir formats t as a FHIR dateTime/instant with offset.
func (c clock) fhir(t time.Time) string { return c.at(t).Format("2006-01-02T15:04:05-07:00") }

// fhirPtr is fhir for a nullable timestamp; nil gives "".
func (c clock) fhirPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return c.fhir(*t)
}

// hl7 formats t as an HL7 DTM with seconds and offset (YYYYMMDDHHMMSS+ZZZZ).
func (c clock) hl7(t time.Time) string { return c.at(t).Format("20060102150405-0700") }

// hl7Ptr is hl7 for a nullable timestamp; nil gives "".
func (c clock) hl7Ptr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return c.hl7(*t)
}
