package hospital

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Stock levels of the live pharmacy: a batch falling below lowStock is
// restocked with a new batch of restockQuantity units.
const (
	lowStock        = 50
	restockQuantity = 500
)

// stockBatch is a row of emr.pharmacy_stock the live pharmacy dispenses from.
type stockBatch struct {
	id      int32
	batchNo string
	onHand  int32
}

// dispensePrescriptions hands out every item of rxs at the outpatient
// pharmacy when it was prescribed, by the pharmacist on duty, deducting it
// from the stock.
func (l *Live) dispensePrescriptions(ctx context.Context, tx pgx.Tx, rxs []rxRow) error {
	for i := range rxs {
		for j := range rxs[i].items {
			it := &rxs[i].items[j]
			d := dispenseRow{ID: l.state.ids.next(&l.state.ids.dispense), RxItem: it.ID, At: rxs[i].At, Qty: it.Qty,
				Pharmacist: onDuty(l.state.staff.pharmacist, rxs[i].At, rxs[i].RegID)}
			if err := l.dispense(ctx, tx, &d, it.Drug, pharmacyOutpatient); err != nil {
				return fmt.Errorf("dispense prescription item %d: %w", it.ID, err)
			}
		}
	}
	return nil
}

// dispense writes d, drawn from the unexpired batch of the drug at the
// location that expires first and holds enough (restocking first when
// none does), so that no batch's stock goes below zero; a batch left
// below lowStock is restocked.
func (l *Live) dispense(ctx context.Context, tx pgx.Tx, d *dispenseRow, drug int, location string) error {
	b, err := l.batchFor(ctx, tx, drug, location, d.At, d.Qty)
	if err != nil {
		return err
	}
	b.onHand -= d.Qty
	if _, err := tx.Exec(ctx, `UPDATE emr.pharmacy_stock SET quantity_on_hand = $2 WHERE stock_id = $1`, b.id, b.onHand); err != nil {
		return fmt.Errorf("deduct from stock batch %s: %w", b.batchNo, err)
	}
	vals := []any{d.ID, nullID64(d.RxItem), nullID64(d.MedOrder), int32(drug + 1), location, b.batchNo, d.At, d.Qty, nullID(d.Pharmacist)}
	if err := insert(ctx, tx, "emr.dispensing", dispenseColumns, vals); err != nil {
		return err
	}
	if b.onHand >= lowStock {
		return nil
	}
	var enough bool
	err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM emr.pharmacy_stock WHERE drug_id = $1 AND location = $2
		AND expiry_date > $3 AND quantity_on_hand >= $4)`, int32(drug+1), location, d.At, lowStock).Scan(&enough)
	if err != nil || enough {
		return err
	}
	_, err = l.restock(ctx, tx, drug, location, d.At, 0)
	return err
}

// batchFor returns the batch to dispense qty of drug at the location from
// at time at, locked for update, restocking when no batch holds enough.
func (l *Live) batchFor(ctx context.Context, tx pgx.Tx, drug int, location string, at time.Time, qty int32) (stockBatch, error) {
	var b stockBatch
	err := tx.QueryRow(ctx, `SELECT stock_id, batch_no, quantity_on_hand FROM emr.pharmacy_stock
		WHERE drug_id = $1 AND location = $2 AND expiry_date > $3 AND quantity_on_hand >= $4
		ORDER BY expiry_date, stock_id LIMIT 1 FOR UPDATE`, int32(drug+1), location, at, qty).Scan(&b.id, &b.batchNo, &b.onHand)
	if errors.Is(err, pgx.ErrNoRows) {
		return l.restock(ctx, tx, drug, location, at, qty)
	}
	if err != nil {
		return b, fmt.Errorf("find stock of drug %d: %w", drug+1, err)
	}
	return b, nil
}

// restock receives a new batch of the drug at the location at time at,
// of restockQuantity units or need if more, expiring two years on.
func (l *Live) restock(ctx context.Context, tx pgx.Tx, drug int, location string, at time.Time, need int32) (stockBatch, error) {
	id := int32(l.state.ids.next(&l.state.ids.stock))
	k := stockKey{drug: drug, location: location, month: at.Year()*100 + int(at.Month())}
	b := stockBatch{id: id, batchNo: fmt.Sprintf("%s-R%d", k.batchNo(), id), onHand: max(restockQuantity, need)}
	expiry := time.Date(at.Year()+2, at.Month(), 1, 0, 0, 0, 0, time.UTC)
	err := insert(ctx, tx, "emr.pharmacy_stock", stockColumns, []any{id, int32(drug + 1), location, b.batchNo, expiry, b.onHand, b.onHand})
	return b, err
}

// nullID64 returns a row id, or nil for 0.
func nullID64(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
