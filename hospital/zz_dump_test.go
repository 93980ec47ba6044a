package hospital_test

import (
	"context"
	"testing"
	"time"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

func TestZZDump(t *testing.T) {
	c := pgtest.Start(t)
	db := newDB(t, c, "d")
	_, err := hospital.Generate(context.Background(), db, hospital.Options{Patients: 30, Seed: 1, Until: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT * FROM emr.department", "SELECT * FROM emr.staff LIMIT 8", "SELECT * FROM emr.patient LIMIT 12",
		"SELECT * FROM emr.registration WHERE patient_id <= 6 ORDER BY reg_id", "SELECT * FROM emr.diagnosis WHERE patient_id <= 6 ORDER BY diag_id",
		"SELECT note_id, reg_id, patient_id, note_type, title, language, author_id, written_at FROM emr.clinical_note WHERE patient_id <= 6 ORDER BY note_id",
		"SELECT body FROM emr.clinical_note WHERE patient_id <= 4 ORDER BY note_id",
	} {
		rows, _ := db.Query(context.Background(), q)
		t.Log("==== " + q)
		for rows.Next() {
			v, _ := rows.Values()
			t.Log(v...)
		}
		rows.Close()
	}
}
