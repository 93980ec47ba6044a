package vocab

import "time"

// Result reports what Load wrote.
type Result struct {
	// Tables holds one entry per loaded file, in load order (CONCEPT first).
	Tables []TableResult
	// Missing names the optional vocabulary tables the download did not have.
	Missing []string
	// Duration is the wall time of the whole load.
	Duration time.Duration
}

// TableResult reports one vocabulary table.
type TableResult struct {
	Table    string // OMOP table name, lower case: concept, concept_relationship ...
	File     string // the file it was read from
	Rows     int64  // rows written to the Parquet file
	Rejected int64  // lines that did not parse and were left out
	// Rejects samples the first rejected lines (at most LoadOptions.RejectSamples).
	Rejects  []Reject
	Duration time.Duration
}

// Reject is one line of a vocabulary file that did not parse.
type Reject struct {
	File   string
	Line   int64  // 1-based line number in File, the header being line 1
	Reason string // what is wrong, as DuckDB's CSV reader states it
	Text   string // the line as read
}

// Rows is the number of rows written across all tables.
func (r Result) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// Rejected is the number of lines left out across all tables.
func (r Result) Rejected() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rejected
	}
	return n
}

// Table returns the result of the named table and whether it was loaded.
func (r Result) Table(name string) (TableResult, bool) {
	for _, t := range r.Tables {
		if t.Table == name {
			return t, true
		}
	}
	return TableResult{}, false
}
