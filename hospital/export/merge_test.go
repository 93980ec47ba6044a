package export_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/hospital/export"
	"github.com/cdw-dev/cdw/internal/hl7v2"
)

// TestExportMerges exports a hospital whose generated history has patient
// merges, and one more made by the live hospital.
func TestExportMerges(t *testing.T) {
	db := newHospital(t, 1000)
	ctx := context.Background()
	generated := count(t, db, "SELECT count(*) FROM emr.patient_merge")
	t.Logf("%d generated merges", generated)
	assert.Positive(t, generated, "0.3% of 1000 patients")
	live := hospital.NewLive(db, hospital.LiveOptions{Seed: 4})
	op, err := live.Do(ctx, hospital.OpMergePatients)
	require.NoError(t, err)
	require.Equal(t, hospital.OpMergePatients, op.Kind)
	require.EqualValues(t, generated+1, count(t, db, "SELECT count(*) FROM emr.patient_merge"))

	t.Run("HL7 ADT^A40", func(t *testing.T) {
		var buf bytes.Buffer
		_, err := export.HL7(ctx, db, &buf, export.HL7Options{CreatedAt: txTime})
		require.NoError(t, err)
		f, err := hl7v2.ParseFile(buf.Bytes())
		require.NoError(t, err)
		var got []string
		for _, m := range f.Messages() {
			if m.Type().String() == "ADT^A40" {
				assert.Equal(t, "ADT_A39", m.Get("MSH-9.3"))
				assert.Equal(t, m.Get("MSH-7"), m.Get("EVN-2"))
				got = append(got, m.Get("MRG-1.1")+" "+m.Get("PID-3.1")+" "+m.Get("EVN-2")[:14])
			}
		}
		assert.ElementsMatch(t, sqlStrings(t, db, `SELECT m.merged_mrn || ' ' || p.mrn || ' ' || to_char(m.merged_at, 'YYYYMMDDHH24MISS')
			FROM emr.patient_merge m JOIN emr.patient p ON p.patient_id = m.surviving_patient_id`), got)
	})
	t.Run("FHIR Patient links", func(t *testing.T) {
		dir := t.TempDir()
		_, err := export.FHIR(ctx, db, dir, export.FHIROptions{TransactionTime: txTime})
		require.NoError(t, err)
		links := map[string]string{} // "id type" -> other
		active := map[string]bool{}
		forEachLine(t, filepath.Join(dir, "Patient.ndjson"), func(p map[string]any) {
			id := p["id"].(string)
			if a, ok := p["active"].(bool); ok {
				active[id] = a
			}
			ls, _ := p["link"].([]any)
			for _, l := range ls {
				l := l.(map[string]any)
				links[id+" "+l["type"].(string)] = l["other"].(map[string]any)["reference"].(string)
			}
		})
		rows := sqlStrings(t, db, `SELECT surviving_patient_id || ' ' || merged_patient_id FROM emr.patient_merge`)
		for _, r := range rows {
			var keep, merged string
			_, err := fmt.Sscan(r, &keep, &merged)
			require.NoError(t, err)
			assert.Equal(t, "Patient/"+keep, links[merged+" replaced-by"], r)
			assert.Equal(t, "Patient/"+merged, links[keep+" replaces"], r)
			assert.False(t, active[merged], r)
		}
	})
	t.Run("FHIR and HL7 exports stay valid", func(t *testing.T) {
		testFHIR(t, db)
		testHL7(t, db)
	})
}

// forEachLine calls fn with each JSON object of an NDJSON file.
func forEachLine(t *testing.T, path string, fn func(map[string]any)) {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m))
		fn(m)
	}
	require.NoError(t, sc.Err())
}
