package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/cdw-dev/cdw/cdm"
)

// Options configures a Warehouse.
type Options struct {
	// Store is the CDM snapshot store to serve. Required.
	Store *cdm.Store
	// SnapshotID pins one snapshot; empty follows the current one (see Refresh).
	SnapshotID string
	// Threads and MemoryLimit bound DuckDB (0 and "" keep DuckDB's defaults).
	Threads     int
	MemoryLimit string
	Logger      *slog.Logger
}

// Warehouse is a read-only DuckDB session pool over one CDM snapshot at a time.
// It is safe for concurrent use.
type Warehouse struct {
	opts Options
	db   *sql.DB

	mu   sync.RWMutex // guards snap
	snap cdm.Snapshot
}

// Open starts an in-memory DuckDB, locks it down and binds the OMOP views to
// the pinned or current snapshot. It returns cdm.ErrNoSnapshot (wrapped) when
// nothing has been built yet.
func Open(ctx context.Context, opts Options) (*Warehouse, error) {
	if opts.Store == nil {
		return nil, errors.New("warehouse: Options.Store is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	snap, err := opts.pick()
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("warehouse: start DuckDB: %w", err)
	}
	w := &Warehouse{opts: opts, db: sql.OpenDB(connector)}
	if err := w.lockDown(ctx); err != nil {
		w.db.Close()
		return nil, err
	}
	if err := w.bind(ctx, snap); err != nil {
		w.db.Close()
		return nil, err
	}
	return w, nil
}

func (o Options) pick() (cdm.Snapshot, error) {
	if o.SnapshotID != "" {
		return o.Store.Get(o.SnapshotID)
	}
	return o.Store.Current()
}

// lockDown confines DuckDB to reading the snapshot directory before any
// user statement runs, then locks the configuration so no statement can
// loosen it again.
func (w *Warehouse) lockDown(ctx context.Context) error {
	snapshots, err := filepath.Abs(filepath.Join(w.opts.Store.Dir(), "snapshots"))
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	stmts := []string{
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		fmt.Sprintf("SET allowed_directories = [%s]", quote(snapshots+string(filepath.Separator))),
		"SET enable_external_access = false",
	}
	if w.opts.Threads > 0 {
		stmts = append(stmts, fmt.Sprintf("SET threads = %d", w.opts.Threads))
	}
	if w.opts.MemoryLimit != "" {
		stmts = append(stmts, fmt.Sprintf("SET memory_limit = %s", quote(w.opts.MemoryLimit)))
	}
	stmts = append(stmts, "SET lock_configuration = true")
	for _, s := range stmts {
		if _, err := w.db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("warehouse: configure DuckDB (%s): %w", s, err)
		}
	}
	return nil
}

// bind points one view per OMOP table at snap's Parquet files in a single
// transaction: concurrent queries see the old set or the new, never a mix.
func (w *Warehouse) bind(ctx context.Context, snap cdm.Snapshot) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("warehouse: bind snapshot %s: %w", snap.ID, err)
	}
	defer tx.Rollback()
	w.mu.RLock()
	old := w.snap
	w.mu.RUnlock()
	for _, name := range snap.TableNames() {
		path, _ := snap.Path(name)
		q := fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT * FROM read_parquet(%s)", ident(name), quote(path))
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("warehouse: bind table %s of snapshot %s: %w", name, snap.ID, err)
		}
	}
	for _, name := range old.TableNames() {
		if _, still := snap.Tables[name]; !still {
			if _, err := tx.ExecContext(ctx, "DROP VIEW IF EXISTS "+ident(name)); err != nil {
				return fmt.Errorf("warehouse: unbind table %s: %w", name, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("warehouse: bind snapshot %s: %w", snap.ID, err)
	}
	w.mu.Lock()
	w.snap = snap
	w.mu.Unlock()
	w.opts.Logger.Debug("warehouse bound to snapshot", "snapshot", snap.ID)
	return nil
}

// Refresh moves the warehouse to the store's current snapshot when it is newer
// than the bound one and reports whether it moved. A pinned warehouse never moves.
func (w *Warehouse) Refresh(ctx context.Context) (bool, error) {
	if w.opts.SnapshotID != "" {
		return false, nil
	}
	cur, err := w.opts.Store.Current()
	if err != nil {
		return false, fmt.Errorf("warehouse: %w", err)
	}
	if cur.ID == w.Snapshot().ID {
		return false, nil
	}
	return true, w.bind(ctx, cur)
}

// Snapshot returns the snapshot the views currently read.
func (w *Warehouse) Snapshot() cdm.Snapshot {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.snap
}

// Close releases DuckDB. Rows still open must be closed first.
func (w *Warehouse) Close() error { return w.db.Close() }

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
