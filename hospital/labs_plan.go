package hospital

import (
	"math"
	"slices"
	"time"
)

// Conditions whose laboratory picture is that of a bacterial infection.
var infections = []string{"J18.9", "N39.0", "K81.0", "K35.8", "A41.9", "A09", "J44.1"}

// planLabs orders the stay's laboratory tests: blood count and chemistry on
// arrival with the tests the main condition calls for, serial troponins for
// chest pain, chemistry and blood count most mornings of a stay (every
// morning when the kidneys fail), and lactate, blood cultures and
// inflammation markers when sepsis is suspected.
func (sp *stayPlan) planLabs() {
	g, c := &sp.e.reg, sp.e.main
	t0 := g.Admit.Add(minutes(sp.r, 20, 60))
	if sp.admitted() || chance(sp.r, 0.7) {
		sp.order("CBC", t0, 30*time.Minute, sp.valueAt(t0, 0))
		sp.order("RENAL", t0, labTurnaround, sp.valueAt(t0, 0))
	}
	for _, panel := range conditionPanels(c) {
		sp.order(panel, t0, labTurnaround, sp.valueAt(t0, 0))
	}
	if c.chestPain() || c.Code == "I21.0" || c.Code == "I21.4" {
		for _, h := range []int{3, 6} {
			t := t0.Add(time.Duration(h) * time.Hour)
			sp.order("TNI", t, labTurnaround, sp.valueAt(t, 0))
		}
	}
	if !sp.admitted() {
		return
	}
	for i, m := range sp.mornings() {
		if sp.aki != nil || chance(sp.r, 0.6) {
			sp.order("RENAL", m, labTurnaround, sp.valueAt(m, i+1))
		}
		if chance(sp.r, 0.45) {
			sp.order("CBC", m, 30*time.Minute, sp.valueAt(m, i+1))
		}
		if slices.Contains(infections, c.Code) && i%2 == 1 {
			sp.order("CRP", m, labTurnaround, sp.valueAt(m, i+1))
		}
	}
	if ep := sp.sepsis; ep != nil {
		t := ep.Diagnosis.Add(-minutes(sp.r, 60, 100))
		if ep.PresentOnAdmission { // drawn at triage
			t = g.Admit.Add(min(ep.Diagnosis.Sub(g.Admit)/2, 5*time.Minute))
		}
		for _, panel := range []string{"LAC", "BCX", "BCX", "PCT", "CBC", "CRP"} {
			sp.order(panel, t, sepsisTurnaround(panel), sp.valueAt(t, 0))
		}
		t = ep.Diagnosis.Add(6 * time.Hour)
		sp.order("LAC", t, 20*time.Minute, sp.valueAt(t, 0))
	}
}

// sepsisTurnaround returns how long a sepsis work-up test takes.
func sepsisTurnaround(panel string) time.Duration {
	switch panel {
	case "BCX":
		return 48 * time.Hour
	case "LAC":
		return 20 * time.Minute
	}
	return labTurnaround
}

// conditionPanels returns the tests c calls for on arrival.
func conditionPanels(c *condition) []string {
	switch {
	case slices.Contains(infections, c.Code):
		return []string{"CRP", "PCT"}
	case c.Code == "I50.9":
		return []string{"BNP"}
	case c.Code == "E11.65":
		return []string{"HBA1C"}
	case c.Code == "K85.9":
		return []string{"LIP"}
	case c.Code == "I26.9":
		return []string{"DDIM"}
	case c.Code == "K81.0":
		return []string{"LFT"}
	case c.chestPain() || c.Code == "I21.0" || c.Code == "I21.4":
		return []string{"TNI"}
	}
	return nil
}

// valueAt returns a function drawing each item's value at t; sample is the
// creatinine sample's index (0 on arrival, i+1 on morning i).
func (sp *stayPlan) valueAt(t time.Time, sample int) func(int) float64 {
	return func(item int) float64 { return sp.labValue(item, t, sample) }
}

// labValue draws the value of item at t.
func (sp *stayPlan) labValue(item int, t time.Time, sample int) float64 {
	r, c := sp.r, sp.e.main
	u := r.Float64()
	infected := slices.Contains(infections, c.Code) && t.Sub(sp.e.reg.Admit) < 72*time.Hour
	septic := sp.sepsis != nil && !t.Before(sp.sepsis.Onset.Add(-2*time.Hour)) && t.Before(sp.sepsis.Diagnosis.Add(24*time.Hour))
	switch item {
	case labCreatinine:
		if ep := sp.aki; ep != nil {
			return ep.creat[min(sample, len(ep.creat)-1)]
		}
		if c.Code == "N17.9" {
			return math.Max(1.2, 3.2-0.4*float64(sample)) + 0.2*u
		}
		return 0.75 + 0.05*float64(sp.e.reg.ID%7) + 0.08*u
	case labBUN:
		return 10 + 8*u
	case labWBC:
		return pickRange(u, septic, 15, 25, infected, 11.5, 19, 4.5, 9.5)
	case labCRP:
		return pickRange(u, septic, 120, 300, infected, 40, 200, 0.5, 8)
	case labPCT:
		return pickRange(u, septic, 2, 30, infected, 0.6, 6, 0.02, 0.1)
	case labLactate:
		return pickRange(u, septic, 2.5, 6, c.Code == "A41.9", 2.2, 4.5, 0.7, 1.8)
	case labHemoglobin:
		return pickRange(u, c.Code == "K92.2", 6.5, 9, c.Code == "D64.9", 8, 10.5, 12.2, 15.5)
	case labTroponin:
		return troponin(c, t.Sub(sp.e.reg.Admit), sp.e.reg.ID, u)
	case labGlucose:
		return pickRange(u, c.Code == "E11.65", 250, 420, sp.e.has(lookup("E11.9")), 130, 200, 78, 115)
	case labBNP:
		return pickRange(u, c.Code == "I50.9", 500, 3000, false, 0, 0, 15, 90)
	case labHbA1c:
		return pickRange(u, c.Code == "E11.65", 8.2, 12, false, 0, 0, 4.8, 5.8)
	}
	it := &labItems[item]
	return map[int]float64{labPotassium: 3.7, labSodium: 136, labPlatelets: 160, labBilirubin: 0.3, labDDimer: 0.1, labLipase: 18}[item] +
		u*0.8*(it.hi-it.lo)
}

// pickRange returns u scaled to the first range whose condition holds, or
// to the last.
func pickRange(u float64, c1 bool, lo1, hi1 float64, c2 bool, lo2, hi2, lo, hi float64) float64 {
	switch {
	case c1:
		return lo1 + u*(hi1-lo1)
	case c2:
		return lo2 + u*(hi2-lo2)
	}
	return lo + u*(hi-lo)
}

// troponin returns troponin I (ng/mL) at since after arrival: rising over
// the hours after a myocardial infarction towards a peak fixed per
// registration, low otherwise.
func troponin(c *condition, since time.Duration, regID int64, u float64) float64 {
	if c.Code != "I21.0" && c.Code != "I21.4" {
		return 0.003 + 0.025*u
	}
	h := since.Hours() + 3
	peak := 2 + float64(mix64(uint64(regID))%3000)/100
	return 0.05 + peak*(1-math.Exp(-h/8))
}
