// Package search owns the full-text index of clinical notes: NOTE.note_text
// (and note_title) of the current CDM snapshot, held in an embedded Bleve
// index.
//
// search reads published CDM snapshots, never bronze or the source system.
// Sync brings the index to exactly the NOTE table of one snapshot, using
// DuckDB to diff it against the snapshot the index last reflected so that
// only changed notes are re-analysed. Search answers the queries clinicians
// type (all words required, quoted phrases, Chinese and English together)
// with HTML snippets whose matches are wrapped in <mark>.
//
// One process owns a writable index at a time: Open fails, after a short
// wait, while another holder has the directory open.
package search
