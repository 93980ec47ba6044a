package dashboards

import (
	"context"
	"database/sql"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
)

// reader runs the dashboards' SQL against the warehouse. Every query names
// OMOP tables only; a table the snapshot lacks reads as empty, so one
// missing table zeroes its figures instead of failing the page.
type reader struct{ q Querier }

// visitCounts is the number of visits by kind of visit.
type visitCounts struct {
	Inpatient  int64 `json:"inpatient"`
	Outpatient int64 `json:"outpatient"`
	Emergency  int64 `json:"emergency"`
	Other      int64 `json:"other"`
	Total      int64 `json:"total"`
}

// dayCounts is the number of visits started on one day, by kind.
type dayCounts struct {
	Date       string `json:"date"` // YYYY-MM-DD
	Inpatient  int64  `json:"inpatient"`
	Outpatient int64  `json:"outpatient"`
	Emergency  int64  `json:"emergency"`
}

// query runs q and hands each row to scan. It reports a missing table as no
// rows and wraps any other failure in an opError naming op.
func (rd reader) query(ctx context.Context, op, q string, scan func(*sql.Rows) error, args ...any) error {
	rows, err := rd.q.QueryContext(ctx, q, args...)
	if err != nil {
		if missingTable(err) {
			return nil
		}
		return &opError{op: op, err: err}
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return &opError{op: op, err: err}
		}
	}
	if err := rows.Err(); err != nil && !missingTable(err) {
		return &opError{op: op, err: err}
	}
	return nil
}

// missingTable reports whether err says a table is absent from the snapshot.
func missingTable(err error) bool {
	return strings.Contains(err.Error(), "does not exist")
}

// count returns the number of rows of an OMOP table (0 when it is missing).
func (rd reader) count(ctx context.Context, table string) (int64, error) {
	var n int64
	err := rd.query(ctx, "count "+table, "SELECT count(*) FROM "+table,
		func(r *sql.Rows) error { return r.Scan(&n) })
	return n, err
}

// visits counts all visits by visit concept.
func (rd reader) visits(ctx context.Context) (visitCounts, error) {
	var vc visitCounts
	err := rd.query(ctx, "count visits",
		"SELECT visit_concept_id, count(*) FROM visit_occurrence GROUP BY visit_concept_id",
		func(r *sql.Rows) error {
			var concept, n int64
			if err := r.Scan(&concept, &n); err != nil {
				return err
			}
			switch concept {
			case cdm.ConceptInpatientVisit:
				vc.Inpatient += n
			case cdm.ConceptOutpatientVisit:
				vc.Outpatient += n
			case cdm.ConceptERVisit:
				vc.Emergency += n
			default:
				vc.Other += n
			}
			vc.Total += n
			return nil
		})
	return vc, err
}

// admittedNow counts inpatients still in hospital on today: inpatient visits
// begun by today with no discharge time (the CDM fills visit_end_date of an
// ongoing stay with the build date but leaves visit_end_datetime NULL).
func (rd reader) admittedNow(ctx context.Context, today string) (int64, error) {
	var n int64
	err := rd.query(ctx, "count admitted inpatients",
		`SELECT count(*) FROM visit_occurrence
		 WHERE visit_concept_id = ? AND visit_end_datetime IS NULL
		   AND visit_start_date <= CAST(? AS DATE)`,
		func(r *sql.Rows) error { return r.Scan(&n) },
		cdm.ConceptInpatientVisit, today)
	return n, err
}

// meanStayDays returns the mean length of stay, in days, of the inpatients
// discharged between from and to inclusive (0 when there were none). A stay
// runs from its start time (midnight of the start date when unknown) to its
// discharge time.
func (rd reader) meanStayDays(ctx context.Context, from, to string) (float64, error) {
	var mean sql.NullFloat64
	err := rd.query(ctx, "compute mean length of stay",
		`SELECT avg(date_diff('second',
		            coalesce(visit_start_datetime, CAST(visit_start_date AS TIMESTAMP)),
		            visit_end_datetime)) / 86400.0
		 FROM visit_occurrence
		 WHERE visit_concept_id = ? AND visit_end_datetime IS NOT NULL
		   AND visit_end_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)`,
		func(r *sql.Rows) error { return r.Scan(&mean) },
		cdm.ConceptInpatientVisit, from, to)
	return mean.Float64, err
}

// admissions counts the inpatient, outpatient and emergency visits started
// on each day between from and to inclusive, keyed by YYYY-MM-DD. Days
// without visits are absent.
func (rd reader) admissions(ctx context.Context, from, to string) (map[string]*dayCounts, error) {
	days := map[string]*dayCounts{}
	err := rd.query(ctx, "count admissions per day",
		`SELECT CAST(visit_start_date AS VARCHAR), visit_concept_id, count(*)
		 FROM visit_occurrence
		 WHERE visit_start_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
		   AND visit_concept_id IN (?, ?, ?)
		 GROUP BY ALL`,
		func(r *sql.Rows) error {
			var day string
			var concept, n int64
			if err := r.Scan(&day, &concept, &n); err != nil {
				return err
			}
			d := days[day]
			if d == nil {
				d = &dayCounts{Date: day}
				days[day] = d
			}
			switch concept {
			case cdm.ConceptInpatientVisit:
				d.Inpatient = n
			case cdm.ConceptOutpatientVisit:
				d.Outpatient = n
			case cdm.ConceptERVisit:
				d.Emergency = n
			}
			return nil
		},
		from, to, cdm.ConceptInpatientVisit, cdm.ConceptOutpatientVisit, cdm.ConceptERVisit)
	return days, err
}
