package hospital

import (
	"context"
	"fmt"

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
	copies = append(copies, g.patientCopies(batch)...)
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
	return g.truth.writeBatch(batch)
}

// dictionaryCopies returns the copies of the fixed tables.
func (g *generator) dictionaryCopies() []tableCopy {
	st := &g.stats
	return []tableCopy{
		{"department", departmentColumns, pgx.CopyFromRows(departmentRows()), &st.Departments},
		{"staff", staffColumns, pgx.CopyFromRows(staffRows(g.opts.Seed)), &st.Staff},
		{"ward", wardColumns, pgx.CopyFromRows(wardRows()), &st.Dictionaries},
		{"lab_item", labItemColumns, pgx.CopyFromRows(labItemRows()), &st.Dictionaries},
		{"drug", drugColumns, pgx.CopyFromRows(drugRows()), &st.Dictionaries},
		{"local_code_map", codeMapColumns, pgx.CopyFromRows(codeMapRows()), &st.Dictionaries},
	}
}

// patientCopies returns the copies of a batch's rows, parents first.
func (g *generator) patientCopies(batch []*patientPlan) []tableCopy {
	b := batchRows{truth: g.truth != nil, typos: g.opts.TypoRate}
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
	}
}

// batchRows are a batch's rows per table, in id order.
type batchRows struct {
	truth      bool    // notes keep their findings
	typos      float64 // Options.TypoRate
	regs       []*encounter
	diags      []*diagRow
	notes      []noteRef
	allergies  []*allergyRow
	immuns     []*immunRow
	transfers  []*transferRow
	procs      []*procRow
	vitals     []*vitalRow
	labOrders  []*labOrderRow
	labResults []*labResultRow
	medOrders  []*medOrderRow
	medAdmins  []*medAdminRow
	merges     []*mergeRow
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
	}
}

// appendPtrs appends pointers to the elements of xs.
func appendPtrs[T any](dst []*T, xs []T) []*T {
	for i := range xs {
		dst = append(dst, &xs[i])
	}
	return dst
}
