package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// The crash trials' source: every transaction the workload commits also
// inserts its own number into crash.ledger, so that each transaction in
// bronze names itself, and the workload records the exact changes the door
// must append for it.
const crashSchema = `CREATE SCHEMA crash;
CREATE TABLE crash.item (id bigint PRIMARY KEY, ver int NOT NULL, note text NOT NULL);
CREATE TABLE crash.side (id bigint PRIMARY KEY, v int NOT NULL);
CREATE TABLE crash.ledger (tx bigint PRIMARY KEY);`

// wantChange is a change as the door must append it.
type wantChange struct {
	op         bronze.Op
	table, key string
	data       string
}

func (w wantChange) String() string { return fmt.Sprintf("%s %s %s %s", w.op, w.table, w.key, w.data) }

func gotChange(c bronze.Change) wantChange {
	return wantChange{op: c.Op, table: c.Table, key: c.Key, data: c.Data}
}

// workload writes random transactions and models the source: its rows and,
// per committed transaction, the changes bronze must hold.
type workload struct {
	rng    *rand.Rand
	nextID int64
	txns   [][]wantChange // txns[i-1] is transaction i
	items  map[int64]int  // live item id -> version
	sides  map[int64]int
	ops    []wantChange // the open transaction
	sqls   []string
}

func newWorkload(seed uint64) *workload {
	return &workload{rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)), items: map[int64]int{}, sides: map[int64]int{}}
}

func itemData(id int64, ver int) string {
	note, _ := json.Marshal(fmt.Sprintf("item %d \"v%d\"", id, ver))
	return fmt.Sprintf(`{"id":%d,"ver":%d,"note":%s}`, id, ver, note)
}

func (w *workload) insertItem() {
	w.nextID++
	id := w.nextID
	w.items[id] = 1
	w.sqls = append(w.sqls, fmt.Sprintf(`INSERT INTO crash.item VALUES (%d, 1, 'item %d "v1"')`, id, id))
	w.ops = append(w.ops, wantChange{bronze.OpCreate, "crash.item", fmt.Sprintf("[%d]", id), itemData(id, 1)})
}

// anyItem returns a random live item (false when none is).
func (w *workload) anyItem() (int64, bool) {
	if len(w.items) == 0 {
		return 0, false
	}
	ids := make([]int64, 0, len(w.items))
	for id := range w.items {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids[w.rng.IntN(len(ids))], true
}

func (w *workload) updateItem() {
	id, ok := w.anyItem()
	if !ok {
		w.insertItem()
		return
	}
	v := w.items[id] + 1
	w.items[id] = v
	w.sqls = append(w.sqls, fmt.Sprintf(`UPDATE crash.item SET ver = %d, note = 'item %d "v%d"' WHERE id = %d`, v, id, v, id))
	w.ops = append(w.ops, wantChange{bronze.OpUpdate, "crash.item", fmt.Sprintf("[%d]", id), itemData(id, v)})
}

func (w *workload) deleteItem() {
	id, ok := w.anyItem()
	if !ok {
		return
	}
	delete(w.items, id)
	w.sqls = append(w.sqls, fmt.Sprintf(`DELETE FROM crash.item WHERE id = %d`, id))
	w.ops = append(w.ops, wantChange{bronze.OpDelete, "crash.item", fmt.Sprintf("[%d]", id), ""})
}

// moveItem changes an item's key: bronze holds a delete and a create.
func (w *workload) moveItem() {
	id, ok := w.anyItem()
	if !ok {
		return
	}
	w.nextID++
	to, v := w.nextID, w.items[id]+1
	delete(w.items, id)
	w.items[to] = v
	w.sqls = append(w.sqls, fmt.Sprintf(`UPDATE crash.item SET id = %d, ver = %d, note = 'item %d "v%d"' WHERE id = %d`, to, v, to, v, id))
	w.ops = append(w.ops,
		wantChange{bronze.OpDelete, "crash.item", fmt.Sprintf("[%d]", id), ""},
		wantChange{bronze.OpCreate, "crash.item", fmt.Sprintf("[%d]", to), itemData(to, v)})
}

// side inserts into crash.side. The workload truncates nothing: PostgreSQL
// 15 can fail, for good, to decode a transaction that truncated a table and
// wrote to it again soon after the slot was created ("could not map
// filenode ... to relation OID"), which stops any logical-replication
// client; TestTruncateReachesBronze covers truncates (docs/INGEST.md).
func (w *workload) side() {
	w.nextID++
	v := w.rng.IntN(1000)
	w.sides[w.nextID] = v
	w.sqls = append(w.sqls, fmt.Sprintf(`INSERT INTO crash.side VALUES (%d, %d)`, w.nextID, v))
	w.ops = append(w.ops, wantChange{bronze.OpCreate, "crash.side", fmt.Sprintf("[%d]", w.nextID), fmt.Sprintf(`{"id":%d,"v":%d}`, w.nextID, v)})
}

// step adds one random operation to the open transaction.
func (w *workload) step() {
	switch r := w.rng.IntN(100); {
	case r < 35:
		w.insertItem()
	case r < 70:
		w.updateItem()
	case r < 80:
		w.deleteItem()
	case r < 90:
		w.moveItem()
	default:
		w.side()
	}
}

// commit runs the open transaction (a random one when nothing is queued)
// with its ledger row and records its changes once PostgreSQL committed it.
func (w *workload) commit(ctx context.Context, db *pgx.Conn) error {
	if len(w.sqls) == 0 {
		n := 1
		if w.rng.IntN(8) == 0 {
			n = 2 + w.rng.IntN(6) // a multi-row transaction
		}
		for range n {
			w.step()
		}
	}
	tx := int64(len(w.txns) + 1)
	w.sqls = append(w.sqls, fmt.Sprintf(`INSERT INTO crash.ledger VALUES (%d)`, tx))
	w.ops = append(w.ops, wantChange{bronze.OpCreate, "crash.ledger", fmt.Sprintf("[%d]", tx), fmt.Sprintf(`{"tx":%d}`, tx)})
	err := pgx.BeginFunc(ctx, db, func(t pgx.Tx) error {
		for _, q := range w.sqls {
			if _, err := t.Exec(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.txns = append(w.txns, w.ops)
	w.ops, w.sqls = nil, nil
	return nil
}

// modelState is table -> key -> data.
type modelState map[string]map[string]string

func (m modelState) apply(c wantChange) {
	if m[c.table] == nil {
		m[c.table] = map[string]string{}
	}
	switch c.op {
	case bronze.OpDelete:
		delete(m[c.table], c.key)
	case bronze.OpTruncate:
		clear(m[c.table])
	default:
		m[c.table][c.key] = c.data
	}
}

// verifyExactlyOnce checks bronze against the committed transactions:
// the snapshot equals the source after transaction k-1, and the streamed
// changes are transactions k..n, each exactly once, in commit order, each
// holding exactly the changes committed, in order. It returns what is wrong.
func verifyExactlyOnce(changes []bronze.Change, txns [][]wantChange) []string {
	v := &verifier{txns: txns, snapLSN: -1, snap: modelState{}, groups: map[int64][]bronze.Change{}}
	v.split(changes)
	first := v.stream()
	v.snapshot(first)
	return v.problems
}

type verifier struct {
	txns     [][]wantChange
	snap     modelState                // the snapshot's rows
	snapLSN  int64                     // their position (-1: none)
	groups   map[int64][]bronze.Change // streamed changes by commit LSN
	problems []string
}

func (v *verifier) fail(f string, a ...any) { v.problems = append(v.problems, fmt.Sprintf(f, a...)) }

// split separates the snapshot rows from the streamed transactions,
// reporting any (lsn, seq) seen twice.
func (v *verifier) split(changes []bronze.Change) {
	seen := map[[2]int64]bool{}
	for _, c := range changes {
		id := [2]int64{c.LSN, c.Seq}
		if seen[id] {
			v.fail("change lsn %d seq %d appears twice", c.LSN, c.Seq)
		}
		seen[id] = true
		if c.Op != bronze.OpRead {
			v.groups[c.LSN] = append(v.groups[c.LSN], c)
			continue
		}
		if v.snapLSN >= 0 && c.LSN != v.snapLSN {
			v.fail("snapshot rows at two positions, %d and %d", v.snapLSN, c.LSN)
		}
		v.snapLSN = c.LSN
		if _, dup := v.snap[c.Table][c.Key]; dup {
			v.fail("snapshot holds %s %s twice", c.Table, c.Key)
		}
		v.snap.apply(wantChange{op: c.Op, table: c.Table, key: c.Key, data: c.Data})
	}
}

// stream checks that the streamed transactions are k..n in commit order,
// each as committed, and returns k.
func (v *verifier) stream() int64 {
	lsns := make([]int64, 0, len(v.groups))
	for l := range v.groups {
		lsns = append(lsns, l)
	}
	slices.Sort(lsns)
	first, next := int64(len(v.txns)+1), int64(0)
	for _, l := range lsns {
		g := v.groups[l]
		sort.Slice(g, func(i, j int) bool { return g[i].Seq < g[j].Seq })
		tx := ledgerOf(g)
		switch {
		case tx == 0:
			v.fail("transaction at lsn %d has no single ledger row", l)
			continue
		case l <= v.snapLSN:
			v.fail("transaction %d (lsn %d) is not after the snapshot (lsn %d)", tx, l, v.snapLSN)
		}
		if next == 0 {
			first, next = tx, tx
		}
		if tx != next {
			v.fail("transaction %d at lsn %d follows transaction %d: %d..%d missing or out of order", tx, l, next-1, next, tx-1)
		}
		next = tx + 1
		if tx < 1 || tx > int64(len(v.txns)) {
			v.fail("transaction %d was never committed", tx)
			continue
		}
		got := make([]wantChange, len(g))
		for i, c := range g {
			got[i] = gotChange(c)
			if c.Seq != int64(i+1) {
				v.fail("transaction %d: seq %d at position %d", tx, c.Seq, i+1)
			}
		}
		if !slices.Equal(got, v.txns[tx-1]) {
			v.fail("transaction %d: bronze holds %v, committed %v", tx, got, v.txns[tx-1])
		}
	}
	if next != 0 && next != int64(len(v.txns)+1) {
		v.fail("bronze ends at transaction %d, %d were committed", next-1, len(v.txns))
	}
	return first
}

// snapshot checks the snapshot rows against the source after transaction
// first-1.
func (v *verifier) snapshot(first int64) {
	want := modelState{}
	for _, t := range v.txns[:first-1] {
		for _, c := range t {
			want.apply(c)
		}
	}
	// TRUNCATE is not MVCC-safe: the snapshot of a table truncated after the
	// snapshot's position, but before the copy reached it, reads empty. The
	// streamed truncate removes those rows anyway, so replay ends the same.
	for _, t := range v.txns[first-1:] {
		for _, c := range t {
			if c.op == bronze.OpTruncate && len(v.snap[c.table]) == 0 {
				delete(want, c.table)
			}
		}
	}
	v.problems = append(v.problems, diffStates(v.snap, want)...)
}

// ledgerOf returns the transaction number a group's ledger row names, or 0
// when there is not exactly one.
func ledgerOf(g []bronze.Change) int64 {
	var tx int64
	for _, c := range g {
		if c.Table != "crash.ledger" || c.Op != bronze.OpCreate {
			continue
		}
		if tx != 0 {
			return 0
		}
		n, err := strconv.ParseInt(c.Key[1:len(c.Key)-1], 10, 64)
		if err != nil {
			return 0
		}
		tx = n
	}
	return tx
}

func diffStates(got, want modelState) []string {
	var out []string
	for _, table := range []string{"crash.item", "crash.side", "crash.ledger"} {
		for k, v := range want[table] {
			if g, ok := got[table][k]; !ok || g != v {
				out = append(out, fmt.Sprintf("snapshot %s %s: got %q, want %q", table, k, g, v))
			}
		}
		for k := range got[table] {
			if _, ok := want[table][k]; !ok {
				out = append(out, fmt.Sprintf("snapshot %s %s: not in the source at the snapshot", table, k))
			}
		}
	}
	return out
}
