package transform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

// QuarantineTable is the snapshot table of source rows a build could not map.
const QuarantineTable = "cdw_quarantine"

// Options configures a build.
type Options struct {
	// BronzeDir is the bronze root: one change log per source, each in its
	// own subdirectory (see bronze.Set). Required.
	BronzeDir string
	// Store receives the snapshot. Required.
	Store *cdm.Store
	// VocabDir holds the OMOP vocabulary tables as Parquet (what cdw vocab
	// load writes). When it has none, the build uses the starter vocabulary
	// cdw ships.
	VocabDir string
	// Keep is how many snapshots to keep (default 5).
	Keep int
	// Now gives the build date (open visits end on it); default time.Now.
	Now         func() time.Time
	Threads     int
	MemoryLimit string
	Logger      *slog.Logger
}

func (o *Options) validate() error {
	if o.BronzeDir == "" || o.Store == nil {
		return errors.New("transform: Options.BronzeDir and Options.Store are required")
	}
	if o.Keep <= 0 {
		o.Keep = 5
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Result describes one build.
type Result struct {
	Snapshot    cdm.Snapshot
	Rows        map[string]int64 // rows per OMOP table
	Quarantined int64            // source rows that could not be mapped
	Duration    time.Duration
}

// Build replays bronze, maps it onto the OMOP tables and publishes the result
// as the current snapshot. Readers keep seeing the previous snapshot until the
// new one is complete.
func Build(ctx context.Context, opts Options) (Result, error) {
	if err := opts.validate(); err != nil {
		return Result{}, err
	}
	start := time.Now()
	set, err := bronze.ReadSet(opts.BronzeDir)
	if err != nil {
		return Result{}, err
	}
	db, err := openDuckDB(opts)
	if err != nil {
		return Result{}, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx) // temporary tables live on one connection
	if err != nil {
		return Result{}, fmt.Errorf("transform: %w", err)
	}
	defer conn.Close()
	if err := loadSources(ctx, conn, set); err != nil {
		return Result{}, err
	}
	if err := loadFHIR(ctx, conn, set, opts.Store); err != nil {
		return Result{}, err
	}
	if err := loadCodeMap(ctx, conn, opts.VocabDir); err != nil {
		return Result{}, err
	}
	staged, err := opts.Store.Stage()
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(staged) // a no-op once published (renamed away)
	res, err := mapAndWrite(ctx, conn, staged, opts.Now().UTC().Format("2006-01-02"))
	if err != nil {
		return Result{}, err
	}
	snap, err := opts.Store.Publish(staged, cdm.Snapshot{SourceLSN: set.Position(), SourceRows: set.Rows(), Tables: res.tables})
	if err != nil {
		return Result{}, err
	}
	if err := opts.Store.Prune(opts.Keep); err != nil {
		opts.Logger.Warn("pruning old snapshots failed", "err", err)
	}
	out := Result{Snapshot: snap, Rows: map[string]int64{}, Quarantined: res.quarantined, Duration: time.Since(start)}
	for name, tf := range snap.Tables {
		out.Rows[name] = tf.Rows
	}
	opts.Logger.Info("CDM snapshot published", "snapshot", snap.ID, "source_position", set.Position(), "quarantined", res.quarantined, "took", out.Duration)
	return out, nil
}

// UpToDate reports whether the current snapshot already reflects everything
// in bronze, so a build would change nothing.
func UpToDate(opts Options) (bool, error) {
	set, err := bronze.ReadSet(opts.BronzeDir)
	if err != nil {
		return false, err
	}
	cur, err := opts.Store.Current()
	if errors.Is(err, cdm.ErrNoSnapshot) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return cur.SourceLSN == set.Position() && cur.SourceRows == set.Rows(), nil
}

func openDuckDB(opts Options) (*sql.DB, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("transform: start DuckDB: %w", err)
	}
	db := sql.OpenDB(connector)
	settings := []string{"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false"}
	if opts.Threads > 0 {
		settings = append(settings, fmt.Sprintf("SET threads = %d", opts.Threads))
	}
	if opts.MemoryLimit != "" {
		settings = append(settings, "SET memory_limit = "+quote(opts.MemoryLimit))
	}
	for _, s := range settings {
		if _, err := db.Exec(s); err != nil {
			db.Close()
			return nil, fmt.Errorf("transform: configure DuckDB (%s): %w", s, err)
		}
	}
	return db, nil
}

func loadSources(ctx context.Context, conn *sql.Conn, set bronze.Set) error {
	for _, t := range emrTables {
		if _, err := conn.ExecContext(ctx, currentStateSQL(t, set.Paths(t.name))); err != nil {
			return fmt.Errorf("transform: replay bronze table %s: %w", t.name, err)
		}
	}
	return nil
}

type written struct {
	tables      map[string]cdm.TableFile
	quarantined int64
}

// mapAndWrite creates the OMOP tables from OHDSI's DDL, fills them, and
// writes each, plus the quarantine, as Parquet into dir.
func mapAndWrite(ctx context.Context, conn *sql.Conn, dir, buildDate string) (written, error) {
	ddl, err := cdm.DDL("", OMOPTables()...)
	if err != nil {
		return written{}, err
	}
	if _, err := conn.ExecContext(ctx, ddl); err != nil {
		return written{}, fmt.Errorf("transform: create OMOP tables: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+QuarantineTable+" (source_table VARCHAR, source_key VARCHAR, reason VARCHAR)"); err != nil {
		return written{}, fmt.Errorf("transform: %w", err)
	}
	for _, mp := range mappings {
		steps := []mapping{mp}
		if fm, ok := fhirMappings[mp.table]; ok {
			steps = append(steps, fm)
		}
		for _, st := range steps {
			if _, err := conn.ExecContext(ctx, strings.ReplaceAll(st.insert, "%[1]s", buildDate)); err != nil {
				return written{}, fmt.Errorf("transform: fill %s: %w", st.table, err)
			}
			if st.quarantine != "" {
				if _, err := conn.ExecContext(ctx, "INSERT INTO "+QuarantineTable+" "+st.quarantine); err != nil {
					return written{}, fmt.Errorf("transform: quarantine for %s: %w", st.table, err)
				}
			}
		}
	}
	for _, st := range append(append(append([]mapping(nil), clinicalMappings...), fhirOnlyMappings...), eraMappings...) {
		if _, err := conn.ExecContext(ctx, strings.ReplaceAll(st.insert, "%[1]s", buildDate)); err != nil {
			return written{}, fmt.Errorf("transform: fill %s: %w", st.table, err)
		}
		if st.quarantine == "" {
			continue
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+QuarantineTable+" "+st.quarantine); err != nil {
			return written{}, fmt.Errorf("transform: quarantine for %s: %w", st.table, err)
		}
	}
	out := written{tables: map[string]cdm.TableFile{}}
	for _, name := range append(OMOPTables(), QuarantineTable, IDMapTable) {
		file := name + ".parquet"
		q := fmt.Sprintf("COPY (SELECT * FROM %s ORDER BY 1) TO %s (FORMAT parquet, COMPRESSION zstd)", ident(name), quote(filepath.Join(dir, file)))
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return written{}, fmt.Errorf("transform: write %s: %w", name, err)
		}
		var n int64
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+ident(name)).Scan(&n); err != nil {
			return written{}, fmt.Errorf("transform: count %s: %w", name, err)
		}
		out.tables[name] = cdm.TableFile{File: file, Rows: n}
		if name == QuarantineTable {
			out.quarantined = n
		}
	}
	return out, nil
}
