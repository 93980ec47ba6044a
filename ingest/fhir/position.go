package fhir

import (
	"encoding/json"
	"fmt"
	"sort"
)

// position is the door's resume point, stored as JSON in the bronze
// manifest's Position with every batch it covers.
type position struct {
	// Files holds the local files read, by absolute path.
	Files map[string]*fileState `json:"files,omitempty"`
	// Export is the $export in progress or the last one completed.
	Export *exportState `json:"export,omitempty"`
	// LastExport is the transactionTime of the last completed $export.
	LastExport string `json:"last_export,omitempty"`
	// Clock orders file uses, for forgetting the least recently read.
	Clock int64 `json:"clock,omitempty"`
}

// fileState is how far one file has been consumed.
type fileState struct {
	// Offset is the number of bytes consumed: every line ending at or
	// before it is durable.
	Offset int64 `json:"offset"`
	// Lines is the number of lines consumed.
	Lines int64 `json:"lines"`
	// Fingerprint is the hex SHA-256 of the file's first FingerprintLen bytes
	// (local files): a file whose head differs is a new file.
	Fingerprint    string `json:"fp,omitempty"`
	FingerprintLen int64  `json:"fp_len,omitempty"`
	// Done marks an $export output file read to its end.
	Done bool `json:"done,omitempty"`
	// Used is the position's Clock when the file was last read.
	Used int64 `json:"used,omitempty"`
}

// exportState is the resume point of a $export.
type exportState struct {
	StatusURL       string `json:"status_url"`
	TransactionTime string `json:"transaction_time,omitempty"`
	// Files holds the output, deleted and error files by URL.
	Files map[string]*fileState `json:"files,omitempty"`
	// Done marks every file of the export durable.
	Done bool `json:"done,omitempty"`
}

// parsePosition decodes a manifest position; empty is a fresh start.
func parsePosition(s string) (position, error) {
	p := position{Files: map[string]*fileState{}}
	if s == "" {
		return p, nil
	}
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return p, fmt.Errorf("fhir: bronze position is not the FHIR door's: %w", err)
	}
	if p.Files == nil {
		p.Files = map[string]*fileState{}
	}
	return p, nil
}

// encode returns the position as stored in the manifest.
func (p *position) encode() string {
	b, err := json.Marshal(p)
	if err != nil { // only maps of strings and numbers: cannot fail
		panic(err)
	}
	return string(b)
}

// file returns the state of the local file at path, creating it, and marks
// it used now.
func (p *position) file(path string) *fileState {
	p.Clock++
	st, ok := p.Files[path]
	if !ok {
		st = &fileState{}
		p.Files[path] = st
	}
	st.Used = p.Clock
	return st
}

// forget drops the least recently used local files beyond max.
func (p *position) forget(max int) {
	if len(p.Files) <= max {
		return
	}
	paths := make([]string, 0, len(p.Files))
	for path := range p.Files {
		paths = append(paths, path)
	}
	sort.Slice(paths, func(i, j int) bool { return p.Files[paths[i]].Used < p.Files[paths[j]].Used })
	for _, path := range paths[:len(paths)-max] {
		delete(p.Files, path)
	}
}
