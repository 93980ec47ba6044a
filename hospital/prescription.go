package hospital

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Column lists of the outpatient prescription tables.
var (
	rxColumns     = []string{"rx_id", "reg_id", "doctor_id", "prescribed_at", "rx_type"}
	rxItemColumns = []string{"rx_item_id", "rx_id", "drug_id", "dose", "route", "frequency", "days", "quantity", "unit_price"}
)

// Prescription types (emr.prescription.rx_type).
const (
	rxWestern       = "western"
	rxChinesePatent = "chinese patent"
)

// clinicRegimens are what the outpatient clinic prescribes for conditions
// whose ward regimen is not taken at home.
var clinicRegimens = map[string][]regimen{
	"I10":   {{drugAmlodipine, 5, "PO", "QD"}},
	"E11.9": {{drugMetformin, 500, "PO", "BID"}},
	"E78.5": {{drugAtorvastatin, 20, "PO", "QD"}},
	"J06.9": {{drugParacetamol, 500, "PO", "TID"}},
	"J45.9": {{drugSalbutamol, 200, "INH", "Q6H"}},
	"K21.9": {{drugOmeprazole, 20, "PO", "QD"}},
	"M54.5": {{drugParacetamol, 500, "PO", "TID"}},
	"M17.9": {{drugParacetamol, 500, "PO", "TID"}},
}

// chinesePatent reports whether drug d is a Chinese patent medicine.
func chinesePatent(d int) bool { return d == drugXuesaitong || d == drugDanhong }

// rxRow is a row of emr.prescription with its items.
type rxRow struct {
	ID, RegID int64
	Doctor    int32
	At        time.Time
	Type      string
	items     []rxItemRow
}

func (r *rxRow) values() []any { return []any{r.ID, r.RegID, r.Doctor, r.At, r.Type} }

// rxItemRow is a row of emr.prescription_item; Drug is an index into drugs
// and Price is in cents of the patient's currency.
type rxItemRow struct {
	ID, RxID    int64
	Drug        int
	Dose        float64
	Route, Freq string
	Days, Qty   int32
	Price       int64
}

func (i *rxItemRow) values() []any {
	return []any{i.ID, i.RxID, int32(i.Drug + 1), i.Dose, i.Route, i.Freq, i.Days, i.Qty, cents(i.Price)}
}

// drugPrice is the list price of one unit of drug d in (yuan) cents.
func drugPrice(d int) int64 { return int64(300 + (d*530)%9700) }

// clinicDrugs returns the take-home regimens of e's diagnoses: the clinic's
// own, else the oral, inhaled and subcutaneous part of the ward regimen,
// each drug once.
func clinicDrugs(e *encounter) []regimen {
	var out []regimen
	for _, d := range e.diags {
		rs, ok := clinicRegimens[d.Cond.Code]
		if !ok {
			rs = regimens[d.Cond.Code]
		}
		for _, rg := range rs {
			home := rg.route == "PO" || rg.route == "INH" || rg.route == "SC"
			if home && !slices.ContainsFunc(out, func(o regimen) bool { return o.drug == rg.drug }) {
				out = append(out, rg)
			}
		}
	}
	return out
}

// planPrescriptions returns the prescriptions of a finished outpatient or
// emergency encounter whose diagnoses call for drugs, one per type, written
// by its doctor before it ends; scale multiplies the list prices.
func planPrescriptions(r *rand.Rand, last *idAlloc, e *encounter, scale int64) []rxRow {
	g := &e.reg
	if g.VisitType == 'I' || g.open() || e.duplicate {
		return nil
	}
	regs := clinicDrugs(e)
	if len(regs) == 0 {
		return nil
	}
	span := max(g.Discharge.Sub(g.Admit), 0) // a faulty discharge may precede the admission
	at := clampTime(g.Admit.Add(span/2+time.Duration(r.Int64N(int64(span/2)+1))).Truncate(time.Second), g.Admit, g.Discharge)
	var out []rxRow
	for _, typ := range []string{rxWestern, rxChinesePatent} {
		var rx *rxRow
		for _, rg := range regs {
			if chinesePatent(rg.drug) != (typ == rxChinesePatent) {
				continue
			}
			if rx == nil {
				out = append(out, rxRow{ID: last.next(&last.rx), RegID: g.ID, Doctor: g.DoctorID, At: at, Type: typ})
				rx = &out[len(out)-1]
			}
			rx.items = append(rx.items, rxItem(r, last, rx.ID, rg, e.main.Chronic > 0, scale))
		}
	}
	return out
}

// rxItem returns the item of regimen rg: a week for an acute complaint, two
// to four weeks for a chronic one, and the units that many doses take.
func rxItem(r *rand.Rand, last *idAlloc, rxID int64, rg regimen, chronic bool, scale int64) rxItemRow {
	days := int32(between(r, 3, 7))
	if chronic {
		days = int32(7 * between(r, 2, 4))
	}
	perDay := int32(1)
	if h := frequencyHours(rg.freq); h > 0 {
		perDay = int32(24 / h)
	}
	return rxItemRow{ID: last.next(&last.rxItem), RxID: rxID, Drug: rg.drug, Dose: rg.dose, Route: rg.route, Freq: rg.freq,
		Days: days, Qty: days * perDay, Price: drugPrice(rg.drug) * scale}
}
