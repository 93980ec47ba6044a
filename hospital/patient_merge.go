package hospital

import (
	"fmt"
	"time"
)

// mergeRate is the share of patients of whom a clerk, missing the existing
// record, registered a duplicate that was found and merged later.
const mergeRate = 0.003

// mergeRow is a row of emr.patient_merge.
type mergeRow struct {
	ID, SurvivorID, MergedID int64
	MRN, Name                string
	At                       time.Time
	By                       int32
}

var mergeColumns = []string{"merge_id", "surviving_patient_id", "merged_patient_id", "merged_mrn", "merged_name", "merged_at", "merged_by"}

func (m *mergeRow) values() []any {
	return []any{m.ID, m.SurvivorID, m.MergedID, m.MRN, m.Name, m.At, m.By}
}

// planMerge returns the merge of patient p's duplicate record, or nil for
// the 1-mergeRate of patients who have none. One of p's later encounters
// was registered under the duplicate; the duplicate was merged 1 to 30
// days after it ended (before until), its rows re-pointed to p, so the
// only trace is the merge row. The duplicate's id is patients plus p's id,
// beyond every generated patient, and its MRN follows from the id.
func planMerge(seed int64, patients int, p *patientPlan, until time.Time) *mergeRow {
	r := seedRand(uint64(seed), domainMerge, uint64(p.row.ID))
	if len(p.encounters) < 2 || !chance(r, mergeRate) {
		return nil
	}
	e := &p.encounters[between(r, 1, len(p.encounters)-1)]
	if e.reg.open() || e.reg.Disposition == "died" {
		return nil
	}
	at := e.reg.Discharge.Add(time.Duration(between(r, 1, 30*24)) * time.Hour).Add(minutes(r, 0, 59))
	if !at.Before(until) || diedBefore(p, at) {
		return nil
	}
	id := int64(patients) + p.row.ID
	return &mergeRow{ID: id, SurvivorID: p.row.ID, MergedID: id, MRN: fmt.Sprintf("MRN%08d", id),
		Name: p.row.Name, At: at, By: e.reg.DoctorID}
}

// diedBefore reports whether p died before t.
func diedBefore(p *patientPlan, t time.Time) bool {
	for i := range p.encounters {
		if g := &p.encounters[i].reg; g.Disposition == "died" && g.Discharge.Before(t) {
			return true
		}
	}
	return false
}
