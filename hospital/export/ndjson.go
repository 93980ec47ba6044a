package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ndjsonFile writes one resource per line to a file.
type ndjsonFile struct {
	name  string
	f     *os.File
	w     *bufio.Writer
	enc   *json.Encoder
	count int64
}

// createNDJSON creates (truncating) dir/name.
func createNDJSON(dir, name string) (*ndjsonFile, error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("export: create %s: %w", name, err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &ndjsonFile{name: name, f: f, w: w, enc: enc}, nil
}

// write appends resource v as one line.
func (n *ndjsonFile) write(v any) error {
	if err := n.enc.Encode(v); err != nil {
		return fmt.Errorf("export: write %s line %d: %w", n.name, n.count+1, err)
	}
	n.count++
	return nil
}

// close flushes, syncs and closes the file.
func (n *ndjsonFile) close() error {
	err := n.w.Flush()
	if err == nil {
		err = n.f.Sync()
	}
	if cerr := n.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export: close %s: %w", n.name, err)
	}
	return nil
}
