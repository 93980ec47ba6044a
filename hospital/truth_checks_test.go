package hospital_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkSeverity asserts that every secondary diagnosis of a Chinese-coded
// admission is marked MCC, CC or none, that the stay's class is its
// highest, and that CHS-DRG would split a realistic share of stays by
// complications: about a third of Chinese inpatient stays carry a counting
// CC or MCC.
func checkSeverity(t *testing.T, admissions []admissionLine) {
	t.Helper()
	levels := map[string]int{}
	var cn int
	for _, a := range admissions {
		if a.Principal.System != "ICD-10-CN" {
			continue
		}
		cn++
		want := "none"
		for _, s := range a.Secondary {
			require.Contains(t, []string{"MCC", "CC", "none"}, s.Severity, "reg %d %s", a.RegID, s.Code)
			if s.Severity == "MCC" || s.Severity == "CC" && want == "none" {
				want = s.Severity
			}
		}
		assert.Equal(t, want, a.Severity, "reg %d", a.RegID)
		levels[a.Severity]++
	}
	require.Positive(t, cn)
	share := float64(levels["MCC"]+levels["CC"]) / float64(cn)
	t.Logf("Chinese-coded stays: %d, MCC %d, CC %d, none %d", cn, levels["MCC"], levels["CC"], levels["none"])
	assert.Positive(t, levels["MCC"])
	assert.Positive(t, levels["CC"])
	assert.GreaterOrEqual(t, share, 0.2)
	assert.LessOrEqual(t, share, 0.65)
}

// checkRadiologyTruth asserts that each radiology note has the sections of
// a report and ground truth naming its suspected indication (possible),
// findings present and negated ones (absent), and that uncertain
// incidental findings occur. Typos may alter the headers unless exact.
func checkRadiologyTruth(t *testing.T, db *pgxpool.Pool, notes []noteLine, bodies map[int64]string, exact bool) {
	t.Helper()
	types := textByID(t, db, `SELECT note_id, note_type FROM emr.clinical_note`)
	radiology := 0
	assertions := map[string]int{}
	for _, n := range notes {
		if types[n.NoteID] != "radiology" {
			continue
		}
		radiology++
		body := bodies[n.NoteID]
		headers := []string{"Examination: ", "Clinical indication: ", "Technique: ", "Findings: ", "Impression: "}
		if strings.HasPrefix(body, "检查项目：") {
			headers = []string{"临床诊断：", "检查方法：", "检查所见：", "诊断意见："}
		}
		for _, h := range headers {
			if exact {
				assert.Contains(t, body, h, "note %d", n.NoteID)
			}
		}
		byAssertion := map[string]int{}
		for _, f := range n.Findings {
			byAssertion[f.Assertion]++
			assertions[f.Assertion]++
		}
		assert.Positive(t, byAssertion["possible"], "note %d names its indication as suspected: %s", n.NoteID, body)
		assert.Positive(t, byAssertion["present"]+byAssertion["absent"], "note %d: %s", n.NoteID, body)
	}
	require.Positive(t, radiology)
	assert.EqualValues(t, count(t, db, `SELECT count(*) FROM emr.exam_order WHERE modality <> 'ECG'`), radiology)
	assert.Positive(t, assertions["absent"], "negated findings such as no pneumothorax")
	assert.Greater(t, assertions["possible"], radiology, "uncertain incidental findings beside the indications")
}
