package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pglogrepl"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// decode applies one pgoutput message to the stream state.
func (p *Postgres) decode(ctx context.Context, st *streamState, walStart pglogrepl.LSN, data []byte) error {
	msg, err := pglogrepl.Parse(data)
	if err != nil {
		return fmt.Errorf("ingest: decode pgoutput message at %s: %w", walStart, err)
	}
	switch m := msg.(type) {
	case *pglogrepl.RelationMessage:
		rel, err := p.keyColumns(ctx, st, m)
		if err != nil {
			return err
		}
		st.relations[m.RelationID] = rel
	case *pglogrepl.BeginMessage:
		// A transaction whose commit lies before the durable position is
		// already in bronze: the server re-sends it after a restart.
		st.begin(m.FinalLSN, m.CommitTime.UTC(), m.FinalLSN < st.durable)
	case *pglogrepl.CommitMessage:
		return p.commit(st, m)
	case *pglogrepl.InsertMessage:
		return p.row(st, m.RelationID, bronze.OpCreate, 0, nil, m.Tuple)
	case *pglogrepl.UpdateMessage:
		return p.row(st, m.RelationID, bronze.OpUpdate, m.OldTupleType, m.OldTuple, m.NewTuple)
	case *pglogrepl.DeleteMessage:
		return p.row(st, m.RelationID, bronze.OpDelete, m.OldTupleType, m.OldTuple, nil)
	case *pglogrepl.TruncateMessage:
		for _, id := range m.RelationIDs {
			rel, ok := st.relations[id]
			if !ok {
				return fmt.Errorf("ingest: truncate of relation %d: %w", id, errNoRelation)
			}
			st.add(bronze.Change{Op: bronze.OpTruncate, Table: rel.table, Key: "[]"})
		}
	}
	return nil
}

func (p *Postgres) commit(st *streamState, m *pglogrepl.CommitMessage) error {
	txn := st.txn
	st.txn = nil
	if txn == nil {
		return fmt.Errorf("ingest: commit at %s without a transaction", m.CommitLSN)
	}
	defer func() { st.spareTxn = txn }()
	if txn.skip || len(txn.changes) == 0 {
		return nil
	}
	if len(st.batch) == 0 {
		st.batchSince = time.Now()
	}
	st.batch = append(st.batch, txn.changes...)
	st.batchEnd = m.TransactionEndLSN
	st.lastCommit = m.CommitTime.UTC()
	return nil
}

// begin opens a transaction, reusing the buffer of the last committed one.
func (st *streamState) begin(lsn pglogrepl.LSN, at time.Time, skip bool) {
	txn := st.spareTxn
	st.spareTxn = nil
	if txn == nil {
		txn = &txnBuf{}
	}
	clear(txn.changes)
	*txn = txnBuf{lsn: lsn, at: at, skip: skip, changes: txn.changes[:0]}
	st.txn = txn
}

// add appends a change to the open transaction, numbering it.
func (st *streamState) add(c bronze.Change) {
	if st.txn == nil || st.txn.skip {
		return
	}
	c.LSN = int64(st.txn.lsn)
	c.Seq = int64(len(st.txn.changes) + 1)
	c.CommitTime = st.txn.at
	st.txn.changes = append(st.txn.changes, c)
}

// row turns an insert, update or delete into bronze changes. An update that
// changes the key becomes a delete of the old key followed by the new row.
func (p *Postgres) row(st *streamState, relID uint32, op bronze.Op, oldType uint8, old, tuple *pglogrepl.TupleData) error {
	rel, ok := st.relations[relID]
	if !ok {
		return fmt.Errorf("ingest: %s on relation %d: %w", op, relID, errNoRelation)
	}
	table, cols := rel.table, rel.cols
	var oldKey, before string
	if old != nil {
		oldKey, before = st.enc.encode(cols, tupleValues(old, len(cols)))
	}
	if op == bronze.OpDelete {
		st.add(bronze.Change{Op: op, Table: table, Key: oldKey, Before: fullImage(oldType, before)})
		return nil
	}
	vals := tupleValues(tuple, len(cols))
	if old != nil && oldType == pglogrepl.UpdateMessageTupleTypeOld {
		// REPLICA IDENTITY FULL: the old image holds the TOASTed values the
		// new one says are unchanged.
		for i, ov := range tupleValues(old, len(cols)) {
			if vals[i].unchanged && !ov.unchanged {
				vals[i] = ov
			}
		}
	}
	key, data := st.enc.encode(cols, vals)
	if op == bronze.OpUpdate && old != nil && oldKey != key {
		st.add(bronze.Change{Op: bronze.OpDelete, Table: table, Key: oldKey})
		op = bronze.OpCreate
	}
	st.add(bronze.Change{Op: op, Table: table, Key: key, Data: data, Before: fullImage(oldType, before)})
	return nil
}

// fullImage keeps the old image only when the server sent the whole row
// (REPLICA IDENTITY FULL); a key-only old tuple adds nothing to Key.
func fullImage(oldType uint8, image string) string {
	if oldType != pglogrepl.UpdateMessageTupleTypeOld {
		return ""
	}
	return image
}

func tupleValues(t *pglogrepl.TupleData, n int) []value {
	vals := make([]value, n)
	for i := range vals {
		if t == nil || i >= len(t.Columns) {
			vals[i] = value{null: true}
			continue
		}
		c := t.Columns[i]
		switch c.DataType {
		case 'n':
			vals[i] = value{null: true}
		case 'u':
			vals[i] = value{unchanged: true}
		default:
			vals[i] = value{text: c.Data}
		}
	}
	return vals
}
