package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/internal/fsutil"
)

// Layout is the on-disk layout of a data directory (see docs/ARCHITECTURE.md).
type Layout struct{ Root string }

// PG is the private PostgreSQL cluster of the demo.
func (l Layout) PG() string { return filepath.Join(l.Root, "pg") }

// Truth is where the synthetic hospital writes its ground truth (JSONL).
func (l Layout) Truth() string { return filepath.Join(l.Root, "truth") }

// Bronze is the bronze root: one change log per source (see bronze.Set).
func (l Layout) Bronze() string { return filepath.Join(l.Root, "bronze") }

// PostgresSource names the bronze log of the PostgreSQL door.
const PostgresSource = "postgres"

// BronzeSource is the bronze log of the named source (door).
func (l Layout) BronzeSource(name string) string { return filepath.Join(l.Bronze(), name) }

// CDM is the store of published CDM snapshots.
func (l Layout) CDM() string { return filepath.Join(l.Root, "cdm") }

// Store returns the CDM snapshot store.
func (l Layout) Store() *cdm.Store { return cdm.NewStore(l.CDM()) }

// Vocab is the directory of the OMOP vocabulary tables (cdw vocab load).
func (l Layout) Vocab() string { return filepath.Join(l.Root, "vocab") }

// Index is the notes index.
func (l Layout) Index() string { return filepath.Join(l.Root, "index", "notes.bleve") }

// RunFile names the running server of this data directory, if any.
func (l Layout) RunFile() string { return filepath.Join(l.Root, "run", "server.json") }

// Server describes a running cdw server (demo or serve) of a data directory.
type Server struct {
	PID     int       `json:"pid"`
	Addr    string    `json:"addr"`
	URL     string    `json:"url"`
	Started time.Time `json:"started"`
}

func (l Layout) writeRunFile(s Server) error {
	if err := os.MkdirAll(filepath.Dir(l.RunFile()), 0o755); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	b, _ := json.Marshal(s)
	return fsutil.WriteFileAtomic(l.RunFile(), b, 0o644)
}

// ErrNoServer is returned by RunningServer when no server runs on the directory.
var ErrNoServer = errors.New("no cdw server is running on this data directory")

// RunningServer returns the server running on the data directory, checking
// that its process is alive and that it answers.
func (l Layout) RunningServer() (Server, error) {
	b, err := os.ReadFile(l.RunFile())
	if errors.Is(err, os.ErrNotExist) {
		return Server{}, ErrNoServer
	}
	if err != nil {
		return Server{}, fmt.Errorf("pipeline: %w", err)
	}
	var s Server
	if err := json.Unmarshal(b, &s); err != nil || s.PID <= 0 {
		return Server{}, ErrNoServer
	}
	if err := syscall.Kill(s.PID, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return Server{}, ErrNoServer
	}
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(s.URL + "healthz")
	if err != nil {
		return Server{}, ErrNoServer
	}
	resp.Body.Close()
	return s, nil
}
