package hospital

import (
	"fmt"
	"time"
)

// Column lists of the medical-record front page and its lines.
var (
	frontPageColumns = []string{"reg_id", "chief_complaint", "present_illness", "admission_diagnosis", "principal_code",
		"principal_name", "code_system", "secondary_codes", "los_days", "total_cost", "disposition_code", "coder_id", "coded_at"}
	fpDiagColumns = []string{"reg_id", "seq", "diag_id", "code", "code_system", "name", "present_on_admission"}
	fpProcColumns = []string{"reg_id", "seq", "proc_id", "code", "code_system", "name", "performed_at", "surgeon_id"}
)

// frontPage is the front page of a discharged stay; its text and codes are
// made from the encounter when the row is stored, so they agree with the
// stay's emr.diagnosis and emr.procedure rows as written.
type frontPage struct {
	p     *profile
	e     *encounter
	seed  uint64
	until time.Time // no later than Options.Until
	cost  int64     // cents; 0 is not billed
}

// hasFrontPage reports whether e gets a front page: a discharged inpatient
// stay that is not a duplicate registration.
func hasFrontPage(e *encounter) bool {
	return e.reg.VisitType == 'I' && !e.reg.open() && !e.duplicate && len(e.diags) > 0
}

// losDays is the length of stay on the front page: discharge date minus
// admission date, and at least one day.
func losDays(g *regRow) int32 {
	d := g.Discharge.Truncate(24*time.Hour).Sub(g.Admit.Truncate(24*time.Hour)) / (24 * time.Hour)
	return int32(max(1, d))
}

// dispositionCode maps a disposition onto the front page's 离院方式 code.
func dispositionCode(disposition string) string {
	switch disposition {
	case "transfer":
		return "2"
	case "against advice":
		return "4"
	case "died":
		return "5"
	}
	return "1"
}

func (f *frontPage) values() []any {
	e, g := f.e, &f.e.reg
	r := seedRand(f.seed, domainFrontPage, uint64(g.ID))
	cc, illness, admDiag := f.narrative()
	var pCode, pName, system string
	var secondary []string
	for _, d := range e.diags {
		code, name, sys := codeIn(d.Cond, d.Coding)
		if d.Main {
			pCode, pName, system = code, name, sys
		} else {
			secondary = append(secondary, code)
		}
	}
	if secondary == nil {
		secondary = []string{}
	}
	var cost any
	if f.cost > 0 {
		cost = float64(f.cost) / 100
	}
	coded := clampTime(g.Discharge.Add(minutes(r, 6*60, 3*24*60)).Truncate(time.Second), g.Discharge, f.until)
	coder := nullID(onDuty(hospitalStaff.coders, coded, g.ID)) // a coder of medical records
	return []any{g.ID, cc, illness, admDiag, pCode, pName, system, secondary, losDays(g), cost,
		dispositionCode(g.Disposition), coder, coded}
}

// narrative returns the chief complaint, the summary of the present illness
// and the admission diagnosis, in the patient's language; the complaint is
// the one the notes open with.
func (f *frontPage) narrative() (cc, illness, admDiag string) {
	m, g := f.e.main, &f.e.reg
	onset := onsetAmount(seedRand(domainOnset, uint64(g.ID)), m.Onset)
	sym := phrase{m.Short.en, m.Short.zh}
	if len(m.Sym) > 0 {
		sym = symptoms[m.Sym[0]]
	}
	age := f.p.ageAt(g.Admit)
	if f.p.chinese {
		cc = sym.zh + zhOnset(m.Onset, onset)
		illness = fmt.Sprintf("患者%d岁，因%s经%s入院，诊断为%s。", age, cc, zhSource(g.Source), m.Zh)
		return cc, illness, m.Zh
	}
	cc = sym.en + " for " + enOnset(m.Onset, onset)
	illness = fmt.Sprintf("%d-year-old admitted via %s with %s; diagnosed with %s.", age, g.Source, cc, m.Name)
	return cc, illness, m.Name
}

// zhSource names an admission source in Chinese.
func zhSource(source string) string {
	switch source {
	case "emergency":
		return "急诊"
	case "transfer":
		return "外院转入"
	case sourceDaySurgery:
		return "日间手术"
	}
	return "门诊"
}

// fpDiagRow is a diagnosis line of a front page.
type fpDiagRow struct {
	seq int32
	d   *diagRow
	reg *regRow
}

func (l fpDiagRow) values() []any {
	code, name, system := codeIn(l.d.Cond, l.d.Coding)
	return []any{l.reg.ID, l.seq, l.d.ID, code, system, name, l.d.Main || !l.d.Acquired}
}

// fpProcRow is a procedure line of a front page.
type fpProcRow struct {
	seq int32
	p   *procRow
}

func (l fpProcRow) values() []any {
	p := l.p
	return []any{p.RegID, l.seq, p.ID, p.Code, p.System, p.Name, p.Start, p.Surgeon}
}

// frontPageLines returns e's diagnosis lines, principal first, and its
// procedure lines, main first, each in the stay's order otherwise.
func frontPageLines(e *encounter) ([]fpDiagRow, []fpProcRow) {
	var diags []fpDiagRow
	for _, main := range []bool{true, false} {
		for i := range e.diags {
			if d := &e.diags[i]; d.Main == main {
				diags = append(diags, fpDiagRow{seq: int32(len(diags) + 1), d: d, reg: &e.reg})
			}
		}
	}
	var procs []fpProcRow
	if e.stay != nil {
		for _, main := range []bool{true, false} {
			for i := range e.stay.procs {
				if p := &e.stay.procs[i]; p.Main == main {
					procs = append(procs, fpProcRow{seq: int32(len(procs) + 1), p: p})
				}
			}
		}
	}
	return diags, procs
}
