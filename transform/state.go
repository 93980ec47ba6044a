package transform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

// Incremental builds. Every build keeps, in its snapshot, the replay state
// of each EMR source table: its current rows with _key and _ord (the ord of
// the row's latest change), written as state_<view>.parquet into the
// store's state directory of the snapshot (cdm.Store.StateDir, outside the
// snapshot, which readers may open) and listed in Snapshot.State. The next build starts from that
// state when bronze has only grown since: for each table it reads only the
// bronze files that may hold later changes, replays the keys they touch
// onto their previous rows, and keeps every other row as it was (see
// replaySQL). A table bronze has nothing new for keeps its previous state
// file, hard-linked into the new snapshot. The mappings then run over the
// whole current state, as in a full build, so an incremental build and a
// full build of the same bronze publish the same tables
// (TestIncrementalBuildEqualsFull). FHIR resources and HL7 messages are
// replayed in full each time.

// statePrefix names the replay-state files in a snapshot directory.
const statePrefix = "state_"

// replayPlan is how a build replays the EMR tables: from nothing, or from
// the previous snapshot's state.
type replayPlan struct {
	prev   cdm.Snapshot // the snapshot to start from, when incremental
	from   bool         // start from prev
	reason string       // why the build is full, when it is
}

// planReplay starts from the current snapshot's state unless full is set,
// there is none, or bronze did not only grow since: a source is gone, holds
// fewer changes than then, or took a new initial snapshot.
func planReplay(store *cdm.Store, set bronze.Set, full bool) (replayPlan, error) {
	if full {
		return replayPlan{reason: "a full build was asked for"}, nil
	}
	cur, err := store.Current()
	if errors.Is(err, cdm.ErrNoSnapshot) {
		return replayPlan{reason: "no previous snapshot"}, nil
	}
	if err != nil {
		return replayPlan{}, err
	}
	if len(cur.State) == 0 {
		return replayPlan{reason: "the previous snapshot kept no replay state"}, nil
	}
	now := sourceMarks(set)
	for name, was := range cur.Sources {
		is, ok := now[name]
		switch {
		case !ok:
			return replayPlan{reason: fmt.Sprintf("bronze source %q is gone", name)}, nil
		case is.Rows < was.Rows:
			return replayPlan{reason: fmt.Sprintf("bronze source %q holds fewer changes than at the last build (%d < %d)", name, is.Rows, was.Rows)}, nil
		case is.SnapshotPosition != was.SnapshotPosition:
			return replayPlan{reason: fmt.Sprintf("bronze source %q took a new initial snapshot", name)}, nil
		}
	}
	return replayPlan{prev: cur, from: true}, nil
}

// sourceMarks records what a build sees of each bronze source.
func sourceMarks(set bronze.Set) map[string]cdm.SourceMark {
	out := map[string]cdm.SourceMark{}
	for name, m := range set.Sources {
		out[name] = cdm.SourceMark{Rows: m.Rows, SnapshotPosition: m.SnapshotPosition}
	}
	return out
}

// replayed is what loadSources did per table: "full", "incremental" or
// "unchanged" (nothing new in bronze: the previous state file is reused).
type replayed map[string]string

// loadSources replays every EMR table into its temporary table, from the
// previous state where the plan allows and the state file has the table's
// current columns.
func loadSources(ctx context.Context, conn *sql.Conn, set bronze.Set, plan replayPlan) (replayed, error) {
	done := replayed{}
	for _, t := range emrTables {
		q, how, err := replayOf(ctx, conn, set, plan, t)
		if err != nil {
			return nil, err
		}
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("transform: replay bronze table %s (%s): %w", t.name, how, err)
		}
		done[t.view] = how
	}
	return done, nil
}

// replayOf returns the statement that replays t and how it does.
func replayOf(ctx context.Context, conn *sql.Conn, set bronze.Set, plan replayPlan, t sourceTable) (string, string, error) {
	prev, ok := plan.prev.StatePath(t.view)
	if !plan.from || !ok {
		return currentStateSQL(t, set.Paths(t.name)), "full", nil
	}
	var names []string
	rows, err := conn.QueryContext(ctx, "SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet("+quote(prev)+"))")
	if err != nil {
		return "", "", fmt.Errorf("transform: read the replay state of %s: %w", t.name, err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return "", "", fmt.Errorf("transform: read the replay state of %s: %w", t.name, err)
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", "", fmt.Errorf("transform: read the replay state of %s: %w", t.name, err)
	}
	want := []string{"_key", "_ord"}
	for _, c := range t.columns {
		want = append(want, c.name)
	}
	if !slices.Equal(names, want) {
		return currentStateSQL(t, set.Paths(t.name)), "full", nil // the table's columns changed since
	}
	mark := plan.prev.State[t.view].Mark
	if mark == "" {
		return currentStateSQL(t, set.Paths(t.name)), "full", nil // a state from before marks were kept
	}
	var lsn int64
	if err := conn.QueryRowContext(ctx, "SELECT ("+mark+"::HUGEINT // 4294967296)::BIGINT").Scan(&lsn); err != nil {
		return "", "", fmt.Errorf("transform: replay state of %s: mark %q: %w", t.name, mark, err)
	}
	files := set.PathsAfter(t.name, lsn)
	if len(files) == 0 {
		return fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS SELECT * FROM read_parquet(%s)", t.view, quote(prev)), "unchanged", nil
	}
	return replaySQL(t, files, prev, mark), "incremental", nil
}

// writeState writes each EMR table's replay state into dir (the store's
// state directory of the snapshot being built, readable only by its owner): a table replayed "unchanged" hard-links the previous file
// (copying it where links are not possible), the others are written anew.
func writeState(ctx context.Context, conn *sql.Conn, set bronze.Set, dir string, plan replayPlan, done replayed) (map[string]cdm.TableFile, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("transform: replay state: %w", err)
	}
	out := map[string]cdm.TableFile{}
	for _, t := range emrTables {
		file := statePrefix + t.view + ".parquet"
		dst := filepath.Join(dir, file)
		prev, ok := plan.prev.StatePath(t.view)
		if done[t.view] == "unchanged" && ok {
			if err := os.Link(prev, dst); err == nil {
				out[t.view] = cdm.TableFile{File: file, Rows: plan.prev.State[t.view].Rows, Mark: plan.prev.State[t.view].Mark}
				continue
			}
		}
		mark, err := lastOrd(ctx, conn, set.Paths(t.name))
		if err != nil {
			return nil, fmt.Errorf("transform: replay state of %s: %w", t.name, err)
		}
		q := fmt.Sprintf("COPY (SELECT * FROM %s ORDER BY _key) TO %s (FORMAT parquet, COMPRESSION zstd)", t.view, quote(dst))
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("transform: write the replay state of %s: %w", t.name, err)
		}
		var n int64
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+t.view).Scan(&n); err != nil {
			return nil, fmt.Errorf("transform: %w", err)
		}
		out[t.view] = cdm.TableFile{File: file, Rows: n, Mark: mark}
	}
	return out, nil
}

// lastOrd returns the highest lsn·2³²+seq of the changes in files, in
// decimal ("-1" when there are none). Only the lsn and seq columns are read.
func lastOrd(ctx context.Context, conn *sql.Conn, files []string) (string, error) {
	if len(files) == 0 {
		return "-1", nil
	}
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = quote(f)
	}
	var mark sql.NullString
	q := "SELECT max(lsn::HUGEINT * 4294967296 + seq)::VARCHAR FROM read_parquet([" + strings.Join(quoted, ", ") + "])"
	if err := conn.QueryRowContext(ctx, q).Scan(&mark); err != nil {
		return "", err
	}
	if !mark.Valid {
		return "-1", nil
	}
	return mark.String, nil
}

// replaySummary says how the EMR tables were replayed, for the log.
func replaySummary(plan replayPlan, done replayed) string {
	if !plan.from {
		return "full (" + plan.reason + ")"
	}
	count := map[string]int{}
	for _, how := range done {
		count[how]++
	}
	var parts []string
	for _, how := range []string{"incremental", "unchanged", "full"} {
		if count[how] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[how], how))
		}
	}
	return "incremental from " + plan.prev.ID + ": " + strings.Join(parts, ", ")
}
