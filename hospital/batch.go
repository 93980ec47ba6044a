package hospital

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// tableCopy is one COPY of a batch: the table, its columns, the rows made
// as COPY consumes them, and the Stats field counting them.
type tableCopy struct {
	table string
	cols  []string
	src   pgx.CopyFromSource
	count *int64
}

// writeBatch copies a batch of planned patients into the patient tables and
// commits them together; the first batch brings the departments, staff and
// dictionaries along, so that an interrupted Generate leaves the EMR empty
// or with whole batches. The batch's ground truth is appended to TruthDir
// once it is committed.
func (g *generator) writeBatch(ctx context.Context, db *pgxpool.Pool, batch []*patientPlan, first bool) error {
	var copies []tableCopy
	if first {
		copies = g.dictionaryCopies()
	}
	rows, exams := g.patientCopies(batch)
	copies = append(copies, rows...)
	counts := make([]int64, len(copies))
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		for i, c := range copies {
			n, err := tx.CopyFrom(ctx, pgx.Identifier{"emr", c.table}, c.cols, c.src)
			if err != nil {
				return fmt.Errorf("copy emr.%s: %w", c.table, err)
			}
			counts[i] = n
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, c := range copies {
		*c.count += counts[i]
	}
	for _, p := range batch {
		g.stats.Faults += int64(len(p.faults))
	}
	if err := g.truth.writeBatch(batch); err != nil {
		return err
	}
	return g.truth.writeExams(exams)
}

// dictionaryCopies returns the copies of the fixed tables.
func (g *generator) dictionaryCopies() []tableCopy {
	st := &g.stats
	return []tableCopy{
		{"department", departmentColumns, pgx.CopyFromRows(departmentRows()), &st.Departments},
		{"staff", staffColumns, pgx.CopyFromRows(staffRows(g.opts.Seed)), &st.Staff},
		{"user_account", accountColumns, pgx.CopyFromRows(accountRows(g.opts.Seed, g.start, g.opts.Until)), &st.Accounts},
		{"ward", wardColumns, pgx.CopyFromRows(wardRows()), &st.Dictionaries},
		{"lab_item", labItemColumns, pgx.CopyFromRows(labItemRows()), &st.Dictionaries},
		{"drug", drugColumns, pgx.CopyFromRows(drugRows()), &st.Dictionaries},
		{"local_code_map", codeMapColumns, pgx.CopyFromRows(codeMapRows()), &st.Dictionaries},
	}
}

// patientCopies returns the copies of a batch's rows, parents first, and
// the batch's examinations, whose reports have ground truth.
func (g *generator) patientCopies(batch []*patientPlan) ([]tableCopy, []*examRow) {
	b := batchRows{truth: g.truth != nil, typos: g.opts.TypoRate, seed: uint64(g.opts.Seed),
		until: g.opts.Until, ids: &g.ids, dispensed: g.dispensed}
	for _, p := range batch {
		b.add(p)
	}
	st := &g.stats
	return []tableCopy{
		{"patient", patientColumns, lazyRows(batch, func(p *patientPlan) []any { return p.row.values() }), &st.Patients},
		{"registration", regColumns, lazyRows(b.regs, func(e *encounter) []any { return e.reg.values() }), &st.Registrations},
		{"diagnosis", diagColumns, lazyRows(b.diags, (*diagRow).values), &st.Diagnoses},
		{"clinical_note", noteColumns, lazyRows(b.notes, noteRef.values), &st.Notes},
		{"allergy", allergyColumns, lazyRows(b.allergies, (*allergyRow).values), &st.Allergies},
		{"immunization", immunColumns, lazyRows(b.immuns, (*immunRow).values), &st.Immunizations},
		{"ward_transfer", transferColumns, lazyRows(b.transfers, (*transferRow).values), &st.Transfers},
		{"procedure", procColumns, lazyRows(b.procs, (*procRow).values), &st.Procedures},
		{"vital_sign", vitalColumns, lazyRows(b.vitals, (*vitalRow).values), &st.Vitals},
		{"lab_order", labOrderColumns, lazyRows(b.labOrders, (*labOrderRow).values), &st.LabOrders},
		{"lab_result", labResultColumns, lazyRows(b.labResults, (*labResultRow).values), &st.LabResults},
		{"med_order", medOrderColumns, lazyRows(b.medOrders, (*medOrderRow).values), &st.MedOrders},
		{"med_admin", medAdminColumns, lazyRows(b.medAdmins, (*medAdminRow).values), &st.MedAdmins},
		{"patient_merge", mergeColumns, lazyRows(b.merges, (*mergeRow).values), &st.Merges},
		{"prescription", rxColumns, lazyRows(b.rxs, (*rxRow).values), &st.Prescriptions},
		{"prescription_item", rxItemColumns, lazyRows(b.rxItems, (*rxItemRow).values), &st.PrescriptionItems},
		{"treatment", treatmentColumns, lazyRows(b.treats, (*treatmentRow).values), &st.Treatments},
		{"exam_order", examOrderColumns, lazyRows(b.exams, (*examRow).orderValues), &st.Exams},
		{"exam_result", examResultColumns, lazyRows(b.exams, (*examRow).resultValues), &st.ExamResults},
		{"dispensing", dispenseColumns, lazyRows(b.dispenses, (*dispenseRow).values), &st.Dispensings},
		{"charge_item", chargeColumns, lazyRows(b.charges, (*chargeRow).values), &st.Charges},
		{"settlement", settlementColumns, lazyRows(b.settlements, (*settlementRow).values), &st.Settlements},
		{"front_page", frontPageColumns, lazyRows(b.frontPages, (*frontPage).values), &st.FrontPages},
		{"front_page_diagnosis", fpDiagColumns, lazyRows(b.fpDiags, fpDiagRow.values), &st.FrontPageLines},
		{"front_page_procedure", fpProcColumns, lazyRows(b.fpProcs, fpProcRow.values), &st.FrontPageLines},
	}, b.exams
}

// batchRows are a batch's rows per table, in id order.
type batchRows struct {
	truth       bool    // notes keep their findings
	typos       float64 // Options.TypoRate
	seed        uint64  // Options.Seed
	until       time.Time
	ids         *idAlloc // allocates the ids of billing rows
	dispensed   map[stockKey]int64
	regs        []*encounter
	diags       []*diagRow
	notes       []noteRef
	allergies   []*allergyRow
	immuns      []*immunRow
	transfers   []*transferRow
	procs       []*procRow
	vitals      []*vitalRow
	labOrders   []*labOrderRow
	labResults  []*labResultRow
	medOrders   []*medOrderRow
	medAdmins   []*medAdminRow
	merges      []*mergeRow
	rxs         []*rxRow
	rxItems     []*rxItemRow
	treats      []*treatmentRow
	exams       []*examRow
	dispenses   []*dispenseRow
	charges     []*chargeRow
	settlements []*settlementRow
	frontPages  []*frontPage
	fpDiags     []fpDiagRow
	fpProcs     []fpProcRow
}

// add appends the rows of patient p.
func (b *batchRows) add(p *patientPlan) {
	b.allergies = appendPtrs(b.allergies, p.extras.allergies)
	b.immuns = appendPtrs(b.immuns, p.extras.immuns)
	if p.merge != nil {
		b.merges = append(b.merges, p.merge)
	}
	for i := range p.encounters {
		e := &p.encounters[i]
		b.regs = append(b.regs, e)
		b.diags = appendPtrs(b.diags, e.diags)
		cost := b.addBilling(p, e)
		for j := range e.notes {
			b.notes = append(b.notes, noteRef{p: &p.profile, e: e, n: &e.notes[j], truth: b.truth, typos: b.typos})
		}
		if s := e.stay; s != nil {
			b.transfers = appendPtrs(b.transfers, s.transfers)
			b.procs = appendPtrs(b.procs, s.procs)
			b.vitals = appendPtrs(b.vitals, s.vitals)
			b.labOrders = appendPtrs(b.labOrders, s.labOrders)
			b.labResults = appendPtrs(b.labResults, s.labResults)
			b.medOrders = appendPtrs(b.medOrders, s.medOrders)
			b.medAdmins = appendPtrs(b.medAdmins, s.medAdmins)
		}
		if hasFrontPage(e) {
			b.addFrontPage(p, e, cost)
		}
	}
}

// appendPtrs appends pointers to the elements of xs.
func appendPtrs[T any](dst []*T, xs []T) []*T {
	for i := range xs {
		dst = append(dst, &xs[i])
	}
	return dst
}

// addFrontPage appends the front page of e and its lines.
func (b *batchRows) addFrontPage(p *patientPlan, e *encounter, cost int64) {
	b.frontPages = append(b.frontPages, &frontPage{p: &p.profile, e: e, seed: b.seed, until: b.until, cost: cost})
	diags, procs := frontPageLines(e)
	b.fpDiags = append(b.fpDiags, diags...)
	b.fpProcs = append(b.fpProcs, procs...)
}

// addBilling appends the prescriptions, treatments, examinations (with a
// radiology report note for each imaging one, added to e.notes),
// dispensing and charges of e and, once it is closed, its settlement, and
// returns the total of its charges in cents. Each table's rows are drawn
// from a stream of their own keyed by the registration.
func (b *batchRows) addBilling(p *patientPlan, e *encounter) int64 {
	scale := int64(1)
	if !p.chinese {
		scale = priceScale
	}
	id := uint64(e.reg.ID)
	c := &clinicRows{
		rxs:    planPrescriptions(seedRand(b.seed, domainPrescription, id), b.ids, e, scale),
		treats: planTreatments(seedRand(b.seed, domainTreatment, id), b.ids, e, b.until),
		exams:  planExams(seedRand(b.seed, domainExam, id), b.ids, &p.profile, e, b.until),
	}
	for i := range c.rxs {
		b.rxs = append(b.rxs, &c.rxs[i])
		b.rxItems = appendPtrs(b.rxItems, c.rxs[i].items)
	}
	b.treats = appendPtrs(b.treats, c.treats)
	b.exams = appendPtrs(b.exams, c.exams)
	e.notes = append(e.notes, radiologyNotes(b.ids, e, c.exams, b.seed)...)
	b.dispenses = appendPtrs(b.dispenses, planDispensing(b.ids, e, c.rxs, b.dispensed))
	charges, total := planCharges(&b.ids.charge, e, c, !p.chinese, b.until)
	b.charges = appendPtrs(b.charges, charges)
	if !e.reg.open() && !e.duplicate {
		b.settlements = append(b.settlements, planSettlement(b.seed, &p.profile, e, total, b.until))
	}
	return total
}
