package ingest_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// TestVerifyExactlyOnceCatchesLossDuplicationAndDisorder proves that the
// crash trials' check can fail: each corruption of a correct bronze log is
// reported.
func TestVerifyExactlyOnceCatchesLossDuplicationAndDisorder(t *testing.T) {
	// Source: transaction 1 inserts items 1 and 2 (in the snapshot), then
	// transactions 2..4 are streamed.
	txns := [][]wantChange{
		{{bronze.OpCreate, "crash.item", "[1]", itemData(1, 1)}, {bronze.OpCreate, "crash.item", "[2]", itemData(2, 1)}, {bronze.OpCreate, "crash.ledger", "[1]", `{"tx":1}`}},
		{{bronze.OpUpdate, "crash.item", "[1]", itemData(1, 2)}, {bronze.OpCreate, "crash.ledger", "[2]", `{"tx":2}`}},
		{{bronze.OpDelete, "crash.item", "[2]", ""}, {bronze.OpCreate, "crash.item", "[3]", itemData(3, 2)}, {bronze.OpCreate, "crash.ledger", "[3]", `{"tx":3}`}},
		{{bronze.OpTruncate, "crash.side", "[]", ""}, {bronze.OpCreate, "crash.ledger", "[4]", `{"tx":4}`}},
	}
	good := []bronze.Change{
		{LSN: 100, Seq: 1, Op: bronze.OpRead, Table: "crash.item", Key: "[1]", Data: itemData(1, 1)},
		{LSN: 100, Seq: 2, Op: bronze.OpRead, Table: "crash.item", Key: "[2]", Data: itemData(2, 1)},
		{LSN: 100, Seq: 3, Op: bronze.OpRead, Table: "crash.ledger", Key: "[1]", Data: `{"tx":1}`},
	}
	for i, tx := range txns[1:] {
		for j, c := range tx {
			good = append(good, bronze.Change{LSN: int64(200 + 10*i), Seq: int64(j + 1), Op: c.op, Table: c.table, Key: c.key, Data: c.data})
		}
	}
	assert.Empty(t, verifyExactlyOnce(good, txns), "the correct log passes")

	without := func(i int) []bronze.Change { return slices.Delete(slices.Clone(good), i, i+1) }
	redelivered := slices.Clone(good)
	for _, c := range good[5:8] { // transaction 3 appended again at a later position
		c.LSN = 900
		redelivered = append(redelivered, c)
	}
	reordered := slices.Clone(good)
	reordered[5].Seq, reordered[6].Seq = reordered[6].Seq, reordered[5].Seq
	staleSnapshot := slices.Clone(good)
	staleSnapshot[0].Data = itemData(1, 0)
	dupChange := append(slices.Clone(good), good[3])

	for name, changes := range map[string][]bronze.Change{
		"a streamed change lost":          without(3),
		"a whole transaction lost":        slices.Delete(slices.Clone(good), 5, 8),
		"the last transaction lost":       good[:len(good)-2],
		"a snapshot row lost":             without(1),
		"a transaction appended twice":    redelivered,
		"a change appended twice":         dupChange,
		"changes out of order in a txn":   reordered,
		"snapshot row with a wrong image": staleSnapshot,
	} {
		t.Run(name, func(t *testing.T) {
			assert.NotEmpty(t, verifyExactlyOnce(changes, txns), fmt.Sprintf("%s must be reported", name))
		})
	}
}
