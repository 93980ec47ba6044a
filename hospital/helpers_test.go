package hospital_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/internal/pgcluster"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

// newDB creates database name in c and returns a pool on it, closed when the
// test ends.
func newDB(t testing.TB, c *pgcluster.Cluster, name string) *pgxpool.Pool {
	t.Helper()
	return pgtest.NewDB(t, c, name)
}

// count runs a query returning one number.
func count(t *testing.T, db *pgxpool.Pool, query string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.QueryRow(context.Background(), query, args...).Scan(&n), query)
	return n
}

// violation is a query counting the rows that break one rule; $1, when the
// query uses it, is the end of the generated history.
type violation struct{ name, query string }

// assertNoViolations runs each violation query as a subtest and expects zero rows.
func assertNoViolations(t *testing.T, db *pgxpool.Pool, until time.Time, violations []violation) {
	t.Helper()
	for _, v := range violations {
		t.Run(v.name, func(t *testing.T) {
			var args []any
			if strings.Contains(v.query, "$1") {
				args = append(args, until)
			}
			assert.Zero(t, count(t, db, v.query, args...))
		})
	}
}

// textByID reads a query of (id, text) rows into a map.
func textByID(t *testing.T, db *pgxpool.Pool, query string) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	rows, err := db.Query(context.Background(), query)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		require.NoError(t, rows.Scan(&id, &text))
		out[id] = text
	}
	require.NoError(t, rows.Err())
	return out
}

// invariants are queries counting rows that break a rule the EMR keeps both
// after Generate and while Live writes to it.
var invariants = []struct{ name, query string }{
	{"merges of a patient still on record or before the survivor's first visit", `SELECT count(*) FROM emr.patient_merge m
		WHERE EXISTS (SELECT 1 FROM emr.patient p WHERE p.patient_id = m.merged_patient_id OR p.mrn = m.merged_mrn)
			OR m.merged_at < (SELECT min(g.admit_time) FROM emr.registration g WHERE g.patient_id = m.surviving_patient_id)`},
	{"registrations without exactly one main diagnosis", `SELECT count(*) FROM emr.registration g
		WHERE (SELECT count(*) FROM emr.diagnosis d WHERE d.reg_id = g.reg_id AND d.is_main) <> 1`},
	{"diagnoses of another patient's registration", `SELECT count(*) FROM emr.diagnosis d
		JOIN emr.registration g USING (reg_id) WHERE d.patient_id <> g.patient_id`},
	{"notes of another patient's registration", `SELECT count(*) FROM emr.clinical_note n
		JOIN emr.registration g USING (reg_id) WHERE n.patient_id <> g.patient_id`},
	{"notes not written by the registration's doctor", `SELECT count(*) FROM emr.clinical_note n
		JOIN emr.registration g USING (reg_id) WHERE n.note_type <> 'radiology' AND n.author_id IS DISTINCT FROM g.doctor_id`},
	{"radiology notes not written by a radiologist", `SELECT count(*) FROM emr.clinical_note n
		WHERE n.note_type = 'radiology' AND NOT EXISTS (SELECT 1 FROM emr.staff s JOIN emr.department d USING (dept_id)
			JOIN emr.user_account a USING (staff_id) WHERE s.staff_id = n.author_id AND d.code = 'RAD' AND a.role = 'doctor')`},
	{"registrations with more radiology notes than imaging examinations", `SELECT count(*) FROM emr.registration g
		WHERE (SELECT count(*) FROM emr.clinical_note n WHERE n.reg_id = g.reg_id AND n.note_type = 'radiology')
			> (SELECT count(*) FROM emr.exam_order x WHERE x.reg_id = g.reg_id AND x.modality <> 'ECG')`},
	{"notes written outside their encounter", `SELECT count(*) FROM emr.clinical_note n JOIN emr.registration g USING (reg_id)
		WHERE n.written_at < g.admit_time OR n.written_at > coalesce(g.discharge_time, 'infinity')`},
	{"diagnoses made outside their encounter", `SELECT count(*) FROM emr.diagnosis d JOIN emr.registration g USING (reg_id)
		WHERE d.diag_time < g.admit_time OR d.diag_time > coalesce(g.discharge_time, 'infinity')`},
	{"discharges before admission", `SELECT count(*) FROM emr.registration WHERE discharge_time < admit_time`},
	{"status not matching discharge_time", `SELECT count(*) FROM emr.registration
		WHERE (status = 'open') <> (discharge_time IS NULL) OR (status = 'open') <> (disposition IS NULL)`},
	{"open encounters that are not inpatient stays", `SELECT count(*) FROM emr.registration WHERE status = 'open' AND visit_type <> 'I'`},
	{"encounters after a death", `SELECT count(*) FROM emr.registration d JOIN emr.registration l
		ON l.patient_id = d.patient_id AND l.reg_id <> d.reg_id AND l.admit_time >= d.admit_time WHERE d.disposition = 'died'`},
	{"note types not matching the visit type", `SELECT count(*) FROM emr.clinical_note n JOIN emr.registration g USING (reg_id)
		WHERE NOT (g.visit_type = 'O' AND n.note_type = 'outpatient' OR g.visit_type = 'E' AND n.note_type = 'emergency'
			OR g.visit_type = 'I' AND n.note_type IN ('admission', 'progress') OR g.visit_type = 'I' AND g.status = 'closed' AND n.note_type = 'discharge'
			OR g.visit_type = 'I' AND g.admit_source = 'day surgery' AND n.note_type = 'operative'
			OR g.visit_type IN ('I', 'E') AND n.note_type = 'radiology')`},
	{"notes in neither language", `SELECT count(*) FROM emr.clinical_note WHERE language NOT IN ('en', 'zh')`},
}

// checkInvariants asserts that no row breaks an invariant.
func checkInvariants(t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	for _, inv := range invariants {
		t.Run(inv.name, func(t *testing.T) {
			assert.Zero(t, count(t, db, inv.query))
		})
	}
}

// digest returns an md5 over every row of table.
func digest(t *testing.T, db *pgxpool.Pool, table string) string {
	t.Helper()
	var d string
	q := fmt.Sprintf(`SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM %s t`, table)
	require.NoError(t, db.QueryRow(context.Background(), q).Scan(&d))
	return d
}
