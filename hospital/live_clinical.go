package hospital

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// liveStay returns a stay plan for writing clinical rows of the open stay e
// of p up to end, drawing from the live stream.
func (l *Live) liveStay(p *profile, e *encounter, end time.Time) *stayPlan {
	sp := &stayPlan{r: l.rng, ids: &l.state.ids, staff: l.state.staff, p: p, e: e, s: &stay{}, end: end}
	sp.base = drawVitals(l.rng, "", p.ageAt(e.reg.Admit), false)
	sp.base.gcs = 15
	return sp
}

// chartVitals charts vital signs taken now for a random open stay.
func (l *Live) chartVitals(ctx context.Context, tx pgx.Tx, now time.Time) (Op, error) {
	p, e, err := l.openStay(ctx, tx)
	if err != nil {
		return Op{}, err
	}
	t := maxTime(now, e.reg.Admit)
	sp := l.liveStay(p, e, t)
	sp.chart(t, false)
	v := &sp.s.vitals[0]
	op := Op{Kind: OpChartVitals, Table: "emr.vital_sign", ID: v.ID, PatientID: e.reg.PatientID, RegID: e.reg.ID}
	return op, insert(ctx, tx, "emr.vital_sign", vitalColumns, v.values())
}

// labResults orders a blood count or chemistry for a random open stay,
// collected about an hour and a half ago and resulted by now.
func (l *Live) labResults(ctx context.Context, tx pgx.Tx, now time.Time) (Op, error) {
	p, e, err := l.openStay(ctx, tx)
	if err != nil {
		return Op{}, err
	}
	collected := now.Add(-labTurnaround - 30*time.Minute)
	end := now
	if collected.Before(e.reg.Admit) {
		collected, end = e.reg.Admit, e.reg.Admit.Add(2*time.Hour)
	}
	sp := l.liveStay(p, e, end)
	sp.order(pick(l.rng, []string{"RENAL", "CBC"}), collected, labTurnaround, sp.valueAt(collected, 0))
	o := &sp.s.labOrders[0]
	if err := insert(ctx, tx, "emr.lab_order", labOrderColumns, o.values()); err != nil {
		return Op{}, err
	}
	for i := range sp.s.labResults {
		if err := insert(ctx, tx, "emr.lab_result", labResultColumns, sp.s.labResults[i].values()); err != nil {
			return Op{}, err
		}
	}
	return Op{Kind: OpLabResult, Table: "emr.lab_order", ID: o.ID, PatientID: o.PatientID, RegID: o.RegID}, l.chargeLabResults(ctx, tx, sp)
}

// amendLabResult corrects the value of a random numeric lab result by up to
// 15% and marks it amended.
func (l *Live) amendLabResult(ctx context.Context, tx pgx.Tx) (Op, error) {
	op := Op{Kind: OpAmendLabResult, Table: "emr.lab_result"}
	var value float64
	var item int32
	found, err := firstFrom(ctx, tx, `SELECT r.result_id, r.value::float8, r.item_id, o.reg_id, o.patient_id
		FROM emr.lab_result r JOIN emr.lab_order o USING (order_id)
		WHERE r.value IS NOT NULL AND r.result_id >= $1 ORDER BY r.result_id LIMIT 1`,
		l.pivot(l.state.ids.labResult), &op.ID, &value, &item, &op.RegID, &op.PatientID)
	if err != nil || !found {
		return Op{}, orNothing(err, "pick a lab result")
	}
	k := int(item) - 1
	if k < 0 || k >= len(labItems) {
		return Op{}, fmt.Errorf("lab result %d has unknown item %d", op.ID, item)
	}
	value = round(value*(0.85+0.3*l.rng.Float64()), labDecimals(k))
	_, err = tx.Exec(ctx, `UPDATE emr.lab_result SET value = $2, abnormal_flag = $3, amended = true WHERE result_id = $1`,
		op.ID, value, string(rune(flagOf(&labItems[k], value))))
	if err != nil {
		return Op{}, fmt.Errorf("amend lab result %d: %w", op.ID, err)
	}
	return op, nil
}

// recodeDiagnosis codes a random diagnosis's condition in another of the
// three coding systems, as a coder moving it to the hospital's edition does.
func (l *Live) recodeDiagnosis(ctx context.Context, tx pgx.Tx) (Op, error) {
	op := Op{Kind: OpRecodeDiagnosis, Table: "emr.diagnosis"}
	var code, system string
	found, err := firstFrom(ctx, tx, `SELECT diag_id, reg_id, patient_id, icd10, code_system FROM emr.diagnosis
		WHERE diag_id >= $1 ORDER BY diag_id LIMIT 1`, l.pivot(l.state.ids.diag), &op.ID, &op.RegID, &op.PatientID, &code, &system)
	if err != nil || !found {
		return Op{}, orNothing(err, "pick a diagnosis")
	}
	c := lookup(code)
	if c == nil {
		return Op{}, errNothing
	}
	var others []string // codings giving another code
	for _, coding := range []string{ProfileCN, ProfileUS, ""} {
		if other, _, s := codeIn(c, coding); s != system && other != code {
			others = append(others, coding)
		}
	}
	if len(others) == 0 {
		return Op{}, errNothing
	}
	newCode, name, newSystem := codeIn(c, pick(l.rng, others))
	_, err = tx.Exec(ctx, `UPDATE emr.diagnosis SET icd10 = $2, diag_name = $3, code_system = $4 WHERE diag_id = $1`, op.ID, newCode, name, newSystem)
	if err != nil {
		return Op{}, fmt.Errorf("recode diagnosis %d: %w", op.ID, err)
	}
	return op, nil
}
