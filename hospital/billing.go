package hospital

import (
	"time"
)

// Column lists of the billing tables.
var (
	chargeColumns = []string{"charge_id", "reg_id", "charge_code", "category", "item_name", "quantity", "unit_price",
		"amount", "charged_at", "source_table", "source_id"}
	settlementColumns = []string{"reg_id", "currency", "total", "insurance_type", "fund_payment", "personal_payment",
		"payer", "billed", "allowed", "paid", "settled_at"}
)

// Charge categories (emr.charge_item.category).
const (
	chargeRegistration = "registration"
	chargeLab          = "lab"
	chargeProcedure    = "procedure"
	chargeDrug         = "drug"
	chargeBed          = "bed"
	chargeTreatment    = "treatment"
	chargeExam         = "exam"
)

// chargeRow is a row of emr.charge_item; prices are in cents.
type chargeRow struct {
	ID, RegID      int64
	Code, Category string
	Name           string
	Qty            int32
	Price          int64
	At             time.Time
	Source         string
	SourceID       int64
}

func (c *chargeRow) values() []any {
	var src, srcID any
	if c.Source != "" {
		src, srcID = c.Source, c.SourceID
	}
	return []any{c.ID, c.RegID, c.Code, c.Category, c.Name, c.Qty, cents(c.Price), cents(int64(c.Qty) * c.Price), c.At, src, srcID}
}

// cents returns an amount in cents as a number of currency units.
func cents(v int64) float64 { return float64(v) / 100 }

// priceScale is the factor of US prices over the (yuan) price list.
const priceScale = 6

// biller makes the charges of one encounter with ids from ids.
type biller struct {
	ids   *int64
	scale int64
	e     *encounter
	out   []chargeRow
	total int64
}

// add appends a charge of qty at price (in list cents) made at t.
func (b *biller) add(code, category, name string, qty int32, price int64, t time.Time, source string, sourceID int64) {
	price *= b.scale
	*b.ids++
	b.out = append(b.out, chargeRow{ID: *b.ids, RegID: b.e.reg.ID, Code: code, Category: category, Name: name, Qty: qty,
		Price: price, At: t, Source: source, SourceID: sourceID})
	b.total += int64(qty) * price
}

// planCharges returns the charges of e, made from its clinical rows: a
// registration fee, every prescription item, treatment and examination,
// every lab result, every procedure, every given
// medication dose and, for a stay, every bed-day up to its end (or limit
// while open), and their total in cents. Duplicate registrations have none.
func planCharges(ids *int64, e *encounter, c *clinicRows, us bool, limit time.Time) ([]chargeRow, int64) {
	if e.duplicate {
		return nil, 0
	}
	b := &biller{ids: ids, scale: 1, e: e}
	if us {
		b.scale = priceScale
	}
	g := &e.reg
	fee := map[byte]int64{'O': 2000, 'E': 5000, 'I': 3000}[g.VisitType]
	b.add("REG-"+string(rune(g.VisitType)), chargeRegistration, "registration fee", 1, fee, g.Admit, "registration", g.ID)
	b.prescriptionCharges(c.rxs)
	b.clinicCharges(c)
	if s := e.stay; s != nil {
		b.stayCharges(s)
	}
	if g.VisitType == 'I' {
		b.bedDays(limit)
	}
	return b.out, b.total
}

// stayCharges charges the lab results (when their sample is collected),
// procedures and given doses of a stay.
func (b *biller) stayCharges(s *stay) {
	collected := make(map[int64]time.Time, len(s.labOrders))
	for i := range s.labOrders {
		collected[s.labOrders[i].ID] = s.labOrders[i].Collected
	}
	for i := range s.labResults {
		l := &s.labResults[i]
		it := &labItems[l.Item]
		at := l.At
		if c, ok := collected[l.OrderID]; ok && !c.IsZero() {
			at = c // charged when the sample is taken
		}
		b.add("L"+it.code, chargeLab, it.name, 1, int64(800+(l.Item*370)%4200), at, "lab_result", l.ID)
	}
	for i := range s.procs {
		p := &s.procs[i]
		price := int64(80000)
		if p.Main {
			price = 650000
		}
		b.add("P"+p.Code, chargeProcedure, p.Name, 1, price, p.Start, "procedure", p.ID)
	}
	drugOf := make(map[int64]int, len(s.medOrders))
	for i := range s.medOrders {
		drugOf[s.medOrders[i].ID] = s.medOrders[i].Drug
	}
	for i := range s.medAdmins {
		a := &s.medAdmins[i]
		if a.Status != "given" {
			continue
		}
		d := drugOf[a.OrderID]
		b.add("D"+drugs[d].code, chargeDrug, drugs[d].name, 1, drugPrice(d), a.At, "med_admin", a.ID)
	}
}

// bedDays charges one bed-day per midnight the patient spent in hospital,
// at least one, each at the end of its day (or at discharge).
func (b *biller) bedDays(limit time.Time) {
	g := &b.e.reg
	end := limit
	if !g.open() {
		end = g.Discharge
	}
	if end.Before(g.Admit) {
		return
	}
	day := g.Admit.Truncate(24 * time.Hour)
	n := max(1, int(end.Truncate(24*time.Hour).Sub(day)/(24*time.Hour)))
	for k := range n {
		at := clampTime(day.Add(time.Duration(k+1)*24*time.Hour-time.Second), g.Admit, end)
		b.add("BED-GEN", chargeBed, "general ward bed-day", 1, 6000, at, "registration", g.ID)
	}
}

// prescriptionCharges charges every prescription item when it is prescribed.
func (b *biller) prescriptionCharges(rxs []rxRow) {
	for i := range rxs {
		for j := range rxs[i].items {
			it := &rxs[i].items[j]
			b.add("D"+drugs[it.Drug].code, chargeDrug, drugs[it.Drug].name, it.Qty, drugPrice(it.Drug), rxs[i].At, "prescription_item", it.ID)
		}
	}
}

// clinicRows are an encounter's rows that Generate plans when it writes
// the batch: prescriptions, treatments and examinations.
type clinicRows struct {
	rxs    []rxRow
	treats []treatmentRow
	exams  []examRow
}

// clinicCharges charges every treatment session when it starts and every
// examination when it is ordered.
func (b *biller) clinicCharges(c *clinicRows) {
	for i := range c.treats {
		t := &c.treats[i]
		b.add("T-"+t.Kind.key, chargeTreatment, t.Kind.name.en, 1, t.Kind.price, t.Start, "treatment", t.ID)
	}
	for i := range c.exams {
		x := &c.exams[i]
		b.add(x.Find.kind.code, chargeExam, x.Find.kind.name, 1, x.Find.kind.price, x.Ordered, "exam_order", x.ID)
	}
}
