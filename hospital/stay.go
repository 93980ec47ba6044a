package hospital

import (
	"math/rand/v2"
	"time"
)

// stay is the clinical record of an inpatient stay or an emergency visit
// beyond its registration, diagnoses and notes.
type stay struct {
	transfers  []transferRow
	procs      []procRow
	vitals     []vitalRow
	labOrders  []labOrderRow
	labResults []labResultRow
	medOrders  []medOrderRow
	medAdmins  []medAdminRow
	episodes   []*episode
}

// stayPlan is the state of planning one stay.
type stayPlan struct {
	r      *rand.Rand
	ids    *idAlloc
	staff  *staffTable // who charts and gives medication
	p      *profile
	e      *encounter
	s      *stay
	end    time.Time // discharge, or the limit of a stay still open
	sepsis *episode
	aki    *episode
	ward   int32 // the ward the patient is in after the last transfer
	base   vitals
	weight int16 // tenths of a kilogram
	height int16 // tenths of a centimetre
}

// planStay returns the clinical record of e, or nil for an outpatient
// visit: deterioration episodes (which may add a diagnosis to e), ward
// transfers, procedures, medication, vital signs and laboratory results.
// Nothing is timed after limit or the end of a closed encounter. The record
// is drawn from its own stream, so the rest of the patient's history does
// not depend on it.
func planStay(seed uint64, ids *idAlloc, p *profile, e *encounter, limit time.Time) *stay {
	if e.reg.VisitType == 'O' {
		return nil
	}
	sp := &stayPlan{r: seedRand(seed, domainStay, uint64(e.reg.ID)), ids: ids, staff: hospitalStaff, p: p, e: e, s: &stay{}, end: limit}
	if !e.reg.open() {
		sp.end = e.reg.Discharge
	}
	sp.base = drawVitals(sp.r, "", p.ageAt(e.reg.Admit), false)
	sp.base.gcs = 15
	sp.height, sp.weight = bodySize(sp.r, p.ageAt(e.reg.Admit), p.row.Sex)
	if e.reg.VisitType == 'I' {
		sp.planEpisodes()
		sp.planTransfers()
		sp.planProcedures()
		sp.planMeds()
	}
	sp.planVitals()
	sp.planLabs()
	sp.finishEpisodes()
	return sp.s
}

// bodySize draws a height and weight in tenths for a patient of the age.
func bodySize(r *rand.Rand, age int, sex string) (height, weight int16) {
	h, w := 1600+r.IntN(250), 500+r.IntN(400)
	if sex == "M" {
		h, w = h+80, w+80
	}
	if age < 18 {
		f := float64(age+2) / 20
		h, w = int(float64(h)*min(1, 0.45+f*0.55)), int(float64(w)*min(1, f))
	}
	return int16(h), int16(w)
}

// admitted reports whether the encounter is an inpatient stay.
func (sp *stayPlan) admitted() bool { return sp.e.reg.VisitType == 'I' }

// at returns admit + d, or false when that is after the end of the stay.
func (sp *stayPlan) at(d time.Duration) (time.Time, bool) {
	t := sp.e.reg.Admit.Add(d).Truncate(time.Second)
	return t, !t.After(sp.end)
}

// transfer moves the patient to ward at t.
func (sp *stayPlan) transfer(to int32, t time.Time) {
	if to == sp.ward || t.After(sp.end) {
		return
	}
	sp.s.transfers = append(sp.s.transfers, transferRow{ID: sp.ids.next(&sp.ids.transfer), RegID: sp.e.reg.ID, From: sp.ward, To: to, Time: t})
	sp.ward = to
}

// planTransfers admits the patient to their department's ward (a STEMI to
// the coronary care unit first) and moves septic patients to the ICU.
func (sp *stayPlan) planTransfers() {
	g := &sp.e.reg
	home := deptWard(deptCode(g.DeptID))
	first := home
	if sp.e.main.Code == "I21.0" {
		first = wardOf("W-CCU")
	}
	sp.transfer(first, g.Admit)
	if first != home {
		sp.transfer(home, g.Admit.Add(24*time.Hour+minutes(sp.r, 0, 24*60)).Truncate(time.Second))
	}
	if sp.sepsis != nil && chance(sp.r, 0.5) {
		icu := sp.sepsis.Diagnosis.Add(minutes(sp.r, 30, 120))
		sp.transfer(wardOf("W-ICU"), icu)
		sp.transfer(home, icu.Add(minutes(sp.r, 36*60, 72*60)))
	}
}

// deptCode returns the code of the department with the id.
func deptCode(id int32) string {
	if id < 1 || int(id) > len(departments) {
		return ""
	}
	return departments[id-1].code
}

// order adds a lab order of the panel collected at t and its results, each
// value drawn by value; results come back after tat. An order whose results
// would come after the end of the stay stays 'ordered' without results.
func (sp *stayPlan) order(panel string, t time.Time, tat time.Duration, value func(item int) float64) {
	if t.After(sp.end) || t.Before(sp.e.reg.Admit) {
		return
	}
	g := &sp.e.reg
	o := labOrderRow{ID: sp.ids.next(&sp.ids.labOrder), RegID: g.ID, PatientID: g.PatientID, Panel: panel,
		Ordered: maxTime(g.Admit, t.Add(-minutes(sp.r, 5, 30))), Collected: t, Doctor: g.DoctorID, Status: "final"}
	at := t.Add(tat + minutes(sp.r, 0, 30))
	if at.After(sp.end) {
		o.Status = "ordered"
		sp.s.labOrders = append(sp.s.labOrders, o)
		return
	}
	sp.s.labOrders = append(sp.s.labOrders, o)
	for _, item := range labPanels[panel] {
		res := labResultRow{ID: sp.ids.next(&sp.ids.labResult), OrderID: o.ID, Item: item, At: at}
		if item == labBloodCulture {
			res.Text = cultureResult(sp.r, sp.sepsis != nil)
		} else {
			res.Value = round(value(item), labDecimals(item))
		}
		sp.s.labResults = append(sp.s.labResults, res)
	}
}

// cultureResult draws what a blood culture grew.
func cultureResult(r *rand.Rand, septic bool) string {
	if !septic || chance(r, 0.35) {
		return "No growth after 5 days"
	}
	return pick(r, []string{"Escherichia coli", "Escherichia coli", "Klebsiella pneumoniae", "Staphylococcus aureus", "Streptococcus pneumoniae"})
}

// labDecimals returns the number of decimals an item is reported with.
func labDecimals(item int) int {
	switch item {
	case labTroponin:
		return 3
	case labCreatinine, labPCT, labDDimer:
		return 2
	case labSodium, labPlatelets, labBNP, labGlucose, labLipase:
		return 0
	}
	return 1
}

// round rounds x to n decimals.
func round(x float64, n int) float64 {
	p := 1.0
	for range n {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
