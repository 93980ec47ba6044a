package hospital

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// liveBiller returns a biller of e's charges with ids from the live state.
func (l *Live) liveBiller(p *profile, e *encounter) *biller {
	b := &biller{ids: &l.state.ids.charge, scale: 1, e: e}
	if !p.chinese {
		b.scale = priceScale
	}
	return b
}

// insertCharges inserts the charges b made.
func insertCharges(ctx context.Context, tx pgx.Tx, b *biller) error {
	for i := range b.out {
		if err := insert(ctx, tx, "emr.charge_item", chargeColumns, b.out[i].values()); err != nil {
			return err
		}
	}
	return nil
}

// chargeVisit writes the prescriptions of a newly written encounter,
// charges them and its registration fee, and settles it when it is
// already closed.
func (l *Live) chargeVisit(ctx context.Context, tx pgx.Tx, p *profile, e *encounter, now time.Time) error {
	b := l.liveBiller(p, e)
	rxs := planPrescriptions(l.rng, &l.state.ids, e, b.scale)
	if err := insertPrescriptions(ctx, tx, rxs); err != nil {
		return err
	}
	if err := l.dispensePrescriptions(ctx, tx, rxs); err != nil {
		return err
	}
	b.prescriptionCharges(rxs)
	b.add("REG-"+string(rune(e.reg.VisitType)), chargeRegistration, "registration fee", 1,
		map[byte]int64{'O': 2000, 'E': 5000, 'I': 3000}[e.reg.VisitType], e.reg.Admit, "registration", e.reg.ID)
	if err := insertCharges(ctx, tx, b); err != nil {
		return err
	}
	if e.reg.open() {
		return nil
	}
	s := planSettlement(uint64(l.opts.Seed), p, e, b.total, now)
	return insert(ctx, tx, "emr.settlement", settlementColumns, s.values())
}

// settleStay charges the bed-days of a stay just discharged, settles it
// for the total of all its charges and returns that total in cents.
func (l *Live) settleStay(ctx context.Context, tx pgx.Tx, p *profile, e *encounter) (int64, error) {
	b := l.liveBiller(p, e)
	b.bedDays(e.reg.Discharge)
	if err := insertCharges(ctx, tx, b); err != nil {
		return 0, err
	}
	var total int64
	err := tx.QueryRow(ctx, `SELECT coalesce(sum(amount * 100), 0)::bigint FROM emr.charge_item WHERE reg_id = $1`, e.reg.ID).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("sum the charges of registration %d: %w", e.reg.ID, err)
	}
	s := planSettlement(uint64(l.opts.Seed), p, e, total, e.reg.Discharge)
	return total, insert(ctx, tx, "emr.settlement", settlementColumns, s.values())
}

// chargeLabResults charges the lab results of sp.
func (l *Live) chargeLabResults(ctx context.Context, tx pgx.Tx, sp *stayPlan) error {
	b := l.liveBiller(sp.p, sp.e)
	b.stayCharges(sp.s)
	return insertCharges(ctx, tx, b)
}

// insertPrescriptions inserts prescriptions with their items.
func insertPrescriptions(ctx context.Context, tx pgx.Tx, rxs []rxRow) error {
	for i := range rxs {
		if err := insert(ctx, tx, "emr.prescription", rxColumns, rxs[i].values()); err != nil {
			return err
		}
		for j := range rxs[i].items {
			if err := insert(ctx, tx, "emr.prescription_item", rxItemColumns, rxs[i].items[j].values()); err != nil {
				return err
			}
		}
	}
	return nil
}
