package fhir

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// ManifestName is the export manifest a directory of NDJSON may hold.
const ManifestName = "export.json"

// exportManifest is the Bulk Data completion manifest: the body of the
// status response once an export is complete, and export.json.
type exportManifest struct {
	TransactionTime     string       `json:"transactionTime"`
	Request             string       `json:"request"`
	RequiresAccessToken bool         `json:"requiresAccessToken"`
	Output              []outputFile `json:"output"`
	Deleted             []outputFile `json:"deleted"`
	Error               []outputFile `json:"error"`
}

// outputFile is one file of a manifest.
type outputFile struct {
	Type  string `json:"type"`
	URL   string `json:"url"`
	Count int64  `json:"count,omitempty"`
}

// decodeManifest reads a manifest from r (bounded to 64 MiB).
func decodeManifest(r io.Reader) (exportManifest, error) {
	var m exportManifest
	if err := json.NewDecoder(io.LimitReader(r, 64<<20)).Decode(&m); err != nil {
		return m, fmt.Errorf("fhir: decode export manifest: %w", err)
	}
	if m.TransactionTime != "" {
		if _, err := time.Parse(time.RFC3339Nano, m.TransactionTime); err != nil {
			return m, fmt.Errorf("fhir: export manifest transactionTime %q is not an instant", m.TransactionTime)
		}
	}
	return m, nil
}

// transactionTime returns the manifest's transactionTime, or zero.
func (m exportManifest) transactionTime() time.Time {
	t, _ := time.Parse(time.RFC3339Nano, m.TransactionTime)
	return t.UTC()
}

// files lists the manifest's files with their kinds: outputs, then
// deletions, then errors.
func (m exportManifest) files() []manifestEntry {
	var out []manifestEntry
	for _, group := range []struct {
		kind  fileKind
		files []outputFile
	}{{kindOutput, m.Output}, {kindDeleted, m.Deleted}, {kindError, m.Error}} {
		for _, f := range group.files {
			out = append(out, manifestEntry{outputFile: f, kind: group.kind})
		}
	}
	return out
}

// manifestEntry is a manifest file and how to read it.
type manifestEntry struct {
	outputFile
	kind fileKind
}
