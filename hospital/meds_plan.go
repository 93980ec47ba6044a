package hospital

import (
	"slices"
	"time"
)

// regimen is a drug order a condition calls for.
type regimen struct {
	drug        int
	dose        float64
	route, freq string
}

// regimens are what each main condition is treated with on the ward.
var regimens = map[string][]regimen{
	"I21.0":  {{drugAspirin, 100, "PO", "QD"}, {drugTicagrelor, 90, "PO", "BID"}, {drugAtorvastatin, 40, "PO", "QD"}, {drugMetoprolol, 25, "PO", "BID"}},
	"I21.4":  {{drugAspirin, 100, "PO", "QD"}, {drugTicagrelor, 90, "PO", "BID"}, {drugAtorvastatin, 40, "PO", "QD"}, {drugEnoxaparin, 60, "SC", "Q12H"}},
	"I20.0":  {{drugAspirin, 100, "PO", "QD"}, {drugAtorvastatin, 20, "PO", "QD"}, {drugEnoxaparin, 40, "SC", "QD"}, {drugDanhong, 20, "IV", "QD"}},
	"I50.9":  {{drugFurosemide, 20, "IV", "BID"}, {drugMetoprolol, 25, "PO", "BID"}},
	"I48.9":  {{drugMetoprolol, 25, "PO", "BID"}, {drugEnoxaparin, 60, "SC", "Q12H"}},
	"I63.9":  {{drugAspirin, 100, "PO", "QD"}, {drugAtorvastatin, 40, "PO", "QD"}, {drugXuesaitong, 400, "IV", "QD"}},
	"J18.9":  {{drugCeftriaxone, 2, "IV", "QD"}, {drugParacetamol, 500, "PO", "TID"}},
	"J44.1":  {{drugSalbutamol, 200, "INH", "Q6H"}, {drugMethylprednisolone, 40, "IV", "QD"}, {drugLevofloxacin, 500, "IV", "QD"}},
	"N39.0":  {{drugCeftriaxone, 1, "IV", "QD"}},
	"A41.9":  {{drugMeropenem, 1, "IV", "Q8H"}, {drugSaline, 1000, "IV", "ONCE"}},
	"K81.0":  {{drugCeftriaxone, 2, "IV", "QD"}},
	"K35.8":  {{drugCeftriaxone, 2, "IV", "QD"}},
	"K92.2":  {{drugOmeprazole, 40, "IV", "BID"}, {drugSaline, 500, "IV", "ONCE"}},
	"K85.9":  {{drugOmeprazole, 40, "IV", "QD"}, {drugSaline, 1000, "IV", "ONCE"}},
	"S72.0":  {{drugEnoxaparin, 40, "SC", "QD"}, {drugMorphine, 5, "IV", "Q8H"}, {drugParacetamol, 1000, "PO", "TID"}},
	"E11.65": {{drugInsulinGlargine, 16, "SC", "QD"}, {drugMetformin, 500, "PO", "BID"}},
	"N17.9":  {{drugSaline, 1000, "IV", "ONCE"}},
	"O80":    {{drugOxytocin, 10, "IM", "ONCE"}},
}

// antibiotics are the drugs that count as antibiotic treatment.
var antibiotics = []int{drugCeftriaxone, drugMeropenem, drugVancomycin, drugLevofloxacin, drugCefazolin}

func isAntibiotic(d int) bool { return slices.Contains(antibiotics, d) }

// frequencyHours returns the hours between doses; 0 is a single dose.
func frequencyHours(freq string) int {
	return map[string]int{"QD": 24, "BID": 12, "TID": 8, "Q8H": 8, "Q12H": 12, "Q6H": 6}[freq]
}

// planMeds orders the main condition's regimen a few hours after
// admission, long-term drugs for chronic conditions, thromboprophylaxis for
// older patients, and antibiotics and fluids at a sepsis diagnosis.
func (sp *stayPlan) planMeds() {
	g := &sp.e.reg
	start := g.Admit.Add(minutes(sp.r, 30, 180))
	for _, rg := range regimens[sp.e.main.Code] {
		sp.prescribe(rg, start)
	}
	if sp.e.has(lookup("I10")) {
		sp.prescribe(regimen{drugAmlodipine, 5, "PO", "QD"}, start)
	}
	if sp.e.has(lookup("E11.9")) {
		sp.prescribe(regimen{drugMetformin, 500, "PO", "BID"}, start)
	}
	if _, ok := regimens[sp.e.main.Code]; !ok && sp.p.ageAt(g.Admit) >= 60 && chance(sp.r, 0.4) {
		sp.prescribe(regimen{drugEnoxaparin, 40, "SC", "QD"}, start)
	}
	if ep := sp.sepsis; ep != nil {
		t := ep.Diagnosis.Add(minutes(sp.r, 5, 40))
		sp.prescribe(regimen{drugMeropenem, 1, "IV", "Q8H"}, t)
		if chance(sp.r, 0.4) {
			sp.prescribe(regimen{drugVancomycin, 1000, "IV", "Q12H"}, t)
		}
		sp.prescribe(regimen{drugSaline, 1500, "IV", "ONCE"}, t)
		if chance(sp.r, 0.3) {
			sp.prescribe(regimen{drugNorepinephrine, 2, "IV", "ONCE"}, t.Add(time.Hour))
		}
	}
	if ep := sp.aki; ep != nil {
		sp.prescribe(regimen{drugSaline, 500, "IV", "ONCE"}, ep.Diagnosis.Add(minutes(sp.r, 10, 60)))
	}
}

// prescribe orders rg from start until the end of the stay (open while the
// stay is) and records each administration.
func (sp *stayPlan) prescribe(rg regimen, start time.Time) {
	start = start.Truncate(time.Second)
	if start.After(sp.end) {
		return
	}
	g := &sp.e.reg
	m := medOrderRow{ID: sp.ids.next(&sp.ids.medOrder), RegID: g.ID, PatientID: g.PatientID, Drug: rg.drug,
		Dose: rg.dose, Route: rg.route, Freq: rg.freq, Start: start, Doctor: g.DoctorID}
	if !g.open() {
		m.Stop = sp.end
	}
	if rg.freq == "ONCE" {
		m.Stop = start
	}
	sp.s.medOrders = append(sp.s.medOrders, m)
	step := time.Duration(frequencyHours(rg.freq)) * time.Hour
	for t := start.Add(minutes(sp.r, 5, 30)); !t.After(sp.end); t = t.Add(step) {
		status := []string{"given", "held", "refused"}[weighted(sp.r, []float64{96, 3, 1})]
		sp.s.medAdmins = append(sp.s.medAdmins, medAdminRow{ID: sp.ids.next(&sp.ids.medAdmin), OrderID: m.ID, At: t, Dose: rg.dose, Status: status,
			Nurse: sp.staff.nurse(g.DeptID, g.ID, t)})
		if step == 0 {
			break
		}
	}
}

// surgery is a procedure a main condition leads to: with probability p,
// starting lo to hi minutes after admission.
type surgery struct {
	proc   int
	p      float64
	lo, hi int
}

var surgeries = map[string][]surgery{
	"I21.0": {{procPCI, 0.95, 30, 90}},
	"I21.4": {{procPCI, 0.7, 12 * 60, 48 * 60}},
	"S72.0": {{procHip, 0.9, 18 * 60, 48 * 60}},
	"K35.8": {{procAppendectomy, 0.95, 3 * 60, 12 * 60}},
	"K81.0": {{procCholecystectomy, 0.6, 24 * 60, 72 * 60}},
	"O80":   {{procDelivery, 1, 2 * 60, 10 * 60}},
	"K92.2": {{procEGD, 0.9, 2 * 60, 24 * 60}},
	"S52.5": {{procRadiusORIF, 0.5, 2 * 60, 12 * 60}},
	"K40.9": {{procHerniaRepair, 1, 60, 120}},
}

// planProcedures performs the main condition's procedures, a central line
// and perhaps intubation for sepsis, and dialysis for some kidney injuries.
// Each is coded as the patient's profile codes procedures.
func (sp *stayPlan) planProcedures() {
	for _, s := range surgeries[sp.e.main.Code] {
		if chance(sp.r, s.p) {
			sp.perform(s.proc, sp.e.reg.Admit.Add(minutes(sp.r, s.lo, s.hi)))
		}
	}
	if ep := sp.sepsis; ep != nil {
		if chance(sp.r, 0.5) {
			sp.perform(procCVC, ep.Diagnosis.Add(minutes(sp.r, 30, 120)))
		}
		if chance(sp.r, 0.15) {
			sp.perform(procIntubation, ep.Diagnosis.Add(minutes(sp.r, 60, 240)))
		}
	}
	if ep := sp.aki; ep != nil && chance(sp.r, 0.1) {
		sp.perform(procDialysis, ep.Diagnosis.Add(minutes(sp.r, 120, 720)))
	}
}

// perform adds procedure key starting at start when it ends before the
// stay does: one row per code, the stay's first procedure being the main one.
func (sp *stayPlan) perform(key int, start time.Time) {
	def := &procedures[key]
	start = start.Truncate(time.Second)
	end := start.Add(minutes(sp.r, def.minutes[0], def.minutes[1]))
	if end.After(sp.end) {
		return
	}
	codes, system := []codeName{def.us}, "ICD-10-PCS"
	if sp.p.coding() == ProfileCN {
		codes, system = def.cn, "ICD-9-CM-3"
	}
	g := &sp.e.reg
	for _, cn := range codes {
		sp.s.procs = append(sp.s.procs, procRow{ID: sp.ids.next(&sp.ids.proc), RegID: g.ID, PatientID: g.PatientID,
			Code: cn.code, System: system, Name: cn.name, Start: start, End: end, Surgeon: g.DoctorID,
			Anaesthesia: def.anaesthesia, Main: len(sp.s.procs) == 0})
	}
	switch key {
	case procPCI:
		sp.prescribe(regimen{drugHeparin, 5000, "IV", "ONCE"}, start)
	case procHip, procAppendectomy, procCholecystectomy, procRadiusORIF:
		sp.prescribe(regimen{drugCefazolin, 2, "IV", "ONCE"}, start.Add(-minutes(sp.r, 20, 50)))
	}
}
