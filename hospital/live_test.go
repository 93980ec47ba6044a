package hospital_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

func TestLive(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()
	db := newDB(t, c, "live")
	gen, err := hospital.Generate(ctx, db, hospital.Options{Patients: 150, Seed: 7})
	require.NoError(t, err)

	t.Run("steps perform every kind of operation", func(t *testing.T) {
		l := hospital.NewLive(db, hospital.LiveOptions{Seed: 1})
		started := time.Now().UTC().Truncate(time.Second)
		for range 200 {
			before := snapshot(t, db)
			op, err := l.Step(ctx)
			require.NoError(t, err)
			checkOp(t, db, op, before, started)
		}
		stats := l.Stats()
		assert.Zero(t, stats.Failed)
		var total int64
		for _, k := range hospital.OpKinds() {
			assert.Positive(t, stats.Ops[k], "%s happened", k)
			total += stats.Ops[k]
		}
		assert.EqualValues(t, 200, total)
	})
	t.Run("new ids continue after the generated ones", func(t *testing.T) {
		assert.Greater(t, count(t, db, `SELECT max(patient_id) FROM emr.patient`), gen.Patients)
		assert.Greater(t, count(t, db, `SELECT max(reg_id) FROM emr.registration`), gen.Registrations)
		assert.Greater(t, count(t, db, `SELECT max(note_id) FROM emr.clinical_note`), gen.Notes)
	})
	t.Run("each kind can be asked for", func(t *testing.T) {
		l := hospital.NewLive(db, hospital.LiveOptions{Seed: 2})
		for _, k := range hospital.OpKinds() {
			before := snapshot(t, db)
			op, err := l.Do(ctx, k)
			require.NoError(t, err)
			assert.Equal(t, k, op.Kind)
			checkOp(t, db, op, before, time.Now().UTC().Add(-time.Minute))
		}
		_, err := l.Do(ctx, "fly")
		assert.Error(t, err)
	})
	t.Run("invariants hold after live activity", func(t *testing.T) {
		checkInvariants(t, db)
		checkSharedHIS(t, db)
	})
	t.Run("the live pharmacy restocks what runs out", func(t *testing.T) {
		// The pharmacy runs dry: what is on hand is written off.
		_, err := db.Exec(ctx, `UPDATE emr.pharmacy_stock SET quantity_received = quantity_received - quantity_on_hand, quantity_on_hand = 0`)
		require.NoError(t, err)
		l := hospital.NewLive(db, hospital.LiveOptions{Seed: 4})
		for range 20 {
			op, err := l.Do(ctx, hospital.OpRegisterVisit)
			require.NoError(t, err)
			assertDispensed(t, db, op)
		}
		assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.dispensing d JOIN emr.pharmacy_stock s USING (batch_no)
			WHERE s.batch_no LIKE '%-R%' AND s.quantity_on_hand >= 0`))
		assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.pharmacy_stock WHERE quantity_on_hand < 0`))
		checkInvariants(t, db)
		checkSharedHIS(t, db)
	})
	t.Run("run stops promptly when cancelled", func(t *testing.T) {
		l := hospital.NewLive(db, hospital.LiveOptions{Seed: 3, Interval: 5 * time.Millisecond})
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- l.Run(ctx) }()
		require.Eventually(t, func() bool { return len(l.Stats().Ops) > 0 }, 10*time.Second, 5*time.Millisecond)
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(2 * time.Second):
			t.Fatal("Run did not return after cancellation")
		}
		assert.Zero(t, l.Stats().Failed)
	})
}

// emrState is the diagnosis codes and note ids before an operation.
type emrState struct {
	diagnoses map[int64]string
	notes     map[int64]bool
}

func snapshot(t *testing.T, db *pgxpool.Pool) emrState {
	t.Helper()
	ctx := context.Background()
	s := emrState{diagnoses: map[int64]string{}, notes: map[int64]bool{}}
	rows, err := db.Query(ctx, `SELECT diag_id, icd10 FROM emr.diagnosis`)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		var code string
		require.NoError(t, rows.Scan(&id, &code))
		s.diagnoses[id] = code
	}
	require.NoError(t, rows.Err())
	rows, err = db.Query(ctx, `SELECT note_id FROM emr.clinical_note`)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		s.notes[id] = true
	}
	require.NoError(t, rows.Err())
	return s
}

// checkOp asserts that the EMR reflects op, performed after since.
func checkOp(t *testing.T, db *pgxpool.Pool, op hospital.Op, before emrState, since time.Time) {
	t.Helper()
	reg := func(cond string) int64 {
		return count(t, db, `SELECT count(*) FROM emr.registration WHERE reg_id = $1 AND patient_id = $2 AND `+cond, op.RegID, op.PatientID, since)
	}
	switch op.Kind {
	case hospital.OpRegisterVisit:
		assert.EqualValues(t, 1, reg(`visit_type IN ('O', 'E') AND status = 'closed' AND discharge_time >= $3`), op)
		assertDispensed(t, db, op)
	case hospital.OpNewPatient:
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.patient WHERE patient_id = $1 AND created_at >= $2::timestamp - interval '1 day'`, op.ID, since), op)
		assert.EqualValues(t, 1, reg(`status = 'closed' AND $3::timestamp IS NOT NULL`), op)
		assertDispensed(t, db, op)
	case hospital.OpAdmit:
		assert.EqualValues(t, 1, reg(`visit_type = 'I' AND status = 'open' AND admit_time >= $3`), op)
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.clinical_note WHERE reg_id = $1 AND note_type = 'admission'`, op.RegID), op)
	case hospital.OpDischarge:
		assert.EqualValues(t, 1, reg(`visit_type = 'I' AND status = 'closed' AND discharge_time >= $3 AND disposition IS NOT NULL`), op)
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.clinical_note WHERE reg_id = $1 AND note_type = 'discharge'`, op.RegID), op)
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.front_page f JOIN emr.settlement s USING (reg_id)
			JOIN emr.user_account a ON a.staff_id = f.coder_id AND a.role = 'coder'
			WHERE f.reg_id = $1 AND f.total_cost = s.total AND f.secondary_codes = (SELECT coalesce(array_agg(icd10 ORDER BY diag_id), '{}')
				FROM emr.diagnosis WHERE reg_id = $1 AND NOT is_main)
			AND (SELECT count(*) FROM emr.front_page_diagnosis l WHERE l.reg_id = $1) = (SELECT count(*) FROM emr.diagnosis WHERE reg_id = $1)
			AND (SELECT count(*) FROM emr.front_page_procedure l WHERE l.reg_id = $1) = (SELECT count(*) FROM emr.procedure WHERE reg_id = $1)`, op.RegID), op)
	case hospital.OpProgressNote:
		assert.False(t, before.notes[op.ID], op)
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.clinical_note WHERE note_id = $1 AND reg_id = $2 AND note_type = 'progress'`, op.ID, op.RegID), op)
	case hospital.OpCorrectDiagnosis:
		require.Contains(t, before.diagnoses, op.ID, op)
		var code string
		require.NoError(t, db.QueryRow(context.Background(), `SELECT icd10 FROM emr.diagnosis WHERE diag_id = $1`, op.ID).Scan(&code))
		assert.NotEqual(t, before.diagnoses[op.ID], code, "%v changed the code", op)
	case hospital.OpDeleteInError:
		switch op.Table {
		case "emr.clinical_note":
			assert.True(t, before.notes[op.ID], op)
			assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.clinical_note WHERE note_id = $1`, op.ID), op)
		case "emr.diagnosis":
			assert.Contains(t, before.diagnoses, op.ID, op)
			assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.diagnosis WHERE diag_id = $1`, op.ID), op)
		default:
			t.Errorf("%v deleted from an unexpected table", op)
		}
	case hospital.OpChartVitals:
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.vital_sign v JOIN emr.registration g USING (reg_id)
			WHERE v.vital_id = $1 AND v.reg_id = $2 AND g.status = 'open' AND v.taken_at >= g.admit_time`, op.ID, op.RegID), op)
	case hospital.OpLabResult:
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.lab_order WHERE order_id = $1 AND reg_id = $2 AND patient_id = $3`,
			op.ID, op.RegID, op.PatientID), op)
		assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.lab_result WHERE order_id = $1`, op.ID), op)
	case hospital.OpAmendLabResult:
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.lab_result WHERE result_id = $1 AND amended`, op.ID), op)
	case hospital.OpRecodeDiagnosis:
		var code string
		require.NoError(t, db.QueryRow(context.Background(), `SELECT icd10 FROM emr.diagnosis WHERE diag_id = $1`, op.ID).Scan(&code))
		assert.NotEqual(t, before.diagnoses[op.ID], code, op)
	case hospital.OpMergePatients:
		assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.patient WHERE patient_id = $1`, op.ID), op)
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.patient WHERE patient_id = $1`, op.PatientID), op)
		assert.Zero(t, count(t, db, `SELECT (SELECT count(*) FROM emr.registration WHERE patient_id = $1)
			+ (SELECT count(*) FROM emr.diagnosis WHERE patient_id = $1) + (SELECT count(*) FROM emr.clinical_note WHERE patient_id = $1)`, op.ID), op)
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.patient_merge
			WHERE merged_patient_id = $1 AND surviving_patient_id = $2 AND merged_mrn <> '' AND merged_by IS NOT NULL`, op.ID, op.PatientID), op)
	case hospital.OpExamine:
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.exam_order x JOIN emr.exam_result r USING (exam_id)
			WHERE x.exam_id = $1 AND x.reg_id = $2 AND r.reported_at >= x.ordered_at
				AND (x.modality = 'ECG') = NOT EXISTS (SELECT 1 FROM emr.clinical_note n WHERE n.reg_id = x.reg_id
					AND n.note_type = 'radiology' AND n.author_id = r.reported_by AND n.written_at = r.reported_at AND n.body LIKE '%' || r.impression || '%')
				AND EXISTS (SELECT 1 FROM emr.charge_item c WHERE c.source_table = 'exam_order' AND c.source_id = x.exam_id)`, op.ID, op.RegID), op)
	case hospital.OpTreat:
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.treatment t JOIN emr.registration g USING (reg_id)
			WHERE t.treatment_id = $1 AND t.reg_id = $2 AND g.status = 'open' AND t.started_at >= g.admit_time AND t.ended_at >= t.started_at
				AND EXISTS (SELECT 1 FROM emr.charge_item c WHERE c.source_table = 'treatment' AND c.source_id = t.treatment_id)`, op.ID, op.RegID), op)
	default:
		t.Errorf("unexpected operation %v", op)
	}
}

// assertDispensed asserts that every prescription item of the visit op
// wrote was dispensed once, as prescribed, by a pharmacist.
func assertDispensed(t *testing.T, db *pgxpool.Pool, op hospital.Op) {
	t.Helper()
	assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.prescription_item i JOIN emr.prescription x USING (rx_id)
		WHERE x.reg_id = $1 AND (SELECT count(*) FROM emr.dispensing d JOIN emr.user_account a ON a.staff_id = d.pharmacist_id
			AND a.role = 'pharmacist' WHERE d.rx_item_id = i.rx_item_id AND d.quantity = i.quantity) <> 1`, op.RegID), op)
}
