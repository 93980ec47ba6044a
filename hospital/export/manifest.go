package export

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// manifest is export.json: the body of a FHIR bulk-data $export status
// response once the export is complete.
type manifest struct {
	TransactionTime     string           `json:"transactionTime"`
	Request             string           `json:"request"`
	RequiresAccessToken bool             `json:"requiresAccessToken"`
	Output              []manifestOutput `json:"output"`
	Error               []manifestOutput `json:"error"`
}

// manifestOutput is one file of the export.
type manifestOutput struct {
	Type  string `json:"type"`
	URL   string `json:"url"`
	Count int64  `json:"count"`
}

// ManifestName is the name of the manifest FHIR writes into its directory.
const ManifestName = "export.json"

// writeManifest writes export.json into dir atomically (temp file, rename).
func writeManifest(dir string, at time.Time, outputs []manifestOutput) error {
	m := manifest{
		TransactionTime: at.UTC().Format("2006-01-02T15:04:05.000Z"),
		Request:         "$export",
		Output:          outputs,
		Error:           []manifestOutput{},
	}
	if m.Output == nil {
		m.Output = []manifestOutput{}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("export: encode %s: %w", ManifestName, err)
	}
	tmp := filepath.Join(dir, ManifestName+".tmp")
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("export: write %s: %w", ManifestName, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, ManifestName)); err != nil {
		return fmt.Errorf("export: write %s: %w", ManifestName, err)
	}
	return nil
}
