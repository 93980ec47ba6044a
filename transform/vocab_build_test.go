package transform_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/transform"
)

// TestBuildMapsDiagnosesThroughTheVocabulary builds a hospital's diagnoses
// against a vocabulary loaded with vocab.Load: each lands in the table of
// its standard concept's domain with that concept, the Chinese-edition code
// through its parent, the unmapped one with concept 0 and its source value;
// SOURCE_TO_CONCEPT_MAP, built from the hospital's local code map, is
// published with the snapshot.
func TestBuildMapsDiagnosesThroughTheVocabulary(t *testing.T) {
	dir := t.TempDir()
	transform.WriteCodedBronze(t, filepath.Join(dir, "bronze"))
	opts := transform.Options{BronzeDir: filepath.Join(dir, "bronze"), Store: cdm.NewStore(filepath.Join(dir, "cdm")),
		VocabDir: transform.WriteVocabulary(t), Now: func() time.Time { return at }}
	res, err := transform.Build(context.Background(), opts)
	require.NoError(t, err)

	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	path := func(table string) string { p, ok := res.Snapshot.Path(table); require.True(t, ok, table); return p }

	cond := query(t, db, fmt.Sprintf(`SELECT condition_occurrence_id AS id, person_id AS p, condition_concept_id AS c, condition_source_concept_id AS sc,
		condition_source_value AS code FROM read_parquet('%s') ORDER BY 1`, path("condition_occurrence")))
	assert.Equal(t, []map[string]any{
		{"id": int32(2001), "p": int32(1), "c": int32(transform.ConceptAMI), "sc": int32(transform.ConceptICD10I210), "code": "I21.0"},
		{"id": int32(2002), "p": int32(1), "c": int32(transform.ConceptOesophagus), "sc": int32(0), "code": "K22.301"},
		{"id": int32(2006), "p": int32(1), "c": int32(0), "sc": int32(0), "code": "X99.999"},
		{"id": int32(2007), "p": int32(2), "c": int32(0), "sc": int32(0), "code": "X99.999"},
		{"id": int32(2008), "p": int32(2), "c": int32(transform.ConceptHypertension), "sc": int32(transform.ConceptICD10CMI10), "code": "I10"},
		{"id": int32(2009), "p": int32(2), "c": int32(transform.ConceptDiabetes), "sc": int32(0), "code": "E11.9"},
	}, cond, "I21.0 maps to its Condition target, K22.301 through its parent K22.3, E11.9 through the local DIAG map")

	ids := map[string]int64{}
	for _, r := range query(t, db, fmt.Sprintf(`SELECT source_key, id FROM read_parquet('%s') WHERE kind = 'emr.diagnosis'`, path(transform.IDMapTable))) {
		ids[r["source_key"].(string)] = r["id"].(int64)
	}
	require.Len(t, ids, 4, "the diagnoses routed out of CONDITION_OCCURRENCE, 2010 (no visit) included, and no other get an id from the id map")
	for table, want := range map[string]struct {
		prefix, key, code string
		concept, source   int32
	}{
		"measurement":          {"measurement", "2003", "R77.1", transform.ConceptGlobulin, transform.ConceptICD10R771},
		"observation":          {"observation", "2004", "Z99.2", transform.ConceptDialysis, transform.ConceptICD10Z992},
		"procedure_occurrence": {"procedure", "2005", "Z51.1", transform.ConceptChemo, transform.ConceptICD10Z511},
	} {
		got := query(t, db, fmt.Sprintf(`SELECT %[1]s_id AS id, person_id AS p, %[2]s_concept_id AS c, %[2]s_source_concept_id AS sc, %[2]s_source_value AS code,
			visit_occurrence_id AS v, %[2]s_type_concept_id AS ty FROM read_parquet('%[3]s')`, table, want.prefix, path(table)))
		assert.Equal(t, []map[string]any{{"id": int32(ids[want.key]), "p": int32(1), "c": want.concept, "sc": want.source, "code": want.code, "v": int32(100), "ty": int32(32817)}}, got, table)
		assert.GreaterOrEqual(t, ids[want.key], int64(1_000_000_000), "a routed diagnosis's id cannot clash with an EMR row's own id")
	}

	stcm := query(t, db, fmt.Sprintf(`SELECT source_vocabulary_id AS sv, source_code AS code, target_concept_id AS c FROM read_parquet('%s')
		WHERE target_concept_id <> 0 ORDER BY sv, code`, path("source_to_concept_map")))
	assert.Equal(t, []map[string]any{
		{"sv": "DIAG", "code": "E11.9", "c": int32(transform.ConceptDiabetes)},
		{"sv": "DRUG", "code": "D001", "c": int32(transform.ConceptAspirin)},
		{"sv": "LAB", "code": "L001", "c": int32(transform.ConceptGlucose)},
	}, stcm, "SOURCE_TO_CONCEPT_MAP is published from the hospital's local map")

	again, err := transform.Build(context.Background(), opts)
	require.NoError(t, err)
	p, ok := again.Snapshot.Path("measurement")
	require.True(t, ok)
	kept := query(t, db, fmt.Sprintf(`SELECT measurement_id AS id FROM read_parquet('%s')`, p))
	assert.Equal(t, []map[string]any{{"id": int32(ids["2003"])}}, kept, "a routed diagnosis keeps its id in the next build")
}
