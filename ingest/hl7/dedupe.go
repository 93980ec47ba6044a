package hl7

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/parquet-go/parquet-go"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// dedupeKey identifies a message for duplicate detection: a 128-bit FNV-1a
// hash of (MSH-3, MSH-4, MSH-10), so that a window of a million keys takes
// about 40 MiB.
type dedupeKey [16]byte

func newDedupeKey(app, facility, controlID string) dedupeKey {
	h := fnv.New128a()
	for _, s := range []string{app, facility, controlID} {
		_, _ = io.WriteString(h, s)
		_, _ = h.Write([]byte{0})
	}
	var k dedupeKey
	h.Sum(k[:0])
	return k
}

// dedupeWindow remembers the last size keys added, oldest evicted first.
// It is owned by the committer goroutine.
type dedupeWindow struct {
	size int
	ring []dedupeKey
	next int
	set  map[dedupeKey]struct{}
}

func newDedupeWindow(size int) *dedupeWindow {
	return &dedupeWindow{size: size, set: make(map[dedupeKey]struct{})}
}

func (w *dedupeWindow) has(k dedupeKey) bool {
	_, ok := w.set[k]
	return ok
}

// add remembers k, forgetting the oldest key when the window is full.
func (w *dedupeWindow) add(k dedupeKey) {
	if _, ok := w.set[k]; ok {
		return
	}
	if len(w.ring) < w.size {
		w.ring = append(w.ring, k)
	} else {
		delete(w.set, w.ring[w.next])
		w.ring[w.next] = k
		w.next = (w.next + 1) % w.size
	}
	w.set[k] = struct{}{}
}

func (w *dedupeWindow) len() int { return len(w.set) }

// dedupeRow is the part of a bronze row the window is rebuilt from.
type dedupeRow struct {
	LSN  int64  `parquet:"lsn"`
	Key  string `parquet:"key"`
	Data string `parquet:"data,optional"`
}

// lsnKey is a key with the LSN that orders it.
type lsnKey struct {
	lsn int64
	key dedupeKey
}

// rebuildWindow fills a window of size keys from the newest messages of the
// log in dir: files are read newest first (by their highest LSN), row by
// row, until size keys are found; the newest size of them are kept.
func rebuildWindow(dir string, m bronze.Manifest, size int) (*dedupeWindow, error) {
	files := append([]bronze.File(nil), m.Files...)
	sort.SliceStable(files, func(i, j int) bool { return files[i].MaxLSN > files[j].MaxLSN })
	var keys []lsnKey
	for _, f := range files {
		if len(keys) >= size {
			break
		}
		if err := readKeys(filepath.Join(dir, f.Path), &keys); err != nil {
			return nil, err
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].lsn < keys[j].lsn })
	if len(keys) > size {
		keys = keys[len(keys)-size:]
	}
	w := newDedupeWindow(size)
	for _, k := range keys {
		w.add(k.key)
	}
	return w, nil
}

// readKeys appends the dedupe key of every row of one bronze file.
func readKeys(path string, keys *[]lsnKey) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("hl7: dedupe window: %w", err)
	}
	defer f.Close()
	r := parquet.NewGenericReader[dedupeRow](f)
	defer r.Close()
	rows := make([]dedupeRow, 256)
	for {
		n, err := r.Read(rows)
		for _, row := range rows[:n] {
			k, kerr := keyOfRow(row)
			if kerr != nil {
				return fmt.Errorf("hl7: dedupe window: %s lsn %d: %w", path, row.LSN, kerr)
			}
			*keys = append(*keys, lsnKey{row.LSN, k})
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("hl7: dedupe window: read %s: %w", path, err)
		}
	}
}

// keyOfRow returns the dedupe key of a stored message: facility and control
// id from its Key, the sending application from the start of its Data.
func keyOfRow(row dedupeRow) (dedupeKey, error) {
	var key []string
	if err := json.Unmarshal([]byte(row.Key), &key); err != nil || len(key) != 2 {
		return dedupeKey{}, fmt.Errorf("key %q is not [facility, control id]", row.Key)
	}
	app, err := leadingField(row.Data, "sending_application")
	if err != nil {
		return dedupeKey{}, err
	}
	return newDedupeKey(app, key[0], key[1]), nil
}

// leadingField returns the string value of a top-level member of a JSON
// object, reading only up to it (Document writes the header first).
func leadingField(data, name string) (string, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(data)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", fmt.Errorf("data is not a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("data: %w", err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return "", fmt.Errorf("data: %w", err)
		}
		if t == name {
			var s string
			err := json.Unmarshal(v, &s)
			return s, err
		}
	}
	return "", fmt.Errorf("data has no %s", name)
}
