package fhir

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// fingerprintBytes bounds the head of a file its fingerprint covers.
const fingerprintBytes = 4096

// ReadDir ingests the NDJSON files of dir. When dir holds an export.json
// manifest, it names the files (outputs as resources, deleted as deletes,
// error files' OperationOutcomes as rejects; a URL stands for the file of
// its last path element in dir) and other files are left alone; without
// one, every *.ndjson file is read as resources, in name order. Each file continues where the log's position says it was left,
// so calling ReadDir again reads only lines appended since. It returns when
// every file is durable in bronze, or with the first I/O or bronze error
// (bad lines are rejects, not errors).
func (d *Door) ReadDir(ctx context.Context, dir string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.load(ctx); err != nil {
		return err
	}
	files, fallback, err := listDir(dir)
	if err != nil {
		return d.finish(err)
	}
	for _, f := range files {
		if err := d.readFile(ctx, f.URL, f.kind, fallback); err != nil {
			return d.finish(err)
		}
	}
	return d.finish(nil)
}

// ReadFiles ingests the given NDJSON files of resources, like ReadDir.
// Resources without meta.lastUpdated are stamped with the time of the call.
func (d *Door) ReadFiles(ctx context.Context, paths ...string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.load(ctx); err != nil {
		return err
	}
	now := time.Now().UTC()
	for _, p := range paths {
		if err := d.readFile(ctx, p, kindOutput, now); err != nil {
			return d.finish(err)
		}
	}
	return d.finish(nil)
}

// listDir returns the files of dir to read (URL holding the path) and the
// commit time of resources without meta.lastUpdated.
func listDir(dir string) ([]manifestEntry, time.Time, error) {
	fallback := time.Now().UTC()
	var files []manifestEntry
	mf, err := os.Open(filepath.Join(dir, ManifestName))
	switch {
	case err == nil:
		m, err := decodeManifest(mf)
		mf.Close()
		if err != nil {
			return nil, fallback, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestName), err)
		}
		if t := m.transactionTime(); !t.IsZero() {
			fallback = t
		}
		for _, e := range m.files() {
			if e.kind == kindOutput && e.Type != "" && !typePattern.MatchString(e.Type) {
				return nil, fallback, fmt.Errorf("fhir: manifest output type %q is not a resource type", e.Type)
			}
			name, err := localName(e.URL)
			if err != nil {
				return nil, fallback, err
			}
			e.URL = filepath.Join(dir, name)
			files = append(files, e)
		}
		return files, fallback, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fallback, fmt.Errorf("fhir: %w", err)
	}
	rest, err := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	if err != nil {
		return nil, fallback, fmt.Errorf("fhir: %w", err)
	}
	sort.Strings(rest)
	for _, p := range rest {
		files = append(files, manifestEntry{outputFile: outputFile{URL: p}, kind: kindOutput})
	}
	return files, fallback, nil
}

// localName returns the file name a manifest url stands for in its
// directory: the last element of a relative path or of an absolute URL's path.
func localName(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("fhir: manifest url %q: %w", raw, err)
	}
	name := path.Base(u.Path)
	if name == "." || name == "/" || strings.Contains(name, "..") {
		return "", fmt.Errorf("fhir: manifest url %q names no file", raw)
	}
	return name, nil
}

// readFile consumes one local file from its stored position.
func (d *Door) readFile(ctx context.Context, p string, kind fileKind, fallback time.Time) error {
	abs, err := filepath.Abs(p)
	if err != nil {
		return fmt.Errorf("fhir: %w", err)
	}
	f, err := os.Open(abs)
	if err != nil {
		return fmt.Errorf("fhir: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("fhir: %w", err)
	}
	st := d.pos.file(abs)
	if err := d.checkFingerprint(f, info.Size(), st); err != nil {
		return err
	}
	if st.Offset == info.Size() {
		return nil
	}
	if _, err := f.Seek(st.Offset, io.SeekStart); err != nil {
		return fmt.Errorf("fhir: %w", err)
	}
	d.logger.Info("fhir: reading", "file", abs, "from", st.Offset, "size", info.Size())
	in := input{name: filepath.Base(abs), kind: kind, state: st, fallback: fallback,
		advanced: func(off int64) error { return fingerprint(f, st, off) }}
	return d.consume(ctx, f, in)
}

// checkFingerprint starts st over when the file is not the one st was read
// from: shorter than its offset, or with a different head.
func (d *Door) checkFingerprint(f *os.File, size int64, st *fileState) error {
	if st.Offset == 0 {
		return nil
	}
	same := size >= st.Offset
	if same {
		fp, err := headHash(f, st.FingerprintLen)
		if err != nil {
			return err
		}
		same = fp == st.Fingerprint
	}
	if !same {
		d.logger.Info("fhir: file replaced, reading it from the start", "file", f.Name())
		*st = fileState{Used: st.Used}
	}
	return nil
}

// fingerprint extends st's fingerprint to the first min(off, 4 KiB) bytes.
func fingerprint(f *os.File, st *fileState, off int64) error {
	n := min(off, fingerprintBytes)
	if st.FingerprintLen >= n {
		return nil
	}
	fp, err := headHash(f, n)
	if err != nil {
		return err
	}
	st.Fingerprint, st.FingerprintLen = fp, n
	return nil
}

// headHash returns the hex SHA-256 of the first n bytes of f.
func headHash(f *os.File, n int64) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, n)); err != nil {
		return "", fmt.Errorf("fhir: fingerprint %s: %w", f.Name(), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
