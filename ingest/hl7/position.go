package hl7

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"strings"
)

// positions is the door's source position: for every file read, how far
// its messages are durable. It is stored as JSON in the bronze checkpoint,
// with ';' escaped so that bronze.Set can combine positions.
type positions struct {
	Files map[string]fileMark `json:"files,omitempty"`
}

// fileMark is how far a file has been read: the offset where reading
// resumes and a fingerprint of the bytes before it, so that a file replaced
// by another of the same name is read from its start.
type fileMark struct {
	Offset      int64  `json:"offset"`
	Fingerprint string `json:"fingerprint"`
}

// fingerprintHead and fingerprintTail are how many bytes at the start of a
// file and just before a mark the fingerprint covers.
const (
	fingerprintHead = 4096
	fingerprintTail = 256
)

// parsePositions reads a checkpoint position; "" is the empty position.
func parsePositions(s string) (positions, error) {
	p := positions{Files: map[string]fileMark{}}
	if s == "" {
		return p, nil
	}
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return p, fmt.Errorf("hl7: bronze position %q: %w", truncate(s, 80), err)
	}
	if p.Files == nil {
		p.Files = map[string]fileMark{}
	}
	return p, nil
}

// String returns the checkpoint form of p.
func (p positions) String() string {
	b, err := json.Marshal(p)
	if err != nil { // a map of strings and numbers always marshals
		panic(err)
	}
	return strings.ReplaceAll(string(b), ";", `\u003b`)
}

// with returns a copy of p with file set to m.
func (p positions) with(file string, m fileMark) positions {
	out := positions{Files: maps.Clone(p.Files)}
	if out.Files == nil {
		out.Files = map[string]fileMark{}
	}
	out.Files[file] = m
	return out
}

// fingerprint hashes the first fingerprintHead bytes of r before offset and
// the fingerprintTail bytes just before offset.
func fingerprint(r io.ReaderAt, offset int64) (string, error) {
	h := sha256.New()
	for _, span := range [][2]int64{{0, min(offset, fingerprintHead)}, {max(0, offset-fingerprintTail), offset}} {
		buf := make([]byte, span[1]-span[0])
		if _, err := r.ReadAt(buf, span[0]); err != nil && !(err == io.EOF && len(buf) == 0) {
			return "", err
		}
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}
