package bronze

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Set is the bronze root as readers see it: one log per source (door), each
// in its own subdirectory with its own manifest, lock and position, so that
// doors append independently, even from different processes. A table is fed
// by one source; ordering by (lsn, seq) is per source.
type Set struct {
	Root string
	// Sources maps each source's name (its subdirectory) to its manifest.
	// A log kept directly in Root, as cdw before per-source logs wrote it,
	// is the source named "".
	Sources map[string]Manifest
}

// ReadSet reads the manifest of every source log under root. A missing root
// is an empty set.
func ReadSet(root string) (Set, error) {
	s := Set{Root: root, Sources: map[string]Manifest{}}
	if _, err := os.Stat(filepath.Join(root, ManifestFile)); err == nil {
		m, err := ReadManifest(root)
		if err != nil {
			return Set{}, err
		}
		s.Sources[""] = m
	}
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return Set{}, fmt.Errorf("bronze: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, e.Name(), ManifestFile)); err != nil {
			continue
		}
		m, err := ReadManifest(filepath.Join(root, e.Name()))
		if err != nil {
			return Set{}, err
		}
		s.Sources[e.Name()] = m
	}
	return s, nil
}

// Names returns the sources in name order.
func (s Set) Names() []string {
	out := make([]string, 0, len(s.Sources))
	for n := range s.Sources {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Dir returns the directory of the named source's log.
func (s Set) Dir(name string) string { return filepath.Join(s.Root, name) }

// Paths returns the absolute paths of every source's files for table.
func (s Set) Paths(table string) []string {
	var out []string
	for _, n := range s.Names() {
		out = append(out, s.Sources[n].Paths(s.Dir(n), table)...)
	}
	return out
}

// PathsAfter returns the absolute paths of the files for table that hold a
// change after lsn: those whose highest LSN is above it. (A door appends
// all the changes of one LSN in one batch, so a reader that has seen one of
// them has seen them all.)
func (s Set) PathsAfter(table string, lsn int64) []string {
	var out []string
	for _, n := range s.Names() {
		for _, f := range s.Sources[n].Files {
			if f.Table == table && f.MaxLSN > lsn {
				out = append(out, filepath.Join(s.Dir(n), f.Path))
			}
		}
	}
	return out
}

// Position combines every source's position into one comparable string,
// "name=position" per source in name order.
func (s Set) Position() string {
	var parts []string
	for _, n := range s.Names() {
		if p := s.Sources[n].Position; p != "" {
			if n == "" {
				parts = append(parts, p)
			} else {
				parts = append(parts, n+"="+p)
			}
		}
	}
	return strings.Join(parts, ";")
}

// Rows is the number of changes in all sources.
func (s Set) Rows() int64 {
	var n int64
	for _, m := range s.Sources {
		n += m.Rows
	}
	return n
}

// LastCommit is the newest commit time of any source.
func (s Set) LastCommit() time.Time {
	var t time.Time
	for _, m := range s.Sources {
		if m.LastCommit.After(t) {
			t = m.LastCommit
		}
	}
	return t
}

// SplitPosition is the inverse of Set.Position: it maps each source's name
// to its position ("" for a log kept directly in the root).
func SplitPosition(combined string) map[string]string {
	out := map[string]string{}
	if combined == "" {
		return out
	}
	for _, part := range strings.Split(combined, ";") {
		if name, pos, ok := strings.Cut(part, "="); ok {
			out[name] = pos
		} else {
			out[""] = part
		}
	}
	return out
}
