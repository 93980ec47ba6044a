package search

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
)

// maxPending bounds how many failed Syncs an incremental Sync diffs
// against; beyond it the next Sync reconciles fully.
const maxPending = 4

// plan is the set of changes one Sync applies, as tables of a differ.
type plan struct {
	full   bool
	reason string // why the Sync is full; empty when incremental
	total  int    // rows of upsert plus rows of gone
	upsert string // table(note_id) of the notes of cur to (re)index
	gone   string // table(id) of the document ids to delete
}

// plan works out how to bring the index from st to snap. It diffs snap
// against the snapshots the index may reflect (st.snapshot and any pending
// ones) when all of them are still on disk and share snap's NOTE columns;
// otherwise it plans a full reconciliation.
func (x *Index) plan(ctx context.Context, d *differ, snap cdm.Snapshot, st state) (plan, error) {
	if err := d.defineNotes(ctx, "cur", snap); err != nil {
		return plan{}, err
	}
	bases, reason := baseSnapshots(snap, st)
	if reason == "" {
		p, err := incremental(ctx, d, bases)
		if err != nil || p.reason == "" {
			return p, err
		}
		reason = p.reason
	}
	p, err := x.fullPlan(ctx, d)
	p.reason = reason
	return p, err
}

// baseSnapshots returns the snapshots whose contents the index may hold,
// or why they cannot be used: no previous sync, too many failed syncs, or a
// snapshot no longer in snap's store.
func baseSnapshots(snap cdm.Snapshot, st state) ([]cdm.Snapshot, string) {
	if st.snapshot == "" {
		return nil, "no previous snapshot"
	}
	if len(st.pending) > maxPending {
		return nil, fmt.Sprintf("%d failed syncs since snapshot %s", len(st.pending), st.snapshot)
	}
	if snap.Dir == "" {
		return nil, "snapshot has no directory"
	}
	store := cdm.NewStore(filepath.Dir(filepath.Dir(snap.Dir)))
	var bases []cdm.Snapshot
	for _, id := range append([]string{st.snapshot}, st.pending...) {
		b, err := store.Get(id)
		if err != nil {
			return nil, fmt.Sprintf("previous snapshot %s is no longer available (%v)", id, err)
		}
		bases = append(bases, b)
	}
	return bases, ""
}

// incremental plans the changes from bases to cur: a note is (re)indexed
// unless its row, compared on all of cur's columns, is identical in every
// base (the index may hold any of their versions); a note in any base but
// not in cur is deleted. It returns a plan with only reason set when the
// bases' columns do not cover cur's.
func incremental(ctx context.Context, d *differ, bases []cdm.Snapshot) (plan, error) {
	cols, err := d.columns(ctx, "cur")
	if err != nil {
		return plan{}, err
	}
	if !slices.Contains(cols, "note_id") {
		return plan{}, fmt.Errorf("NOTE table has no note_id column")
	}
	hashed, names := rowHashSQL(cols), make([]string, len(bases))
	stmts := []string{"CREATE VIEW h_cur AS " + fmt.Sprintf(hashed, "cur")}
	for i, b := range bases {
		names[i] = fmt.Sprintf("b%d", i)
		if err := d.defineNotes(ctx, names[i], b); err != nil {
			return plan{}, err
		}
		bcols, err := d.columns(ctx, names[i])
		if err != nil {
			return plan{}, err
		}
		if missing := without(cols, bcols); len(missing) > 0 {
			return plan{reason: fmt.Sprintf("snapshot %s lacks NOTE columns %v", b.ID, missing)}, nil
		}
		stmts = append(stmts, fmt.Sprintf("CREATE VIEW h_%s AS ", names[i])+fmt.Sprintf(hashed, names[i]))
	}
	stmts = append(stmts,
		"CREATE VIEW base_rows AS "+setOp(names, "SELECT note_id, h FROM h_%s", "INTERSECT"),
		"CREATE VIEW base_ids AS "+setOp(names, "SELECT note_id FROM %s", "UNION"),
		"CREATE TABLE changed AS SELECT note_id FROM (SELECT note_id, h FROM h_cur EXCEPT SELECT note_id, h FROM base_rows)",
		"CREATE TABLE gone AS SELECT CAST(note_id AS VARCHAR) AS id FROM (SELECT note_id FROM base_ids EXCEPT SELECT note_id FROM cur)",
	)
	if err := d.exec(ctx, stmts...); err != nil {
		return plan{}, err
	}
	total, err := d.count(ctx, "SELECT (SELECT count(*) FROM changed) + (SELECT count(*) FROM gone)")
	return plan{total: total, upsert: "changed", gone: "gone"}, err
}

// fullPlan reindexes every note of cur and deletes every indexed document
// whose id is not a note_id of cur.
func (x *Index) fullPlan(ctx context.Context, d *differ) (plan, error) {
	if err := d.loadIDs(ctx, "indexed", x.eachDocID); err != nil {
		return plan{}, err
	}
	err := d.exec(ctx,
		"CREATE TABLE all_ids AS SELECT DISTINCT note_id FROM cur",
		"CREATE TABLE gone AS SELECT id FROM indexed EXCEPT SELECT CAST(note_id AS VARCHAR) FROM all_ids",
	)
	if err != nil {
		return plan{}, err
	}
	total, err := d.count(ctx, "SELECT (SELECT count(*) FROM all_ids) + (SELECT count(*) FROM gone)")
	return plan{full: true, total: total, upsert: "all_ids", gone: "gone"}, err
}

// rowHashSQL returns a query template (%s = relation) yielding note_id and
// a 128-bit hash of the row's JSON over cols, NULLs included.
func rowHashSQL(cols []string) string {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	return "SELECT note_id, md5_number(to_json(r)) AS h FROM (SELECT " +
		strings.ReplaceAll(strings.Join(quoted, ", "), "%", "%%") + " FROM %s) r"
}

// setOp joins one query per relation name with op.
func setOp(names []string, query, op string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf(query, n)
	}
	return strings.Join(parts, " "+op+" ")
}

// without returns the elements of want missing from have.
func without(want, have []string) []string {
	var missing []string
	for _, w := range want {
		if !slices.Contains(have, w) {
			missing = append(missing, w)
		}
	}
	return missing
}
