package hospital

import (
	"math/rand/v2"
	"slices"
	"time"
)

var treatmentColumns = []string{"treatment_id", "reg_id", "kind", "name", "name_zh", "started_at", "ended_at", "performer_id"}

// treatmentKind is a non-drug treatment with its list price in cents.
type treatmentKind struct {
	key   string
	name  phrase
	price int64
	hours [2]int // how long a session lasts
}

var (
	treatOxygen    = treatmentKind{"oxygen", phrase{"oxygen therapy", "氧疗"}, 2000, [2]int{6, 20}}
	treatNebulise  = treatmentKind{"nebulisation", phrase{"nebulisation", "雾化吸入"}, 1500, [2]int{1, 1}}
	treatPhysio    = treatmentKind{"physiotherapy", phrase{"physiotherapy", "康复理疗"}, 8000, [2]int{1, 1}}
	treatDialysis  = treatmentKind{"dialysis", phrase{"haemodialysis", "血液透析"}, 60000, [2]int{4, 4}}
	treatWoundCare = treatmentKind{"wound care", phrase{"wound dressing", "伤口换药"}, 3000, [2]int{1, 1}}
)

// Conditions whose stays get nebulisation, physiotherapy or oxygen.
var (
	nebuliseFor = []string{"J44.1", "J45.9"}
	physioFor   = []string{"S72.0", "I63.9"}
	oxygenFor   = []string{"J18.9", "J44.1", "I50.9", "A41.9", "I21.0", "I21.4"}
)

// treatmentRow is a row of emr.treatment.
type treatmentRow struct {
	ID, RegID  int64
	Kind       *treatmentKind
	Start, End time.Time
	Performer  int32
}

func (t *treatmentRow) values() []any {
	return []any{t.ID, t.RegID, t.Kind.key, t.Kind.name.en, t.Kind.name.zh, t.Start, t.End, t.Performer}
}

// planTreatments returns the non-drug treatments of an inpatient stay, each
// session ending before the stay ends (or limit): oxygen for hypoxic
// conditions, daily nebulisation for obstructive lung disease, daily
// physiotherapy after a hip fracture or stroke, dressings after open or
// laparoscopic surgery, and dialysis every other day from an AKI of
// KDIGO stage 3 (peak creatinine three times baseline, or 4 mg/dL).
func planTreatments(r *rand.Rand, last *idAlloc, e *encounter, limit time.Time) []treatmentRow {
	g := &e.reg
	if g.VisitType != 'I' || e.stay == nil || e.duplicate {
		return nil
	}
	end := limit
	if !g.open() {
		end = g.Discharge
	}
	tp := &treatmentPlan{r: r, last: last, g: g, end: end}
	code := e.main.Code
	if slices.Contains(oxygenFor, code) || e.main.Code == "J96.0" {
		tp.sessions(&treatOxygen, g.Admit.Add(minutes(r, 10, 60)), 24*time.Hour, between(r, 1, 3))
	}
	if slices.Contains(nebuliseFor, code) {
		tp.sessions(&treatNebulise, g.Admit.Add(minutes(r, 60, 240)), 24*time.Hour, 5)
	}
	if slices.Contains(physioFor, code) {
		tp.sessions(&treatPhysio, g.Admit.Truncate(24*time.Hour).Add(34*time.Hour), 24*time.Hour, 7)
	}
	for _, p := range e.stay.procs {
		if p.Anaesthesia == "general" || p.Anaesthesia == "spinal" {
			tp.sessions(&treatWoundCare, p.Start.Truncate(24*time.Hour).Add(33*time.Hour), 48*time.Hour, 3)
			break
		}
	}
	for _, ep := range e.stay.episodes {
		if ep.Kind == episodeAKI && (ep.Peak >= 3*ep.Baseline || ep.Peak >= 4) {
			tp.sessions(&treatDialysis, ep.Diagnosis.Add(minutes(r, 120, 480)), 48*time.Hour, 3)
		}
	}
	return tp.out
}

// treatmentPlan is the state of planning one stay's treatments.
type treatmentPlan struct {
	r    *rand.Rand
	last *idAlloc
	g    *regRow
	end  time.Time
	out  []treatmentRow
}

// sessions adds up to n sessions of k, every step from start, that end
// before the stay does, each given by a doctor of the stay's department.
func (tp *treatmentPlan) sessions(k *treatmentKind, start time.Time, step time.Duration, n int) {
	for i := range n {
		at := start.Add(time.Duration(i) * step).Truncate(time.Second)
		stop := at.Add(minutes(tp.r, k.hours[0]*60-20, k.hours[1]*60))
		if at.Before(tp.g.Admit) || stop.After(tp.end) {
			return
		}
		performer := (tp.g.DeptID-1)*int32(len(staffTitles)) + 1 + int32(tp.r.IntN(len(staffTitles)))
		tp.out = append(tp.out, treatmentRow{ID: tp.last.next(&tp.last.treatment), RegID: tp.g.ID, Kind: k,
			Start: at, End: stop, Performer: performer})
	}
}
