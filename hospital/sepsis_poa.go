package hospital

import "time"

// planSepsisOnAdmission records the sepsis a patient admitted for it
// arrived with: it began 6 to 48 hours before the admission, and was
// diagnosed when the main diagnosis was made. It returns nil when the main
// diagnosis is made too close to the end of the stay to be treated.
func (sp *stayPlan) planSepsisOnAdmission() *episode {
	g := &sp.e.reg
	onset := g.Admit.Add(-minutes(sp.r, 6*60, 48*60))
	diag := sp.e.diags[0].Time
	if diag.Add(2 * time.Hour).After(sp.end) {
		return nil
	}
	ep := &episode{Kind: episodeSepsis, RegID: g.ID, PatientID: g.PatientID, Onset: onset, Diagnosis: diag, PresentOnAdmission: true}
	sp.s.episodes = append(sp.s.episodes, ep)
	return ep
}
