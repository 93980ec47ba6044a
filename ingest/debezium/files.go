package debezium

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// headBytes is how much of a file's beginning fingerprints it.
const headBytes = 4096

// eventFileExts are the names ReadFiles reads from a directory.
var eventFileExts = []string{".json", ".ndjson", ".jsonl"}

// ReadFiles reads newline-delimited Debezium events from each path (a
// directory means its *.json, *.ndjson and *.jsonl files in name order) into
// bronze. It continues each file after the last line a previous run made
// durable, so appending to a file and reading it again adds only the new
// lines; a file replaced under the same name (its first bytes differ) is read
// from the start. Batches are bounded by Options.MaxBatch and MaxBatchBytes.
// A final line without a newline is read only once it is complete JSON (a
// writer may still be writing it). On cancellation ReadFiles returns ctx's
// error; what it had made durable stays, and the next run continues there.
// Concurrent calls run one after the other.
func (d *Door) ReadFiles(ctx context.Context, paths ...string) error {
	d.files.Lock() // two readers of one file would both resume at its position
	defer d.files.Unlock()
	files, err := expand(paths)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := d.readFile(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// expand lists the event files paths name, as absolute paths.
func expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("debezium: %w", err)
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("debezium: %w", err)
		}
		if !st.IsDir() {
			out = append(out, abs)
			continue
		}
		entries, err := os.ReadDir(abs)
		if err != nil {
			return nil, fmt.Errorf("debezium: %w", err)
		}
		for _, e := range entries { // ReadDir sorts by name
			if !e.IsDir() && slices.Contains(eventFileExts, strings.ToLower(filepath.Ext(e.Name()))) {
				out = append(out, filepath.Join(abs, e.Name()))
			}
		}
	}
	return out, nil
}

// readFile reads one file from its stored position to its last complete line.
func (d *Door) readFile(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("debezium: %w", err)
	}
	defer f.Close()
	cur, err := d.resume(f, path)
	if err != nil {
		return err
	}
	if _, err := f.Seek(cur.Offset, io.SeekStart); err != nil {
		return fmt.Errorf("debezium: %s: %w", path, err)
	}
	name := filepath.Base(path)
	source := d.opts.Source + ":" + name
	lr := newLineReader(f, d.opts.MaxRecordBytes)
	b := &batch{}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ln, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("debezium: read %s: %w", path, err)
		}
		if !ln.terminated && !ln.oversized && !json.Valid(ln.text) {
			break // an incomplete last line: read it when it is finished
		}
		cur.Offset += ln.size
		cur.Line++
		d.addLine(b, ln, source, fmt.Sprintf("%s:%d", name, cur.Line))
		if b.full(d.opts) {
			if err := d.writeFile(b, path, cur); err != nil {
				return err
			}
			b = &batch{}
		}
	}
	return d.writeFile(b, path, cur)
}

// addLine decodes one line into the batch; blank lines are consumed silently.
func (d *Door) addLine(b *batch, ln line, source, position string) {
	text := bytes.TrimSpace(ln.text)
	switch {
	case ln.oversized:
		b.events++
		b.reject(source, position, fmt.Sprintf("oversized record: %d bytes, over the limit of %d", ln.size, d.opts.MaxRecordBytes), ln.text)
	case len(text) == 0:
	default:
		ch, err := d.dec.DecodeLine(text)
		b.take(ch, err, source, position, text)
	}
}

// writeFile makes b durable with the file's new position.
func (d *Door) writeFile(b *batch, path string, cur FilePosition) error {
	return d.write(EntryFile, b, func(p *Position) { p.setFile(path, cur) })
}

// resume returns where to continue reading f: its stored position when the
// file's first bytes still match the stored fingerprint, else the start with
// a new fingerprint.
func (d *Door) resume(f *os.File, path string) (FilePosition, error) {
	st, err := f.Stat()
	if err != nil {
		return FilePosition{}, fmt.Errorf("debezium: %w", err)
	}
	stored, ok := d.Position().Files[path]
	if ok && stored.HeadLen > 0 && st.Size() >= stored.Offset && st.Size() >= stored.HeadLen {
		sum, err := headHash(f, stored.HeadLen)
		if err != nil {
			return FilePosition{}, err
		}
		if sum == stored.HeadSHA256 {
			return stored, nil
		}
	}
	if ok && stored.Offset > 0 {
		d.logger.Warn("event file replaced since it was last read; reading it from the start",
			"file", path, "consumed_lines", stored.Line)
	}
	n := min(st.Size(), headBytes)
	sum, err := headHash(f, n)
	if err != nil {
		return FilePosition{}, err
	}
	return FilePosition{HeadLen: n, HeadSHA256: sum}, nil
}

// headHash returns the hex SHA-256 of f's first n bytes.
func headHash(f *os.File, n int64) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, n)); err != nil {
		return "", fmt.Errorf("debezium: fingerprint %s: %w", f.Name(), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
