package transform_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

// TestEMRClinicalIDsStableAcrossBuilds rebuilds the clinical fixture after
// a new vital-sign set, a deleted lab result, a deleted treatment and an
// amended medication order: every row that is still there keeps its id,
// the new values get new ids after every id given before, the deleted rows
// are gone and the charge for the deleted treatment falls back to its visit.
func TestEMRClinicalIDsStableAcrossBuilds(t *testing.T) {
	root := t.TempDir()
	writeClinicalFixture(t, filepath.Join(root, "postgres"))
	store := cdm.NewStore(filepath.Join(root, "cdm"))
	first := build(t, root, store)

	const measurements = `SELECT measurement_id AS id, measurement_source_value AS code, measurement_datetime AS at FROM {t} ORDER BY 1`
	const drugs = `SELECT drug_exposure_id AS id, drug_source_value AS code, drug_type_concept_id AS typ, drug_exposure_start_datetime AS at FROM {t} ORDER BY 1`
	const procedures = `SELECT procedure_occurrence_id AS id, procedure_source_value AS code FROM {t} ORDER BY 1`
	m1 := first.q(t, "measurement", measurements)
	d1 := first.q(t, "drug_exposure", drugs)
	p1 := first.q(t, "procedure_occurrence", procedures)
	maxID := first.q(t, "cdw_id_map", `SELECT max(id) AS id FROM {t}`)[0]["id"].(int64)

	appendChanges(t, filepath.Join(root, "postgres"), bronze.Checkpoint{Position: "0/20"},
		ch(20, 1, bronze.OpCreate, "emr.vital_sign", "[602]", `{"vital_id":602,"reg_id":100,"taken_at":"2026-02-04 10:00:00","heart_rate":90,"recorded_by":8}`),
		ch(20, 2, bronze.OpDelete, "emr.lab_result", "[401]", ""),
		ch(20, 3, bronze.OpDelete, "emr.treatment", "[1300]", ""),
		ch(20, 4, bronze.OpUpdate, "emr.med_order", "[701]", `{"med_order_id":701,"reg_id":100,"patient_id":1,"drug_id":2,"dose":200,"route":"INH","frequency":"Q6H","start_time":"2026-02-01 12:00:00","stop_time":"2026-02-04 12:00:00","doctor_id":7}`),
	)
	second := build(t, root, store)

	m2 := second.q(t, "measurement", measurements)
	for _, row := range m1 {
		if row["id"] == int32(401) {
			assert.NotContains(t, m2, row, "the deleted lab result is gone")
			continue
		}
		assert.Contains(t, m2, row, "an existing measurement keeps its id")
	}
	require.Len(t, m2, len(m1))
	added := second.q(t, "measurement", `SELECT measurement_id::BIGINT AS id, value_as_number::DOUBLE AS v, visit_detail_id AS stay FROM {t} WHERE measurement_datetime = TIMESTAMP '2026-02-04 10:00:00'`)
	require.Len(t, added, 1)
	assert.Greater(t, added[0]["id"].(int64), maxID, "a new value gets an id after every id given before")
	assert.Equal(t, 90.0, added[0]["v"])
	assert.Equal(t, int32(501), added[0]["stay"], "measured in the ICU stay")

	assert.Equal(t, d1, second.q(t, "drug_exposure", drugs), "the amended order keeps its id")
	assert.Equal(t, []map[string]any{{"e": day("2026-02-04")}},
		second.q(t, "drug_exposure", `SELECT drug_exposure_end_date AS e FROM {t} WHERE drug_source_value = 'SAL'`))

	p2 := second.q(t, "procedure_occurrence", procedures)
	assert.Len(t, p2, len(p1)-1)
	for _, row := range p2 {
		assert.Contains(t, p1, row)
		assert.NotEqual(t, "Oxygen therapy", row["code"])
	}
	assert.Equal(t, []map[string]any{{"dom": "Visit", "ev": int32(102)}},
		second.q(t, "cost", `SELECT cost_domain_id AS dom, cost_event_id AS ev FROM {t} WHERE cost_id = 1506`),
		"the charge of a deleted treatment is the visit's")
}
