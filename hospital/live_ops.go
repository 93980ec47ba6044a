package hospital

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// fallbacks name the operation performed instead of one that finds nothing
// to operate on; every chain ends at OpNewPatient, which always can.
var fallbacks = map[OpKind]OpKind{
	OpRegisterVisit:    OpNewPatient,
	OpAdmit:            OpNewPatient,
	OpDischarge:        OpAdmit,
	OpProgressNote:     OpAdmit,
	OpCorrectDiagnosis: OpRegisterVisit,
	OpDeleteInError:    OpRegisterVisit,
	OpNewPatient:       OpNewPatient,
	OpChartVitals:      OpAdmit,
	OpLabResult:        OpAdmit,
	OpAmendLabResult:   OpLabResult,
	OpRecodeDiagnosis:  OpRegisterVisit,
	OpMergePatients:    OpNewPatient,
	OpExamine:          OpAdmit,
	OpTreat:            OpExamine,
}

// perform performs kind, or its fallback when there is nothing to perform it
// on, in one transaction; l.mu must be held.
func (l *Live) perform(ctx context.Context, kind OpKind) (Op, error) {
	if err := l.load(ctx); err != nil {
		return Op{}, err
	}
	now := l.now().UTC().Truncate(time.Second)
	var op Op
	err := pgx.BeginFunc(ctx, l.db, func(tx pgx.Tx) error {
		var err error
		switch kind {
		case OpRegisterVisit:
			op, err = l.registerVisit(ctx, tx, now, "OE"[weighted(l.rng, []float64{70, 30})])
		case OpAdmit:
			op, err = l.registerVisit(ctx, tx, now, 'I')
		case OpDischarge:
			op, err = l.discharge(ctx, tx, now)
		case OpProgressNote:
			op, err = l.progressNote(ctx, tx, now)
		case OpCorrectDiagnosis:
			op, err = l.correctDiagnosis(ctx, tx, now)
		case OpDeleteInError:
			op, err = l.deleteInError(ctx, tx)
		case OpChartVitals:
			op, err = l.chartVitals(ctx, tx, now)
		case OpLabResult:
			op, err = l.labResults(ctx, tx, now)
		case OpAmendLabResult:
			op, err = l.amendLabResult(ctx, tx)
		case OpRecodeDiagnosis:
			op, err = l.recodeDiagnosis(ctx, tx)
		case OpMergePatients:
			op, err = l.mergePatients(ctx, tx, now)
		case OpExamine:
			op, err = l.examine(ctx, tx, now)
		case OpTreat:
			op, err = l.treat(ctx, tx, now)
		default:
			op, err = l.newPatient(ctx, tx, now)
		}
		return err
	})
	if errors.Is(err, errNothing) && kind != OpNewPatient {
		return l.perform(ctx, fallbacks[kind])
	}
	return op, err
}

// registerVisit writes a visit of type vt for a living patient who is not
// in hospital: a finished outpatient or emergency visit, or an admission.
func (l *Live) registerVisit(ctx context.Context, tx pgx.Tx, now time.Time, vt byte) (Op, error) {
	var id int64
	found, err := firstFrom(ctx, tx, `SELECT p.patient_id FROM emr.patient p WHERE p.patient_id >= $1
		AND NOT EXISTS (SELECT 1 FROM emr.registration g WHERE g.patient_id = p.patient_id
			AND (g.status = 'open' OR g.disposition = 'died'))
		ORDER BY p.patient_id LIMIT 1`, l.pivot(l.state.ids.patient), &id)
	if err != nil || !found {
		return Op{}, orNothing(err, "pick a patient")
	}
	p, history, err := loadProfile(ctx, tx, id)
	if err != nil {
		return Op{}, err
	}
	e, err := l.writeVisit(ctx, tx, p, history, l.newVisit(p, history, vt, now), now)
	kind := OpRegisterVisit
	if vt == 'I' {
		kind = OpAdmit
	}
	return Op{Kind: kind, Table: "emr.registration", ID: e.reg.ID, PatientID: id, RegID: e.reg.ID}, err
}

// newPatient registers a new patient and their first, finished visit.
func (l *Live) newPatient(ctx context.Context, tx pgx.Tx, now time.Time) (Op, error) {
	p := newPatient(l.rng, l.state.ids.nextPatient(), now, l.opts.Profile)
	v := l.newVisit(&p, nil, "OE"[weighted(l.rng, []float64{75, 25})], now)
	p.row.CreatedAt = v.admit.Add(-minutes(l.rng, 1, 10))
	if err := insert(ctx, tx, "emr.patient", patientColumns, p.row.values()); err != nil {
		return Op{}, err
	}
	e, err := l.writeVisit(ctx, tx, &p, nil, v, now)
	return Op{Kind: OpNewPatient, Table: "emr.patient", ID: p.row.ID, PatientID: p.row.ID, RegID: e.reg.ID}, err
}

// newVisit draws a visit of type vt happening now: an outpatient or
// emergency visit that has just finished, or an admission that just began.
func (l *Live) newVisit(p *profile, history []*condition, vt byte, now time.Time) visit {
	c := chooseCondition(l.rng, vt, p.ageAt(now), p.row.Sex, history)
	v := visit{vt: vt, cond: c, admit: now, source: admitSource(l.rng, vt, c)}
	if vt != 'I' {
		v.admit = now.Add(-duration(l.rng, vt, c, now))
		v.end = now
		v.disposition = disposition(l.rng, vt)
	}
	return v
}

// writeVisit inserts the encounter of v with its diagnoses and one note
// written now.
func (l *Live) writeVisit(ctx context.Context, tx pgx.Tx, p *profile, history []*condition, v visit, now time.Time) (*encounter, error) {
	e := buildEncounter(l.rng, &l.state.ids, l.state.depts, p, v, history, now)
	typ := map[byte]string{'O': noteOutpatient, 'E': noteEmergency, 'I': noteAdmission}[v.vt]
	e.notes = []noteRow{l.newNote(&e.reg, typ, noteLanguage(l.rng, p.chinese), now)}
	if err := insert(ctx, tx, "emr.registration", regColumns, e.reg.values()); err != nil {
		return &e, err
	}
	for i := range e.diags {
		if err := insert(ctx, tx, "emr.diagnosis", diagColumns, e.diags[i].values()); err != nil {
			return &e, err
		}
	}
	if err := insertNote(ctx, tx, p, &e, &e.notes[0]); err != nil {
		return &e, err
	}
	return &e, l.chargeVisit(ctx, tx, p, &e, now)
}

// discharge closes a random open inpatient stay now, or with a death, and
// writes its discharge summary.
func (l *Live) discharge(ctx context.Context, tx pgx.Tx, now time.Time) (Op, error) {
	p, e, err := l.openStay(ctx, tx)
	if err != nil {
		return Op{}, err
	}
	g := &e.reg
	g.Discharge = now
	if earliest := g.Admit.Add(time.Hour); now.Before(earliest) {
		g.Discharge = earliest
	}
	g.Disposition = disposition(l.rng, 'I')
	if dies(l.rng, 'I', e.main, p.ageAt(g.Admit)) {
		g.Disposition = "died"
	}
	_, err = tx.Exec(ctx, `UPDATE emr.registration SET discharge_time = $2, disposition = $3, status = 'closed'
		WHERE reg_id = $1`, g.ID, g.Discharge, g.Disposition)
	if err != nil {
		return Op{}, fmt.Errorf("close registration %d: %w", g.ID, err)
	}
	n := l.newNote(g, noteDischarge, l.stayLanguage(p), g.Discharge)
	if err := insertNote(ctx, tx, p, e, &n); err != nil {
		return Op{}, err
	}
	total, err := l.settleStay(ctx, tx, p, e)
	if err != nil {
		return Op{}, err
	}
	return Op{Kind: OpDischarge, Table: "emr.registration", ID: g.ID, PatientID: g.PatientID, RegID: g.ID},
		l.writeFrontPage(ctx, tx, p, e, total)
}

// progressNote writes a progress note for a random open inpatient stay.
func (l *Live) progressNote(ctx context.Context, tx pgx.Tx, now time.Time) (Op, error) {
	p, e, err := l.openStay(ctx, tx)
	if err != nil {
		return Op{}, err
	}
	n := l.newNote(&e.reg, noteProgress, l.stayLanguage(p), clampTime(now, e.reg.Admit, now.Add(24*time.Hour)))
	op := Op{Kind: OpProgressNote, Table: "emr.clinical_note", ID: n.ID, PatientID: n.PatientID, RegID: n.RegID}
	return op, insertNote(ctx, tx, p, e, &n)
}

// stayLanguage draws the language of a note about patient p.
func (l *Live) stayLanguage(p *profile) string { return noteLanguage(l.rng, p.chinese) }

// newNote returns a note of the type for registration g written at t.
func (l *Live) newNote(g *regRow, typ, lang string, t time.Time) noteRow {
	return noteRow{ID: l.state.ids.nextNote(), RegID: g.ID, PatientID: g.PatientID, Type: typ, Lang: lang,
		AuthorID: g.DoctorID, WrittenAt: t, Seed: l.rng.Uint64()}
}

// correctDiagnosis replaces a random diagnosis by a related one, as when a
// working diagnosis is corrected.
func (l *Live) correctDiagnosis(ctx context.Context, tx pgx.Tx, now time.Time) (Op, error) {
	var id, reg, patient int64
	var code, system, sex string
	var birth time.Time
	found, err := firstFrom(ctx, tx, `SELECT d.diag_id, d.reg_id, d.patient_id, d.icd10, d.code_system, p.sex, p.birth_date
		FROM emr.diagnosis d JOIN emr.patient p USING (patient_id)
		WHERE d.diag_id >= $1 ORDER BY d.diag_id LIMIT 1`, l.pivot(l.state.ids.diag), &id, &reg, &patient, &code, &system, &sex, &birth)
	if err != nil || !found {
		return Op{}, orNothing(err, "pick a diagnosis")
	}
	var present []string
	if err := tx.QueryRow(ctx, `SELECT array_agg(icd10) FROM emr.diagnosis WHERE reg_id = $1`, reg).Scan(&present); err != nil {
		return Op{}, fmt.Errorf("read diagnoses of registration %d: %w", reg, err)
	}
	p := profile{row: patientRow{Sex: sex, Birth: birth}}
	c := correction(l.rng, lookup(code), p.ageAt(now), sex, present)
	newCode, name, newSystem := codeIn(c, codingOf(system))
	_, err = tx.Exec(ctx, `UPDATE emr.diagnosis SET icd10 = $2, diag_name = $3, code_system = $4 WHERE diag_id = $1`, id, newCode, name, newSystem)
	if err != nil {
		return Op{}, fmt.Errorf("correct diagnosis %d: %w", id, err)
	}
	return Op{Kind: OpCorrectDiagnosis, Table: "emr.diagnosis", ID: id, PatientID: patient, RegID: reg}, nil
}

// codingOf returns the Profile whose diagnoses are coded in system.
func codingOf(system string) string {
	switch system {
	case systemCN:
		return ProfileCN
	case systemCM:
		return ProfileUS
	}
	return ""
}

// deleteInError deletes a random note or secondary diagnosis.
func (l *Live) deleteInError(ctx context.Context, tx pgx.Tx) (Op, error) {
	targets := []struct{ table, key, where string }{
		{"emr.clinical_note", "note_id", "true"},
		{"emr.diagnosis", "diag_id", "NOT is_main"},
	}
	if chance(l.rng, 0.5) {
		targets[0], targets[1] = targets[1], targets[0]
	}
	for _, t := range targets {
		op := Op{Kind: OpDeleteInError, Table: t.table}
		last := l.state.ids.note
		if t.table == "emr.diagnosis" {
			last = l.state.ids.diag
		}
		found, err := firstFrom(ctx, tx, fmt.Sprintf(`DELETE FROM %[1]s WHERE %[2]s = (SELECT %[2]s FROM %[1]s
			WHERE %[3]s AND %[2]s >= $1 ORDER BY %[2]s LIMIT 1) RETURNING %[2]s, reg_id, patient_id`, t.table, t.key, t.where),
			l.pivot(last), &op.ID, &op.RegID, &op.PatientID)
		if err != nil {
			return Op{}, fmt.Errorf("delete from %s: %w", t.table, err)
		}
		if found {
			return op, nil
		}
	}
	return Op{}, errNothing
}

// correction returns the condition a diagnosis of c is corrected to: one of
// its differentials, else another condition of its department, else any;
// never one of the codes already present on the registration.
func correction(r *rand.Rand, c *condition, age int, sex string, present []string) *condition {
	ok := func(a *condition) bool {
		return a != nil && a != c && a.eligible(age, sex) && !slices.ContainsFunc(present, func(code string) bool { return lookup(code) == a })
	}
	var cands []*condition
	if c != nil {
		for _, code := range c.Alt {
			if a := lookup(code); ok(a) {
				cands = append(cands, a)
			}
		}
	}
	for _, sameDept := range []bool{true, false} {
		if len(cands) > 0 {
			break
		}
		for i := range conditions {
			if a := &conditions[i]; ok(a) && (!sameDept || c == nil || a.Dept == c.Dept) {
				cands = append(cands, a)
			}
		}
	}
	if len(cands) == 0 {
		return lookup("R50.9")
	}
	return cands[r.IntN(len(cands))]
}

// pivot returns a random id in [1, last] where a search for a row starts.
func (l *Live) pivot(last int64) int64 { return 1 + l.rng.Int64N(max(last, 1)) }

// firstFrom scans the first row of query with $1 = pivot, or failing that
// with $1 = 0, and reports whether there was one.
func firstFrom(ctx context.Context, tx pgx.Tx, query string, pivot int64, dest ...any) (bool, error) {
	for _, from := range []int64{pivot, 0} {
		err := tx.QueryRow(ctx, query, from).Scan(dest...)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return false, err
		}
	}
	return false, nil
}

// orNothing returns err wrapped with what failed, or errNothing when nil.
func orNothing(err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return errNothing
}

// insert inserts one row.
func insert(ctx context.Context, tx pgx.Tx, table string, cols []string, vals []any) error {
	params := make([]string, len(cols))
	for i := range cols {
		params[i] = fmt.Sprintf("$%d", i+1)
	}
	sql := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(cols, ", "), strings.Join(params, ", "))
	if _, err := tx.Exec(ctx, sql, vals...); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}

// insertNote writes note n of encounter e and inserts it.
func insertNote(ctx context.Context, tx pgx.Tx, p *profile, e *encounter, n *noteRow) error {
	var title, body string
	if n.exam != nil {
		title, body, _ = writeRadiology(n, e.main)
	} else {
		in := newNoteInput(p, e, n)
		title, body = writeNote(&in)
	}
	return insert(ctx, tx, "emr.clinical_note", noteColumns, n.values(title, body))
}
