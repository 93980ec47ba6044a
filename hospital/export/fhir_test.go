package export_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/hospital/export"
)

func testFHIR(t *testing.T, db *pgxpool.Pool) {
	ctx := context.Background()
	dirA, dirB := t.TempDir(), t.TempDir()
	opts := export.FHIROptions{TransactionTime: txTime}
	stats, err := export.FHIR(ctx, db, dirA, opts)
	require.NoError(t, err)
	_, err = export.FHIR(ctx, db, dirB, opts)
	require.NoError(t, err)
	t.Logf("FHIR: %d resources in %v: %v", stats.Resources, stats.Duration, stats.Counts)

	t.Run("every resource is structurally valid and every reference resolves", func(t *testing.T) {
		v := newValidator()
		for typ := range stats.Counts {
			v.file(t, filepath.Join(dirA, typ+".ndjson"), typ)
		}
		v.resolve(t)
		assert.Equal(t, stats.Counts, v.counts)
	})
	t.Run("counts equal the EMR's rows", func(t *testing.T) { checkFHIRCounts(t, db, stats.Counts) })
	t.Run("manifest lists every file", func(t *testing.T) { checkManifest(t, dirA, stats) })
	t.Run("exports are byte-identical", func(t *testing.T) {
		files, err := os.ReadDir(dirA)
		require.NoError(t, err)
		for _, f := range files {
			a, err := os.ReadFile(filepath.Join(dirA, f.Name()))
			require.NoError(t, err)
			b, err := os.ReadFile(filepath.Join(dirB, f.Name()))
			require.NoError(t, err)
			assert.True(t, string(a) == string(b), f.Name())
		}
	})
}

// checkFHIRCounts compares resource counts with SQL counts over the EMR.
func checkFHIRCounts(t *testing.T, db *pgxpool.Pool, counts map[string]int64) {
	want := map[string]string{
		"Patient": "emr.patient", "Encounter": "emr.registration", "Condition": "emr.diagnosis",
		"DocumentReference": "emr.clinical_note", "Procedure": "emr.procedure", "MedicationRequest": "emr.med_order", "MedicationAdministration": "emr.med_admin",
		"AllergyIntolerance": "emr.allergy", "Immunization": "emr.immunization",
	}
	for typ, table := range want {
		if !tableExists(t, db, strings.TrimPrefix(table, "emr.")) {
			continue
		}
		want := count(t, db, "SELECT count(*) FROM "+table)
		if typ == "Patient" && tableExists(t, db, "patient_merge") {
			want += count(t, db, "SELECT count(*) FROM emr.patient_merge") // merged records, inactive
		}
		assert.Equal(t, want, counts[typ], typ)
	}
	var obs int64
	if tableExists(t, db, "vital_sign") {
		obs += count(t, db, `SELECT coalesce(sum(num_nonnulls(heart_rate, resp_rate, temperature_c, spo2, gcs, height_cm, weight_kg)
			+ CASE WHEN sbp IS NULL AND dbp IS NULL THEN 0 ELSE 1 END), 0) FROM emr.vital_sign`)
	}
	if tableExists(t, db, "lab_result") {
		obs += count(t, db, "SELECT count(*) FROM emr.lab_result")
	}
	assert.Equal(t, obs, counts["Observation"], "Observation")
}

// checkManifest reads export.json and compares it with the stats.
func checkManifest(t *testing.T, dir string, stats export.FHIRStats) {
	data, err := os.ReadFile(filepath.Join(dir, export.ManifestName))
	require.NoError(t, err)
	var m struct {
		TransactionTime string `json:"transactionTime"`
		Request         string `json:"request"`
		Output          []struct {
			Type, URL string
			Count     int64
		} `json:"output"`
	}
	require.NoError(t, json.Unmarshal(data, &m))
	assert.Equal(t, "2025-06-01T12:00:00.000Z", m.TransactionTime)
	got := map[string]int64{}
	for _, o := range m.Output {
		got[o.Type] = o.Count
		assert.Equal(t, o.Type+".ndjson", o.URL)
		assert.FileExists(t, filepath.Join(dir, o.URL))
	}
	assert.Equal(t, stats.Counts, got)
}

// validator checks the R4 required elements of each resource and collects
// ids and references.
type validator struct {
	ids    map[string]bool
	refs   map[string]string // reference -> resource naming it
	counts map[string]int64
}

func newValidator() *validator {
	return &validator{ids: map[string]bool{}, refs: map[string]string{}, counts: map[string]int64{}}
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)

// file validates every line of an NDJSON file of resources of type typ.
func (v *validator) file(t *testing.T, path, typ string) {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for line := 1; sc.Scan(); line++ {
		var r map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), "%s:%d", path, line)
		id, _ := r["id"].(string)
		key := typ + "/" + id
		assert.Equal(t, typ, r["resourceType"], key)
		assert.Regexp(t, idPattern, id, key)
		assert.False(t, v.ids[key], "duplicate %s", key)
		v.ids[key] = true
		v.counts[typ]++
		assert.NotEmpty(t, get(r, "meta.lastUpdated"), key)
		for _, p := range required[typ] {
			assert.NotEmpty(t, get(r, p), "%s lacks %s", key, p)
		}
		if check := checks[typ]; check != nil {
			check(t, key, r)
		}
		collectRefs(r, func(ref string) { v.refs[ref] = key })
	}
	require.NoError(t, sc.Err())
}

// resolve asserts that every collected reference names an exported resource.
func (v *validator) resolve(t *testing.T) {
	assert.NotEmpty(t, v.refs)
	for ref, from := range v.refs {
		assert.True(t, v.ids[ref], "%s references %s, which is not in the export", from, ref)
	}
}

// required lists, per resource type, the elements R4 requires (and those
// the export promises), as dotted paths; a list index is written as 0.
var required = map[string][]string{
	"Patient":                  {"identifier.0.system", "identifier.0.value", "name.0.text", "gender", "birthDate"},
	"Encounter":                {"status", "class.code", "class.system", "subject.reference", "period.start"},
	"Condition":                {"subject.reference", "encounter.reference", "code.coding.0.system", "code.coding.0.code"},
	"DocumentReference":        {"status", "content.0.attachment.data", "content.0.attachment.contentType", "content.0.attachment.language", "subject.reference", "type.coding.0.code"},
	"Observation":              {"status", "code.coding.0.code", "code.coding.0.system", "category.0.coding.0.code", "subject.reference", "encounter.reference", "effectiveDateTime"},
	"Procedure":                {"status", "subject.reference", "code.coding.0.code", "code.coding.0.system"},
	"MedicationRequest":        {"status", "intent", "medicationCodeableConcept.coding.0.code", "subject.reference"},
	"MedicationAdministration": {"status", "medicationCodeableConcept.coding.0.code", "subject.reference", "effectiveDateTime", "request.reference"},
	"AllergyIntolerance":       {"patient.reference", "code.text"},
	"Immunization":             {"status", "vaccineCode.coding.0.code", "patient.reference", "occurrenceDateTime"},
}

// statuses are the R4 required value sets of status elements.
var statuses = map[string][]string{
	"Encounter":                {"planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown"},
	"DocumentReference":        {"current", "superseded", "entered-in-error"},
	"Observation":              {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"},
	"Procedure":                {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed", "entered-in-error", "unknown"},
	"MedicationRequest":        {"active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown"},
	"Immunization":             {"completed", "entered-in-error", "not-done"},
	"MedicationAdministration": {"in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped", "unknown"},
}

// noteLOINC are the LOINC document types of the EMR's note types.
var noteLOINC = map[string]string{
	"admission": "34117-2", "progress": "11506-3", "discharge": "18842-5", "outpatient": "34108-1",
	"emergency": "34111-1", "operative": "11504-8", "radiology": "18748-4",
}

// checks are further per-type assertions.
var checks = map[string]func(t *testing.T, key string, r map[string]any){
	"DocumentReference": func(t *testing.T, key string, r map[string]any) {
		assert.Equal(t, export.NoteContentType, get(r, "content.0.attachment.contentType"), key)
		text, err := base64.StdEncoding.DecodeString(get(r, "content.0.attachment.data").(string))
		assert.NoError(t, err, key)
		assert.NotEmpty(t, text, key)
		assert.Equal(t, "http://loinc.org", get(r, "type.coding.0.system"), key)
		assert.Equal(t, noteLOINC[get(r, "type.text").(string)], get(r, "type.coding.0.code"), "%s of type %v", key, get(r, "type.text"))
	},
	"Observation": func(t *testing.T, key string, r map[string]any) {
		hasValue := get(r, "valueQuantity.value") != nil || get(r, "valueString") != nil || get(r, "component.0.valueQuantity.value") != nil
		assert.True(t, hasValue, "%s has no value", key)
		if get(r, "category.0.coding.0.code") == "vital-signs" {
			assert.Equal(t, "http://loinc.org", get(r, "code.coding.0.system"), key)
		}
	},
}

func init() {
	for typ, values := range statuses {
		prev := checks[typ]
		checks[typ] = func(t *testing.T, key string, r map[string]any) {
			assert.Contains(t, values, get(r, "status"), key)
			if prev != nil {
				prev(t, key, r)
			}
		}
	}
}

// get follows a dotted path through decoded JSON; nil when absent.
func get(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			if p != "0" || len(x) == 0 {
				return nil
			}
			v = x[0]
		default:
			return nil
		}
	}
	return v
}

// collectRefs calls fn with every literal reference in v.
func collectRefs(v any, fn func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "reference" {
				fn(s)
			}
			collectRefs(e, fn)
		}
	case []any:
		for _, e := range x {
			collectRefs(e, fn)
		}
	}
}
