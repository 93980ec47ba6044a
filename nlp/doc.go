// Package nlp owns text analysis of clinical notes. Today that is section
// detection (Sections); later work adds concepts, negation, uncertainty and
// experiencer.
//
// nlp is a pure library: text in, annotations out. It never does I/O, keeps
// no state between calls, and imports no other cdw package except cdm if that
// is ever needed. Offsets it reports are byte offsets into the text it was
// given, so callers can slice the original string without re-encoding.
package nlp
