package vocab

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
)

// Tables lists the vocabulary tables Load reads, in load order. CONCEPT is
// required; the others are loaded when the download has them.
var Tables = []string{
	"concept", "concept_relationship", "concept_ancestor", "concept_synonym",
	"vocabulary", "domain", "concept_class", "relationship", "drug_strength",
}

// source is one vocabulary file found in a download directory.
type source struct {
	table cdm.Table
	path  string
}

// discover finds the file of each vocabulary table in dir, matching
// <TABLE>.csv, .tsv or .txt in any case, and names the tables it lacks.
func discover(dir string) ([]source, []string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("vocab: read download directory: %w", err)
	}
	byName := make(map[string]string, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if ext != ".csv" && ext != ".tsv" && ext != ".txt" {
			continue
		}
		name := strings.ToLower(strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())))
		if prev, dup := byName[name]; dup {
			return nil, nil, fmt.Errorf("vocab: %s and %s both hold table %s", prev, e.Name(), name)
		}
		byName[name] = e.Name()
	}
	var found []source
	var missing []string
	for _, name := range Tables {
		file, ok := byName[name]
		if !ok {
			missing = append(missing, name)
			continue
		}
		t, ok := cdm.Lookup(name)
		if !ok {
			return nil, nil, fmt.Errorf("vocab: table %s is not in the CDM DDL", name)
		}
		found = append(found, source{table: t, path: filepath.Join(dir, file)})
	}
	if len(found) == 0 || found[0].table.Name != "concept" {
		return nil, nil, fmt.Errorf("%w %s", ErrNoConcept, dir)
	}
	return found, missing, nil
}
