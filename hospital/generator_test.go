package hospital_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

func TestGenerate(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()
	until := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	opts := hospital.Options{Patients: 200, Seed: 42, Until: until}

	a, b, other := newDB(t, c, "a"), newDB(t, c, "b"), newDB(t, c, "other")
	var progress [][2]int
	withProgress := opts
	withProgress.Progress = func(done, total int) { progress = append(progress, [2]int{done, total}) }
	stats, err := hospital.Generate(ctx, a, withProgress)
	require.NoError(t, err)
	assert.Equal(t, [][2]int{{200, 200}}, progress)
	statsB, err := hospital.Generate(ctx, b, opts)
	require.NoError(t, err)
	assert.Equal(t, stats, statsB)
	otherOpts := opts
	otherOpts.Seed = 43
	_, err = hospital.Generate(ctx, other, otherOpts)
	require.NoError(t, err)

	t.Run("the same seed writes identical tables", func(t *testing.T) {
		for _, table := range hospital.Tables {
			assert.Equal(t, digest(t, a, table), digest(t, b, table), table)
		}
	})
	t.Run("another seed writes other tables", func(t *testing.T) {
		for _, table := range hospital.Tables {
			if slices.Contains(hospital.DictionaryTables, table) || count(t, a, "SELECT count(*) FROM "+table) == 0 {
				continue // the same dictionaries, or too rare to appear in 200 patients
			}
			assert.NotEqual(t, digest(t, a, table), digest(t, other, table), table)
		}
	})
	t.Run("stats count the rows written", func(t *testing.T) {
		for table, n := range map[string]int64{
			"emr.department": stats.Departments, "emr.staff": stats.Staff, "emr.patient": stats.Patients,
			"emr.registration": stats.Registrations, "emr.diagnosis": stats.Diagnoses, "emr.clinical_note": stats.Notes,
			"emr.user_account": stats.Accounts, "emr.front_page": stats.FrontPages,
			"emr.charge_item": stats.Charges, "emr.settlement": stats.Settlements,
			"emr.prescription": stats.Prescriptions, "emr.prescription_item": stats.PrescriptionItems,
			"emr.treatment":  stats.Treatments,
			"emr.exam_order": stats.Exams, "emr.exam_result": stats.ExamResults,
			"emr.pharmacy_stock": stats.Stock, "emr.dispensing": stats.Dispensings,
		} {
			assert.Equal(t, count(t, a, "SELECT count(*) FROM "+table), n, table)
		}
		assert.EqualValues(t, 200, stats.Patients)
		assert.GreaterOrEqual(t, stats.Departments, int64(12))
		assert.EqualValues(t, 16, stats.Departments)
		assert.EqualValues(t, count(t, a, `SELECT count(*) FROM emr.user_account`), stats.Staff)
	})
	t.Run("invariants hold", func(t *testing.T) { checkInvariants(t, a) })
	t.Run("generated history is well formed", func(t *testing.T) { checkGenerated(t, a, until) })
	t.Run("content is realistic", func(t *testing.T) { checkContent(t, a) })
	t.Run("HIS tables agree with the clinical record", func(t *testing.T) { checkHIS(t, a) })
	t.Run("a non-empty EMR is refused", func(t *testing.T) {
		_, err := hospital.Generate(ctx, a, opts)
		assert.ErrorIs(t, err, hospital.ErrNotEmpty)
	})
	t.Run("cancellation leaves whole committed batches", func(t *testing.T) { checkCancellation(t, newDB(t, c, "cancelled"), opts) })
	t.Run("invalid options are refused", func(t *testing.T) {
		_, err := hospital.Generate(ctx, a, hospital.Options{Patients: -1})
		assert.Error(t, err)
	})
}

// checkCancellation cancels Generate after its first batch and asserts that
// exactly that batch was kept.
func checkCancellation(t *testing.T, db *pgxpool.Pool, opts hospital.Options) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts.Patients = 2500
	opts.Progress = func(done, total int) { cancel() }
	_, err := hospital.Generate(ctx, db, opts)
	require.ErrorIs(t, err, context.Canceled)
	assert.EqualValues(t, 1000, count(t, db, `SELECT count(*) FROM emr.patient`))
	assert.EqualValues(t, 1000, count(t, db, `SELECT max(patient_id) FROM emr.patient`))
	assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.staff`))
	checkInvariants(t, db)
}

// checkGenerated asserts what holds for a freshly generated history only:
// Live later adds notes, deletes rows and writes around the clock.
func checkGenerated(t *testing.T, db *pgxpool.Pool, until time.Time) {
	violations := []violation{
		{"patients with other than 1 to 6 registrations", `SELECT count(*) FROM emr.patient p
			WHERE (SELECT count(*) FROM emr.registration g WHERE g.patient_id = p.patient_id) NOT BETWEEN 1 AND 6`},
		{"registrations with other than 1 to 4 diagnoses", `SELECT count(*) FROM emr.registration g
			WHERE (SELECT count(*) FROM emr.diagnosis d WHERE d.reg_id = g.reg_id) NOT BETWEEN 1 AND 4`},
		{"registrations with other than 1 to 3 clinicians' notes", `SELECT count(*) FROM emr.registration g
			WHERE (SELECT count(*) FROM emr.clinical_note n WHERE n.reg_id = g.reg_id AND n.note_type <> 'radiology') NOT BETWEEN 1 AND 3`},
		{"overlapping encounters", `SELECT count(*) FROM emr.registration x JOIN emr.registration y
			ON x.patient_id = y.patient_id AND x.reg_id < y.reg_id
			WHERE x.admit_time < coalesce(y.discharge_time, 'infinity') AND y.admit_time < coalesce(x.discharge_time, 'infinity')`},
		{"timestamps after Until", `SELECT (SELECT count(*) FROM emr.registration WHERE admit_time > $1 OR discharge_time > $1)
			+ (SELECT count(*) FROM emr.diagnosis WHERE diag_time > $1) + (SELECT count(*) FROM emr.clinical_note WHERE written_at > $1)`},
		{"patients created after their first encounter", `SELECT count(*) FROM emr.patient p
			WHERE p.created_at > (SELECT min(admit_time) FROM emr.registration g WHERE g.patient_id = p.patient_id)`},
		{"malformed MRNs", `SELECT count(*) FROM emr.patient WHERE mrn <> 'MRN' || lpad(patient_id::text, 8, '0')`},
		{"duplicate diagnoses within a registration", `SELECT count(*) FROM (SELECT reg_id, icd10 FROM emr.diagnosis
			GROUP BY 1, 2 HAVING count(*) > 1) x`},
		{"ids that are not dense", `SELECT (SELECT max(patient_id) - count(*) FROM emr.patient) + (SELECT max(reg_id) - count(*) FROM emr.registration)
			+ (SELECT max(diag_id) - count(*) FROM emr.diagnosis) + (SELECT max(note_id) - count(*) FROM emr.clinical_note)`},
	}
	assertNoViolations(t, db, until, violations)
}

// checkContent asserts that the data looks like a hospital's.
func checkContent(t *testing.T, db *pgxpool.Pool) {
	notes := float64(count(t, db, `SELECT count(*) FROM emr.clinical_note`))
	patients := float64(count(t, db, `SELECT count(*) FROM emr.patient`))
	shares := []struct {
		name   string
		query  string
		of     float64
		lo, hi float64
	}{
		{"Chinese patients", `SELECT count(*) FROM emr.patient WHERE name ~ '[\u4e00-\u9fff]'`, patients, 0.35, 0.65},
		{"women", `SELECT count(*) FROM emr.patient WHERE sex = 'F'`, patients, 0.35, 0.65},
		{"children", `SELECT count(*) FROM emr.patient WHERE birth_date > '2007-06-01'`, patients, 0.03, 0.25},
		{"notes in Chinese", `SELECT count(*) FROM emr.clinical_note WHERE language = 'zh'`, notes, 0.2, 0.6},
		{"notes mentioning chest pain", `SELECT count(*) FROM emr.clinical_note WHERE body ILIKE '%chest pain%' OR body LIKE '%胸痛%'`, notes, 0.08, 0.4},
		{"notes negating chest pain", `SELECT count(*) FROM emr.clinical_note WHERE body ILIKE '%denies chest pain%' OR body LIKE '%否认胸痛%'`, notes, 0.005, 0.3},
		{"notes affirming chest pain", `SELECT count(*) FROM emr.clinical_note WHERE body LIKE '%presents with chest pain%' OR body LIKE '%出现胸痛%'`, notes, 0.005, 0.3},
		{"notes with uncertainty", `SELECT count(*) FROM emr.clinical_note WHERE body ~ '(Possible|Suspected|rule out|考虑.*可能|不除外)'`, notes, 0.05, 0.6},
		{"notes with a history of MI", `SELECT count(*) FROM emr.clinical_note WHERE body ~ 'history of [^.]*MI' OR body LIKE '%心肌梗死病史%'`, notes, 0.001, 0.3},
		{"notes with family history", `SELECT count(*) FROM emr.clinical_note WHERE body ~ '(Mother|Father|Brother|Sister) (had|has|died)' OR body ~ '(母亲|父亲|哥哥|姐姐)'`, notes, 0.1, 0.9},
		{"open inpatient stays", `SELECT count(*) FROM emr.registration WHERE visit_type = 'I' AND status = 'open'`, patients, 0.005, 0.1},
		{"outpatient visits", `SELECT count(*) FROM emr.registration WHERE visit_type = 'O'`, float64(count(t, db, `SELECT count(*) FROM emr.registration`)), 0.45, 0.8},
		{"deaths", `SELECT count(*) FROM emr.registration WHERE disposition = 'died'`, patients, 0, 0.05},
	}
	for _, s := range shares {
		t.Run(s.name, func(t *testing.T) {
			share := float64(count(t, db, s.query)) / s.of
			t.Logf("%s: %.3f", s.name, share)
			assert.GreaterOrEqual(t, share, s.lo)
			assert.LessOrEqual(t, share, s.hi)
			if s.lo > 0 {
				assert.Positive(t, share)
			}
		})
	}
	t.Run("diagnoses are common conditions with English names", func(t *testing.T) {
		assert.GreaterOrEqual(t, count(t, db, `SELECT count(DISTINCT icd10) FROM emr.diagnosis`), int64(25))
		assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.diagnosis WHERE icd10 !~ '^[A-Z][0-9][0-9A-Z](\.[0-9A-Za-z]+)?$' OR diag_name = ''`))
		assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.diagnosis WHERE icd10 IN ('I10', 'I10.x00x002') AND NOT is_main`))
	})
	t.Run("every visit type and note type occurs", func(t *testing.T) {
		assert.EqualValues(t, 3, count(t, db, `SELECT count(DISTINCT visit_type) FROM emr.registration`))
		assert.EqualValues(t, 7, count(t, db, `SELECT count(DISTINCT note_type) FROM emr.clinical_note`))
	})
}
