package bronze

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/parquet-go/parquet-go"
)

// CompactOptions bounds a compaction.
type CompactOptions struct {
	// SmallRows: files with fewer rows are merged (default 10,000).
	SmallRows int64
	// MinFiles: a table is compacted once it has this many small files (default 16).
	MinFiles int
	// MaxRows bounds the rows of one merged file (default 200,000).
	MaxRows int64
	// Grace is how long a replaced file stays on disk for readers that read
	// the previous manifest (default ten minutes, longer than a build takes).
	Grace time.Duration
}

func (o *CompactOptions) defaults() {
	if o.SmallRows <= 0 {
		o.SmallRows = 10000
	}
	if o.MinFiles <= 1 {
		o.MinFiles = 16
	}
	if o.MaxRows <= 0 {
		o.MaxRows = 200000
	}
	if o.Grace <= 0 {
		o.Grace = 10 * time.Minute
	}
}

// Compact merges each table's small files into larger ones, so that readers
// open few files however long ingest has run. Rows are copied unchanged
// (readers order by lsn and seq, not by file), the manifest swaps the merged
// file for its inputs atomically, and the inputs are deleted only after the
// grace period, so a reader holding the previous manifest can still read
// them. It returns the number of files merged away.
func (l *Log) Compact(o CompactOptions) (int, error) {
	o.defaults()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.removeExpired(time.Now(), o.Grace)
	merged := 0
	for _, part := range l.m.partitions() {
		runs := l.smallRuns(part, o)
		for _, run := range runs {
			if err := l.mergeRun(run); err != nil {
				return merged, err
			}
			merged += len(run)
		}
	}
	return merged, nil
}

// partitions returns the distinct directories of the manifest's files.
func (m Manifest) partitions() []string {
	paths := make([]string, len(m.Files))
	for i, f := range m.Files {
		paths[i] = f.Path
	}
	return distinctDirs(paths)
}

// smallRuns groups the small files of one partition (a table's day) into
// runs to merge, each at most MaxRows rows, once there are at least MinFiles.
func (l *Log) smallRuns(part string, o CompactOptions) [][]File {
	var small []File
	for _, f := range l.m.Files {
		if f.Rows < o.SmallRows && filepath.Dir(f.Path) == part {
			small = append(small, f)
		}
	}
	if len(small) < o.MinFiles {
		return nil
	}
	var runs [][]File
	var cur []File
	var rows int64
	for _, f := range small {
		if rows+f.Rows > o.MaxRows && len(cur) > 1 {
			runs = append(runs, cur)
			cur, rows = nil, 0
		}
		cur = append(cur, f)
		rows += f.Rows
	}
	if len(cur) > 1 {
		runs = append(runs, cur)
	}
	return runs
}

// mergeRun writes the run's rows into one new file and swaps it in.
func (l *Log) mergeRun(run []File) error {
	seq := l.m.NextFile
	rel := filepath.Join(filepath.Dir(run[0].Path), fmt.Sprintf("%012d.parquet", seq))
	path := filepath.Join(l.dir, rel)
	out := File{Path: rel, Table: run[0].Table, MinLSN: run[0].MinLSN, MaxLSN: run[0].MaxLSN}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bronze: compact: %w", err)
	}
	w := parquet.NewGenericWriter[Change](f, parquet.Compression(&parquet.Zstd))
	for _, in := range run {
		rows, err := ReadFile(filepath.Join(l.dir, in.Path))
		if err == nil {
			_, err = w.Write(rows)
		}
		if err != nil {
			f.Close()
			os.Remove(path)
			return fmt.Errorf("bronze: compact %s: %w", in.Path, err)
		}
		out.Rows += in.Rows
		out.MinLSN, out.MaxLSN = min(out.MinLSN, in.MinLSN), max(out.MaxLSN, in.MaxLSN)
	}
	if err := closeSynced(w, f, true); err != nil {
		os.Remove(path)
		return fmt.Errorf("bronze: compact into %s: %w", rel, err)
	}
	next := l.m
	next.NextFile = seq + 1
	gone := map[string]bool{}
	for _, in := range run {
		gone[in.Path] = true
		next.Obsolete = append(next.Obsolete, Obsolete{Path: in.Path, Since: time.Now().UTC()})
	}
	next.Files = nil
	for _, f := range l.m.Files {
		if !gone[f.Path] {
			next.Files = append(next.Files, f)
		}
	}
	next.Files = append(next.Files, out)
	if err := writeManifest(l.dir, next); err != nil {
		os.Remove(path)
		return err
	}
	l.m = next
	return nil
}

// removeExpired deletes replaced files whose grace period is over.
func (l *Log) removeExpired(now time.Time, grace time.Duration) {
	var keep []Obsolete
	for _, o := range l.m.Obsolete {
		if now.Sub(o.Since) < grace {
			keep = append(keep, o)
			continue
		}
		os.Remove(filepath.Join(l.dir, o.Path))
	}
	if len(keep) != len(l.m.Obsolete) {
		next := l.m
		next.Obsolete = keep
		if writeManifest(l.dir, next) == nil {
			l.m = next
		}
	}
}
