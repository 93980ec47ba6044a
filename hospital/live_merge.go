package hospital

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// patientTables are the tables other than emr.patient that refer to a patient.
var patientTables = []string{"registration", "diagnosis", "clinical_note", "procedure", "lab_order", "med_order", "allergy", "immunization"}

// mergePatients merges a duplicate patient record into the surviving one:
// every row of the duplicate is re-pointed to the survivor, and the
// duplicate is deleted, its identity kept in emr.patient_merge. Pairs with a death or an open stay are left alone.
// When the EMR holds no duplicate, one is registered first (a new record
// for an existing patient, with a finished visit), as a clerk who missed
// the existing record would have, and merged in the same transaction.
func (l *Live) mergePatients(ctx context.Context, tx pgx.Tx, now time.Time) (Op, error) {
	var keep, dup int64
	found, err := firstFrom(ctx, tx, `SELECT a.patient_id, b.patient_id FROM emr.patient a JOIN emr.patient b
		ON a.name = b.name AND a.birth_date = b.birth_date AND a.sex = b.sex AND a.patient_id < b.patient_id
		WHERE b.patient_id >= $1 AND NOT EXISTS (SELECT 1 FROM emr.registration g
			WHERE g.patient_id IN (a.patient_id, b.patient_id) AND (g.disposition = 'died' OR g.status = 'open'))
		ORDER BY b.patient_id LIMIT 1`, l.pivot(l.state.ids.patient), &keep, &dup)
	if err != nil {
		return Op{}, fmt.Errorf("find duplicate patients: %w", err)
	}
	if !found {
		if keep, dup, err = l.registerDuplicate(ctx, tx, now); err != nil {
			return Op{}, err
		}
	}
	for _, table := range patientTables {
		if _, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE emr.%s SET patient_id = $1 WHERE patient_id = $2`, table), keep, dup); err != nil {
			return Op{}, fmt.Errorf("re-point emr.%s from patient %d to %d: %w", table, dup, keep, err)
		}
	}
	if err := recordMerge(ctx, tx, keep, dup, now); err != nil {
		return Op{}, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM emr.patient WHERE patient_id = $1`, dup); err != nil {
		return Op{}, fmt.Errorf("delete duplicate patient %d: %w", dup, err)
	}
	return Op{Kind: OpMergePatients, Table: "emr.patient", ID: dup, PatientID: keep}, nil
}

// registerDuplicate registers a second record of a living patient who is
// not in hospital, with a finished visit, and returns both ids.
func (l *Live) registerDuplicate(ctx context.Context, tx pgx.Tx, now time.Time) (keep, dup int64, err error) {
	found, err := firstFrom(ctx, tx, `SELECT p.patient_id FROM emr.patient p WHERE p.patient_id >= $1
		AND NOT EXISTS (SELECT 1 FROM emr.registration g WHERE g.patient_id = p.patient_id
			AND (g.status = 'open' OR g.disposition = 'died'))
		ORDER BY p.patient_id LIMIT 1`, l.pivot(l.state.ids.patient), &keep)
	if err != nil || !found {
		return 0, 0, orNothing(err, "pick a patient to duplicate")
	}
	p, _, err := loadProfile(ctx, tx, keep)
	if err != nil {
		return 0, 0, err
	}
	p.row.ID = l.state.ids.nextPatient()
	p.row.MRN = fmt.Sprintf("MRN%08d", p.row.ID)
	p.family = familyHistory(p.row.ID)
	v := l.newVisit(p, nil, 'O', now)
	p.row.CreatedAt = v.admit.Add(-minutes(l.rng, 1, 10))
	if err := insert(ctx, tx, "emr.patient", patientColumns, p.row.values()); err != nil {
		return 0, 0, err
	}
	if _, err := l.writeVisit(ctx, tx, p, nil, v, now); err != nil {
		return 0, 0, err
	}
	return keep, p.row.ID, nil
}

// recordMerge adds the merge of patient dup into keep at now to
// emr.patient_merge, with the duplicate's MRN and name, merged by the
// staff member who registered the survivor's latest visit.
func recordMerge(ctx context.Context, tx pgx.Tx, keep, dup int64, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO emr.patient_merge
		(merge_id, surviving_patient_id, merged_patient_id, merged_mrn, merged_name, merged_at, merged_by)
		SELECT (SELECT COALESCE(max(merge_id), 0) + 1 FROM emr.patient_merge), $1, p.patient_id, p.mrn, p.name, $3,
			(SELECT min(staff_id) FROM emr.staff)
		FROM emr.patient p WHERE p.patient_id = $2`, keep, dup, now)
	if err != nil {
		return fmt.Errorf("record merge of patient %d into %d: %w", dup, keep, err)
	}
	return nil
}
