package hospital

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// writeFrontPage codes the front page of stay e of p just discharged, as
// its diagnosis and procedure rows stand now (principal first, each in
// row order otherwise), costed at total cents, by the coder on duty at
// discharge.
func (l *Live) writeFrontPage(ctx context.Context, tx pgx.Tx, p *profile, e *encounter, total int64) error {
	g := &e.reg
	diags, hasMain, err := l.frontPageDiagnoses(ctx, tx, g)
	if err != nil {
		return err
	}
	if !hasMain {
		return fmt.Errorf("registration %d has no main diagnosis to code", g.ID)
	}
	principal := diags[0]
	secondary := []string{}
	for _, d := range diags[1:] {
		secondary = append(secondary, d[3].(string))
	}
	cc, illness, admDiag := (&frontPage{p: p, e: e}).narrative()
	coder := onDuty(l.state.staff.coders, g.Discharge, g.ID)
	row := []any{g.ID, cc, illness, admDiag, principal[3], principal[5], principal[4], secondary, losDays(g),
		float64(total) / 100, dispositionCode(g.Disposition), nullID(coder), g.Discharge}
	if err := insert(ctx, tx, "emr.front_page", frontPageColumns, row); err != nil {
		return err
	}
	for _, d := range diags {
		if err := insert(ctx, tx, "emr.front_page_diagnosis", fpDiagColumns, d); err != nil {
			return err
		}
	}
	return l.frontPageProcedures(ctx, tx, g)
}

// frontPageDiagnoses returns the diagnosis lines of registration g, as
// values of fpDiagColumns: present on admission when made within a day of
// admission. It reports whether the first line is a main diagnosis.
func (l *Live) frontPageDiagnoses(ctx context.Context, tx pgx.Tx, g *regRow) ([][]any, bool, error) {
	rows, err := tx.Query(ctx, `SELECT diag_id, icd10, code_system, diag_name, is_main, diag_time FROM emr.diagnosis
		WHERE reg_id = $1 ORDER BY is_main DESC, diag_id`, g.ID)
	if err != nil {
		return nil, false, fmt.Errorf("read diagnoses of registration %d: %w", g.ID, err)
	}
	var out [][]any
	hasMain := false
	var id int64
	var code, system, name string
	var main bool
	var at time.Time
	_, err = pgx.ForEachRow(rows, []any{&id, &code, &system, &name, &main, &at}, func() error {
		poa := main || !at.After(g.Admit.Add(24*time.Hour))
		hasMain = hasMain || (main && len(out) == 0)
		out = append(out, []any{g.ID, int32(len(out) + 1), id, code, system, name, poa})
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("read diagnoses of registration %d: %w", g.ID, err)
	}
	return out, hasMain, nil
}

// frontPageProcedures inserts the procedure lines of registration g, main
// first.
func (l *Live) frontPageProcedures(ctx context.Context, tx pgx.Tx, g *regRow) error {
	rows, err := tx.Query(ctx, `SELECT proc_id, code, code_system, name, start_time, surgeon_id FROM emr.procedure
		WHERE reg_id = $1 ORDER BY is_main DESC, proc_id`, g.ID)
	if err != nil {
		return fmt.Errorf("read procedures of registration %d: %w", g.ID, err)
	}
	var lines [][]any
	var id int64
	var code, system, name string
	var at time.Time
	var surgeon *int32
	_, err = pgx.ForEachRow(rows, []any{&id, &code, &system, &name, &at, &surgeon}, func() error {
		lines = append(lines, []any{g.ID, int32(len(lines) + 1), id, code, system, name, at, surgeon})
		return nil
	})
	if err != nil {
		return fmt.Errorf("read procedures of registration %d: %w", g.ID, err)
	}
	for _, line := range lines {
		if err := insert(ctx, tx, "emr.front_page_procedure", fpProcColumns, line); err != nil {
			return err
		}
	}
	return nil
}
