package hospital

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// profile is a patient with what notes say about them besides encounters.
type profile struct {
	row     patientRow
	chinese bool
	family  []phrase
}

// ageAt returns the patient's age in whole years at t.
func (p *profile) ageAt(t time.Time) int {
	b := p.row.Birth
	age := t.Year() - b.Year()
	if t.YearDay() < b.YearDay() {
		age--
	}
	return max(age, 0)
}

// ageBands are [min, max] ages with their share of the patient population.
var ageBands = []struct {
	lo, hi int
	share  float64
}{{1, 4, 5}, {5, 17, 8}, {18, 39, 24}, {40, 64, 33}, {65, 84, 25}, {85, 99, 5}}

var ageBandWeights = func() []float64 {
	w := make([]float64, len(ageBands))
	for i, b := range ageBands {
		w[i] = b.share
	}
	return w
}()

// coding returns the Profile the patient's records are coded in: Chinese
// patients' in the Chinese clinical editions, the others' in ICD-10-CM/PCS.
func (p *profile) coding() string {
	if p.chinese {
		return ProfileCN
	}
	return ProfileUS
}

// newPatient returns patient id with demographics drawn from r; ref is the
// time their age refers to. The Profile decides whether the patient is
// Chinese (ProfileMixed: half of them). CreatedAt is left to the caller.
func newPatient(r *rand.Rand, id int64, ref time.Time, prof string) profile {
	sex := "F"
	switch x := r.Float64(); {
	case x < 0.002:
		sex = "U"
	case x < 0.497:
		sex = "M"
	}
	band := ageBands[weighted(r, ageBandWeights)]
	age := between(r, band.lo, band.hi)
	day := ref.UTC().Truncate(24 * time.Hour)
	birth := day.AddDate(-age, 0, -between(r, 1, 364))
	chinese := chance(r, 0.5)
	switch prof {
	case ProfileCN:
		chinese = true
	case ProfileUS:
		chinese = false
	}
	p := profile{chinese: chinese, family: familyHistory(id)}
	p.row = patientRow{ID: id, MRN: fmt.Sprintf("MRN%08d", id), Name: personName(r, chinese, sex), Sex: sex, Birth: birth}
	if chance(r, 0.97) {
		p.row.Phone = phoneNumber(r)
	}
	if a := newAddress(r, chinese); chance(r, 0.99) {
		p.row.Address, p.row.City, p.row.Province, p.row.PC = a.line, a.city, a.province, a.postcode
	}
	return p
}

// familyHistory returns the family history of patient id. It depends on the
// id alone, so the generator and the live loop tell the same story.
func familyHistory(id int64) []phrase {
	r := seedRand(domainFamily, uint64(id))
	n := weighted(r, []float64{40, 40, 20})
	out := make([]phrase, 0, n)
	for len(out) < n {
		f := pick(r, familyHistories)
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// chronicHistory draws the long-standing conditions a patient of the age and
// sex has, in vocabulary order.
func chronicHistory(r *rand.Rand, age int, sex string) []*condition {
	var out []*condition
	for i := range conditions {
		c := &conditions[i]
		if c.Chronic == 0 || !c.eligible(age, sex) {
			continue
		}
		p := c.Chronic
		switch {
		case age < 18:
			p *= 0.3
		case c.AgeTrend > 0:
			p *= min(1.5, float64(age-20)/50)
		}
		if chance(r, p) {
			out = append(out, c)
		}
	}
	return out
}

// historyFromCodes returns the history implied by ICD-10 codes a patient was
// diagnosed with: the chronic ones and what acute ones leave behind, in
// vocabulary order.
func historyFromCodes(codes []string) []*condition {
	has := map[string]bool{}
	for _, code := range codes {
		c := lookup(code)
		if c == nil {
			continue
		}
		if c.Chronic > 0 {
			has[c.Code] = true
		}
		if c.Then != "" {
			has[c.Then] = true
		}
	}
	var out []*condition
	for i := range conditions {
		if has[conditions[i].Code] {
			out = append(out, &conditions[i])
		}
	}
	return out
}

// withAftermath returns history extended by what an encounter for c leaves
// behind (an old MI after an MI); history itself is never modified.
func withAftermath(history []*condition, c *condition) []*condition {
	if c.Then == "" {
		return history
	}
	t := lookup(c.Then)
	if t == nil || slices.Contains(history, t) {
		return history
	}
	return append(slices.Clip(history), t)
}
