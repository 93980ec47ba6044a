package hospital

import (
	"math/rand/v2"
	"time"
)

// settlementRow is a row of emr.settlement: the bill of a closed
// registration, settled with Chinese medical insurance (cn patients) or a
// US payer; amounts are in cents.
type settlementRow struct {
	RegID          int64
	US             bool
	Total          int64
	Insurance      string // cn: 城镇职工, 城乡居民 or 自费
	Fund, Personal int64
	Payer          string // us: Medicare, Medicaid, commercial or self-pay
	Allowed, Paid  int64
	At             time.Time
}

func (s *settlementRow) values() []any {
	if s.US {
		return []any{s.RegID, "USD", cents(s.Total), nil, nil, nil, s.Payer, cents(s.Total), cents(s.Allowed), cents(s.Paid), s.At}
	}
	return []any{s.RegID, "CNY", cents(s.Total), s.Insurance, cents(s.Fund), cents(s.Personal), nil, nil, nil, nil, s.At}
}

// planSettlement returns the settlement of closed registration e whose
// charges total total cents, settled between its discharge and limit.
func planSettlement(seed uint64, p *profile, e *encounter, total int64, limit time.Time) *settlementRow {
	g := &e.reg
	r := seedRand(seed, domainBilling, uint64(g.ID))
	s := &settlementRow{RegID: g.ID, US: !p.chinese, Total: total,
		At: clampTime(g.Discharge.Add(minutes(r, 5, 72*60)).Truncate(time.Second), g.Discharge, limit)}
	if s.US {
		s.Payer = usPayer(r, p.ageAt(g.Admit))
		share := map[string]float64{"Medicare": 0.35, "Medicaid": 0.3, "commercial": 0.55, "self-pay": 0.4}[s.Payer]
		s.Allowed = int64(float64(total) * (share + 0.1*r.Float64()))
		s.Paid = s.Allowed
		if s.Payer == "self-pay" {
			s.Paid = int64(float64(s.Allowed) * r.Float64())
		}
		return s
	}
	s.Insurance = []string{"城镇职工", "城乡居民", "自费"}[weighted(r, []float64{50, 40, 10})]
	ratio := map[string]float64{"城镇职工": 0.75, "城乡居民": 0.55, "自费": 0}[s.Insurance]
	if ratio > 0 && g.VisitType != 'I' {
		ratio -= 0.25
	}
	if ratio > 0 {
		ratio += 0.1 * r.Float64()
	}
	s.Fund = int64(float64(total) * ratio)
	s.Personal = total - s.Fund
	return s
}

// usPayer draws the payer of a US patient of the age.
func usPayer(r *rand.Rand, age int) string {
	if age >= 65 {
		return []string{"Medicare", "commercial"}[weighted(r, []float64{85, 15})]
	}
	return []string{"Medicaid", "commercial", "self-pay"}[weighted(r, []float64{18, 70, 12})]
}
