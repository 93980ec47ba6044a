package hospital

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Generate creates the EMR schema when needed and fills an empty EMR with
// departments, staff, the local dictionaries and opts.Patients patients with
// their registrations, diagnoses, clinical notes and clinical record (ward
// transfers, procedures, vital signs, lab orders and results, medication
// orders and administrations, allergies, immunizations) and HIS records
// (front pages, prescriptions, examinations, treatments, charges,
// settlements, user accounts), covering opts.Days
// days up to opts.Until, coded as opts.Profile says. With opts.TruthDir it
// writes the ground truth there; with opts.FaultRate it injects
// data-quality faults and lists them in faults.jsonl.
//
// Patients are written with COPY in batches of 1000, each batch committed on
// its own and reported to opts.Progress. Only one batch is held in memory,
// and its rows, note texts included, are made as COPY consumes them, so
// memory does not grow with the number of patients. The same
// Seed, Until, Days and Patients always write the same rows, and ids are
// dense (1..n per table), so that a Live loop can continue from max(id)+1.
// Generate returns ErrNotEmpty when the EMR already holds data.
func Generate(ctx context.Context, db *pgxpool.Pool, opts Options) (Stats, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return Stats{}, err
	}
	if err := CreateSchema(ctx, db); err != nil {
		return Stats{}, err
	}
	var busy bool
	err = db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM emr.department) OR EXISTS (SELECT 1 FROM emr.patient)`).Scan(&busy)
	if err != nil {
		return Stats{}, fmt.Errorf("hospital: check that the EMR is empty: %w", err)
	}
	if busy {
		return Stats{}, ErrNotEmpty
	}
	g := &generator{opts: opts, start: opts.Until.AddDate(0, 0, -opts.Days), depts: staticDeptTable(), dispensed: map[stockKey]int64{}}
	if g.truth, err = openTruth(opts.TruthDir); err != nil {
		return Stats{}, fmt.Errorf("hospital: %w", err)
	}
	stats, err := g.run(ctx, db)
	return stats, errors.Join(err, g.truth.Close())
}

// run writes every batch and returns what was written.
func (g *generator) run(ctx context.Context, db *pgxpool.Pool) (Stats, error) {
	opts := g.opts
	began := time.Now()
	opts.Logger.Info("generating hospital", "patients", opts.Patients, "seed", opts.Seed,
		"from", g.start.Format(time.DateOnly), "until", opts.Until.Format(time.DateTime))
	for from := 0; from < opts.Patients; from += batchPatients {
		to := min(from+batchPatients, opts.Patients)
		if err := g.writeBatch(ctx, db, g.planBatch(from, to), from == 0); err != nil {
			return g.stats, fmt.Errorf("hospital: write patients %d to %d: %w", from+1, to, err)
		}
		opts.Logger.Debug("wrote patient batch", "done", to, "total", opts.Patients)
		if opts.Progress != nil {
			opts.Progress(to, opts.Patients)
		}
	}
	if err := g.writeStock(ctx, db); err != nil {
		return g.stats, fmt.Errorf("hospital: %w", err)
	}
	opts.Logger.Info("generated hospital", "rows", g.stats.Rows(), "registrations", g.stats.Registrations,
		"notes", g.stats.Notes, "elapsed", time.Since(began).Round(time.Millisecond))
	return g.stats, nil
}

// generator is the state of one Generate call.
type generator struct {
	opts  Options
	start time.Time // beginning of the history window
	depts deptTable
	ids   idAlloc
	stats Stats
	truth *truthWriter // nil without TruthDir
	// dispensed is what each pharmacy stock batch handed out so far.
	dispensed map[stockKey]int64
}

// patientPlan is a patient with all their encounters, notes not yet written.
type patientPlan struct {
	profile
	encounters []encounter
	extras     patientExtras
	faults     []fault   // injected data-quality faults
	merge      *mergeRow // the merge of a duplicate record, if any
}

// planBatch plans patients from+1 to to. Each patient's random stream depends
// only on the seed and the patient id; ids continue from the previous batch.
func (g *generator) planBatch(from, to int) []*patientPlan {
	batch := make([]*patientPlan, 0, to-from)
	for i := from; i < to; i++ {
		id := g.ids.nextPatient()
		r := seedRand(uint64(g.opts.Seed), domainPatient, uint64(id))
		p := &patientPlan{profile: newPatient(r, id, g.opts.Until, g.opts.Profile)}
		g.planEncounters(r, p)
		first := p.encounters[0].reg.Admit
		p.row.CreatedAt = first.Add(-minutes(r, 5, 30))
		p.extras = planExtras(seedRand(uint64(g.opts.Seed), domainExtras, uint64(id)), &g.ids, &p.profile, first, g.opts.Until)
		p.merge = planMerge(g.opts.Seed, g.opts.Patients, p, g.opts.Until)
		if g.opts.FaultRate > 0 {
			g.injectFaults(p)
		}
		batch = append(batch, p)
	}
	return batch
}

// planEncounters gives p one to six encounters in time order within the
// history window. Encounters do not overlap; a death or a stay still open at
// Until ends the series; a few patients end it in hospital.
func (g *generator) planEncounters(r *rand.Rand, p *patientPlan) {
	until := g.opts.Until
	span := until.Sub(g.start) - 12*time.Hour
	n := 1 + weighted(r, []float64{35, 25, 15, 12, 8, 5})
	times := make([]time.Time, n)
	for i := range times {
		times[i] = g.start.Add(time.Duration(r.Int64N(int64(max(span, time.Hour))/int64(time.Second))) * time.Second)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	inHouse := chance(r, 0.02)
	if inHouse {
		times = times[:min(len(times), 5)]
		times = append(times, until.Add(-minutes(r, 60, 5*24*60)))
	}
	history := chronicHistory(r, p.ageAt(until), p.row.Sex)
	var prevEnd time.Time
	var readmit *condition
	for i, t := range times {
		current := inHouse && i == len(times)-1
		v, ok := g.timeVisit(r, &p.profile, t, prevEnd, history, i == 0, current, readmit)
		if !ok {
			break
		}
		e := buildEncounter(r, &g.ids, g.depts, &p.profile, v, history, until)
		e.stay = planStay(uint64(g.opts.Seed), &g.ids, &p.profile, &e, until)
		planNotes(r, &g.ids, &e, p.chinese, until)
		p.encounters = append(p.encounters, e)
		history = withAftermath(history, v.cond)
		if v.end.IsZero() || v.disposition == "died" {
			return
		}
		prevEnd = v.end
		readmit = nil
		if next := i + 1; v.vt == 'I' && next < len(times) && !(inHouse && next == len(times)-1) && chance(r, readmitChance) {
			readmit = v.cond
			times[next] = minTime(times[next], v.end.Add(minutes(r, 2*24*60, 27*24*60)))
		}
	}
}

// readmitChance is the chance that an inpatient stay followed by another
// encounter is followed by a readmission within 30 days.
const readmitChance = 0.2

// minTime returns the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// timeVisit draws the encounter starting near t and no earlier than an hour
// after prevEnd. It reports false when the encounter would not begin, or not
// finish, before Until, unless it is the patient's first (then moved earlier)
// or an inpatient stay (then left open). A current encounter is an admission
// that is still open; a readmission is an inpatient stay, for the same
// condition as the stay before it half of the time.
func (g *generator) timeVisit(r *rand.Rand, p *profile, t, prevEnd time.Time, history []*condition, first, current bool, readmit *condition) (visit, bool) {
	until := g.opts.Until
	if earliest := prevEnd.Add(time.Hour); t.Before(earliest) {
		t = earliest.Add(minutes(r, 0, 3*24*60))
	}
	age := p.ageAt(t)
	vt := visitType(r, age)
	if current || readmit != nil {
		vt = 'I'
	}
	c := chooseCondition(r, vt, age, p.row.Sex, history)
	if readmit != nil && readmit.LOS[1] > 0 && readmit.Code != "O80" && chance(r, 0.5) {
		c = readmit
	}
	v := visit{vt: vt, cond: c, admit: t, source: admitSource(r, vt, c)}
	if start, planned := plannedStart(r, vt, v.source, t); planned {
		v.admit = start
		if v.admit.Before(prevEnd.Add(time.Hour)) {
			v.admit = v.admit.AddDate(0, 0, 1)
		}
	}
	d := duration(r, vt, c, v.admit)
	v.end = v.admit.Add(d)
	if first && !current && (!v.admit.Before(until) || (vt != 'I' && v.end.After(until))) {
		v.admit = until.Add(-d - minutes(r, 60, 240))
		v.end = v.admit.Add(d)
	}
	switch {
	case !v.admit.Before(until):
		return v, false
	case vt == 'I' && (current || v.end.After(until)):
		v.end = time.Time{}
		return v, true
	case v.end.After(until):
		return v, false
	}
	if dies(r, vt, c, age) {
		v.disposition = "died"
		v.end = v.admit.Add(time.Duration(float64(d) * (0.1 + 0.9*r.Float64()))).Truncate(time.Second)
		return v, true
	}
	v.disposition = disposition(r, vt)
	return v, true
}

// noteRef is a note with what its text is written from.
type noteRef struct {
	p     *profile
	e     *encounter
	n     *noteRow
	truth bool    // keep the note's findings in n.findings
	typos float64 // Options.TypoRate
}

// values writes the note's text and returns its row.
func (r noteRef) values() []any {
	var title, body string
	var findings []noteFinding
	if r.n.exam != nil {
		title, body, findings = writeRadiology(r.n, r.e.main)
	} else {
		in := newNoteInput(r.p, r.e, r.n)
		var f facts
		title, body, f = writeNoteFacts(&in)
		if r.truth {
			findings = noteFindings(&in, &f, body)
		}
	}
	body, findings = noisyNote(r.n, r.typos, body, findings)
	if r.truth {
		r.n.findings = findings
	}
	return r.n.values(title, body)
}

// rowSource is a pgx.CopyFromSource that makes each row only when COPY asks
// for it.
type rowSource[T any] struct {
	items []T
	row   func(T) []any
	i     int
}

func lazyRows[T any](items []T, row func(T) []any) *rowSource[T] {
	return &rowSource[T]{items: items, row: row, i: -1}
}

func (s *rowSource[T]) Next() bool {
	s.i++
	return s.i < len(s.items)
}

func (s *rowSource[T]) Values() ([]any, error) {
	if s.i < 0 || s.i >= len(s.items) {
		return nil, errors.New("hospital: row requested outside the source")
	}
	return s.row(s.items[s.i]), nil
}

func (s *rowSource[T]) Err() error { return nil }
