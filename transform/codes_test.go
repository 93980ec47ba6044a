package transform

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
)

// mappedConn replays WriteCodedBronze's hospital onto a fresh connection,
// loads the vocabulary from vocabDir (the starter when it has none) and
// runs the EMR's core mappings, diagnoses included, as Build does.
func mappedConn(t *testing.T, vocabDir string) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	WriteCodedBronze(t, filepath.Join(dir, "bronze"))
	set, err := bronze.ReadSet(filepath.Join(dir, "bronze"))
	require.NoError(t, err)
	db, err := openDuckDB(Options{Threads: 1}, t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = loadSources(ctx, conn, set, replayPlan{})
	require.NoError(t, err)
	require.NoError(t, loadFHIR(ctx, conn, set, cdm.NewStore(filepath.Join(dir, "cdm"))))
	require.NoError(t, loadCodeMap(ctx, conn, vocabDir))
	for _, name := range []string{"location", "care_site", "provider", "person", "visit_occurrence", "observation_period",
		"condition_occurrence", "measurement", "observation", "procedure_occurrence", "note"} {
		ddl, err := cdm.DDL("", name)
		require.NoError(t, err)
		_, err = conn.ExecContext(ctx, ddl)
		require.NoError(t, err)
	}
	for _, mp := range mappings {
		_, err := conn.ExecContext(ctx, strings.ReplaceAll(mp.insert, "%[1]s", "2026-03-01"))
		require.NoError(t, err, mp.table)
	}
	return conn
}

func rowsOf(t *testing.T, conn *sql.Conn, q string, args ...any) [][]any {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), q, args...)
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		out = append(out, vals)
	}
	require.NoError(t, rows.Err())
	return out
}

// TestCodeMapContract checks the code_map rows other mappings rely on: one
// row per (vocabulary_id, source_code); the Chinese-edition code through its
// parent; unit spellings; local codes through the hospital's map, a
// standard target preferred to a classification.
func TestCodeMapContract(t *testing.T) {
	conn := mappedConn(t, WriteVocabulary(t))
	dups := rowsOf(t, conn, "SELECT vocabulary_id, source_code FROM "+CodeMapTable+" GROUP BY ALL HAVING count(*) > 1")
	assert.Empty(t, dups, "one row per code")
	tests := []struct {
		vocab, code    string
		source, target int64
		domain         any
	}{
		{"ICD10", "I21.0", ConceptICD10I210, ConceptAMI, "Condition"},
		{"ICD10CN", "K22.3", ConceptICD10CNK223, ConceptOesophagus, "Condition"},
		{"ICD10CN", "K22.301", 0, ConceptOesophagus, "Condition"},
		{"ICD10CN", "Z51.100x001", 0, ConceptChemo, "Procedure"}, // through WHO ICD10 Z51.1
		{"ICD10CM", "I10", ConceptICD10CMI10, ConceptHypertension, "Condition"},
		{"ICD10CM", "E11.9", ConceptICD10CME119, ConceptDiabetes, "Condition"},
		{"LOINC", "2345-7", ConceptGlucose, ConceptGlucose, "Measurement"},
		{"RxNorm", "1191", ConceptAspirin, ConceptAspirin, "Drug"},
		{"ATC", "B01AC06", ConceptATCAspirin, 0, nil},
		{"UCUM", "mm[Hg]", ConceptMmHg, ConceptMmHg, "Unit"},
		{"UCUM", "mmHg", ConceptMmHg, ConceptMmHg, "Unit"},
		{"UCUM", "mmol/L", ConceptMmolL, ConceptMmolL, "Unit"},
		{"LAB", "L001", 0, ConceptGlucose, "Measurement"},
		{"LAB", "L404", 0, 0, nil},
		{"DRUG", "D001", 0, ConceptAspirin, "Drug"},
		{"DIAG", "E11.9", 0, ConceptDiabetes, "Condition"},
	}
	for _, tt := range tests {
		t.Run(tt.vocab+"/"+tt.code, func(t *testing.T) {
			got := rowsOf(t, conn, "SELECT source_concept_id::BIGINT, concept_id::BIGINT, domain_id FROM "+CodeMapTable+" WHERE vocabulary_id = ? AND source_code = ?", tt.vocab, tt.code)
			require.Len(t, got, 1)
			assert.Equal(t, []any{tt.source, tt.target, tt.domain}, got[0])
		})
	}
	none := rowsOf(t, conn, "SELECT count(*) FROM "+CodeMapTable+" WHERE vocabulary_id = 'ICD10CN' AND source_code = 'X99.999'")
	assert.Equal(t, int64(0), none[0][0], "a code without a mapped parent gets no fallback row")
}

// TestUnmappedCodesAreCounted counts the unmapped diagnosis code of two
// patients once, with its vocabulary, a name and its records and persons.
func TestUnmappedCodesAreCounted(t *testing.T) {
	conn := mappedConn(t, WriteVocabulary(t))
	total, err := countUnmapped(context.Background(), conn)
	require.NoError(t, err)
	got := rowsOf(t, conn, "SELECT * FROM "+UnmappedTable)
	require.Len(t, got, 1, "every other code, gender and visit type included, is mapped")
	assert.Equal(t, []any{"condition_occurrence", "condition_source_value", "ICD10CN", "X99.999"}, got[0][:4])
	assert.Contains(t, []any{"未知病", "未知疾病"}, got[0][4])
	assert.Equal(t, []any{int64(2), int64(2)}, got[0][5:])
	assert.Equal(t, int64(2), total)

	cols := rowsOf(t, conn, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", UnmappedTable)
	assert.Equal(t, [][]any{{"source_table", "VARCHAR"}, {"source_column", "VARCHAR"}, {"vocabulary_id", "VARCHAR"}, {"source_code", "VARCHAR"},
		{"source_name", "VARCHAR"}, {"records", "BIGINT"}, {"persons", "BIGINT"}}, cols)
}

// TestStarterVocabularyWhenNoneIsLoaded builds with an empty vocabulary
// directory: the starter vocabulary maps the hospital's codes.
func TestStarterVocabularyWhenNoneIsLoaded(t *testing.T) {
	conn := mappedConn(t, t.TempDir())
	n := rowsOf(t, conn, "SELECT count(*) FROM concept")
	assert.Positive(t, n[0][0])
	for _, tt := range []struct{ vocab, code string }{{"UCUM", "mmHg"}, {"UCUM", "mmol/L"}, {"ICD10CN", "I21.001"}} {
		got := rowsOf(t, conn, "SELECT concept_id FROM "+CodeMapTable+" WHERE vocabulary_id = ? AND source_code = ?", tt.vocab, tt.code)
		require.Len(t, got, 1, tt.code)
		assert.NotZero(t, got[0][0], tt.code)
	}
	for _, table := range []string{"concept_ancestor", "drug_strength"} {
		got := rowsOf(t, conn, "SELECT count(*) FROM "+table)
		assert.Len(t, got, 1, "%s exists, empty or not", table)
	}
}

// TestSourceToConceptMapFromLocalCodeMap builds SOURCE_TO_CONCEPT_MAP from
// the hospital's local code map: local system and code, the lab item's or
// drug's name, the standard target (0 and vocabulary None for an ATC class
// or a code the vocabulary lacks) and its validity.
func TestSourceToConceptMapFromLocalCodeMap(t *testing.T) {
	conn := mappedConn(t, WriteVocabulary(t))
	got := rowsOf(t, conn, `SELECT source_vocabulary_id, source_code, source_concept_id::BIGINT, source_code_description,
		target_concept_id::BIGINT, target_vocabulary_id, valid_start_date::VARCHAR, valid_end_date::VARCHAR, invalid_reason
		FROM source_to_concept_map ORDER BY 1, 2, 5`)
	assert.Equal(t, [][]any{
		{"DIAG", "E11.9", int64(0), nil, int64(ConceptDiabetes), "SNOMED", "2007-10-01", "2099-12-31", nil},
		{"DRUG", "D001", int64(0), "Aspirin 100 mg", int64(0), "None", "1970-01-01", "2099-12-31", nil},
		{"DRUG", "D001", int64(0), "Aspirin 100 mg", int64(ConceptAspirin), "RxNorm", "1970-01-01", "2099-12-31", nil},
		{"LAB", "L001", int64(0), "Glucose", int64(ConceptGlucose), "LOINC", "1970-01-01", "2099-12-31", nil},
		{"LAB", "L404", int64(0), nil, int64(0), "None", "1970-01-01", "2099-12-31", nil},
	}, got)
	cols := rowsOf(t, conn, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'source_to_concept_map' ORDER BY ordinal_position")
	table, ok := cdm.Lookup("source_to_concept_map")
	require.True(t, ok)
	require.Len(t, cols, len(table.Columns))
	for i, c := range table.Columns {
		assert.Equal(t, []any{c.Name, c.DuckDBType()}, cols[i])
	}
}
