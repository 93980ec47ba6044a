// Command gen writes cdw's starter vocabulary: Athena-layout CSV files (as
// the shared OHDSI sample is laid out: comma-separated, a header row, ISO
// dates) holding the standard concepts the synthetic hospital's data needs,
// copied from the sample, and the hospital's own source codes as local
// concepts (ids from 2,000,000,000) with their reviewed 'Maps to'.
//
//	go run ./internal/gen -shared ../../../../shared -out .
//
// The output depends only on the curated lists and the sample, so running it
// again writes the same bytes.
package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
)

// Files lists the tables the starter writes, each to <TABLE>.csv.
var Files = []string{"concept", "concept_relationship", "concept_ancestor", "concept_synonym",
	"vocabulary", "domain", "concept_class", "relationship"}

func main() {
	shared := flag.String("shared", "../../../../shared", "the shared reference directory")
	out := flag.String("out", ".", "the directory that receives the CSV files")
	flag.Parse()
	summary, err := generate(*shared, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Print(summary)
}

// generate writes the starter's files into out and returns a summary of
// the local codes and how many of them map, per vocabulary.
func generate(shared, out string) (string, error) {
	files, b, err := render(shared)
	if err != nil {
		return "", err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return "", fmt.Errorf("gen: %w", err)
		}
	}
	var sb strings.Builder
	for _, v := range slices.Sorted(maps.Keys(b.codes)) {
		fmt.Fprintf(&sb, "%-9s %3d codes, %3d mapped\n", v, b.codes[v], b.mapped[v])
	}
	return sb.String(), nil
}

// render assembles the starter from the sample under shared and returns
// each file's bytes by file name.
func render(shared string) (map[string][]byte, *starter, error) {
	s, err := readSample(shared)
	if err != nil {
		return nil, nil, err
	}
	return renderSample(s)
}

// renderSample is render with the sample already read.
func renderSample(s *sample) (map[string][]byte, *starter, error) {
	b, err := assemble(s)
	if err != nil {
		return nil, nil, err
	}
	tables, err := b.tables()
	if err != nil {
		return nil, nil, err
	}
	files := make(map[string][]byte, len(Files))
	for _, name := range Files {
		data, err := encode(name, tables[name])
		if err != nil {
			return nil, nil, err
		}
		files[strings.ToUpper(name)+".csv"] = data
	}
	return files, b, nil
}

// encode writes rows as CSV under the header of the table's DDL columns.
func encode(table string, rows [][]string) ([]byte, error) {
	t, ok := cdm.Lookup(table)
	if !ok {
		return nil, fmt.Errorf("gen: table %s is not in the CDM DDL", table)
	}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return nil, fmt.Errorf("gen: %s: %w", table, err)
	}
	for _, r := range rows {
		if len(r) != len(header) {
			return nil, fmt.Errorf("gen: %s row %v has %d fields, want %d", table, r, len(r), len(header))
		}
		if err := w.Write(r); err != nil {
			return nil, fmt.Errorf("gen: %s: %w", table, err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("gen: %s: %w", table, err)
	}
	return buf.Bytes(), nil
}
