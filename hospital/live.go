package hospital

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// OpKind is a kind of live operation.
type OpKind string

// The operations a running hospital performs on its EMR.
const (
	// OpRegisterVisit registers a finished outpatient or emergency visit of
	// an existing patient with its diagnoses and a note, its prescriptions
	// dispensed by a pharmacist from the stock, charged and settled.
	OpRegisterVisit OpKind = "register_visit"
	// OpAdmit admits an existing patient: an open inpatient registration,
	// its diagnoses and an admission note.
	OpAdmit OpKind = "admit"
	// OpDischarge closes an open inpatient stay (discharge_time, disposition,
	// status), writes its discharge summary, charges its bed-days, settles
	// it and has a coder code its front page.
	OpDischarge OpKind = "discharge"
	// OpProgressNote adds a progress note to an open inpatient stay.
	OpProgressNote OpKind = "progress_note"
	// OpCorrectDiagnosis updates the icd10 and diag_name of a diagnosis.
	OpCorrectDiagnosis OpKind = "correct_diagnosis"
	// OpDeleteInError deletes a note or a secondary diagnosis entered in error.
	OpDeleteInError OpKind = "delete_in_error"
	// OpNewPatient registers a new patient together with a first visit.
	OpNewPatient OpKind = "new_patient"
	// OpChartVitals charts vital signs for an open inpatient stay.
	OpChartVitals OpKind = "chart_vitals"
	// OpLabResult orders a blood count or chemistry for an open inpatient
	// stay with its results.
	OpLabResult OpKind = "lab_result"
	// OpAmendLabResult corrects the value of a lab result and marks it amended.
	OpAmendLabResult OpKind = "amend_lab_result"
	// OpRecodeDiagnosis codes a diagnosis's condition in another coding
	// system (icd10, diag_name and code_system change; the condition does not).
	OpRecodeDiagnosis OpKind = "recode_diagnosis"
	// OpMergePatients merges a duplicate patient record into the surviving
	// one: its rows are re-pointed and the duplicate is deleted.
	OpMergePatients OpKind = "merge_patients"
	// OpExamine performs an examination for an open inpatient stay: the
	// order, its report and, for imaging, a radiologist's radiology note,
	// charged.
	OpExamine OpKind = "examine"
	// OpTreat records a non-drug treatment session (oxygen, nebulisation,
	// physiotherapy, dialysis, dressing) that an open stay calls for, charged.
	OpTreat OpKind = "treat"
)

// OpKinds returns every operation kind.
func OpKinds() []OpKind {
	return []OpKind{OpRegisterVisit, OpAdmit, OpDischarge, OpProgressNote, OpCorrectDiagnosis, OpDeleteInError, OpNewPatient,
		OpChartVitals, OpLabResult, OpAmendLabResult, OpRecodeDiagnosis, OpMergePatients, OpExamine, OpTreat}
}

// opWeights are the relative frequencies of OpKinds() in Step.
var opWeights = []float64{28, 14, 13, 15, 11, 11, 8, 18, 10, 5, 5, 5, 8, 7}

// Op describes one performed operation.
type Op struct {
	Kind OpKind
	// Table and ID name the row the operation is about: the registration
	// written or closed, the note written or deleted, the diagnosis corrected
	// or deleted, or the new patient.
	Table     string
	ID        int64
	PatientID int64
	RegID     int64
}

func (o Op) String() string {
	return fmt.Sprintf("%s %s %d (patient %d, registration %d)", o.Kind, o.Table, o.ID, o.PatientID, o.RegID)
}

// LiveOptions configures a Live loop.
type LiveOptions struct {
	// Seed determines which operations are chosen and what they write.
	Seed int64
	// Interval between rounds of Run (default 1s); each round performs one
	// to three operations.
	Interval time.Duration
	// Logger receives operation and failure messages; nil discards them.
	Logger *slog.Logger
	// Profile decides whether new patients are Chinese, as Options.Profile
	// does (default ProfileMixed).
	Profile string
}

// LiveStats counts a Live loop's operations.
type LiveStats struct {
	Ops    map[OpKind]int64 // performed operations per kind
	Failed int64            // operations that failed, other than by cancellation
}

// Live keeps writing to the EMR the way a running hospital does. It assumes
// it is the only writer: new ids continue from the largest ones it reads
// before its first operation. Its methods are safe for concurrent use;
// operations are performed one at a time.
type Live struct {
	db   *pgxpool.Pool
	opts LiveOptions
	now  func() time.Time

	mu    sync.Mutex // serialises operations; guards rng and state
	rng   *rand.Rand
	state *liveState // nil until read from the EMR

	statsMu sync.Mutex
	stats   LiveStats
}

// liveState is what Live reads from the EMR before operating on it.
type liveState struct {
	depts deptTable
	staff *staffTable
	ids   idAlloc
}

// maxFailures is the number of consecutive failed operations that stops Run.
const maxFailures = 10

// errNothing is returned by an operation that finds nothing to operate on.
var errNothing = errors.New("nothing to operate on")

// NewLive returns a Live loop writing to db; nothing happens until Run, Step
// or Do is called.
func NewLive(db *pgxpool.Pool, opts LiveOptions) *Live {
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Live{
		db: db, opts: opts, now: time.Now,
		rng:   seedRand(domainLive, uint64(opts.Seed)),
		stats: LiveStats{Ops: map[OpKind]int64{}},
	}
}

// Run performs one to three operations every Interval until ctx is done, and
// then returns nil. It returns an error only when maxFailures operations in a
// row have failed.
func (l *Live) Run(ctx context.Context) error {
	t := time.NewTicker(l.opts.Interval)
	defer t.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		for range l.burst() {
			op, err := l.Step(ctx)
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				failures++
				l.opts.Logger.Warn("live operation failed", "err", err, "consecutive", failures)
				if failures >= maxFailures {
					return fmt.Errorf("hospital: live: %d operations in a row failed: %w", failures, err)
				}
				continue
			}
			failures = 0
			l.opts.Logger.Debug("live operation", "op", op.Kind, "table", op.Table, "id", op.ID)
		}
	}
}

// burst draws how many operations a round of Run performs.
func (l *Live) burst() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return 1 + weighted(l.rng, []float64{60, 28, 12})
}

// Step performs one randomly chosen operation, each in its own transaction,
// and returns what it did.
func (l *Live) Step(ctx context.Context) (Op, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.do(ctx, OpKinds()[weighted(l.rng, opWeights)])
}

// Do performs one operation of the kind, in its own transaction. When there
// is nothing to perform it on (no open stay to discharge, say) it performs a
// related operation instead: the returned Op tells which.
func (l *Live) Do(ctx context.Context, kind OpKind) (Op, error) {
	if _, ok := fallbacks[kind]; !ok {
		return Op{}, fmt.Errorf("hospital: live: unknown operation %q", kind)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.do(ctx, kind)
}

// Stats returns the numbers of operations performed so far.
func (l *Live) Stats() LiveStats {
	l.statsMu.Lock()
	defer l.statsMu.Unlock()
	s := LiveStats{Ops: make(map[OpKind]int64, len(l.stats.Ops)), Failed: l.stats.Failed}
	for k, v := range l.stats.Ops {
		s.Ops[k] = v
	}
	return s
}

// do performs kind and counts the outcome; l.mu must be held. After a
// failure other than by cancellation the state is read again, in case the
// EMR changed underneath.
func (l *Live) do(ctx context.Context, kind OpKind) (Op, error) {
	op, err := l.perform(ctx, kind)
	if err != nil && ctx.Err() != nil {
		return op, fmt.Errorf("hospital: live %s: %w", kind, err)
	}
	l.statsMu.Lock()
	defer l.statsMu.Unlock()
	if err != nil {
		l.stats.Failed++
		l.state = nil
		return op, fmt.Errorf("hospital: live %s: %w", kind, err)
	}
	l.stats.Ops[op.Kind]++
	return op, nil
}

// load brings the schema up to date (an EMR written by an earlier version
// lacks the newer tables) and reads the departments and the largest ids once.
func (l *Live) load(ctx context.Context) error {
	if l.state != nil {
		return nil
	}
	if err := CreateSchema(ctx, l.db); err != nil {
		return err
	}
	st := &liveState{}
	err := pgx.BeginFunc(ctx, l.db, func(tx pgx.Tx) error {
		var err error
		if st.depts, err = loadDeptTable(ctx, tx); err != nil {
			return err
		}
		if st.staff, err = loadStaff(ctx, tx); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `SELECT
			greatest((SELECT coalesce(max(patient_id), 0) FROM emr.patient), (SELECT coalesce(max(merged_patient_id), 0) FROM emr.patient_merge)),
			(SELECT coalesce(max(reg_id), 0) FROM emr.registration),
			(SELECT coalesce(max(diag_id), 0) FROM emr.diagnosis),
			(SELECT coalesce(max(note_id), 0) FROM emr.clinical_note),
			(SELECT coalesce(max(vital_id), 0) FROM emr.vital_sign),
			(SELECT coalesce(max(order_id), 0) FROM emr.lab_order),
			(SELECT coalesce(max(result_id), 0) FROM emr.lab_result),
			(SELECT coalesce(max(charge_id), 0) FROM emr.charge_item),
			(SELECT coalesce(max(rx_id), 0) FROM emr.prescription),
			(SELECT coalesce(max(rx_item_id), 0) FROM emr.prescription_item),
			(SELECT coalesce(max(exam_id), 0) FROM emr.exam_order),
			(SELECT coalesce(max(treatment_id), 0) FROM emr.treatment),
			(SELECT coalesce(max(dispense_id), 0) FROM emr.dispensing),
			(SELECT coalesce(max(stock_id), 0) FROM emr.pharmacy_stock)`).Scan(&st.ids.patient, &st.ids.reg, &st.ids.diag, &st.ids.note,
			&st.ids.vital, &st.ids.labOrder, &st.ids.labResult, &st.ids.charge, &st.ids.rx, &st.ids.rxItem,
			&st.ids.exam, &st.ids.treatment, &st.ids.dispense, &st.ids.stock)
		if err != nil {
			return fmt.Errorf("read largest ids: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	l.state = st
	return nil
}
