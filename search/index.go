package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// ErrClosed is returned by every method of an Index after Close.
var ErrClosed = errors.New("search: index is closed")

// ErrIncompatible is returned by Open when the directory holds an index
// written with a different document layout; remove it and Sync to rebuild.
var ErrIncompatible = errors.New("search: index layout is incompatible; remove the index directory to rebuild it")

// Internal (non-document) keys the index stores with SetInternal.
var (
	keyLayout   = []byte("cdw.layout")   // layoutVersion the index was built with
	keySnapshot = []byte("cdw.snapshot") // id of the CDM snapshot the index reflects
	keyPending  = []byte("cdw.pending")  // ids of snapshots a failed Sync may have partly applied
)

// layoutVersion names the document mapping; bump it when the mapping or
// the document contents change so that old indexes are rebuilt.
const layoutVersion = "1"

// boltTimeout bounds how long Open waits for another process's lock.
const boltTimeout = "2s"

// Options configure an Index.
type Options struct {
	// Logger receives sync summaries and decisions; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is called by Sync after each applied batch with
	// the number of changes applied so far and the total it will apply. It
	// runs on the syncing goroutine, so it should return promptly.
	Progress func(done, total int)
}

// Index is the notes index at one directory. Its methods are safe for
// concurrent use; Syncs run one at a time.
type Index struct {
	dir  string
	opts Options
	log  *slog.Logger

	syncMu sync.Mutex   // serialises Sync
	mu     sync.RWMutex // held shared while idx is in use, exclusively by Close
	closed bool
	idx    bleve.Index

	closing context.Context    // cancelled by Close, which cancels running operations
	stop    context.CancelFunc // cancels closing

	batchSize int // document changes per Bleve batch; tests lower it
	pageRows  int // notes read per DuckDB query; tests lower it
}

// Open opens the index at dir, creating an empty one (scorch) when dir holds
// none. It fails with ErrIncompatible if the index was built with another
// layout, and fails rather than block if another process has it open.
func Open(dir string, opts Options) (*Index, error) {
	idx, err := openOrCreate(dir)
	if err != nil {
		return nil, err
	}
	if err := checkLayout(idx); err != nil {
		idx.Close()
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	x := &Index{dir: dir, opts: opts, log: log.With("component", "search"), idx: idx, batchSize: batchSize, pageRows: pageRows}
	x.closing, x.stop = context.WithCancel(context.Background())
	return x, nil
}

func openOrCreate(dir string) (bleve.Index, error) {
	config := map[string]any{"bolt_timeout": boltTimeout}
	idx, err := bleve.OpenUsing(dir, config)
	if err == nil {
		return idx, nil
	}
	if !errors.Is(err, bleve.ErrorIndexPathDoesNotExist) && !errors.Is(err, bleve.ErrorIndexMetaMissing) {
		return nil, fmt.Errorf("search: open index %s: %w", dir, err)
	}
	idx, err = bleve.NewUsing(dir, newMapping(), scorch.Name, scorch.Name, config)
	if err != nil {
		return nil, fmt.Errorf("search: create index %s: %w", dir, err)
	}
	if err := idx.SetInternal(keyLayout, []byte(layoutVersion)); err != nil {
		idx.Close()
		return nil, fmt.Errorf("search: create index %s: record layout: %w", dir, err)
	}
	return idx, nil
}

func checkLayout(idx bleve.Index) error {
	v, err := idx.GetInternal(keyLayout)
	if err != nil {
		return fmt.Errorf("read layout version: %w", err)
	}
	if string(v) != layoutVersion {
		return fmt.Errorf("layout %q, want %q: %w", v, layoutVersion, ErrIncompatible)
	}
	return nil
}

// Close cancels a running Sync, waits for it and for in-flight searches to
// return, and closes the index; no goroutine of the index outlives it.
// Closing twice is a no-op.
func (x *Index) Close() error {
	x.stop()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	if err := x.idx.Close(); err != nil {
		return fmt.Errorf("search: close index %s: %w", x.dir, err)
	}
	return nil
}

// acquire takes a shared hold on the open index for one operation and
// returns a context that is also cancelled by Close; call release when done.
func (x *Index) acquire(ctx context.Context) (context.Context, func(), error) {
	x.mu.RLock()
	if x.closed {
		x.mu.RUnlock()
		return nil, nil, ErrClosed
	}
	ctx, cancel := context.WithCancel(ctx)
	unhook := context.AfterFunc(x.closing, cancel)
	return ctx, func() {
		unhook()
		cancel()
		x.mu.RUnlock()
	}, nil
}

// Snapshot returns the id of the CDM snapshot the index reflects, "" when
// it has never completed a Sync.
func (x *Index) Snapshot() (string, error) {
	_, release, err := x.acquire(context.Background())
	if err != nil {
		return "", err
	}
	defer release()
	st, err := x.readState()
	return st.snapshot, err
}

// DocCount returns the number of notes in the index.
func (x *Index) DocCount() (uint64, error) {
	_, release, err := x.acquire(context.Background())
	if err != nil {
		return 0, err
	}
	defer release()
	n, err := x.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count documents: %w", err)
	}
	return n, nil
}

// state is what the index records about its contents.
type state struct {
	snapshot string   // snapshot fully reflected, "" if none
	pending  []string // snapshots a failed Sync may have partly applied
}

func (x *Index) readState() (state, error) {
	snap, err := x.idx.GetInternal(keySnapshot)
	if err != nil {
		return state{}, fmt.Errorf("search: read indexed snapshot id: %w", err)
	}
	pending, err := x.idx.GetInternal(keyPending)
	if err != nil {
		return state{}, fmt.Errorf("search: read pending snapshot ids: %w", err)
	}
	st := state{snapshot: string(snap)}
	if len(pending) > 0 {
		st.pending = strings.Split(string(pending), "\n")
	}
	return st, nil
}
