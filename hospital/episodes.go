package hospital

import (
	"slices"
	"time"
)

// Episode kinds (episode.Kind).
const (
	episodeSepsis = "sepsis"
	episodeAKI    = "aki"
)

// episode is a deterioration during a stay, as episodes.jsonl records it:
// when it began, when it was diagnosed and which criteria the charted data
// meet by the diagnosis.
type episode struct {
	Kind      string    `json:"kind"`
	RegID     int64     `json:"reg_id"`
	PatientID int64     `json:"patient_id"`
	Onset     time.Time `json:"onset"`
	Diagnosis time.Time `json:"diagnosis"`
	Criteria  []string  `json:"criteria"`
	// Baseline and Peak are the AKI's creatinine values in mg/dL.
	Baseline float64 `json:"baseline_creatinine,omitempty"`
	Peak     float64 `json:"peak_creatinine,omitempty"`
	// PresentOnAdmission marks sepsis the patient arrived with: its onset
	// precedes the admission and its diagnosis is the main one.
	PresentOnAdmission bool `json:"present_on_admission,omitempty"`

	creat []float64 // AKI: creatinine of the admission sample and each morning
	day   int       // AKI: the morning the rise began
}

// Conditions that sepsis or acute kidney injury may complicate.
var (
	sepsisHosts = []string{"J18.9", "N39.0", "K81.0", "K35.8", "A09", "J44.1", "C34.9", "K85.9"}
	akiHosts    = []string{"A41.9", "I50.9", "J18.9", "N39.0", "K92.2", "K85.9", "I21.0", "I21.4", "S72.0", "A09"}
)

// planEpisodes draws whether the stay is complicated by sepsis or acute
// kidney injury; each episode adds its diagnosis to the encounter, and is
// dropped when the encounter has no room for another diagnosis or the stay
// ends too soon.
func (sp *stayPlan) planEpisodes() {
	c := sp.e.main
	if c.Code == "A41.9" {
		sp.sepsis = sp.planSepsisOnAdmission()
	} else if slices.Contains(sepsisHosts, c.Code) && chance(sp.r, 0.3) {
		sp.sepsis = sp.planSepsis()
	}
	p := 0.03
	if slices.Contains(akiHosts, c.Code) || sp.sepsis != nil {
		p = 0.25
	}
	if c.Code != "N17.9" && chance(sp.r, p) {
		sp.aki = sp.planAKI()
	}
}

// planSepsis times a sepsis episode: vital signs worsen at onset, and
// sepsis is diagnosed three to eight hours later.
func (sp *stayPlan) planSepsis() *episode {
	onset, ok := sp.at(minutes(sp.r, 12*60, 60*60))
	if !ok {
		return nil
	}
	diag := onset.Add(minutes(sp.r, 3*60, 8*60))
	if diag.Add(2*time.Hour).After(sp.end) || !sp.addDiagnosis("A41.9", diag) {
		return nil
	}
	ep := &episode{Kind: episodeSepsis, RegID: sp.e.reg.ID, PatientID: sp.e.reg.PatientID, Onset: onset, Diagnosis: diag}
	sp.s.episodes = append(sp.s.episodes, ep)
	return ep
}

// planAKI draws the creatinine of the admission sample and of each morning
// (06:00) of the stay: stable at baseline, then a rise beginning on a
// morning that reaches 1.6 to 2.4 times baseline the next, then a slow
// recovery. The injury is diagnosed one to four hours after that result.
func (sp *stayPlan) planAKI() *episode {
	g := &sp.e.reg
	mornings := sp.mornings()
	if len(mornings) < 3 {
		return nil
	}
	day := between(sp.r, 1, min(4, len(mornings)-2))
	peakAt := mornings[day+1].Add(labTurnaround + 30*time.Minute)
	diag := peakAt.Add(minutes(sp.r, 60, 240))
	if diag.After(sp.end) || !sp.addDiagnosis("N17.9", diag) {
		return nil
	}
	base := 0.7 + 0.4*sp.r.Float64()
	if slices.ContainsFunc(sp.e.history, func(c *condition) bool { return c.Code == "N18.9" }) {
		base = 1.4 + 0.8*sp.r.Float64()
	}
	creat := make([]float64, len(mornings)+1)
	for i := range creat {
		switch d := i - 1; {
		case d < day:
			creat[i] = base * (0.95 + 0.1*sp.r.Float64())
		case d == day:
			creat[i] = base * (1.2 + 0.15*sp.r.Float64())
		case d == day+1:
			creat[i] = base * (1.6 + 0.8*sp.r.Float64())
		default:
			creat[i] = max(base*1.1, creat[i-1]*(0.8+0.1*sp.r.Float64()))
		}
	}
	ep := &episode{Kind: episodeAKI, RegID: g.ID, PatientID: g.PatientID, Onset: mornings[day], Diagnosis: diag,
		Baseline: round(creat[0], 2), Peak: round(creat[day+2], 2), creat: creat, day: day}
	sp.s.episodes = append(sp.s.episodes, ep)
	return ep
}

// labTurnaround is how long a routine chemistry result takes, at least.
const labTurnaround = 60 * time.Minute

// mornings returns 06:00 of each day after admission before the stay ends.
func (sp *stayPlan) mornings() []time.Time {
	var out []time.Time
	t := sp.e.reg.Admit.Truncate(24 * time.Hour).Add(30 * time.Hour)
	for ; !t.After(sp.end); t = t.Add(24 * time.Hour) {
		out = append(out, t)
	}
	return out
}

// addDiagnosis adds a secondary diagnosis of code made at t, and reports
// whether the encounter had room for it.
func (sp *stayPlan) addDiagnosis(code string, t time.Time) bool {
	c, e := lookup(code), sp.e
	if c == nil || len(e.diags) >= 4 || e.has(c) || !c.eligible(sp.p.ageAt(e.reg.Admit), sp.p.row.Sex) {
		return false
	}
	e.diags = append(e.diags, diagRow{ID: sp.ids.nextDiag(), RegID: e.reg.ID, PatientID: e.reg.PatientID, Cond: c,
		Time: t, DoctorID: e.reg.DoctorID, Coding: sp.p.coding(), Acquired: true})
	return true
}

// finishEpisodes records which criteria the charted data meet by each
// episode's diagnosis.
func (sp *stayPlan) finishEpisodes() {
	for _, ep := range sp.s.episodes {
		if ep.Kind == episodeSepsis {
			ep.Criteria = sepsisCriteria(sp.s, ep)
		} else {
			ep.Criteria = kdigoCriteria(creatinineSeries(sp.s, ep.Diagnosis))
		}
	}
}

// sepsisCriteria lists what the stay's record shows of a sepsis episode.
func sepsisCriteria(s *stay, ep *episode) []string {
	var out []string
	seen := map[string]bool{}
	for i := range s.vitals {
		v := &s.vitals[i]
		if v.At.Before(ep.Onset) || !v.At.Before(ep.Diagnosis) {
			continue
		}
		seen["qsofa>=2"] = seen["qsofa>=2"] || v.qsofa() >= 2
		seen["resp_rate>=22"] = seen["resp_rate>=22"] || v.RR >= 22
		seen["sbp<=100"] = seen["sbp<=100"] || (v.SBP != missing && v.SBP <= 100)
		seen["altered_mentation"] = seen["altered_mentation"] || (v.GCS != missing && v.GCS < 15)
		seen["heart_rate>90"] = seen["heart_rate>90"] || v.HR > 90
	}
	for _, r := range s.labResults {
		switch {
		case r.Item == labLactate && r.Value > 2:
			seen["lactate>2"] = true
		case r.Item == labBloodCulture:
			seen["blood_cultures"] = true
		}
	}
	for _, m := range s.medOrders {
		if isAntibiotic(m.Drug) && !m.Start.Before(ep.Onset) {
			seen["antibiotics"] = true
		}
	}
	for _, k := range []string{"qsofa>=2", "resp_rate>=22", "sbp<=100", "altered_mentation", "heart_rate>90", "lactate>2", "blood_cultures", "antibiotics"} {
		if seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// timedValue is a result value at the time it was resulted.
type timedValue struct {
	At    time.Time
	Value float64
}

// creatinineSeries returns the stay's creatinine results up to t in time order.
func creatinineSeries(s *stay, t time.Time) []timedValue {
	var out []timedValue
	for _, r := range s.labResults {
		if r.Item == labCreatinine && !r.At.After(t) {
			out = append(out, timedValue{r.At, r.Value})
		}
	}
	slices.SortFunc(out, func(a, b timedValue) int { return a.At.Compare(b.At) })
	return out
}

// kdigoCriteria lists the KDIGO creatinine criteria a series meets: a rise
// to 1.5 times a value of the previous 7 days, or by 0.3 mg/dL within 48 h.
func kdigoCriteria(series []timedValue) []string {
	var ratio, delta bool
	for j, b := range series {
		for _, a := range series[:j] {
			dt := b.At.Sub(a.At)
			ratio = ratio || (dt <= 7*24*time.Hour && b.Value >= 1.5*a.Value)
			delta = delta || (dt <= 48*time.Hour && b.Value-a.Value >= 0.3-1e-9)
		}
	}
	var out []string
	if ratio {
		out = append(out, "creatinine>=1.5x_baseline_7d")
	}
	if delta {
		out = append(out, "creatinine_rise>=0.3_48h")
	}
	return out
}
