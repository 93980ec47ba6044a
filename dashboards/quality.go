package dashboards

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"time"
)

// dqTable is the snapshot table of data-quality check results the build
// writes (package cdm/dq): one row per check.
const dqTable = "dq_results"

// maxFailures bounds the failed checks /api/data-quality lists; the counts
// always cover every check.
const maxFailures = 500

// dqCategories are the Data Quality Dashboard's categories, in the order the
// page shows them; each is always answered, zeros included.
var dqCategories = []string{"Conformance", "Completeness", "Plausibility"}

// notComputed is the answer of a derived panel (data quality,
// characterization) for a snapshot built before its tables existed.
type notComputed struct {
	Snapshot string `json:"snapshot"`
	Computed bool   `json:"computed"` // always false
}

// dataQuality is /api/data-quality's answer for a snapshot with dq_results.
type dataQuality struct {
	Snapshot   string       `json:"snapshot"`
	Computed   bool         `json:"computed"` // always true
	RunAt      *time.Time   `json:"run_at"`   // when the checks ran (null when no check ran)
	Checks     int64        `json:"checks"`
	Passed     int64        `json:"passed"`
	Failed     int64        `json:"failed"`
	Categories []dqCategory `json:"categories"`
	Failures   []dqFailure  `json:"failures"` // at most maxFailures, worst first within each category
}

// dqCategory counts the checks of one category.
type dqCategory struct {
	Category string `json:"category"`
	Checks   int64  `json:"checks"`
	Passed   int64  `json:"passed"`
	Failed   int64  `json:"failed"`
}

// dqFailure is one failed check. Percentages are of the denominator rows,
// on the same 0-100 scale as the threshold.
type dqFailure struct {
	CheckID         string  `json:"check_id"`
	CheckName       string  `json:"check_name"`
	Category        string  `json:"category"`
	Subcategory     *string `json:"subcategory"`
	Level           *string `json:"check_level"`
	Table           *string `json:"table"`
	Field           *string `json:"field"`
	Description     *string `json:"description"`
	ViolatedRows    int64   `json:"violated_rows"`
	DenominatorRows int64   `json:"denominator_rows"`
	PctViolated     float64 `json:"pct_violated"`
	Threshold       float64 `json:"threshold"`
	Samples         *string `json:"sample_violations"`
}

// serveDataQuality answers the data-quality checks of the current snapshot:
// counts by category and the failed checks, or {"computed": false} when the
// snapshot has no dq_results.
func (s *Server) serveDataQuality(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	rd := reader{q: s.wh}
	snap := s.snapshotID()
	have, err := rd.present(ctx, dqTable)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if !have[dqTable] {
		s.writeJSON(w, r, http.StatusOK, notComputed{Snapshot: snap})
		return
	}
	dq, err := rd.dataQuality(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	dq.Snapshot = snap
	s.writeJSON(w, r, http.StatusOK, dq)
}

// snapshotID names the snapshot the warehouse reads, or "" when it cannot say.
func (s *Server) snapshotID() string {
	if sr, ok := s.wh.(SnapshotReporter); ok {
		return sr.Snapshot().ID
	}
	return ""
}

// present reports which of the named tables the snapshot holds.
func (rd reader) present(ctx context.Context, names ...string) (map[string]bool, error) {
	have := map[string]bool{}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	q := "SELECT DISTINCT lower(table_name) FROM information_schema.tables WHERE lower(table_name) IN (?" +
		strings.Repeat(", ?", len(names)-1) + ")"
	err := rd.query(ctx, "list snapshot tables", q, func(r *sql.Rows) error {
		var name string
		if err := r.Scan(&name); err != nil {
			return err
		}
		have[name] = true
		return nil
	}, args...)
	return have, err
}

// dataQuality reads the counts and failed checks of dq_results.
func (rd reader) dataQuality(ctx context.Context) (dataQuality, error) {
	dq := dataQuality{Computed: true, Categories: make([]dqCategory, 0, len(dqCategories)), Failures: []dqFailure{}}
	byCat := map[string]*dqCategory{}
	for _, c := range dqCategories {
		byCat[c] = &dqCategory{Category: c}
	}
	var extra []string // categories beyond the three, in name order
	err := rd.query(ctx, "count data-quality checks",
		`SELECT coalesce(category, ''), count(*), count(*) FILTER (WHERE NOT failed), count(*) FILTER (WHERE failed), max(run_at)
		 FROM `+dqTable+` GROUP BY ALL ORDER BY 1`,
		func(r *sql.Rows) error {
			var c dqCategory
			var runAt sql.NullTime
			if err := r.Scan(&c.Category, &c.Checks, &c.Passed, &c.Failed, &runAt); err != nil {
				return err
			}
			if byCat[c.Category] == nil {
				extra = append(extra, c.Category)
			}
			byCat[c.Category] = &c
			if runAt.Valid && (dq.RunAt == nil || runAt.Time.After(*dq.RunAt)) {
				t := runAt.Time.UTC()
				dq.RunAt = &t
			}
			return nil
		})
	if err != nil {
		return dataQuality{}, err
	}
	for _, name := range append(append([]string(nil), dqCategories...), extra...) {
		c := byCat[name]
		dq.Categories = append(dq.Categories, *c)
		dq.Checks += c.Checks
		dq.Passed += c.Passed
		dq.Failed += c.Failed
	}
	err = rd.query(ctx, "list failed data-quality checks",
		`SELECT coalesce(check_id, ''), coalesce(check_name, ''), coalesce(category, ''), subcategory, check_level, table_name, field_name,
		        description, coalesce(num_violated_rows, 0), coalesce(num_denominator_rows, 0),
		        coalesce(pct_violated_rows, 0), coalesce(threshold_value, 0), sample_violations
		 FROM `+dqTable+` WHERE failed
		 ORDER BY CASE category WHEN 'Conformance' THEN 0 WHEN 'Completeness' THEN 1 WHEN 'Plausibility' THEN 2 ELSE 3 END,
		          category, pct_violated_rows DESC, check_id
		 LIMIT ?`,
		func(r *sql.Rows) error {
			var f dqFailure
			if err := r.Scan(&f.CheckID, &f.CheckName, &f.Category, &f.Subcategory, &f.Level, &f.Table, &f.Field,
				&f.Description, &f.ViolatedRows, &f.DenominatorRows, &f.PctViolated, &f.Threshold, &f.Samples); err != nil {
				return err
			}
			dq.Failures = append(dq.Failures, f)
			return nil
		}, maxFailures)
	return dq, err
}
