package cdm

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cdw-dev/cdw/internal/fsutil"
)

// ErrNoSnapshot is returned when no CDM snapshot has been published yet.
var ErrNoSnapshot = errors.New("no CDM snapshot has been built yet (run cdw build or cdw demo)")

// Snapshot is one published, immutable build of the CDM: a directory of
// Parquet files, one per table, plus snapshot.json describing them.
type Snapshot struct {
	ID         string               `json:"id"`
	Seq        int64                `json:"seq"`
	Created    time.Time            `json:"created"`
	SourceLSN  string               `json:"source_lsn,omitempty"` // bronze position the build read up to
	SourceRows int64                `json:"source_rows"`          // bronze changes the build read
	Tables     map[string]TableFile `json:"tables"`
	// State holds the build's replay state: each source table's current
	// rows, which the next build starts from instead of replaying all of
	// bronze. Its files live in Store.StateDir, outside the snapshot
	// directory, so that nothing reading the snapshot reaches them (they
	// hold the source's identified rows).
	State map[string]TableFile `json:"state,omitempty"`
	// Sources records each bronze source as the build read it, so that the
	// next build can tell whether bronze only grew since (see transform).
	Sources map[string]SourceMark `json:"sources,omitempty"`
	Dir     string                `json:"-"`
}

// SourceMark is what a build saw of one bronze source: how many changes it
// held and where its initial snapshot began.
type SourceMark struct {
	Rows             int64  `json:"rows"`
	SnapshotPosition string `json:"snapshot_position,omitempty"`
}

// StatePath returns the absolute path of a replay-state file.
func (s Snapshot) StatePath(name string) (string, bool) {
	tf, ok := s.State[name]
	if !ok || s.Dir == "" {
		return "", false
	}
	return filepath.Join(filepath.Dir(filepath.Dir(s.Dir)), stateDir, s.ID, tf.File), true
}

// TableFile is one table's Parquet file within a snapshot.
type TableFile struct {
	File string `json:"file"` // relative to the snapshot directory
	Rows int64  `json:"rows"`
	// Mark, for a replay-state file, is the (lsn, seq) order of the last
	// bronze change the build replayed into it, as lsn·2³²+seq in decimal.
	Mark string `json:"mark,omitempty"`
}

// Path returns the absolute path of a table's Parquet file in the snapshot.
func (s Snapshot) Path(table string) (string, bool) {
	tf, ok := s.Tables[strings.ToLower(table)]
	if !ok {
		return "", false
	}
	return filepath.Join(s.Dir, tf.File), true
}

// TableNames returns the snapshot's tables in name order.
func (s Snapshot) TableNames() []string {
	names := make([]string, 0, len(s.Tables))
	for n := range s.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

const (
	snapshotsDir = "snapshots"
	stagingDir   = "staging"
	stateDir     = "state"
	currentFile  = "CURRENT"
	metaFile     = "snapshot.json"
)

// Store is the directory of published snapshots. Publishing is atomic: a
// snapshot is written under staging/, renamed into snapshots/, and only then
// named in CURRENT (itself replaced by rename), so a reader sees either the
// previous build or the next, never half of one.
type Store struct {
	dir string
}

// NewStore returns the snapshot store rooted at dir (the data directory's cdm/).
func NewStore(dir string) *Store { return &Store{dir: dir} }

// StateDir returns the directory of the build state of the snapshot id:
// beside the snapshots, not in one, so that a reader confined to the
// snapshots never reaches it. The builder writes it before Publish; Prune
// removes it with its snapshot.
func (s *Store) StateDir(id string) string { return filepath.Join(s.dir, stateDir, id) }

// Dir returns the store's root directory.
func (s *Store) Dir() string { return s.dir }

// Current returns the snapshot CURRENT names, or ErrNoSnapshot.
func (s *Store) Current() (Snapshot, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return Snapshot{}, ErrNoSnapshot
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("cdm: read current snapshot pointer: %w", err)
	}
	return s.Get(strings.TrimSpace(string(b)))
}

// Get returns the snapshot with the given id.
func (s *Store) Get(id string) (Snapshot, error) {
	if id == "" || strings.ContainsAny(id, `/\`) || strings.HasPrefix(id, ".") {
		return Snapshot{}, fmt.Errorf("cdm: invalid snapshot id %q", id)
	}
	dir := filepath.Join(s.dir, snapshotsDir, id)
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if errors.Is(err, os.ErrNotExist) {
		return Snapshot{}, fmt.Errorf("cdm: snapshot %q: %w", id, ErrNoSnapshot)
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("cdm: snapshot %q: %w", id, err)
	}
	var snap Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		return Snapshot{}, fmt.Errorf("cdm: snapshot %q: corrupt %s: %w", id, metaFile, err)
	}
	snap.Dir = dir
	return snap, nil
}

// List returns the published snapshots, oldest first.
func (s *Store) List() ([]Snapshot, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, snapshotsDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cdm: list snapshots: %w", err)
	}
	var out []Snapshot
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		snap, err := s.Get(e.Name())
		if err != nil {
			continue // a directory without metadata is not a published snapshot
		}
		out = append(out, snap)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

// Stage creates an empty staging directory for the next build and returns its
// path; the builder writes the table files there and then calls Publish.
func (s *Store) Stage() (string, error) {
	if err := os.MkdirAll(filepath.Join(s.dir, stagingDir), 0o755); err != nil {
		return "", fmt.Errorf("cdm: create staging directory: %w", err)
	}
	dir, err := os.MkdirTemp(filepath.Join(s.dir, stagingDir), "build-")
	if err != nil {
		return "", fmt.Errorf("cdm: create staging directory: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", fmt.Errorf("cdm: staging directory: %w", err)
	}
	return dir, nil
}

// NextSeq returns the sequence number the next published snapshot gets.
func (s *Store) NextSeq() (int64, error) {
	snaps, err := s.List()
	if err != nil {
		return 0, err
	}
	if len(snaps) == 0 {
		return 1, nil
	}
	return snaps[len(snaps)-1].Seq + 1, nil
}

// Publish makes the staged directory the current snapshot: it writes
// snapshot.json, fsyncs the files, renames the directory into snapshots/ and
// atomically replaces CURRENT. snap.ID, snap.Seq and snap.Created are filled
// in when empty. On return the snapshot is durable and visible to readers.
func (s *Store) Publish(staged string, snap Snapshot) (Snapshot, error) {
	if snap.Seq == 0 {
		seq, err := s.NextSeq()
		if err != nil {
			return Snapshot{}, err
		}
		snap.Seq = seq
	}
	if snap.Created.IsZero() {
		snap.Created = time.Now().UTC()
	}
	if snap.ID == "" {
		snap.ID = fmt.Sprintf("%08d-%s", snap.Seq, snap.Created.UTC().Format("20060102T150405Z"))
	}
	for name, tf := range snap.Tables {
		if err := fsutil.SyncFile(filepath.Join(staged, tf.File)); err != nil {
			return Snapshot{}, fmt.Errorf("cdm: publish %s: %w", name, err)
		}
	}
	for name, tf := range snap.State {
		if err := fsutil.SyncFile(filepath.Join(s.StateDir(snap.ID), tf.File)); err != nil {
			return Snapshot{}, fmt.Errorf("cdm: publish the state of %s: %w", name, err)
		}
	}
	if len(snap.State) > 0 {
		if err := fsutil.SyncDir(s.StateDir(snap.ID)); err != nil {
			return Snapshot{}, err
		}
	}
	meta, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		return Snapshot{}, fmt.Errorf("cdm: encode snapshot metadata: %w", err)
	}
	if err := fsutil.WriteFileAtomic(filepath.Join(staged, metaFile), meta, 0o644); err != nil {
		return Snapshot{}, err
	}
	if err := os.MkdirAll(filepath.Join(s.dir, snapshotsDir), 0o755); err != nil {
		return Snapshot{}, fmt.Errorf("cdm: publish: %w", err)
	}
	final := filepath.Join(s.dir, snapshotsDir, snap.ID)
	if err := os.Rename(staged, final); err != nil {
		return Snapshot{}, fmt.Errorf("cdm: publish snapshot %s: %w", snap.ID, err)
	}
	if err := fsutil.SyncDir(filepath.Join(s.dir, snapshotsDir)); err != nil {
		return Snapshot{}, err
	}
	if err := fsutil.WriteFileAtomic(filepath.Join(s.dir, currentFile), []byte(snap.ID+"\n"), 0o644); err != nil {
		return Snapshot{}, err
	}
	snap.Dir = final
	return snap, nil
}

// Prune removes all but the newest keep snapshots (never the current one)
// and any abandoned staging directories. Readers that still hold an older
// snapshot open keep their open files on POSIX systems.
func (s *Store) Prune(keep int) error {
	if keep < 1 {
		keep = 1
	}
	cur, err := s.Current()
	if err != nil && !errors.Is(err, ErrNoSnapshot) {
		return err
	}
	snaps, err := s.List()
	if err != nil {
		return err
	}
	for i := 0; i < len(snaps)-keep; i++ {
		if snaps[i].ID == cur.ID {
			continue
		}
		if err := os.RemoveAll(snaps[i].Dir); err != nil {
			return fmt.Errorf("cdm: prune snapshot %s: %w", snaps[i].ID, err)
		}
		if err := os.RemoveAll(s.StateDir(snaps[i].ID)); err != nil {
			return fmt.Errorf("cdm: prune the state of snapshot %s: %w", snaps[i].ID, err)
		}
	}
	return nil
}

// CleanStaging removes staging directories left by builds that never
// published (a crash mid-build). Call it only when no build is running.
func (s *Store) CleanStaging() error {
	return os.RemoveAll(filepath.Join(s.dir, stagingDir))
}
