package hospital_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
)

// checkDaySurgery checks the day-surgery pathway: inpatient registrations
// from 'day surgery', discharged home the same day after an inguinal hernia
// repair, with an operative note, at a realistic share of admissions.
func checkDaySurgery(t *testing.T, db *pgxpool.Pool) {
	admissions := count(t, db, `SELECT count(*) FROM emr.registration WHERE visit_type = 'I'`)
	day := count(t, db, `SELECT count(*) FROM emr.registration WHERE admit_source = 'day surgery'`)
	t.Logf("%d day-surgery admissions of %d", day, admissions)
	assert.Positive(t, day)
	assert.Less(t, float64(day)/float64(admissions), 0.1, "share of admissions")
	assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.registration WHERE admit_source = 'day surgery'
		AND (visit_type <> 'I' OR (discharge_time IS NOT NULL AND discharge_time::date <> admit_time::date))`), "inpatient, same-day discharge")
	closed := `FROM emr.registration g WHERE g.admit_source = 'day surgery' AND g.discharge_time IS NOT NULL`
	assert.Zero(t, count(t, db, `SELECT count(*) `+closed+` AND NOT EXISTS (SELECT 1 FROM emr.procedure p
		WHERE p.reg_id = g.reg_id AND p.is_main AND p.code IN ('53.0001', '0YQ50ZZ') AND p.end_time <= g.discharge_time)`), "hernia repair")
	assert.Zero(t, count(t, db, `SELECT count(*) `+closed+` AND NOT EXISTS (SELECT 1 FROM emr.clinical_note n
		WHERE n.reg_id = g.reg_id AND n.note_type = 'operative')`), "operative note")
	assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.clinical_note n JOIN emr.registration g USING (reg_id)
		WHERE n.note_type = 'operative' AND (g.admit_source <> 'day surgery' OR n.written_at < (SELECT max(p.end_time)
			FROM emr.procedure p WHERE p.reg_id = g.reg_id))`), "operative notes follow the operation")
}
