package bronze

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/parquet-go/parquet-go"
	"golang.org/x/sync/errgroup"

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

// Write durably adds the batch: one Parquet file per table under
// changes/<table>/<yyyy-mm-dd>/ (the day it is appended), one file of rejects under rejects/,
// and the checkpoint, all in one manifest swap. When Write returns nil, the
// batch survives any crash; when it returns an error, none of it is visible.
func (l *Log) Write(b Batch) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	next := l.m
	next.Version = 1
	next.Files = append([]File(nil), l.m.Files...)
	next.Rejects = append([]File(nil), l.m.Rejects...)
	groups := groupByPartition(b.Changes)
	files := make([]File, len(groups))
	now := time.Now()
	for i, g := range groups {
		files[i] = fileFor(next.NextFile, g, now)
		next.NextFile++
	}
	var rejects File
	if len(b.Rejects) > 0 {
		rejects = File{Path: filepath.Join("rejects", fmt.Sprintf("%012d.parquet", next.NextFile)), Rows: int64(len(b.Rejects))}
		next.NextFile++
	}
	if err := l.writeAll(groups, files, b.Rejects, rejects.Path); err != nil {
		return err
	}
	for i, f := range files {
		next.Files = append(next.Files, f)
		next.Rows += f.Rows
		if last := groups[i][len(groups[i])-1].CommitTime; last.After(next.LastCommit) {
			next.LastCommit = last
		}
	}
	if rejects.Path != "" {
		next.Rejects = append(next.Rejects, rejects)
		next.RejectCount += rejects.Rows
	}
	next.apply(b.Checkpoint)
	now = time.Now().UTC()
	next.observe(int64(len(b.Changes)), now)
	next.UpdatedAt = now // writeManifest stamps its copy; the rate needs it here too
	if err := writeManifest(l.dir, next); err != nil {
		return err
	}
	l.m = next
	return nil
}

// writeAll writes the batch's files concurrently (at most GOMAXPROCS at a
// time, so that encoding uses every core and fsyncs overlap), then makes
// every directory entry durable once. On error it removes what it wrote.
func (l *Log) writeAll(groups [][]Change, files []File, rejects []Reject, rejectsPath string) error {
	paths := make([]string, 0, len(files)+1)
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	if rejectsPath != "" {
		paths = append(paths, rejectsPath)
	}
	dirs := distinctDirs(paths)
	created, err := l.mkdirs(dirs)
	if err != nil {
		return err
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range groups {
		g.Go(func() error { return writeParquet(filepath.Join(l.dir, files[i].Path), groups[i]) })
	}
	if rejectsPath != "" {
		g.Go(func() error { return writeParquet(filepath.Join(l.dir, rejectsPath), rejects) })
	}
	err = g.Wait()
	for _, d := range append(dirs, created...) {
		if err != nil {
			break
		}
		err = fsutil.SyncDir(filepath.Join(l.dir, d))
	}
	if err != nil {
		for _, p := range paths {
			os.Remove(filepath.Join(l.dir, p))
		}
		return fmt.Errorf("bronze: write batch: %w", err)
	}
	return nil
}

// distinctDirs returns the directories of paths, each once, in order.
func distinctDirs(paths []string) []string {
	var dirs []string
	seen := map[string]bool{}
	for _, p := range paths {
		if d := filepath.Dir(p); !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// mkdirs creates the directories (relative to the log) that do not exist
// yet and returns the parents whose entries changed and must be synced.
func (l *Log) mkdirs(dirs []string) ([]string, error) {
	var parents []string
	for _, d := range dirs {
		for p := d; p != "." && p != string(filepath.Separator); p = filepath.Dir(p) {
			if _, err := os.Stat(filepath.Join(l.dir, p)); err == nil {
				break
			}
			parents = append(parents, filepath.Dir(p))
		}
		if err := os.MkdirAll(filepath.Join(l.dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("bronze: %w", err)
		}
	}
	return parents, nil
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

// groupByPartition splits changes by table, keeping their order within each
// group. A batch is written into one day's partition per table: the UTC day
// it is appended on (not the commit day, so a backfill spanning years still
// writes one file per table).
func groupByPartition(changes []Change) [][]Change {
	idx := map[string]int{}
	of := make([]int, len(changes))
	var sizes []int
	prev, at := "", -1
	for n, c := range changes {
		if at < 0 || c.Table != prev { // runs of one table cost one comparison a change
			i, ok := idx[c.Table]
			if !ok {
				i = len(sizes)
				idx[c.Table] = i
				sizes = append(sizes, 0)
			}
			prev, at = c.Table, i
		}
		of[n] = at
		sizes[at]++
	}
	if len(sizes) == 1 {
		return [][]Change{changes} // one table: no copy
	}
	groups := make([][]Change, len(sizes))
	for i, n := range sizes {
		groups[i] = make([]Change, 0, n)
	}
	for n, c := range changes {
		groups[of[n]] = append(groups[of[n]], c)
	}
	return groups
}

// partitionDir is the directory, relative to the log, of table's partition
// for changes appended on day.
func partitionDir(table string, day time.Time) string {
	return filepath.Join("changes", tableDir(table), day.UTC().Format(time.DateOnly))
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

// fileFor describes the file number seq that will hold rows.
func fileFor(seq int64, rows []Change, day time.Time) File {
	rel := filepath.Join(partitionDir(rows[0].Table, day), fmt.Sprintf("%012d.parquet", seq))
	out := File{Path: rel, Table: rows[0].Table, Rows: int64(len(rows)), MinLSN: rows[0].LSN, MaxLSN: rows[0].LSN}
	for _, r := range rows {
		out.MinLSN = min(out.MinLSN, r.LSN)
		out.MaxLSN = max(out.MaxLSN, r.LSN)
	}
	return out
}

// writeParquet writes rows as a new zstd-compressed Parquet file at path
// (whose directory exists) and fsyncs it; the caller syncs the directory.
// On error nothing is left behind.
func writeParquet[T any](path string, rows []T) error {
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
	if err := closeSynced(w, f, false); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// closeSynced finishes a Parquet file and makes it durable, and its
// directory entry too when syncDir is set.
func closeSynced[T any](w *parquet.GenericWriter[T], f *os.File, syncDir bool) error {
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
	if !syncDir {
		return nil
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
