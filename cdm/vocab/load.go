package vocab

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// Load reads the Athena download in opts.Dir and writes one Parquet file per
// vocabulary table into opts.Out, with the columns, order and types of OHDSI's
// DDL. The files are written to a staging directory beside Out that replaces
// Out only after every table loaded, so an error leaves the previous
// vocabulary in place. Lines that do not parse are left out, counted and
// sampled in the Result; they never fail the load. A download without a
// CONCEPT file fails with ErrNoConcept; a concurrent Load into the same Out
// fails with ErrLocked.
func Load(ctx context.Context, opts LoadOptions) (Result, error) {
	start := time.Now()
	o, err := opts.withDefaults()
	if err != nil {
		return Result{}, err
	}
	sources, missing, err := discover(o.Dir)
	if err != nil {
		return Result{}, err
	}
	unlock, err := lockOut(o.Out)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	staging, err := os.MkdirTemp(filepath.Dir(filepath.Clean(o.Out)), "."+filepath.Base(o.Out)+".staging-*")
	if err != nil {
		return Result{}, fmt.Errorf("vocab: create staging directory: %w", err)
	}
	defer os.RemoveAll(staging)

	m, err := newMetrics(o.Registerer)
	if err != nil {
		return Result{}, err
	}
	res := Result{Missing: missing}
	if res.Tables, err = loadAll(ctx, o, sources, staging); err != nil {
		return Result{}, err
	}
	if err := publish(staging, o.Out); err != nil {
		return Result{}, err
	}
	for _, tr := range res.Tables {
		m.table(tr)
	}
	res.Duration = time.Since(start)
	o.Logger.Info("vocabulary loaded", "dir", o.Dir, "out", o.Out, "tables", len(res.Tables),
		"rows", res.Rows(), "rejected", res.Rejected(), "missing", missing, "duration", res.Duration)
	return res, nil
}

// loadAll copies every source into staging through one DuckDB connection
// whose memory is capped and which spills to a directory inside staging.
func loadAll(ctx context.Context, o LoadOptions, sources []source, staging string) ([]TableResult, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("vocab: open duckdb: %w", err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx) // one connection: the rejects tables are temporary
	if err != nil {
		return nil, fmt.Errorf("vocab: open duckdb: %w", err)
	}
	defer conn.Close()
	settings := []string{
		"SET memory_limit = " + literal(o.MemoryLimit),
		"SET preserve_insertion_order = false",
		"SET temp_directory = " + literal(filepath.Join(staging, ".spill")),
	}
	if o.Threads > 0 {
		settings = append(settings, "SET threads = "+strconv.Itoa(o.Threads))
	}
	for _, s := range settings {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("vocab: %s: %w", s, err)
		}
	}
	tables := make([]TableResult, 0, len(sources))
	for _, src := range sources {
		o.Progress(src.table.Name, 0)
		tr, err := copyTable(ctx, conn, src, staging, o.RejectSamples)
		if err != nil {
			return nil, err
		}
		o.Progress(src.table.Name, tr.Rows)
		logTable(o, tr)
		tables = append(tables, tr)
	}
	if err := os.RemoveAll(filepath.Join(staging, ".spill")); err != nil {
		return nil, fmt.Errorf("vocab: %w", err)
	}
	return tables, nil
}

// publish moves staging into place as out. A previous out is moved aside
// first and put back if the move fails, then removed.
func publish(staging, out string) error {
	old := staging + ".old"
	hadOld := true
	if err := os.Rename(out, old); errors.Is(err, os.ErrNotExist) {
		hadOld = false
	} else if err != nil {
		return fmt.Errorf("vocab: move previous vocabulary aside: %w", err)
	}
	if err := os.Rename(staging, out); err != nil {
		if hadOld {
			if rerr := os.Rename(old, out); rerr != nil {
				return fmt.Errorf("vocab: publish: %w (and restoring the previous vocabulary from %s: %v)", err, old, rerr)
			}
		}
		return fmt.Errorf("vocab: publish: %w", err)
	}
	if hadOld {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("vocab: remove previous vocabulary: %w", err)
		}
	}
	return nil
}

// logTable logs one loaded table: detail at debug level, a warning when
// lines were rejected.
func logTable(o LoadOptions, tr TableResult) {
	o.Logger.Debug("vocabulary table loaded", "table", tr.Table, "file", tr.File, "rows", tr.Rows,
		"rejected", tr.Rejected, "duration", tr.Duration)
	if tr.Rejected > 0 {
		o.Logger.Warn("vocabulary lines rejected", "table", tr.Table, "file", tr.File, "rejected", tr.Rejected)
	}
	for _, rj := range tr.Rejects {
		o.Logger.Debug("vocabulary line rejected", "file", rj.File, "line", rj.Line, "reason", rj.Reason)
	}
}
