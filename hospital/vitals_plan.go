package hospital

import "time"

// planVitals charts vital signs: once or twice in the emergency department;
// every four hours on a ward, hourly in intensive care and from two hours
// before a sepsis episode until twelve hours after its diagnosis, always
// including the moment of onset; sepsis present on admission is charted at
// triage, before it is diagnosed.
func (sp *stayPlan) planVitals() {
	g := &sp.e.reg
	if !sp.admitted() {
		sp.chart(g.Admit.Add(minutes(sp.r, 5, 20)), true)
		if t := sp.end.Add(-minutes(sp.r, 5, 30)); chance(sp.r, 0.4) && t.After(g.Admit.Add(time.Hour)) {
			sp.chart(t, false)
		}
		return
	}
	t, first := g.Admit.Add(minutes(sp.r, 10, 40)), true
	if ep := sp.sepsis; ep != nil && ep.PresentOnAdmission {
		sp.chart(g.Admit.Add(min(ep.Diagnosis.Sub(g.Admit)/2, 5*time.Minute)), true) // triage, before the diagnosis
		first = false
	}
	for ; !t.After(sp.end); first = false {
		sp.chart(t, first)
		next := t.Add(sp.vitalInterval(t))
		if ep := sp.sepsis; ep != nil && t.Before(ep.Onset) && next.After(ep.Onset) {
			next = ep.Onset
		}
		t = next
	}
}

// vitalInterval returns the time until the next observations after t.
func (sp *stayPlan) vitalInterval(t time.Time) time.Duration {
	if ep := sp.sepsis; ep != nil && !t.Before(ep.Onset.Add(-2*time.Hour)) && t.Before(ep.Diagnosis.Add(12*time.Hour)) {
		return time.Hour
	}
	if sp.wardAt(t) == wardOf("W-ICU") {
		return time.Hour
	}
	return 4*time.Hour + minutes(sp.r, 0, 20) - 10*time.Minute
}

// wardAt returns the ward the patient is in at t.
func (sp *stayPlan) wardAt(t time.Time) int32 {
	var w int32
	for _, tr := range sp.s.transfers {
		if tr.Time.After(t) {
			break
		}
		w = tr.To
	}
	return w
}

// chart adds the observations taken at t; the first of a stay includes
// height and weight.
func (sp *stayPlan) chart(t time.Time, first bool) {
	if t.After(sp.end) {
		return
	}
	v := sp.vitalsAt(t)
	row := vitalRow{ID: sp.ids.next(&sp.ids.vital), RegID: sp.e.reg.ID, At: t.Truncate(time.Second),
		HR: int16(v.hr), RR: int16(v.rr), SBP: int16(v.sbp), DBP: int16(v.dbp), SpO2: int16(v.spo2), GCS: int16(v.gcs),
		Temp10: int16(v.temp*10 + 0.5), Nurse: sp.staff.nurse(sp.e.reg.DeptID, sp.e.reg.ID, t)}
	if first {
		row.Height10, row.Weight10 = sp.height, sp.weight
	}
	sp.s.vitals = append(sp.s.vitals, row)
}

// vitalsAt returns the patient's vital signs at t: their baseline with
// noise, abnormal as the main condition says early in the stay, septic
// during a sepsis episode until treatment works, failing before a death.
func (sp *stayPlan) vitalsAt(t time.Time) vitals {
	r, g := sp.r, &sp.e.reg
	v := sp.base
	v.hr += between(r, -6, 6)
	v.rr += between(r, -1, 2)
	v.sbp += between(r, -8, 8)
	v.dbp += between(r, -5, 5)
	v.temp += float64(between(r, -3, 3)) / 10
	v.spo2 = min(100, v.spo2+between(r, -1, 1))
	if t.Sub(g.Admit) < 36*time.Hour || !sp.admitted() {
		sick := drawVitals(r, sp.e.main.Vitals, sp.p.ageAt(g.Admit), true)
		v = overlay(v, sick, sp.e.main.Vitals)
	}
	if ep := sp.sepsis; ep != nil && !t.Before(ep.Onset) && t.Before(ep.Diagnosis.Add(12*time.Hour)) {
		v.hr, v.rr = between(r, 105, 130), between(r, 22, 30)
		v.sbp, v.dbp = between(r, 82, 99), between(r, 45, 60)
		v.temp, v.spo2 = 38.5+float64(r.IntN(14))/10, between(r, 89, 94)
		if chance(r, 0.5) {
			v.gcs = between(r, 12, 14)
		}
	}
	if g.Disposition == "died" && t.After(sp.end.Add(-12*time.Hour)) {
		v.hr, v.rr = between(r, 110, 140), between(r, 24, 34)
		v.sbp, v.dbp = between(r, 65, 88), between(r, 35, 50)
		v.spo2, v.gcs = between(r, 78, 88), between(r, 6, 11)
	}
	return v
}

// overlay returns v with the signs flags name taken from sick.
func overlay(v, sick vitals, flags string) vitals {
	for _, c := range flags {
		switch c {
		case 'F':
			v.temp = sick.temp
		case 'T':
			v.hr = sick.hr
		case 'H', 'B':
			v.sbp, v.dbp = sick.sbp, sick.dbp
		case 'O':
			v.spo2, v.rr = sick.spo2, sick.rr
		}
	}
	return v
}
