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

// Batch is what one durable write adds: changes, the records refused
// between them, and the source position they bring the log to.
type Batch struct {
	Changes    []Change
	Rejects    []Reject
	Checkpoint Checkpoint
}

// Append durably adds changes and records cp; see Write.
func (l *Log) Append(changes []Change, cp Checkpoint) error {
	return l.Write(Batch{Changes: changes, Checkpoint: cp})
}

// Write durably adds the batch: one Parquet file per table and commit day
// under changes/<table>/<yyyy-mm-dd>/, one file of rejects under rejects/,
// and the checkpoint, all in one manifest swap. When Write returns nil, the
// batch survives any crash; when it returns an error, none of it is visible.
func (l *Log) Write(b Batch) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	next := l.m
	next.Version = 1
	next.Files = append([]File(nil), l.m.Files...)
	next.Rejects = append([]File(nil), l.m.Rejects...)
	for _, group := range groupByPartition(b.Changes) {
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
	if len(b.Rejects) > 0 {
		f, err := l.writeRejects(next.NextFile, b.Rejects)
		if err != nil {
			return err
		}
		next.NextFile++
		next.Rejects = append(next.Rejects, f)
		next.RejectCount += f.Rows
	}
	next.apply(b.Checkpoint)
	next.observe(int64(len(b.Changes)), time.Now().UTC())
	if err := writeManifest(l.dir, next); err != nil {
		return err
	}
	l.m = next
	return nil
}

func (m *Manifest) apply(cp Checkpoint) {
	if cp.Position != "" {
		m.Position = cp.Position
	}
	if cp.SnapshotDone {
		m.SnapshotDone = true
	}
	if cp.SnapshotPosition != "" {
		m.SnapshotPosition = cp.SnapshotPosition
	}
	if cp.Source != "" {
		m.Source = cp.Source
	}
}

// Reset empties the log: every file and the manifest are removed. A door
// uses it to restart an initial snapshot that did not complete.
func (l *Log) Reset() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, sub := range []string{"changes", "rejects"} {
		if err := os.RemoveAll(filepath.Join(l.dir, sub)); err != nil {
			return fmt.Errorf("bronze: reset: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Join(l.dir, "changes"), 0o755); err != nil {
		return fmt.Errorf("bronze: reset: %w", err)
	}
	l.m = Manifest{Version: 1}
	return writeManifest(l.dir, l.m)
}

// groupByPartition splits changes by table and UTC commit day, keeping
// their order within each group.
func groupByPartition(changes []Change) [][]Change {
	idx := map[string]int{}
	var groups [][]Change
	for _, c := range changes {
		p := partitionDir(c)
		i, ok := idx[p]
		if !ok {
			i = len(groups)
			idx[p] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], c)
	}
	return groups
}

// partitionDir is the directory, relative to the log, of c's partition.
func partitionDir(c Change) string {
	day := "undated"
	if !c.CommitTime.IsZero() {
		day = c.CommitTime.UTC().Format(time.DateOnly)
	}
	return filepath.Join("changes", tableDir(c.Table), day)
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
	rel := filepath.Join(partitionDir(rows[0]), fmt.Sprintf("%012d.parquet", seq))
	if err := writeParquet(filepath.Join(l.dir, rel), rows); err != nil {
		return File{}, fmt.Errorf("bronze: write %s: %w", rel, err)
	}
	out := File{Path: rel, Table: rows[0].Table, Rows: int64(len(rows)), MinLSN: rows[0].LSN, MaxLSN: rows[0].LSN}
	for _, r := range rows {
		out.MinLSN = min(out.MinLSN, r.LSN)
		out.MaxLSN = max(out.MaxLSN, r.LSN)
	}
	return out, nil
}

// writeParquet writes rows as a new zstd-compressed Parquet file at path and
// makes it and its directory entry durable; on error nothing is left behind.
func writeParquet[T any](path string, rows []T) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := parquet.NewGenericWriter[T](f, parquet.Compression(&parquet.Zstd))
	if _, err := w.Write(rows); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := closeSynced(w, f); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// closeSynced finishes a Parquet file and makes it and its directory entry durable.
func closeSynced[T any](w *parquet.GenericWriter[T], f *os.File) error {
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
	for _, f := range l.m.Rejects {
		listed[filepath.Clean(f.Path)] = true
	}
	var orphans []string
	for _, sub := range []string{"changes", "rejects"} {
		err := filepath.WalkDir(filepath.Join(l.dir, sub), func(path string, d os.DirEntry, err error) error {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
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
