package export_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/hospital/export"
	"github.com/cdw-dev/cdw/internal/hl7v2"
)

func testHL7(t *testing.T, db *pgxpool.Pool) {
	ctx := context.Background()
	var a, b bytes.Buffer
	opts := export.HL7Options{CreatedAt: txTime}
	stats, err := export.HL7(ctx, db, &a, opts)
	require.NoError(t, err)
	_, err = export.HL7(ctx, db, &b, opts)
	require.NoError(t, err)
	t.Logf("HL7: %d messages, %d bytes in %v: %v", stats.Messages, a.Len(), stats.Duration, stats.Types)
	assert.True(t, bytes.Equal(a.Bytes(), b.Bytes()), "exports are byte-identical")
	assert.NotContains(t, a.String(), "\n", "segments end with CR only")

	f, err := hl7v2.ParseFile(a.Bytes())
	require.NoError(t, err)
	require.NotNil(t, f.Header)
	require.Len(t, f.Batches, 1)
	msgs := f.Messages()
	require.EqualValues(t, stats.Messages, len(msgs))
	t.Run("headers", func(t *testing.T) { checkHeaders(t, msgs, stats) })
	checkFacts(t, db, collectFacts(t, msgs))
}

// checkFacts compares what the messages say with SQL over the EMR.
func checkFacts(t *testing.T, db *pgxpool.Pool, facts facts) {
	t.Run("patients", func(t *testing.T) { assert.Equal(t, sqlPatients(t, db), facts.patients) })
	t.Run("admissions", func(t *testing.T) {
		assert.Equal(t, sqlStrings(t, db, `SELECT reg_id || ' ' || p.mrn || ' ' || visit_type || ' ' || to_char(admit_time, 'YYYYMMDDHH24MISS')
			FROM emr.registration JOIN emr.patient p USING (patient_id)`), facts.admissions)
	})
	t.Run("discharges", func(t *testing.T) {
		assert.Equal(t, sqlStrings(t, db, `SELECT reg_id || ' ' || to_char(discharge_time, 'YYYYMMDDHH24MISS') || ' ' || disposition
			FROM emr.registration WHERE discharge_time IS NOT NULL`), facts.discharges)
	})
	t.Run("diagnoses", func(t *testing.T) {
		assert.Equal(t, sqlStrings(t, db, `SELECT reg_id || ' ' || icd10 || CASE WHEN is_main THEN ' main' ELSE '' END FROM emr.diagnosis`), facts.diagnoses)
	})
	t.Run("admission wards", func(t *testing.T) {
		require.True(t, tableExists(t, db, "ward_transfer"), "the synthetic hospital has ward_transfer")
		want := sqlStrings(t, db, `SELECT DISTINCT ON (reg_id) reg_id || ' ' || w.code FROM emr.ward_transfer x
			JOIN emr.ward w ON w.ward_id = x.to_ward_id WHERE x.from_ward_id IS NULL ORDER BY reg_id, transfer_time, transfer_id`)
		var got []string
		for _, s := range facts.admitLocations {
			if strings.HasPrefix(s, "I ") {
				reg, _ := strings.CutPrefix(s, "I ")
				got = append(got, reg)
			}
		}
		sort.Strings(got)
		assert.NotEmpty(t, want)
		assert.Subset(t, got, want)
	})
	t.Run("ward transfers", func(t *testing.T) {
		require.True(t, tableExists(t, db, "ward_transfer"), "the synthetic hospital has ward_transfer")
		assert.Equal(t, sqlStrings(t, db, `SELECT reg_id || ' ' || f.code || '>' || w.code || ' ' || to_char(transfer_time, 'YYYYMMDDHH24MISS')
			FROM emr.ward_transfer x JOIN emr.ward w ON w.ward_id = x.to_ward_id JOIN emr.ward f ON f.ward_id = x.from_ward_id`), facts.transfers)
	})
	t.Run("note texts", func(t *testing.T) {
		assert.Equal(t, sqlStrings(t, db, `SELECT note_id || ' ' || CASE note_type WHEN 'radiology' THEN 'DI 18748-4'
			WHEN 'admission' THEN 'HP 34117-2' WHEN 'progress' THEN 'PR 11506-3' WHEN 'discharge' THEN 'DS 18842-5'
			WHEN 'outpatient' THEN 'HP 34108-1' WHEN 'emergency' THEN 'ED 34111-1' WHEN 'operative' THEN 'OP 11504-8' END
			|| ' ' || md5(body) FROM emr.clinical_note`), facts.notes)
		assert.Contains(t, strings.Join(facts.notes, "\n"), " DI 18748-4 ", "radiology reports are diagnostic imaging documents")
	})
	t.Run("lab values", func(t *testing.T) {
		require.True(t, tableExists(t, db, "lab_result"), "the synthetic hospital has lab_result")
		assert.Equal(t, sqlStrings(t, db, `SELECT o.reg_id || ' ' || coalesce(m.target_code, '-') || ' ' || i.local_code || ' ' || coalesce(r.value::text, r.value_text)
			FROM emr.lab_result r JOIN emr.lab_order o USING (order_id) JOIN emr.lab_item i USING (item_id)
			LEFT JOIN emr.local_code_map m ON m.code_system_local = 'LAB' AND m.local_code = i.local_code AND m.target_vocabulary = 'LOINC'`), facts.labs)
	})
}

// checkHeaders asserts MSH invariants: unique control ids, version,
// character set, non-decreasing message times, known types.
func checkHeaders(t *testing.T, msgs []*hl7v2.Message, stats export.HL7Stats) {
	ids := map[string]bool{}
	types := map[string]int64{}
	var last string
	for _, m := range msgs {
		id := m.ControlID()
		assert.False(t, ids[id], "duplicate control id %s", id)
		ids[id] = true
		assert.Equal(t, "2.5.1", m.Version(), id)
		assert.Equal(t, "UNICODE UTF-8", m.Get("MSH-18"), id)
		at := m.Get("MSH-7")
		assert.GreaterOrEqual(t, at, last, "%s is out of time order", id)
		last = at
		types[m.Type().String()]++
		assert.NotEmpty(t, m.Get("PID-3.1"), id)
		assert.Equal(t, "MR", m.Get("PID-3.5"), id)
		assert.Contains(t, []string{"I", "O", "E"}, m.Get("PV1-2"), id)
	}
	assert.Equal(t, stats.Types, types)
	for _, want := range []string{"ADT^A01", "ADT^A04", "ADT^A03", "ADT^A08", "MDM^T02"} {
		assert.NotZero(t, types[want], want)
	}
}

// facts are what the HL7 messages say, as sorted strings comparable with SQL.
type facts struct {
	patients, admissions, discharges, diagnoses, labs, notes []string
	admitLocations                                           []string // class, visit number, PV1-3.1
	transfers                                                []string
}

// collectFacts reads the facts out of the parsed messages.
func collectFacts(t *testing.T, msgs []*hl7v2.Message) facts {
	var f facts
	seen := map[string]bool{}
	for _, m := range msgs {
		mrn, reg := m.Get("PID-3.1"), m.Get("PV1-19.1")
		p := mrn + " " + joinName(m.Get("PID-5.1"), m.Get("PID-5.2"))
		if !seen[p] {
			seen[p] = true
			f.patients = append(f.patients, p)
		}
		switch m.Type().String() {
		case "ADT^A01", "ADT^A04":
			f.admissions = append(f.admissions, fmt.Sprintf("%s %s %s %s", reg, mrn, m.Get("PV1-2"), wall(t, m.Get("PV1-44"))))
			f.admitLocations = append(f.admitLocations, m.Get("PV1-2")+" "+reg+" "+m.Get("PV1-3.1"))
		case "ADT^A02":
			f.transfers = append(f.transfers, fmt.Sprintf("%s %s>%s %s", reg, m.Get("PV1-6.1"), m.Get("PV1-3.1"), wall(t, m.Get("EVN-2"))))
		case "ADT^A03":
			f.discharges = append(f.discharges, fmt.Sprintf("%s %s %s", reg, wall(t, m.Get("PV1-45")), m.Get("PV1-36")))
		case "ADT^A08":
			for _, dg1 := range m.All("DG1") {
				d := reg + " " + dg1.Field(3).Value(1, 1, 1)
				if dg1.Field(15).Value(1, 1, 1) == "1" {
					d += " main"
				}
				f.diagnoses = append(f.diagnoses, d)
			}
		case "MDM^T02":
			var lines []string
			for _, rep := range m.Segment("OBX", 1).Field(5) {
				lines = append(lines, rep[0][0])
			}
			body := strings.Join(lines, "\n")
			f.notes = append(f.notes, fmt.Sprintf("%s %s %s %x", strings.TrimPrefix(m.Get("TXA-12"), "DOC"), m.Get("TXA-2"),
				m.Get("OBX-3.1"), md5.Sum([]byte(body))))
		case "ORU^R01":
			if !strings.HasPrefix(m.ControlID(), "LAB") {
				continue
			}
			for _, obx := range m.All("OBX") {
				code := obx.Field(3)
				loinc, local := code.Value(1, 1, 1), code.Value(1, 4, 1)
				if code.Value(1, 3, 1) != "LN" {
					loinc, local = "-", loinc
				}
				f.labs = append(f.labs, fmt.Sprintf("%s %s %s %s", reg, loinc, local, obx.Field(5).Value(1, 1, 1)))
			}
		}
	}
	for _, s := range [][]string{f.patients, f.admissions, f.discharges, f.diagnoses, f.labs, f.notes, f.transfers} {
		sort.Strings(s)
	}
	return f
}

// joinName rebuilds the EMR's name from XPN family and given names.
func joinName(family, given string) string {
	if r := []rune(family); len(r) > 0 && unicode.Is(unicode.Han, r[0]) {
		return family + given
	}
	return strings.TrimSpace(given + " " + family)
}

// wall parses an HL7 DTM written in UTC and returns it as YYYYMMDDHHMMSS.
func wall(t *testing.T, dtm string) string {
	at, err := time.Parse("20060102150405-0700", dtm)
	require.NoError(t, err, dtm)
	return at.UTC().Format("20060102150405")
}

func sqlPatients(t *testing.T, db *pgxpool.Pool) []string {
	return sqlStrings(t, db, `SELECT mrn || ' ' || name FROM emr.patient p WHERE EXISTS (SELECT FROM emr.registration g WHERE g.patient_id = p.patient_id)`)
}

// sqlStrings runs a query of one text column and returns its sorted rows.
func sqlStrings(t *testing.T, db *pgxpool.Pool, query string) []string {
	rows, err := db.Query(context.Background(), query)
	require.NoError(t, err, query)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	sort.Strings(out)
	return out
}
