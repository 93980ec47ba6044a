package hospital

import (
	"math/rand/v2"
	"slices"
	"time"
)

// idAlloc hands out dense, increasing primary keys; each field holds the last
// id used.
type idAlloc struct {
	patient, reg, diag, note                   int64
	transfer, proc, vital, labOrder, labResult int64
	medOrder, medAdmin, allergy, immun         int64
	charge, rx, rxItem, treatment, exam        int64
	dispense, stock                            int64
}

// next returns the id after *last and makes it the last one used.
func (a *idAlloc) next(last *int64) int64 { *last++; return *last }

func (a *idAlloc) nextPatient() int64 { a.patient++; return a.patient }
func (a *idAlloc) nextReg() int64     { a.reg++; return a.reg }
func (a *idAlloc) nextDiag() int64    { a.diag++; return a.diag }
func (a *idAlloc) nextNote() int64    { a.note++; return a.note }

// encounter is a registration with its diagnoses, notes and, for stays and
// emergency visits, the clinical record.
type encounter struct {
	reg     regRow
	main    *condition
	history []*condition // the patient's history when the encounter began
	diags   []diagRow
	notes   []noteRow
	stay    *stay // nil for outpatient visits
	// duplicate marks a registration entered twice (an injected fault).
	duplicate bool
}

// visit is what an encounter is before it gets ids.
type visit struct {
	vt          byte
	cond        *condition
	admit, end  time.Time // a zero end is a stay still open
	source      string
	disposition string
}

// visitIndex maps a visit type to its position in condition.W.
func visitIndex(vt byte) int {
	switch vt {
	case 'E':
		return 1
	case 'I':
		return 2
	}
	return 0
}

// visitType draws outpatient, emergency or inpatient for a patient of the age.
func visitType(r *rand.Rand, age int) byte {
	w := []float64{62, 22, 16}
	switch {
	case age < 18:
		w = []float64{70, 25, 5}
	case age >= 65:
		w = []float64{55, 23, 22}
	}
	return "OEI"[weighted(r, w)]
}

// chooseCondition draws the main condition of an encounter. Outpatient visits
// are often follow-ups of a condition in the patient's history.
func chooseCondition(r *rand.Rand, vt byte, age int, sex string, history []*condition) *condition {
	vi := visitIndex(vt)
	if vt == 'O' && len(history) > 0 && chance(r, 0.45) {
		var fu []*condition
		for _, h := range history {
			if h.W[vi] > 0 {
				fu = append(fu, h)
			}
		}
		if len(fu) > 0 {
			return pick(r, fu)
		}
	}
	w := make([]float64, len(conditions))
	for i := range conditions {
		if c := &conditions[i]; c.eligible(age, sex) {
			w[i] = c.W[vi] * c.ageFactor(age)
		}
	}
	if i := weighted(r, w); i >= 0 {
		return &conditions[i]
	}
	return lookup("R50.9")
}

// admitSource draws how the patient came to the encounter.
func admitSource(r *rand.Rand, vt byte, c *condition) string {
	switch vt {
	case 'O':
		return pick(r, []string{"self", "self", "self", "referral"})
	case 'E':
		return []string{"self", "ambulance", "referral"}[weighted(r, []float64{60, 35, 5})]
	}
	if c.DaySurgery {
		return sourceDaySurgery
	}
	if c.Code == "O80" {
		return []string{"emergency", "outpatient"}[weighted(r, []float64{30, 70})]
	}
	return []string{"emergency", "outpatient", "transfer"}[weighted(r, []float64{60, 35, 5})]
}

// dies reports whether an encounter for c ends in the patient's death.
func dies(r *rand.Rand, vt byte, c *condition, age int) bool {
	if vt == 'O' || c.Death == 0 {
		return false
	}
	p := c.Death
	switch {
	case age < 50:
		p *= 0.3
	case age >= 85:
		p *= 3
	case age >= 70:
		p *= 2
	}
	if vt == 'E' {
		p *= 0.3
	}
	return chance(r, p)
}

// disposition draws where a patient who survived went after the encounter.
func disposition(r *rand.Rand, vt byte) string {
	switch vt {
	case 'E':
		return []string{"home", "transfer"}[weighted(r, []float64{96, 4})]
	case 'I':
		return []string{"home", "transfer", "against advice"}[weighted(r, []float64{92.5, 6, 1.5})]
	}
	return "home"
}

// duration draws how long an encounter of type vt for c lasts.
func duration(r *rand.Rand, vt byte, c *condition, admit time.Time) time.Duration {
	switch vt {
	case 'O':
		return minutes(r, 10, 60)
	case 'E':
		return minutes(r, 60, 8*60)
	}
	if c.DaySurgery {
		return minutes(r, 6*60, 9*60)
	}
	los := c.LOS
	if los[1] == 0 {
		los = [2]int{2, 6}
	}
	day := admit.Truncate(24*time.Hour).AddDate(0, 0, between(r, los[0], los[1]))
	end := day.Add(9*time.Hour + minutes(r, 0, 6*60))
	return max(end.Sub(admit), 12*time.Hour)
}

// buildEncounter gives v ids, a department and doctor, and its diagnoses.
// No diagnosis is timed after limit (or the end of a closed encounter).
func buildEncounter(r *rand.Rand, ids *idAlloc, depts deptTable, p *profile, v visit, history []*condition, limit time.Time) encounter {
	dept, doctor := depts.assign(r, v.vt, v.cond)
	e := encounter{main: v.cond, history: history}
	e.reg = regRow{ID: ids.nextReg(), PatientID: p.row.ID, VisitType: v.vt, DeptID: dept, DoctorID: doctor,
		Admit: v.admit, Discharge: v.end, Source: v.source, Disposition: v.disposition}
	if !v.end.IsZero() {
		limit = v.end
	}
	age := p.ageAt(v.admit)
	t := clampTime(v.admit.Add(minutes(r, 5, 60)), v.admit, limit)
	e.diags = append(e.diags, diagRow{ID: ids.nextDiag(), RegID: e.reg.ID, PatientID: p.row.ID, Cond: v.cond, Main: true, Time: t, DoctorID: doctor, Coding: p.coding()})
	pHistory, pComorb := 0.55, 0.3
	if v.vt == 'O' {
		pHistory, pComorb = 0.3, 0.1
	}
	add := func(c *condition, prob float64) {
		if c == nil || len(e.diags) >= 4 || !c.eligible(age, p.row.Sex) || e.has(c) || !chance(r, prob) {
			return
		}
		t = clampTime(t.Add(minutes(r, 1, 20)), v.admit, limit)
		e.diags = append(e.diags, diagRow{ID: ids.nextDiag(), RegID: e.reg.ID, PatientID: p.row.ID, Cond: c, Time: t, DoctorID: doctor, Coding: p.coding()})
	}
	for _, h := range history {
		add(h, pHistory)
	}
	for _, code := range v.cond.Comorb {
		add(lookup(code), pComorb)
	}
	return e
}

// has reports whether the encounter already has a diagnosis of c.
func (e *encounter) has(c *condition) bool {
	return slices.ContainsFunc(e.diags, func(d diagRow) bool { return d.Cond == c })
}

// others returns the secondary diagnoses' conditions.
func (e *encounter) others() []*condition {
	var out []*condition
	for _, d := range e.diags {
		if !d.Main && d.Cond != nil {
			out = append(out, d.Cond)
		}
	}
	return out
}

// planNotes adds the encounter's notes (without text): one or two outpatient
// or emergency notes, or an admission note, perhaps a progress note and, once
// discharged, a discharge summary. None is written after limit.
func planNotes(r *rand.Rand, ids *idAlloc, e *encounter, chinese bool, limit time.Time) {
	g := &e.reg
	last := limit
	if !g.open() {
		last = g.Discharge
	}
	lang := noteLanguage(r, chinese)
	add := func(typ string, at time.Time) {
		e.notes = append(e.notes, noteRow{ID: ids.nextNote(), RegID: g.ID, PatientID: g.PatientID, Type: typ, Lang: lang,
			AuthorID: g.DoctorID, WrittenAt: clampTime(at.Truncate(time.Second), g.Admit, last), Seed: r.Uint64()})
	}
	switch g.VisitType {
	case 'O', 'E':
		typ := noteOutpatient
		if g.VisitType == 'E' {
			typ = noteEmergency
		}
		span := last.Sub(g.Admit)
		add(typ, g.Admit.Add(span/3+time.Duration(r.Int64N(int64(span/3)+1))))
		if chance(r, 0.15) {
			add(typ, last.Add(-minutes(r, 0, 5)))
		}
	case 'I':
		if e.main.DaySurgery {
			add(noteAdmission, g.Admit.Add(minutes(r, 15, 50)))
			add(noteOperative, g.Admit.Add(minutes(r, 215, 240)))
			if !g.open() {
				add(noteDischarge, last.Add(-minutes(r, 0, 60)))
			}
			break
		}
		fallthrough
	default:
		add(noteAdmission, g.Admit.Add(minutes(r, 30, 180)))
		if days := int(last.Sub(g.Admit).Hours() / 24); days >= 2 && chance(r, 0.75) {
			day := g.Admit.Truncate(24*time.Hour).AddDate(0, 0, between(r, 1, days-1))
			add(noteProgress, day.Add(8*time.Hour+minutes(r, 0, 180)))
		}
		if !g.open() {
			add(noteDischarge, last.Add(-minutes(r, 0, 120)))
		}
	}
}

// noteLanguage draws the language of an encounter's notes: Chinese patients'
// notes are mostly in Chinese, the others' in English.
func noteLanguage(r *rand.Rand, chinese bool) string {
	if chinese && chance(r, 0.85) {
		return "zh"
	}
	return "en"
}

// clampTime returns t limited to [lo, hi].
func clampTime(t, lo, hi time.Time) time.Time {
	if t.After(hi) {
		t = hi
	}
	if t.Before(lo) {
		t = lo
	}
	return t
}
