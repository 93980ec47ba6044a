package hospital

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// loadProfile reads patient id and derives their history from the codes
// they have been diagnosed with.
func loadProfile(ctx context.Context, tx pgx.Tx, id int64) (*profile, []*condition, error) {
	p := &profile{row: patientRow{ID: id}, family: familyHistory(id)}
	err := tx.QueryRow(ctx, `SELECT name, sex, birth_date FROM emr.patient WHERE patient_id = $1`, id).
		Scan(&p.row.Name, &p.row.Sex, &p.row.Birth)
	if err != nil {
		return nil, nil, fmt.Errorf("read patient %d: %w", id, err)
	}
	p.chinese = isChinese(p.row.Name)
	rows, err := tx.Query(ctx, `SELECT DISTINCT icd10 FROM emr.diagnosis WHERE patient_id = $1 ORDER BY 1`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read diagnoses of patient %d: %w", id, err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, fmt.Errorf("read diagnoses of patient %d: %w", id, err)
	}
	return p, historyFromCodes(codes), nil
}

// openStay reads a random open inpatient stay with its diagnoses and patient,
// or returns errNothing when nobody is in hospital.
func (l *Live) openStay(ctx context.Context, tx pgx.Tx) (*profile, *encounter, error) {
	e := &encounter{reg: regRow{VisitType: 'I'}}
	g := &e.reg
	var dept, doctor *int32
	var source *string
	found, err := firstFrom(ctx, tx, `SELECT reg_id, patient_id, dept_id, doctor_id, admit_time, admit_source
		FROM emr.registration WHERE visit_type = 'I' AND status = 'open' AND reg_id >= $1
		ORDER BY reg_id LIMIT 1`, l.pivot(l.state.ids.reg), &g.ID, &g.PatientID, &dept, &doctor, &g.Admit, &source)
	if err != nil || !found {
		return nil, nil, orNothing(err, "pick an open stay")
	}
	p, history, err := loadProfile(ctx, tx, g.PatientID)
	if err != nil {
		return nil, nil, err
	}
	e.history = history
	if err := loadDiagnoses(ctx, tx, e); err != nil {
		return nil, nil, err
	}
	if dept == nil || doctor == nil {
		g.DeptID, g.DoctorID = l.state.depts.assign(l.rng, 'I', e.main)
	}
	if dept != nil {
		g.DeptID = *dept
	}
	if doctor != nil {
		g.DoctorID = *doctor
	}
	if source != nil {
		g.Source = *source
	}
	return p, e, nil
}

// loadDiagnoses reads the diagnoses of registration e.reg.ID into e; codes
// outside the vocabulary are skipped, and an encounter without a known main
// diagnosis is treated as one for fever.
func loadDiagnoses(ctx context.Context, tx pgx.Tx, e *encounter) error {
	rows, err := tx.Query(ctx, `SELECT diag_id, icd10, is_main, diag_time FROM emr.diagnosis
		WHERE reg_id = $1 ORDER BY is_main DESC, diag_id`, e.reg.ID)
	if err != nil {
		return fmt.Errorf("read diagnoses of registration %d: %w", e.reg.ID, err)
	}
	var d diagRow
	var code string
	_, err = pgx.ForEachRow(rows, []any{&d.ID, &code, &d.Main, &d.Time}, func() error {
		if d.Cond = lookup(code); d.Cond == nil {
			return nil
		}
		if d.Main && e.main == nil {
			e.main = d.Cond
		} else {
			d.Main = false
		}
		e.diags = append(e.diags, d)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read diagnoses of registration %d: %w", e.reg.ID, err)
	}
	if e.main == nil {
		e.main = lookup("R50.9")
	}
	return nil
}
