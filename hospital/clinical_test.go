package hospital_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/internal/pgcluster"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

// episodeLine is a line of episodes.jsonl.
type episodeLine struct {
	Kind      string    `json:"kind"`
	RegID     int64     `json:"reg_id"`
	PatientID int64     `json:"patient_id"`
	Onset     time.Time `json:"onset"`
	Diagnosis time.Time `json:"diagnosis"`
	Criteria  []string  `json:"criteria"`
	POA       bool      `json:"present_on_admission"`
}

// admissionLine is a line of admissions.jsonl.
type admissionLine struct {
	RegID     int64  `json:"reg_id"`
	Coding    string `json:"profile"`
	Principal struct {
		Code, System string
	} `json:"principal"`
	Secondary []struct {
		Code, System string
		Severity     string `json:"cc_mcc"`
	} `json:"secondary"`
	Procedures []struct{ Code, System string } `json:"procedures"`
	Severity   string                          `json:"cc_mcc"`
}

func TestClinicalRecord(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()
	until := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	truth := t.TempDir()
	db := newDB(t, c, "clinical")
	stats, err := hospital.Generate(ctx, db, hospital.Options{Patients: 600, Seed: 7, Until: until, TruthDir: truth})
	require.NoError(t, err)
	episodes := readJSONL[episodeLine](t, filepath.Join(truth, "episodes.jsonl"))
	admissions := readJSONL[admissionLine](t, filepath.Join(truth, "admissions.jsonl"))
	t.Run("FaultRate 0 injects no fault", func(t *testing.T) {
		assert.Empty(t, readJSONL[faultLine](t, filepath.Join(truth, "faults.jsonl")))
		assert.Zero(t, stats.Faults)
	})

	t.Run("stats count the rows written", func(t *testing.T) {
		for table, n := range map[string]int64{
			"emr.vital_sign": stats.Vitals, "emr.lab_result": stats.LabResults, "emr.lab_order": stats.LabOrders,
			"emr.med_order": stats.MedOrders, "emr.med_admin": stats.MedAdmins, "emr.procedure": stats.Procedures,
			"emr.ward_transfer": stats.Transfers, "emr.allergy": stats.Allergies, "emr.immunization": stats.Immunizations,
		} {
			assert.Equal(t, count(t, db, "SELECT count(*) FROM "+table), n, table)
			assert.Positive(t, n, table)
		}
	})
	t.Run("clinical rows lie within their encounters", func(t *testing.T) { checkClinicalInvariants(t, db, until) })
	t.Run("day surgery", func(t *testing.T) { checkDaySurgery(t, db) })
	t.Run("each sepsis episode has a qSOFA of 2 or more before its diagnosis", func(t *testing.T) {
		checkSepsis(t, db, episodes)
	})
	t.Run("each AKI episode meets KDIGO by its diagnosis", func(t *testing.T) { checkAKI(t, db, episodes) })
	t.Run("admissions.jsonl lists every inpatient stay with its coded diagnoses", func(t *testing.T) {
		checkAdmissions(t, db, admissions)
	})
	t.Run("trajectories look like a hospital's", func(t *testing.T) { checkTrajectories(t, db) })
	t.Run("admissions.jsonl marks CC and MCC at a realistic rate", func(t *testing.T) { checkSeverity(t, admissions) })
	t.Run("some local codes are unmapped", func(t *testing.T) {
		assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.lab_item i WHERE NOT EXISTS (SELECT 1 FROM emr.local_code_map m
			WHERE m.code_system_local = 'LAB' AND m.local_code = i.local_code)`))
		assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.drug d WHERE NOT EXISTS (SELECT 1 FROM emr.local_code_map m
			WHERE m.code_system_local = 'DRUG' AND m.local_code = d.local_code)`))
		assert.EqualValues(t, 10, count(t, db, `SELECT count(*) FROM emr.local_code_map m JOIN emr.lab_item i ON i.local_code = m.local_code
			WHERE m.target_vocabulary = 'LOINC' AND m.target_code IN ('2160-0','2524-7','6690-2','718-7','2345-7','2823-3','2951-2','10839-9','1988-5','33959-8')`))
	})
}

// checkClinicalInvariants asserts that the clinical tables agree with the
// registrations they belong to.
func checkClinicalInvariants(t *testing.T, db *pgxpool.Pool, until time.Time) {
	violations := []violation{
		{"vitals outside their encounter", `SELECT count(*) FROM emr.vital_sign v JOIN emr.registration g USING (reg_id)
			WHERE v.taken_at < g.admit_time OR v.taken_at > coalesce(g.discharge_time, $1)`},
		{"vitals of outpatient visits", `SELECT count(*) FROM emr.vital_sign v JOIN emr.registration g USING (reg_id) WHERE g.visit_type = 'O'`},
		{"lab results outside their encounter", `SELECT count(*) FROM emr.lab_result r JOIN emr.lab_order o USING (order_id)
			JOIN emr.registration g USING (reg_id) WHERE r.resulted_at < o.collected_at OR r.resulted_at > coalesce(g.discharge_time, $1)`},
		{"lab orders of another patient's registration", `SELECT count(*) FROM emr.lab_order o JOIN emr.registration g USING (reg_id)
			WHERE o.patient_id <> g.patient_id`},
		{"procedures outside their encounter", `SELECT count(*) FROM emr.procedure p JOIN emr.registration g USING (reg_id)
			WHERE p.start_time < g.admit_time OR p.end_time > coalesce(g.discharge_time, $1) OR p.end_time < p.start_time`},
		{"stays with other than one main procedure", `SELECT count(*) FROM (SELECT reg_id FROM emr.procedure GROUP BY 1
			HAVING count(*) FILTER (WHERE is_main) <> 1) x`},
		{"administrations outside their order", `SELECT count(*) FROM emr.med_admin a JOIN emr.med_order m USING (med_order_id)
			JOIN emr.registration g USING (reg_id) WHERE a.given_at < m.start_time OR a.given_at > coalesce(g.discharge_time, $1)`},
		{"inpatient stays without an admission transfer", `SELECT count(*) FROM emr.registration g WHERE g.visit_type = 'I'
			AND NOT EXISTS (SELECT 1 FROM emr.ward_transfer w WHERE w.reg_id = g.reg_id AND w.from_ward_id IS NULL)`},
		{"immunizations outside the patient's life", `SELECT count(*) FROM emr.immunization i JOIN emr.patient p USING (patient_id)
			WHERE i.given_at < p.birth_date OR i.given_at > $1`},
		{"numeric results without a flag", `SELECT count(*) FROM emr.lab_result WHERE value IS NOT NULL AND abnormal_flag IS NULL`},
		{"ids that are not dense", `SELECT (SELECT max(vital_id) - count(*) FROM emr.vital_sign) + (SELECT max(result_id) - count(*) FROM emr.lab_result)
			+ (SELECT max(admin_id) - count(*) FROM emr.med_admin) + (SELECT max(proc_id) - count(*) FROM emr.procedure)`},
	}
	assertNoViolations(t, db, until, violations)
}

// checkSepsis asserts that every sepsis episode shows in the record: a
// sepsis diagnosis at its diagnosis time, observations with qSOFA of 2 or
// more between onset and diagnosis, lactate above 2, blood cultures and
// antibiotics given.
func checkSepsis(t *testing.T, db *pgxpool.Pool, episodes []episodeLine) {
	n, poa := 0, 0
	for _, ep := range episodes {
		if ep.Kind != "sepsis" {
			continue
		}
		n++
		if ep.POA {
			poa++
			checkSepsisOnAdmission(t, db, ep)
		}
		assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.vital_sign WHERE reg_id = $1 AND taken_at >= $2 AND taken_at < $3
			AND (resp_rate >= 22)::int + (sbp <= 100)::int + (gcs < 15)::int >= 2`, ep.RegID, ep.Onset, ep.Diagnosis), "registration %d", ep.RegID)
		assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.vital_sign WHERE reg_id = $1 AND taken_at < $2
			AND taken_at >= $2 - interval '12 hours' AND (resp_rate >= 22)::int + (sbp <= 100)::int + (gcs < 15)::int >= 2
			AND NOT EXISTS (SELECT 1 FROM emr.registration g WHERE g.reg_id = $1 AND g.admit_time > $2 - interval '36 hours')`, ep.RegID, ep.Onset),
			"registration %d deteriorates before onset", ep.RegID)
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.diagnosis WHERE reg_id = $1 AND icd10 IN ('A41.9', 'A41.900') AND diag_time = $2`,
			ep.RegID, ep.Diagnosis), "registration %d", ep.RegID)
		assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.lab_result r JOIN emr.lab_order o USING (order_id) JOIN emr.lab_item i USING (item_id)
			WHERE o.reg_id = $1 AND i.local_code = 'LAC' AND r.value > 2`, ep.RegID), "registration %d", ep.RegID)
		assert.EqualValues(t, 2, count(t, db, `SELECT count(*) FROM emr.lab_order WHERE reg_id = $1 AND panel = 'BCX'`, ep.RegID))
		assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.med_admin a JOIN emr.med_order m USING (med_order_id) JOIN emr.drug d USING (drug_id)
			WHERE m.reg_id = $1 AND d.name = 'Meropenem' AND a.given_at >= $2`, ep.RegID, ep.Diagnosis), "registration %d", ep.RegID)
		assert.Contains(t, ep.Criteria, "qsofa>=2")
	}
	assert.GreaterOrEqual(t, n, 3, "sepsis episodes")
	t.Logf("%d sepsis episodes, %d present on admission", n, poa)
	assert.Positive(t, poa, "sepsis present on admission")
	assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.registration g WHERE g.visit_type = 'I' AND g.discharge_time > g.admit_time + interval '3 hours'
		AND EXISTS (SELECT 1 FROM emr.diagnosis d WHERE d.reg_id = g.reg_id AND d.is_main AND d.icd10 IN ('A41.9', 'A41.900'))`)-int64(poa),
		"every admission for sepsis is an episode present on admission")
}

// checkSepsisOnAdmission asserts that sepsis present on admission began
// before arrival, is the main diagnosis, and shows qSOFA of 2 or more at or
// after arrival before it was diagnosed.
func checkSepsisOnAdmission(t *testing.T, db *pgxpool.Pool, ep episodeLine) {
	assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.registration g JOIN emr.diagnosis d USING (reg_id)
		WHERE g.reg_id = $1 AND g.admit_time > $2 AND d.is_main AND d.diag_time = $3`, ep.RegID, ep.Onset, ep.Diagnosis), "registration %d", ep.RegID)
	assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.vital_sign v JOIN emr.registration g USING (reg_id)
		WHERE v.reg_id = $1 AND v.taken_at >= g.admit_time AND v.taken_at < $2
		AND (resp_rate >= 22)::int + (sbp <= 100)::int + (gcs < 15)::int >= 2`, ep.RegID, ep.Diagnosis), "registration %d", ep.RegID)
}

// checkAKI asserts that every AKI episode's creatinine results meet KDIGO
// by its diagnosis, which is coded at that time.
func checkAKI(t *testing.T, db *pgxpool.Pool, episodes []episodeLine) {
	n := 0
	for _, ep := range episodes {
		if ep.Kind != "aki" {
			continue
		}
		n++
		assert.Positive(t, count(t, db, `WITH cr AS (SELECT r.resulted_at AS at, r.value FROM emr.lab_result r
				JOIN emr.lab_order o USING (order_id) JOIN emr.lab_item i USING (item_id)
				WHERE o.reg_id = $1 AND i.local_code = 'CR' AND r.resulted_at <= $2)
			SELECT count(*) FROM cr a JOIN cr b ON b.at > a.at
			WHERE (b.value >= 1.5 * a.value AND b.at - a.at <= interval '7 days') OR (b.value - a.value >= 0.3 AND b.at - a.at <= interval '48 hours')`,
			ep.RegID, ep.Diagnosis), "registration %d", ep.RegID)
		assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM emr.diagnosis WHERE reg_id = $1 AND icd10 IN ('N17.9', 'N17.900x003') AND diag_time = $2`,
			ep.RegID, ep.Diagnosis), "registration %d", ep.RegID)
		assert.Contains(t, ep.Criteria, "creatinine>=1.5x_baseline_7d")
		assert.True(t, ep.Onset.Before(ep.Diagnosis))
	}
	assert.GreaterOrEqual(t, n, 3, "AKI episodes")
}

// checkAdmissions asserts that admissions.jsonl has one line per inpatient
// registration whose principal diagnosis is the main one in the EMR.
func checkAdmissions(t *testing.T, db *pgxpool.Pool, admissions []admissionLine) {
	assert.Equal(t, count(t, db, `SELECT count(*) FROM emr.registration WHERE visit_type = 'I'`), int64(len(admissions)))
	for _, a := range admissions {
		var code, system string
		require.NoError(t, db.QueryRow(context.Background(), `SELECT icd10, code_system FROM emr.diagnosis WHERE reg_id = $1 AND is_main`, a.RegID).Scan(&code, &system))
		assert.Equal(t, code, a.Principal.Code, "registration %d", a.RegID)
		assert.Equal(t, system, a.Principal.System, "registration %d", a.RegID)
		assert.EqualValues(t, len(a.Secondary), count(t, db, `SELECT count(*) FROM emr.diagnosis WHERE reg_id = $1 AND NOT is_main`, a.RegID))
		assert.EqualValues(t, len(a.Procedures), count(t, db, `SELECT count(*) FROM emr.procedure WHERE reg_id = $1`, a.RegID))
	}
}

// checkTrajectories asserts rates and clinical patterns within stated bounds.
func checkTrajectories(t *testing.T, db *pgxpool.Pool) {
	discharges := float64(count(t, db, `SELECT count(*) FROM emr.registration WHERE visit_type = 'I' AND status = 'closed' AND disposition <> 'died'`))
	shares := []struct {
		name   string
		query  string
		of     float64
		lo, hi float64
	}{
		{"30-day readmissions of inpatient discharges", `SELECT count(*) FROM emr.registration d WHERE d.visit_type = 'I' AND d.status = 'closed'
			AND d.disposition <> 'died' AND EXISTS (SELECT 1 FROM emr.registration n WHERE n.patient_id = d.patient_id AND n.visit_type = 'I'
			AND n.admit_time > d.discharge_time AND n.admit_time <= d.discharge_time + interval '30 days')`, discharges, 0.07, 0.2},
		{"MIs with PCI", `SELECT count(DISTINCT g.reg_id) FROM emr.registration g JOIN emr.diagnosis d ON d.reg_id = g.reg_id AND d.is_main
			JOIN emr.procedure p ON p.reg_id = g.reg_id WHERE d.icd10 IN ('I21.09', 'I21.001') AND p.code IN ('02703DZ', '00.6600')`,
			float64(count(t, db, `SELECT count(*) FROM emr.diagnosis d JOIN emr.registration g USING (reg_id) WHERE g.visit_type = 'I' AND d.is_main AND d.icd10 IN ('I21.09', 'I21.001')`)), 0.6, 1},
		{"pneumonia stays with raised CRP and an antibiotic given", `SELECT count(*) FROM emr.registration g JOIN emr.diagnosis d ON d.reg_id = g.reg_id AND d.is_main
			WHERE g.visit_type = 'I' AND d.icd10 IN ('J18.9', 'J18.900')
			AND EXISTS (SELECT 1 FROM emr.lab_result r JOIN emr.lab_order o USING (order_id) JOIN emr.lab_item i USING (item_id) WHERE o.reg_id = g.reg_id AND i.local_code = 'CRP' AND r.value > 10)
			AND EXISTS (SELECT 1 FROM emr.med_admin a JOIN emr.med_order m USING (med_order_id) JOIN emr.drug dr USING (drug_id)
				WHERE m.reg_id = g.reg_id AND dr.name IN ('Ceftriaxone', 'Meropenem', 'Levofloxacin') AND a.status = 'given')`,
			float64(count(t, db, `SELECT count(*) FROM emr.diagnosis d JOIN emr.registration g USING (reg_id) WHERE g.visit_type = 'I' AND d.is_main AND d.icd10 IN ('J18.9', 'J18.900')`)), 0.8, 1},
		{"heart failure stays with raised BNP", `SELECT count(DISTINCT o.reg_id) FROM emr.lab_result r JOIN emr.lab_order o USING (order_id) JOIN emr.lab_item i USING (item_id)
			JOIN emr.diagnosis d ON d.reg_id = o.reg_id AND d.is_main JOIN emr.registration g ON g.reg_id = o.reg_id
			WHERE g.visit_type = 'I' AND d.icd10 IN ('I50.9', 'I50.900') AND i.local_code = 'BNP' AND r.value > 100`,
			float64(count(t, db, `SELECT count(*) FROM emr.diagnosis d JOIN emr.registration g USING (reg_id) WHERE g.visit_type = 'I' AND d.is_main AND d.icd10 IN ('I50.9', 'I50.900')`)), 0.8, 1},
		{"deliveries with a delivery procedure", `SELECT count(DISTINCT p.reg_id) FROM emr.procedure p JOIN emr.diagnosis d ON d.reg_id = p.reg_id AND d.is_main
			WHERE d.icd10 IN ('O80', 'O80.000') AND p.code IN ('10E0XZZ', '73.5900')`,
			float64(count(t, db, `SELECT count(*) FROM emr.diagnosis d JOIN emr.registration g USING (reg_id) WHERE g.visit_type = 'I' AND g.status = 'closed' AND d.is_main AND d.icd10 IN ('O80', 'O80.000')`)), 0.8, 1},
		{"emergency visits with vitals", `SELECT count(*) FROM emr.registration g WHERE g.visit_type = 'E' AND EXISTS (SELECT 1 FROM emr.vital_sign v WHERE v.reg_id = g.reg_id)`,
			float64(count(t, db, `SELECT count(*) FROM emr.registration WHERE visit_type = 'E'`)), 0.99, 1},
		{"abnormal lab results", `SELECT count(*) FROM emr.lab_result WHERE abnormal_flag IN ('H', 'L')`,
			float64(count(t, db, `SELECT count(*) FROM emr.lab_result WHERE abnormal_flag IS NOT NULL`)), 0.05, 0.5},
		{"inpatient stays with hourly-to-4-hourly vitals", `SELECT count(*) FROM emr.registration g WHERE g.visit_type = 'I' AND g.status = 'closed'
			AND (SELECT count(*) FROM emr.vital_sign v WHERE v.reg_id = g.reg_id) >= extract(epoch FROM g.discharge_time - g.admit_time) / 3600 / 5`,
			float64(count(t, db, `SELECT count(*) FROM emr.registration WHERE visit_type = 'I' AND status = 'closed'`)), 0.95, 1},
	}
	for _, s := range shares {
		t.Run(s.name, func(t *testing.T) {
			require.Positive(t, s.of)
			share := float64(count(t, db, s.query)) / s.of
			t.Logf("%s: %.3f", s.name, share)
			assert.GreaterOrEqual(t, share, s.lo)
			assert.LessOrEqual(t, share, s.hi)
		})
	}
}

// readJSONL decodes every line of a JSON lines file.
func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v T
		require.NoError(t, json.Unmarshal(sc.Bytes(), &v), sc.Text())
		out = append(out, v)
	}
	require.NoError(t, sc.Err())
	return out
}

func TestProfiles(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()
	until := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		profile                string
		diagSystems            []string
		procSystems            []string
		minZhNotes, maxZhNotes float64
	}{
		{hospital.ProfileCN, []string{"ICD-10-CN"}, []string{"ICD-9-CM-3"}, 0.7, 1},
		{hospital.ProfileUS, []string{"ICD-10-CM"}, []string{"ICD-10-PCS"}, 0, 0},
		{hospital.ProfileMixed, []string{"ICD-10-CM", "ICD-10-CN"}, []string{"ICD-10-PCS", "ICD-9-CM-3"}, 0.2, 0.6},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			db := newDB(t, c, "profile_"+tt.profile)
			_, err := hospital.Generate(ctx, db, hospital.Options{Patients: 250, Seed: 11, Until: until, Profile: tt.profile})
			require.NoError(t, err)
			assert.Equal(t, tt.diagSystems, strings.Split(text(t, db, `SELECT string_agg(DISTINCT code_system, ',' ORDER BY code_system) FROM emr.diagnosis`), ","))
			assert.Equal(t, tt.procSystems, strings.Split(text(t, db, `SELECT string_agg(DISTINCT code_system, ',' ORDER BY code_system) FROM emr.procedure`), ","))
			zh := float64(count(t, db, `SELECT count(*) FROM emr.clinical_note WHERE language = 'zh'`)) / float64(count(t, db, `SELECT count(*) FROM emr.clinical_note`))
			assert.GreaterOrEqual(t, zh, tt.minZhNotes)
			assert.LessOrEqual(t, zh, tt.maxZhNotes)
			assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.diagnosis WHERE code_system = 'ICD-10-CN' AND icd10 !~ '^[A-Z][0-9]{2}\.[0-9x]{3}(x[0-9]{3})?$'`))
			assert.Zero(t, count(t, db, `SELECT count(*) FROM emr.procedure WHERE code_system = 'ICD-10-PCS' AND code !~ '^[0-9A-HJ-NP-Z]{7}$'`))
		})
	}
	t.Run("an unknown profile is refused", func(t *testing.T) {
		_, err := hospital.Generate(ctx, newDB(t, c, "bad_profile"), hospital.Options{Profile: "fr"})
		assert.Error(t, err)
	})
}

// text runs a query returning one text.
func text(t *testing.T, db *pgxpool.Pool, query string, args ...any) string {
	t.Helper()
	var s string
	require.NoError(t, db.QueryRow(context.Background(), query, args...).Scan(&s), query)
	return s
}

// noteLine is a line of notes.jsonl (or of exam_reports.jsonl).
type noteLine struct {
	NoteID   int64 `json:"note_id"`
	ExamID   int64 `json:"exam_id"`
	Findings []struct {
		Text               string
		Start, End         int
		CharStart          int `json:"char_start"`
		CharEnd            int `json:"char_end"`
		Concept, Assertion string
		Typo, Abbreviation bool
	} `json:"findings"`
}

func TestNoteTruth(t *testing.T) {
	c := pgtest.Start(t)
	for _, rate := range []float64{0, 0.02} {
		t.Run(fmt.Sprintf("typo rate %g", rate), func(t *testing.T) { testNoteTruth(t, c, rate) })
	}
}

// testNoteTruth checks that the findings of notes typed at typo rate rate
// are where notes.jsonl says.
func testNoteTruth(t *testing.T, c *pgcluster.Cluster, rate float64) {
	ctx := context.Background()
	truth := t.TempDir()
	db := newDB(t, c, fmt.Sprintf("notes%d", int(rate*100)))
	_, err := hospital.Generate(ctx, db, hospital.Options{Patients: 300, Seed: 5, Until: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), TruthDir: truth, TypoRate: rate})
	require.NoError(t, err)
	notes := readJSONL[noteLine](t, filepath.Join(truth, "notes.jsonl"))
	require.EqualValues(t, count(t, db, `SELECT count(*) FROM emr.clinical_note`), len(notes))
	checkExamTruth(t, db, truth)
	bodies := textByID(t, db, `SELECT note_id, body FROM emr.clinical_note`)
	assertions := map[string]int{}
	withMain, altered := 0, 0
	for _, n := range notes {
		body, ok := bodies[n.NoteID]
		require.True(t, ok, "note %d", n.NoteID)
		for _, f := range n.Findings {
			require.LessOrEqual(t, f.End, len(body))
			assert.Equal(t, f.Text, body[f.Start:f.End], "note %d", n.NoteID)
			assert.Equal(t, f.Text, string([]rune(body)[f.CharStart:f.CharEnd]), "note %d", n.NoteID)
			assertions[f.Assertion]++
			altered += b2i(f.Typo || f.Abbreviation)
		}
		if len(n.Findings) > 0 {
			withMain++
		}
	}
	t.Logf("assertions: %v; altered by typos or abbreviations: %d", assertions, altered)
	if rate == 0 {
		assert.Zero(t, altered)
	} else {
		assert.Positive(t, altered)
	}
	for _, a := range []string{"present", "absent", "possible", "historical", "family"} {
		assert.Positive(t, assertions[a], a)
	}
	assert.Greater(t, float64(withMain)/float64(len(notes)), 0.95, "notes with findings")
	t.Run("radiology reports state their examination's findings", func(t *testing.T) {
		checkRadiologyTruth(t, db, notes, bodies, rate == 0)
	})
	t.Run("negated chest pain is absent", func(t *testing.T) {
		for _, n := range notes {
			body := bodies[n.NoteID]
			if !strings.Contains(body, "Denies chest pain") && !strings.Contains(body, "否认胸痛") {
				continue
			}
			found := false
			for _, f := range n.Findings {
				found = found || (f.Concept == "chest_pain" && f.Assertion == "absent")
			}
			assert.True(t, found, "note %d: %s", n.NoteID, body)
		}
	})
}

// faultLine is a line of faults.jsonl.
type faultLine struct {
	Kind, Table, Column string
	ID                  int64
}

func TestFaults(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()
	until := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	truth := t.TempDir()
	db := newDB(t, c, "faults")
	stats, err := hospital.Generate(ctx, db, hospital.Options{Patients: 300, Seed: 3, Until: until, TruthDir: truth, FaultRate: 0.03})
	require.NoError(t, err)
	faults := readJSONL[faultLine](t, filepath.Join(truth, "faults.jsonl"))
	assert.EqualValues(t, len(faults), stats.Faults)
	byKind := map[string][]int64{}
	for _, f := range faults {
		byKind[f.Kind] = append(byKind[f.Kind], f.ID)
	}
	t.Logf("faults: %d", len(faults))
	// Each kind's query finds exactly the rows with that fault.
	kinds := []struct{ kind, query string }{
		{"discharge_before_admission", `SELECT reg_id FROM emr.registration WHERE discharge_time < admit_time`},
		{"implausible_height", `SELECT vital_id FROM emr.vital_sign WHERE height_cm > 300`},
		{"missing_vital", `SELECT vital_id FROM emr.vital_sign WHERE spo2 IS NULL`},
		{"missing_unit", `SELECT result_id FROM emr.lab_result r JOIN emr.lab_item i USING (item_id) WHERE r.unit IS NULL AND i.unit IS NOT NULL`},
		{"future_date", `SELECT immunization_id FROM emr.immunization WHERE given_at > $1`},
		{"birth_after_admission", `SELECT patient_id FROM emr.patient p WHERE birth_date > (SELECT min(admit_time) FROM emr.registration g WHERE g.patient_id = p.patient_id)`},
		{"duplicate_registration", `SELECT y.reg_id FROM emr.registration x JOIN emr.registration y ON x.patient_id = y.patient_id
			AND x.admit_time = y.admit_time AND x.reg_id < y.reg_id`},
		{"missing_phone", `SELECT patient_id FROM emr.patient WHERE phone IS NULL AND patient_id = ANY($1)`},
	}
	for _, k := range kinds {
		t.Run(k.kind, func(t *testing.T) {
			var arg any = until
			if k.kind == "missing_phone" {
				arg = byKind[k.kind]
			}
			var args []any
			if strings.Contains(k.query, "$1") {
				args = append(args, arg)
			}
			rows, err := db.Query(ctx, k.query+" ORDER BY 1", args...)
			require.NoError(t, err)
			var got []int64
			for rows.Next() {
				var id int64
				require.NoError(t, rows.Scan(&id))
				got = append(got, id)
			}
			require.NoError(t, rows.Err())
			assert.ElementsMatch(t, byKind[k.kind], got)
		})
	}
	assert.GreaterOrEqual(t, len(byKind), 6, "fault kinds injected")
}

func TestTruthIsDeterministic(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()
	dirs := []string{t.TempDir(), t.TempDir()}
	for i, dir := range dirs {
		opts := hospital.Options{Patients: 150, Seed: 9, Until: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), TruthDir: dir, FaultRate: 0.01}
		_, err := hospital.Generate(ctx, newDB(t, c, fmt.Sprintf("truth%d", i)), opts)
		require.NoError(t, err)
	}
	for _, name := range []string{"notes.jsonl", "episodes.jsonl", "admissions.jsonl", "faults.jsonl", "exam_reports.jsonl"} {
		a, err := os.ReadFile(filepath.Join(dirs[0], name))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(dirs[1], name))
		require.NoError(t, err)
		assert.NotEmpty(t, a, name)
		assert.True(t, bytes.Equal(a, b), "%s differs between runs", name)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
