package bronze

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/cdw-dev/cdw/internal/fsutil"
)

// ManifestFile is the name of the manifest within the bronze directory.
const ManifestFile = "manifest.json"

// Manifest is the durable state of the log: the files that count and how far
// each source has been consumed. It is replaced atomically on every append.
type Manifest struct {
	Version int `json:"version"`
	// Position is the source position every change up to which is durable
	// (for PostgreSQL, the LSN of the end of the last transaction appended).
	Position string `json:"position,omitempty"`
	// SnapshotDone reports that the initial snapshot is complete.
	SnapshotDone bool `json:"snapshot_done"`
	// SnapshotPosition is the position the initial snapshot is consistent with.
	SnapshotPosition string `json:"snapshot_position,omitempty"`
	// Source names what feeds the log (e.g. the replication slot).
	Source string `json:"source,omitempty"`
	Files  []File `json:"files"`
	// Obsolete files were replaced by compaction; they are deleted once no
	// reader of an earlier manifest can still need them.
	Obsolete []Obsolete `json:"obsolete,omitempty"`
	Rows     int64      `json:"rows"`
	// Rejects are the dead-letter files; RejectCount the records in them.
	Rejects     []File    `json:"rejects,omitempty"`
	RejectCount int64     `json:"reject_count,omitempty"`
	NextFile    int64     `json:"next_file"`
	LastCommit  time.Time `json:"last_commit,omitempty"`
	// Rate is the recent append rate in changes per second, smoothed over
	// the last writes (see RateAt for the rate as of a given time).
	Rate      float64   `json:"rate,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// File is one Parquet file of the log.
type File struct {
	Path   string `json:"path"` // relative to the bronze directory
	Table  string `json:"table"`
	Rows   int64  `json:"rows"`
	MinLSN int64  `json:"min_lsn"`
	MaxLSN int64  `json:"max_lsn"`
}

// Obsolete is a file compaction replaced, and since when.
type Obsolete struct {
	Path  string    `json:"path"`
	Since time.Time `json:"since"`
}

// ReadManifest returns the manifest of the bronze directory dir; a directory
// without one yields an empty manifest.
func ReadManifest(dir string) (Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return Manifest{Version: 1}, nil
	}
	if err != nil {
		return Manifest{}, fmt.Errorf("bronze: read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return Manifest{}, fmt.Errorf("bronze: manifest %s is corrupt: %w", filepath.Join(dir, ManifestFile), err)
	}
	return m, nil
}

func writeManifest(dir string, m Manifest) error {
	m.UpdatedAt = time.Now().UTC()
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return fmt.Errorf("bronze: encode manifest: %w", err)
	}
	if err := fsutil.WriteFileAtomic(filepath.Join(dir, ManifestFile), b, 0o644); err != nil {
		return fmt.Errorf("bronze: %w", err)
	}
	return nil
}

// Paths returns the absolute paths of the manifest's files for table (all
// tables when table is empty).
func (m Manifest) Paths(dir, table string) []string {
	var out []string
	for _, f := range m.Files {
		if table == "" || f.Table == table {
			out = append(out, filepath.Join(dir, f.Path))
		}
	}
	return out
}

// MaxLSN returns the highest LSN in the log (0 when empty). Doors whose
// source has no global order of its own number their changes after it.
func (m Manifest) MaxLSN() int64 {
	var n int64
	for _, f := range m.Files {
		n = max(n, f.MaxLSN)
	}
	return n
}

// observe folds an append of rows changes, made at now, into Rate.
func (m *Manifest) observe(rows int64, now time.Time) {
	dt := now.Sub(m.UpdatedAt).Seconds()
	if m.UpdatedAt.IsZero() || dt <= 0 {
		return
	}
	inst := float64(rows) / max(dt, 0.05)
	w := 1 - math.Exp(-dt/10) // an exponential average over about the last 10 s
	m.Rate = w*inst + (1-w)*m.Rate
}

// RateAt returns the append rate as of now: Rate, decayed to zero when the
// log has not been written for a while.
func (m Manifest) RateAt(now time.Time) float64 {
	idle := now.Sub(m.UpdatedAt)
	if m.UpdatedAt.IsZero() || idle > time.Minute {
		return 0
	}
	return m.Rate * max(0, 1-idle.Seconds()/60)
}
