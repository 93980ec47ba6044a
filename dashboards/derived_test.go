package dashboards_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/dashboards"
)

func TestDataQuality(t *testing.T) {
	h := newServer(t, dashboards.Options{Warehouse: openDerived(t, fullDerived)}).Handler()
	rec := get(h, http.MethodGet, "/api/data-quality")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	var got struct {
		Snapshot               string
		Computed               bool
		RunAt                  string `json:"run_at"`
		Checks, Passed, Failed int64
		Categories             []struct {
			Category               string
			Checks, Passed, Failed int64
		}
		Failures []struct {
			CheckID     string `json:"check_id"`
			Category    string
			Table       string
			Field       *string
			PctViolated float64 `json:"pct_violated"`
			Threshold   float64
			Samples     *string `json:"sample_violations"`
		}
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	assert.Equal(t, fixtureSnapshotID, got.Snapshot)
	assert.True(t, got.Computed)
	assert.Equal(t, "2024-03-15T09:00:00Z", got.RunAt)
	assert.Equal(t, [3]int64{6, 3, 3}, [3]int64{got.Checks, got.Passed, got.Failed})
	require.Len(t, got.Categories, 3)
	for i, want := range []struct {
		name                   string
		checks, passed, failed int64
	}{{"Conformance", 3, 2, 1}, {"Completeness", 1, 0, 1}, {"Plausibility", 2, 1, 1}} {
		c := got.Categories[i]
		assert.Equal(t, want.name, c.Category)
		assert.Equal(t, [3]int64{want.checks, want.passed, want.failed}, [3]int64{c.Checks, c.Passed, c.Failed}, want.name)
	}
	require.Len(t, got.Failures, 3, "only the failed checks are listed")
	f := got.Failures
	assert.Equal(t, "isforeignkey_note_visit_occurrence_id", f[0].CheckID, "Conformance first")
	assert.Equal(t, "note", f[0].Table)
	assert.Equal(t, 25.0, f[0].PctViolated)
	assert.Equal(t, 0.0, f[0].Threshold)
	assert.Equal(t, "Completeness", f[1].Category)
	assert.Equal(t, "I21.9; J18.9; K35.8", *f[1].Samples)
	assert.Equal(t, "plausibleduringlife_person", f[2].CheckID)
	assert.Nil(t, f[2].Field, "a table-level check has no field")
}

func TestDataQualityNoChecks(t *testing.T) {
	h := newServer(t, dashboards.Options{Warehouse: openDerived(t, derivedOptions{dqEmpty: true})}).Handler()
	rec := get(h, http.MethodGet, "/api/data-quality")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.JSONEq(t, `{"snapshot": "00000001-20240315T090000Z", "computed": true, "run_at": null,
		"checks": 0, "passed": 0, "failed": 0, "failures": [],
		"categories": [{"category": "Conformance", "checks": 0, "passed": 0, "failed": 0},
			{"category": "Completeness", "checks": 0, "passed": 0, "failed": 0},
			{"category": "Plausibility", "checks": 0, "passed": 0, "failed": 0}]}`, rec.Body.String())
}

func TestCharacterization(t *testing.T) {
	h := newServer(t, dashboards.Options{Warehouse: openDerived(t, fullDerived)}).Handler()
	rec := get(h, http.MethodGet, "/api/characterization")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	// Persons born 1951-1955, odd ids female: aged 69-73 in 2024. Visits:
	// inpatient 5 (persons 1, 2, 3, 5), outpatient 2, emergency 2, one home
	// visit (581476, absent from the concept table). Conditions are unmapped.
	assert.JSONEq(t, `{"snapshot": "00000001-20240315T090000Z", "computed": true, "persons": 5, "age_year": 2024,
		"age_groups": [
			{"age_group": "0-9", "male": 0, "female": 0, "other": 0}, {"age_group": "10-19", "male": 0, "female": 0, "other": 0},
			{"age_group": "20-29", "male": 0, "female": 0, "other": 0}, {"age_group": "30-39", "male": 0, "female": 0, "other": 0},
			{"age_group": "40-49", "male": 0, "female": 0, "other": 0}, {"age_group": "50-59", "male": 0, "female": 0, "other": 0},
			{"age_group": "60-69", "male": 0, "female": 1, "other": 0}, {"age_group": "70-79", "male": 2, "female": 2, "other": 0},
			{"age_group": "80-89", "male": 0, "female": 0, "other": 0}, {"age_group": "90+", "male": 0, "female": 0, "other": 0}],
		"tables": [
			{"table": "visit_occurrence", "records": 10, "persons": 5},
			{"table": "person", "records": 5, "persons": 5},
			{"table": "note", "records": 4, "persons": 3},
			{"table": "condition_occurrence", "records": 3, "persons": 3}],
		"top_concepts": [
			{"domain": "Visit", "table": "visit_occurrence", "concepts": [
				{"concept_id": 9201, "name": "Inpatient Visit", "records": 5, "persons": 4},
				{"concept_id": 9202, "name": "Outpatient Visit", "records": 2, "persons": 2},
				{"concept_id": 9203, "name": "Emergency Room Visit", "records": 2, "persons": 2},
				{"concept_id": 581476, "name": "581476", "records": 1, "persons": 1}]},
			{"domain": "Condition", "table": "condition_occurrence", "concepts": [
				{"concept_id": 0, "name": "No matching concept", "records": 3, "persons": 3}]},
			{"domain": "Note", "table": "note", "concepts": [
				{"concept_id": 32817, "name": "EHR", "records": 4, "persons": 3}]}]}`, rec.Body.String())
}

func TestCharacterizationWithoutConceptTable(t *testing.T) {
	h := newServer(t, dashboards.Options{Warehouse: openDerived(t, derivedOptions{achilles: true})}).Handler()
	rec := get(h, http.MethodGet, "/api/characterization")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var got struct {
		TopConcepts []struct {
			Domain   string
			Concepts []struct{ Name string }
		} `json:"top_concepts"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	require.NotEmpty(t, got.TopConcepts)
	assert.Equal(t, "Visit", got.TopConcepts[0].Domain)
	var names []string
	for _, c := range got.TopConcepts[0].Concepts {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"9201", "9202", "9203", "581476"}, names, "ids stand in for names")

	rec = get(h, http.MethodGet, "/api/data-quality")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.JSONEq(t, `{"snapshot": "00000001-20240315T090000Z", "computed": false}`, rec.Body.String(),
		"Achilles ran but the checks did not")
}

func TestDerivedPanelsOnOlderSnapshot(t *testing.T) {
	h := newServer(t, dashboards.Options{}).Handler() // the OMOP tables only
	for _, path := range []string{"/api/data-quality", "/api/characterization"} {
		rec := get(h, http.MethodGet, path)
		require.Equal(t, http.StatusOK, rec.Code, path)
		assert.JSONEq(t, `{"snapshot": "00000001-20240315T090000Z", "computed": false}`, rec.Body.String(), path)
	}
}

func TestDerivedPanelsWarehouseFailure(t *testing.T) {
	logger, buf := bufferLogger()
	h := newServer(t, dashboards.Options{Warehouse: failingQuerier{}, Logger: logger}).Handler()
	for _, path := range []string{"/api/data-quality", "/api/characterization"} {
		rec := get(h, http.MethodGet, path)
		require.Equal(t, http.StatusInternalServerError, rec.Code, path)
		assert.JSONEq(t, `{"error": "list snapshot tables failed"}`, rec.Body.String(), path)
	}
	assert.Contains(t, buf.String(), "person.parquet")
	for _, path := range []string{"/api/data-quality", "/api/characterization"} {
		rec := get(h, http.MethodPost, path)
		assert.Equal(t, http.StatusMethodNotAllowed, rec.Code, path)
	}
}

// TestDerivedGolden pins the full answers of /api/data-quality and
// /api/characterization over the derived fixture to testdata/; run with
// -update after an intended change.
func TestDerivedGolden(t *testing.T) {
	h := newServer(t, dashboards.Options{Warehouse: openDerived(t, fullDerived)}).Handler()
	for path, file := range map[string]string{
		"/api/data-quality":     "data_quality.golden.json",
		"/api/characterization": "characterization.golden.json",
	} {
		rec := get(h, http.MethodGet, path)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		golden := filepath.Join("testdata", file)
		if *update {
			var pretty bytes.Buffer
			require.NoError(t, json.Indent(&pretty, rec.Body.Bytes(), "", "  "))
			require.NoError(t, os.WriteFile(golden, pretty.Bytes(), 0o644))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "run go test ./dashboards -run TestDerivedGolden -update to create it")
		assert.JSONEq(t, string(want), rec.Body.String(), path)
	}
}
