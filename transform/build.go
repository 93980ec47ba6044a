package transform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/cdm/achilles"
	"github.com/cdw-dev/cdw/cdm/dq"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

// DefaultMemoryLimit is the DuckDB memory limit of a build unless
// Options.MemoryLimit says otherwise.
const DefaultMemoryLimit = "4GB"

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
	// Full replays all of bronze even when the current snapshot's replay
	// state would let the build read only what is new (see state.go).
	Full bool
	// Keep is how many snapshots to keep (default 5).
	Keep int
	// Now gives the build date (open visits end on it); default time.Now.
	Now func() time.Time
	// SourceName is CDM_SOURCE.cdm_source_name (default DefaultSourceName).
	SourceName string
	// CDMHolder is CDM_SOURCE.cdm_holder (default DefaultCDMHolder).
	CDMHolder string
	// DQThresholds overrides the data-quality checks' thresholds (percent
	// of violating rows), by check name or check id (see dq.Options).
	DQThresholds map[string]float64
	Threads      int
	// MemoryLimit bounds DuckDB's memory during the build (default
	// DefaultMemoryLimit); past it, DuckDB spills to a temporary directory
	// under the store's staging directory, removed when the build ends.
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
	if o.MemoryLimit == "" {
		o.MemoryLimit = DefaultMemoryLimit
	}
	if o.SourceName == "" {
		o.SourceName = DefaultSourceName
	}
	if o.CDMHolder == "" {
		o.CDMHolder = DefaultCDMHolder
	}
	return nil
}

// Result describes one build.
type Result struct {
	Snapshot    cdm.Snapshot
	Rows        map[string]int64 // rows per published table: the 39 OMOP tables, the quarantine, the id map and dq_results
	Quarantined int64            // source rows that could not be mapped
	Unmapped    int64            // records whose source code got concept 0 (see UnmappedTable)
	Duration    time.Duration
	// Phases is how long each phase of the build took, in order: replay_emr,
	// replay_fhir_hl7, vocabulary, map, unmapped, dq, achilles, write,
	// state, publish.
	Phases []Phase
	// Replay says how bronze was replayed: in full (and why) or
	// incrementally from which snapshot.
	Replay string
	// DQChecks and DQFailed count the data-quality checks run on the
	// build and those above their threshold (see the dq_results table).
	DQChecks, DQFailed int
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
	spill, err := opts.Store.Stage()
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(spill)
	db, err := openDuckDB(opts, spill)
	if err != nil {
		return Result{}, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx) // temporary tables live on one connection
	if err != nil {
		return Result{}, fmt.Errorf("transform: %w", err)
	}
	defer conn.Close()
	clock := &phaseClock{last: start}
	plan, replay, err := load(ctx, conn, set, opts, clock)
	if err != nil {
		return Result{}, err
	}
	staged, err := opts.Store.Stage()
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(staged) // a no-op once published (renamed away)
	meta, err := nextSnapshot(opts.Store, set)
	if err != nil {
		return Result{}, err
	}
	info := buildInfo{buildDate: opts.Now(), started: start, snapshot: meta, lastCommit: set.LastCommit(),
		sourceName: opts.SourceName, holder: opts.CDMHolder}
	res, err := mapAndWrite(ctx, conn, staged, info, dq.Options{Now: info.buildDate, Thresholds: opts.DQThresholds}, clock)
	if err != nil {
		return Result{}, err
	}
	meta.Tables = res.tables
	if meta.State, err = writeState(ctx, conn, set, opts.Store.StateDir(meta.ID), plan, replay); err != nil {
		return Result{}, err
	}
	meta.Sources = sourceMarks(set)
	clock.done("state")
	snap, err := opts.Store.Publish(staged, meta)
	if err != nil {
		return Result{}, err
	}
	if err := opts.Store.Prune(opts.Keep); err != nil {
		opts.Logger.Warn("pruning old snapshots failed", "err", err)
	}
	clock.done("publish")
	out := Result{Snapshot: snap, Rows: map[string]int64{}, Quarantined: res.quarantined, Unmapped: res.unmapped,
		Duration: time.Since(start), Replay: replaySummary(plan, replay), DQChecks: res.dq.Checks, DQFailed: res.dq.Failed,
		Phases: clock.phases}
	for name, tf := range snap.Tables {
		out.Rows[name] = tf.Rows
	}
	opts.Logger.Info("CDM snapshot published", "snapshot", snap.ID, "source_position", set.Position(), "replay", out.Replay,
		"quarantined", res.quarantined, "unmapped_records", res.unmapped,
		"dq_checks", res.dq.Checks, "dq_failed", res.dq.Failed, "dq_took", res.dq.Duration, "took", out.Duration)
	return out, nil
}

// Phase is one phase of a build and how long it took.
type Phase struct {
	Name string
	Took time.Duration
}

// phaseClock records the phases of a build as they end.
type phaseClock struct {
	last   time.Time
	phases []Phase
}

func (c *phaseClock) done(name string) {
	now := time.Now()
	c.phases = append(c.phases, Phase{Name: name, Took: now.Sub(c.last)})
	c.last = now
}

// load replays bronze onto conn (the EMR tables incrementally when the
// plan allows, FHIR and HL7 in full) and makes the vocabulary and the code
// map available.
func load(ctx context.Context, conn *sql.Conn, set bronze.Set, opts Options, clock *phaseClock) (replayPlan, replayed, error) {
	plan, err := planReplay(opts.Store, set, opts.Full)
	if err != nil {
		return replayPlan{}, nil, err
	}
	replay, err := loadSources(ctx, conn, set, plan)
	if err != nil {
		return replayPlan{}, nil, err
	}
	clock.done("replay_emr")
	if err := loadFHIR(ctx, conn, set, opts.Store); err != nil {
		return replayPlan{}, nil, err
	}
	if err := loadHL7(ctx, conn, set); err != nil {
		return replayPlan{}, nil, err
	}
	clock.done("replay_fhir_hl7")
	if err := loadCodeMap(ctx, conn, opts.VocabDir); err != nil {
		return replayPlan{}, nil, err
	}
	clock.done("vocabulary")
	return plan, replay, nil
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

// openDuckDB starts the build's in-memory DuckDB, spilling to spill.
func openDuckDB(opts Options, spill string) (*sql.DB, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("transform: start DuckDB: %w", err)
	}
	db := sql.OpenDB(connector)
	settings := []string{"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false",
		"SET temp_directory = " + quote(spill)}
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

type written struct {
	tables      map[string]cdm.TableFile
	quarantined int64
	unmapped    int64
	dq          dq.Summary
}

// nextSnapshot returns the sequence number, creation time and id the
// snapshot being built will be published under (METADATA records them),
// with the bronze position and row count it reflects.
func nextSnapshot(store *cdm.Store, set bronze.Set) (cdm.Snapshot, error) {
	seq, err := store.NextSeq()
	if err != nil {
		return cdm.Snapshot{}, err
	}
	created := time.Now().UTC()
	return cdm.Snapshot{ID: fmt.Sprintf("%08d-%s", seq, created.Format("20060102T150405Z")), Seq: seq, Created: created,
		SourceLSN: set.Position(), SourceRows: set.Rows()}, nil
}

// mapAndWrite creates every OMOP table not yet on conn from OHDSI's DDL,
// fills them, counts the unmapped codes, describes the build in CDM_SOURCE
// and METADATA, runs the data-quality checks and the characterization, and
// writes all 39 tables and the build's own tables as Parquet into dir.
func mapAndWrite(ctx context.Context, conn *sql.Conn, dir string, info buildInfo, dqOpts dq.Options, clock *phaseClock) (written, error) {
	if err := createMissingTables(ctx, conn); err != nil {
		return written{}, err
	}
	if err := runMappings(ctx, conn, info.buildDate.UTC().Format("2006-01-02")); err != nil {
		return written{}, err
	}
	clock.done("map")
	unmapped, err := countUnmapped(ctx, conn)
	if err != nil {
		return written{}, err
	}
	if err := describeBuild(ctx, conn, info); err != nil {
		return written{}, err
	}
	clock.done("unmapped")
	sum, err := dq.Run(ctx, conn, dqOpts)
	if err != nil {
		return written{}, fmt.Errorf("transform: data-quality checks: %w", err)
	}
	if err := describeDQ(ctx, conn, info.buildDate, sum.Checks, sum.Failed); err != nil {
		return written{}, err
	}
	clock.done("dq")
	if _, err := achilles.Run(ctx, conn, achilles.Options{}); err != nil {
		return written{}, fmt.Errorf("transform: characterization: %w", err)
	}
	clock.done("achilles")
	tables, err := writeTables(ctx, conn, dir)
	if err != nil {
		return written{}, err
	}
	clock.done("write")
	return written{tables: tables, quarantined: tables[QuarantineTable].Rows, unmapped: unmapped, dq: sum}, nil
}

// runMappings fills the OMOP tables: the EMR's mappings in dependency order,
// each followed by the FHIR and HL7 mappings of the same table, then the
// clinical, HL7, FHIR-only and era mappings. Rows a mapping cannot map go to
// QuarantineTable.
func runMappings(ctx context.Context, conn *sql.Conn, buildDate string) error {
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+QuarantineTable+" (source_table VARCHAR, source_key VARCHAR, reason VARCHAR)"); err != nil {
		return fmt.Errorf("transform: %w", err)
	}
	var steps []mapping
	for _, mp := range mappings {
		steps = append(steps, mp)
		if fm, ok := fhirMappings[mp.table]; ok {
			steps = append(steps, fm)
		}
		if hm, ok := hl7Attached[mp.table]; ok {
			steps = append(steps, hm)
		}
	}
	steps = slices.Concat(steps, clinicalMappings, hl7Mappings, fhirOnlyMappings, eraMappings)
	for _, st := range steps {
		if _, err := conn.ExecContext(ctx, strings.ReplaceAll(st.insert, "%[1]s", buildDate)); err != nil {
			return fmt.Errorf("transform: fill %s: %w", st.table, err)
		}
		if st.quarantine == "" {
			continue
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+QuarantineTable+" "+st.quarantine); err != nil {
			return fmt.Errorf("transform: quarantine for %s: %w", st.table, err)
		}
	}
	return nil
}
