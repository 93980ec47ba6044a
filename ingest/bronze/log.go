package bronze

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/cdw-dev/cdw/internal/fsutil"
)

// ErrLocked is returned by Open when another process is appending to the log.
var ErrLocked = errors.New("bronze: another cdw process is ingesting into this directory")

// Log is the appendable bronze change log in one directory.
type Log struct {
	dir  string
	lock *os.File

	mu sync.Mutex // guards m
	m  Manifest
}

// Open takes the append lock of the bronze directory dir (creating it),
// reads its manifest and deletes files a crashed append left behind.
func Open(dir string) (*Log, error) {
	if err := os.MkdirAll(filepath.Join(dir, "changes"), 0o755); err != nil {
		return nil, fmt.Errorf("bronze: create %s: %w", dir, err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("bronze: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("%w (%s)", ErrLocked, dir)
	}
	m, err := ReadManifest(dir)
	if err != nil {
		lock.Close()
		return nil, err
	}
	l := &Log{dir: dir, lock: lock, m: m}
	if err := l.removeOrphans(); err != nil {
		lock.Close()
		return nil, err
	}
	return l, nil
}

// Dir returns the log's directory.
func (l *Log) Dir() string { return l.dir }

// Manifest returns a copy of the current manifest.
func (l *Log) Manifest() Manifest {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.m
	m.Files = append([]File(nil), l.m.Files...)
	return m
}

// Close releases the append lock.
func (l *Log) Close() error { return l.lock.Close() }

// Checkpoint describes the source state an append makes durable.
type Checkpoint struct {
	Position         string // new source position; empty keeps the current one
	SnapshotDone     bool
	SnapshotPosition string
	Source           string
}

// Append durably adds changes (one Parquet file per table) and records cp in
// the manifest. When Append returns nil, the changes and the checkpoint
// survive any crash; when it returns an error, neither is visible.
func (l *Log) Append(changes []Change, cp Checkpoint) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	next := l.m
	next.Version = 1
	next.Files = append([]File(nil), l.m.Files...)
	for _, group := range groupByTable(changes) {
		f, err := l.writeFile(next.NextFile, group)
		if err != nil {
			return err
		}
		next.NextFile++
		next.Files = append(next.Files, f)
		next.Rows += f.Rows
		if last := group[len(group)-1].CommitTime; last.After(next.LastCommit) {
			next.LastCommit = last
		}
	}
	if cp.Position != "" {
		next.Position = cp.Position
	}
	if cp.SnapshotDone {
		next.SnapshotDone = true
	}
	if cp.SnapshotPosition != "" {
		next.SnapshotPosition = cp.SnapshotPosition
	}
	if cp.Source != "" {
		next.Source = cp.Source
	}
	if err := writeManifest(l.dir, next); err != nil {
		return err
	}
	l.m = next
	return nil
}

// Reset empties the log: every file and the manifest are removed. A door
// uses it to restart an initial snapshot that did not complete.
func (l *Log) Reset() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := os.RemoveAll(filepath.Join(l.dir, "changes")); err != nil {
		return fmt.Errorf("bronze: reset: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(l.dir, "changes"), 0o755); err != nil {
		return fmt.Errorf("bronze: reset: %w", err)
	}
	l.m = Manifest{Version: 1}
	return writeManifest(l.dir, l.m)
}

func groupByTable(changes []Change) [][]Change {
	idx := map[string]int{}
	var groups [][]Change
	for _, c := range changes {
		i, ok := idx[c.Table]
		if !ok {
			i = len(groups)
			idx[c.Table] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], c)
	}
	return groups
}

// tableDir turns emr.patient into a directory name that is safe on any file system.
func tableDir(table string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, table)
}

func (l *Log) writeFile(seq int64, rows []Change) (File, error) {
	rel := filepath.Join("changes", tableDir(rows[0].Table), fmt.Sprintf("%012d.parquet", seq))
	path := filepath.Join(l.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return File{}, fmt.Errorf("bronze: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return File{}, fmt.Errorf("bronze: create %s: %w", rel, err)
	}
	w := parquet.NewGenericWriter[Change](f, parquet.Compression(&parquet.Zstd))
	if _, err := w.Write(rows); err != nil {
		f.Close()
		return File{}, fmt.Errorf("bronze: write %s: %w", rel, err)
	}
	if err := closeSynced(w, f); err != nil {
		return File{}, fmt.Errorf("bronze: write %s: %w", rel, err)
	}
	out := File{Path: rel, Table: rows[0].Table, Rows: int64(len(rows)), MinLSN: rows[0].LSN, MaxLSN: rows[0].LSN}
	for _, r := range rows {
		out.MinLSN = min(out.MinLSN, r.LSN)
		out.MaxLSN = max(out.MaxLSN, r.LSN)
	}
	return out, nil
}

// closeSynced finishes a Parquet file and makes it and its directory entry durable.
func closeSynced(w *parquet.GenericWriter[Change], f *os.File) error {
	if err := w.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return fsutil.SyncDir(filepath.Dir(f.Name()))
}

// removeOrphans deletes Parquet files the manifest does not name: the
// remains of an append that crashed before its manifest was replaced.
func (l *Log) removeOrphans() error {
	listed := map[string]bool{}
	for _, f := range l.m.Files {
		listed[filepath.Clean(f.Path)] = true
	}
	for _, o := range l.m.Obsolete {
		listed[filepath.Clean(o.Path)] = true
	}
	var orphans []string
	root := filepath.Join(l.dir, "changes")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(l.dir, path)
		if !listed[rel] {
			orphans = append(orphans, path)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bronze: scan for orphan files: %w", err)
	}
	sort.Strings(orphans)
	for _, p := range orphans {
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("bronze: remove orphan %s: %w", p, err)
		}
	}
	return nil
}

// Age returns how long ago the newest change in the log was committed.
func (m Manifest) Age(now time.Time) time.Duration {
	if m.LastCommit.IsZero() {
		return 0
	}
	return now.Sub(m.LastCommit)
}
