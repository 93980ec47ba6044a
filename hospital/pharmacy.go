package hospital

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Column lists of the pharmacy tables.
var (
	stockColumns    = []string{"stock_id", "drug_id", "location", "batch_no", "expiry_date", "quantity_received", "quantity_on_hand"}
	dispenseColumns = []string{"dispense_id", "rx_item_id", "med_order_id", "drug_id", "location", "batch_no", "dispensed_at", "quantity", "pharmacist_id"}
)

// Pharmacy locations (emr.pharmacy_stock.location).
const (
	pharmacyOutpatient = "outpatient"
	pharmacyInpatient  = "inpatient"
)

// stockKey is a stock batch: a drug received by a pharmacy for one month.
type stockKey struct {
	drug     int
	location string
	month    int // yyyymm
}

// batchNo is the batch number printed on the stock.
func (k stockKey) batchNo() string {
	return fmt.Sprintf("%c%s-%d", k.location[0]-32, drugs[k.drug].code, k.month)
}

// dispenseRow is a row of emr.dispensing: a prescription item (RxItem) or
// a medication order (MedOrder) handed out from a stock batch.
type dispenseRow struct {
	ID               int64
	RxItem, MedOrder int64
	Stock            stockKey
	At               time.Time
	Qty              int32
	Pharmacist       int32 // who handed it out; 0 is nobody
}

func (d *dispenseRow) values() []any {
	var rx, mo any
	if d.RxItem != 0 {
		rx = d.RxItem
	} else {
		mo = d.MedOrder
	}
	return []any{d.ID, rx, mo, int32(d.Stock.drug + 1), d.Stock.location, d.Stock.batchNo(), d.At, d.Qty, nullID(d.Pharmacist)}
}

// planDispensing returns the dispensing of e's prescription items (at the
// outpatient pharmacy, when prescribed) and of its medication orders with
// given doses (at the inpatient pharmacy, when first given, one unit per
// dose), and adds what it hands out to dispensed.
func planDispensing(last *idAlloc, e *encounter, rxs []rxRow, dispensed map[stockKey]int64) []dispenseRow {
	var out []dispenseRow
	add := func(rxItem, medOrder int64, drug int, loc string, at time.Time, qty int32) {
		k := stockKey{drug: drug, location: loc, month: at.Year()*100 + int(at.Month())}
		dispensed[k] += int64(qty)
		out = append(out, dispenseRow{ID: last.next(&last.dispense), RxItem: rxItem, MedOrder: medOrder, Stock: k, At: at, Qty: qty,
			Pharmacist: onDuty(hospitalStaff.pharmacist, at, e.reg.ID)})
	}
	for i := range rxs {
		for _, it := range rxs[i].items {
			add(it.ID, 0, it.Drug, pharmacyOutpatient, rxs[i].At, it.Qty)
		}
	}
	if e.stay == nil {
		return out
	}
	given := map[int64]int32{}
	first := map[int64]time.Time{}
	for _, a := range e.stay.medAdmins {
		if a.Status == "given" {
			given[a.OrderID]++
			if t, ok := first[a.OrderID]; !ok || a.At.Before(t) {
				first[a.OrderID] = a.At
			}
		}
	}
	for _, mo := range e.stay.medOrders {
		if n := given[mo.ID]; n > 0 {
			add(0, mo.ID, mo.Drug, pharmacyInpatient, first[mo.ID], n)
		}
	}
	return out
}

// writeStock writes emr.pharmacy_stock once every batch is committed: one
// batch per drug, pharmacy and month that dispensed anything, received as
// what was dispensed plus what is still on hand, expiring two years on.
func (g *generator) writeStock(ctx context.Context, db *pgxpool.Pool) error {
	keys := make([]stockKey, 0, len(g.dispensed))
	for k := range g.dispensed {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b stockKey) int {
		return cmp.Or(cmp.Compare(a.month, b.month), cmp.Compare(a.location, b.location), cmp.Compare(a.drug, b.drug))
	})
	rows := make([][]any, len(keys))
	for i, k := range keys {
		r := seedRand(uint64(g.opts.Seed), domainStock, uint64(k.month), uint64(k.drug), uint64(k.location[0]))
		onHand := int64(between(r, 0, 200))
		expiry := time.Date(k.month/100+2, time.Month(k.month%100), 1, 0, 0, 0, 0, time.UTC)
		rows[i] = []any{int32(i + 1), int32(k.drug + 1), k.location, k.batchNo(), expiry, g.dispensed[k] + onHand, onHand}
	}
	n, err := db.CopyFrom(ctx, pgx.Identifier{"emr", "pharmacy_stock"}, stockColumns, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("copy emr.pharmacy_stock: %w", err)
	}
	g.stats.Stock += n
	return nil
}
