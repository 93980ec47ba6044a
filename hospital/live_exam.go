package hospital

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// examChestClear is the chest X-ray of a stay whose condition calls for no
// examination of its own: nothing acute.
var examChestClear = examFinding{&examCXR,
	phrase{"Lungs are clear. No consolidation. No pleural effusion. No pneumothorax. Heart size is normal.", "双肺纹理清晰。未见实变影。未见胸腔积液。未见气胸。心影大小正常。"},
	phrase{"No acute cardiopulmonary abnormality.", "心肺未见明显急性病变。"}, false,
	[]mention{m("consolidation", "实变影", "consolidation", true), m("pleural effusion", "胸腔积液", "pleural_effusion", true), m("pneumothorax", "气胸", "pneumothorax", true)}}

// examine orders an examination that a random open stay's main condition
// calls for (a chest X-ray when it calls for none), performed and reported
// by now: by a radiologist with a radiology report note for imaging, by
// the stay's doctor for an ECG; it is charged when ordered.
func (l *Live) examine(ctx context.Context, tx pgx.Tx, now time.Time) (Op, error) {
	p, e, err := l.openStay(ctx, tx)
	if err != nil {
		return Op{}, err
	}
	g := &e.reg
	f := &examChestClear
	if fs := conditionExams[e.main.Code]; len(fs) > 0 {
		f = &fs[l.rng.IntN(len(fs))]
	}
	report := maxTime(now, g.Admit.Add(time.Hour))
	x := examRow{ID: l.state.ids.next(&l.state.ids.exam), RegID: g.ID, Find: f,
		Ordered: maxTime(report.Add(-minutes(l.rng, 20, 120)), g.Admit), Report: report, Doctor: g.DoctorID, Reporter: g.DoctorID, Lang: "en"}
	if p.chinese {
		x.Lang = "zh"
	}
	if r := onDuty(l.state.staff.radiologists, report, g.ID); f.kind.imaging() && r != 0 {
		x.Reporter = r // an EMR written before there were radiologists has the stay's doctor report
	}
	if err := insert(ctx, tx, "emr.exam_order", examOrderColumns, x.orderValues()); err != nil {
		return Op{}, err
	}
	if err := insert(ctx, tx, "emr.exam_result", examResultColumns, x.resultValues()); err != nil {
		return Op{}, err
	}
	if f.kind.imaging() {
		n := radiologyNote(l.state.ids.nextNote(), e, &x, l.rng.Uint64())
		if err := insertNote(ctx, tx, p, e, &n); err != nil {
			return Op{}, err
		}
	}
	b := l.liveBiller(p, e)
	b.clinicCharges(&clinicRows{exams: []examRow{x}})
	op := Op{Kind: OpExamine, Table: "emr.exam_order", ID: x.ID, PatientID: g.PatientID, RegID: g.ID}
	return op, insertCharges(ctx, tx, b)
}

// treatAttempts is how many open stays treat looks at for one that a
// treatment is due for.
const treatAttempts = 5

// treat records a non-drug treatment session that has just ended for a
// random open stay that calls for one (oxygen, nebulisation or
// physiotherapy for its main condition, dialysis for acute kidney injury,
// dressings after surgery), given by a doctor of its department and
// charged when it began.
func (l *Live) treat(ctx context.Context, tx pgx.Tx, now time.Time) (Op, error) {
	for range treatAttempts {
		p, e, err := l.openStay(ctx, tx)
		if err != nil {
			return Op{}, err
		}
		kinds, err := dueTreatments(ctx, tx, e)
		if err != nil {
			return Op{}, err
		}
		if len(kinds) == 0 {
			continue
		}
		k := kinds[l.rng.IntN(len(kinds))]
		g := &e.reg
		end := maxTime(now, g.Admit)
		t := treatmentRow{ID: l.state.ids.next(&l.state.ids.treatment), RegID: g.ID, Kind: k, End: end,
			Start: maxTime(end.Add(-minutes(l.rng, k.hours[0]*60-20, k.hours[1]*60)), g.Admit), Performer: g.DoctorID}
		if err := insert(ctx, tx, "emr.treatment", treatmentColumns, t.values()); err != nil {
			return Op{}, err
		}
		b := l.liveBiller(p, e)
		b.clinicCharges(&clinicRows{treats: []treatmentRow{t}})
		op := Op{Kind: OpTreat, Table: "emr.treatment", ID: t.ID, PatientID: g.PatientID, RegID: g.ID}
		return op, insertCharges(ctx, tx, b)
	}
	return Op{}, errNothing
}

// dueTreatments returns the treatments stay e calls for, as planTreatments
// gives them.
func dueTreatments(ctx context.Context, tx pgx.Tx, e *encounter) ([]*treatmentKind, error) {
	var kinds []*treatmentKind
	code := e.main.Code
	if slices.Contains(oxygenFor, code) {
		kinds = append(kinds, &treatOxygen)
	}
	if slices.Contains(nebuliseFor, code) {
		kinds = append(kinds, &treatNebulise)
	}
	if slices.Contains(physioFor, code) {
		kinds = append(kinds, &treatPhysio)
	}
	if slices.ContainsFunc(e.diags, func(d diagRow) bool { return d.Cond.Code == "N17.9" }) {
		kinds = append(kinds, &treatDialysis)
	}
	var surgery bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM emr.procedure WHERE reg_id = $1 AND anaesthesia IN ('general', 'spinal'))`,
		e.reg.ID).Scan(&surgery)
	if err != nil {
		return nil, fmt.Errorf("read procedures of registration %d: %w", e.reg.ID, err)
	}
	if surgery {
		kinds = append(kinds, &treatWoundCare)
	}
	return kinds, nil
}
