package hospital

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Kinds of injected data-quality faults (fault.Kind).
const (
	faultMissingPhone      = "missing_phone"
	faultMissingVital      = "missing_vital"
	faultImplausibleHeight = "implausible_height"
	faultFutureDate        = "future_date"
	faultMissingUnit       = "missing_unit"
	faultDuplicateReg      = "duplicate_registration"
	faultDischargeBefore   = "discharge_before_admission"
	faultBirthAfterAdmit   = "birth_after_admission"
)

// fault is a data-quality fault injected into the EMR, as faults.jsonl
// records it: the kind, the row (table and primary key) and the column.
type fault struct {
	Kind   string `json:"kind"`
	Table  string `json:"table"`
	ID     int64  `json:"id"`
	Column string `json:"column,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// injector injects faults into one planned patient.
type injector struct {
	r     *rand.Rand
	rate  float64
	ids   *idAlloc
	p     *patientPlan
	until time.Time
	dups  []encounter // duplicate registrations, appended when all are done
}

// injectFaults gives each candidate row of p a fault with probability
// rate, from a stream of its own, and records every fault in p.faults.
func (g *generator) injectFaults(p *patientPlan) {
	in := &injector{r: seedRand(uint64(g.opts.Seed), domainFault, uint64(p.row.ID)), rate: g.opts.FaultRate, ids: &g.ids, p: p, until: g.opts.Until}
	in.patient()
	for i := range p.encounters {
		in.encounter(&p.encounters[i])
	}
	p.encounters = append(p.encounters, in.dups...)
	for i := range p.extras.immuns {
		im := &p.extras.immuns[i]
		if in.hit() {
			im.At = in.until.AddDate(between(in.r, 1, 3), 0, 0)
			in.add(faultFutureDate, "emr.immunization", im.ID, "given_at", im.At.Format(time.DateOnly))
		}
	}
}

func (in *injector) hit() bool { return chance(in.r, in.rate) }

func (in *injector) add(kind, table string, id int64, column, detail string) {
	in.p.faults = append(in.p.faults, fault{Kind: kind, Table: table, ID: id, Column: column, Detail: detail})
}

// patient leaves out the phone, or moves the birth date after the first
// admission (birth_date itself is never missing).
func (in *injector) patient() {
	row := &in.p.row
	if row.Phone != "" && in.hit() {
		row.Phone = ""
		in.add(faultMissingPhone, "emr.patient", row.ID, "phone", "")
	}
	if in.hit() {
		row.Birth = in.p.encounters[0].reg.Admit.Truncate(24*time.Hour).AddDate(0, 0, between(in.r, 1, 30))
		in.add(faultBirthAfterAdmit, "emr.patient", row.ID, "birth_date", row.Birth.Format(time.DateOnly))
	}
}

// encounter injects faults into e's registration and clinical record.
func (in *injector) encounter(e *encounter) {
	g := &e.reg
	if in.hit() {
		dup := encounter{reg: *g, main: e.main, history: e.history, stay: &stay{}, duplicate: true}
		dup.reg.ID = in.ids.nextReg()
		in.dups = append(in.dups, dup)
		in.add(faultDuplicateReg, "emr.registration", dup.reg.ID, "", fmt.Sprintf("duplicate of registration %d", g.ID))
	}
	if !g.open() && in.hit() {
		g.Discharge = g.Admit.Add(-minutes(in.r, 60, 48*60))
		in.add(faultDischargeBefore, "emr.registration", g.ID, "discharge_time", g.Discharge.Format(time.DateTime))
	}
	if e.stay == nil {
		return
	}
	for i := range e.stay.vitals {
		v := &e.stay.vitals[i]
		switch {
		case v.Height10 > 0 && in.hit():
			v.Height10 *= 10
			in.add(faultImplausibleHeight, "emr.vital_sign", v.ID, "height_cm", fmt.Sprintf("%.1f", float64(v.Height10)/10))
		case in.hit():
			v.SpO2 = missing
			in.add(faultMissingVital, "emr.vital_sign", v.ID, "spo2", "")
		}
	}
	for i := range e.stay.labResults {
		l := &e.stay.labResults[i]
		if l.Text == "" && labItems[l.Item].unit != "" && in.hit() {
			l.NoUnit = true
			in.add(faultMissingUnit, "emr.lab_result", l.ID, "unit", "")
		}
	}
}
