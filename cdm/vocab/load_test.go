package vocab

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleDir is the shared OMOP vocabulary sample, relative to this package.
const sampleDir = "../../../shared/reference/omop/vocab-sample"

func TestLoadSharedSample(t *testing.T) {
	if _, err := os.Stat(sampleDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared vocabulary sample missing: %v", err)
		}
		t.Skipf("shared vocabulary sample missing: %v", err)
	}
	out := filepath.Join(t.TempDir(), "vocab")
	var progressed []string
	res, err := Load(context.Background(), LoadOptions{Dir: sampleDir, Out: out,
		Progress: func(table string, rows int64) { progressed = append(progressed, table) }})
	require.NoError(t, err)

	files, err := filepath.Glob(filepath.Join(sampleDir, "*.csv"))
	require.NoError(t, err)
	require.Len(t, res.Tables, len(files))
	assert.Equal(t, "concept", res.Tables[0].Table)
	assert.ElementsMatch(t, []string{"concept_ancestor", "concept_synonym", "drug_strength"}, res.Missing)
	assert.Len(t, progressed, 2*len(files), "progress at start and end of each table")

	db := openDuckDB(t)
	for _, f := range files {
		name := strings.ToLower(strings.TrimSuffix(filepath.Base(f), ".csv"))
		t.Run(name, func(t *testing.T) {
			tr, ok := res.Table(name)
			require.True(t, ok)
			want := dataLines(t, f)
			assert.Equal(t, want, tr.Rows)
			assert.Zero(t, tr.Rejected, "rejects: %+v", tr.Rejects)
			pq := filepath.Join(out, name+".parquet")
			assert.Equal(t, want, countRows(t, db, pq))
			assertDDLSchema(t, name, describe(t, db, pq))
		})
	}
	assertNoStaging(t, out)
}

// assertDDLSchema checks that cols are the named table's DDL columns, in
// order, with the types DuckDB gives the DDL's declarations.
func assertDDLSchema(t *testing.T, table string, cols []column) {
	t.Helper()
	ddl, ok := cdm.Lookup(table)
	require.True(t, ok)
	want := make([]column, len(ddl.Columns))
	for i, c := range ddl.Columns {
		want[i] = column{Name: c.Name, Type: c.DuckDBType()}
	}
	assert.Equal(t, want, cols)
}

// athenaFixture is a small Athena-style download: tab-separated, unquoted,
// YYYYMMDD dates, file names in Athena's and other cases.
func athenaFixture() map[string]string {
	return map[string]string{
		"CONCEPT.csv": "concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tstandard_concept\tconcept_code\tvalid_start_date\tvalid_end_date\tinvalid_reason\n" +
			"201826\tType 2 diabetes mellitus\tCondition\tSNOMED\tClinical Finding\tS\t44054006\t19700101\t20991231\t\n" +
			"3004410\tHemoglobin A1c \"total\" in Blood\tMeasurement\tLOINC\tLab Test\tS\t4548-4\t19700101\t20991231\t\n" +
			"45552352\tE11\tCondition\tICD10CM\t3-char billing code\t\tE11\t20070101\t20991231\t\n" + // line 4
			"99\ttoo few columns\tCondition\n" + // line 5: malformed
			"100\tbad date\tCondition\tSNOMED\tClinical Finding\tS\t1\t2020133\t20991231\t\n" + // line 6: malformed
			"8507\tMALE\tGender\tGender\tGender\tS\tM\t19700101\t20991231\t\n",
		"concept_relationship.CSV": "concept_id_1\tconcept_id_2\trelationship_id\tvalid_start_date\tvalid_end_date\tinvalid_reason\n" +
			"45552352\t201826\tMaps to\t20070101\t20991231\t\n",
		"Concept_Synonym.csv": "concept_id\tconcept_synonym_name\tlanguage_concept_id\n" +
			"201826\tT2DM \"adult onset\"\t4180186\n",
		"DRUG_STRENGTH.csv": "drug_concept_id\tingredient_concept_id\tamount_value\tamount_unit_concept_id\tnumerator_value\tnumerator_unit_concept_id\tdenominator_value\tdenominator_unit_concept_id\tbox_size\tvalid_start_date\tvalid_end_date\tinvalid_reason\n" +
			"19078461\t1503297\t500\t8576\t\t\t\t\t\t20050101\t20991231\t\n",
		"README.txt": "not a vocabulary table\n",
	}
}

func TestLoadAthenaTSV(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "athena")
	writeFiles(t, dir, athenaFixture())
	out := filepath.Join(t.TempDir(), "vocab")

	res, err := Load(context.Background(), LoadOptions{Dir: dir, Out: out})
	require.NoError(t, err)

	got := map[string][2]int64{}
	for _, tr := range res.Tables {
		got[tr.Table] = [2]int64{tr.Rows, tr.Rejected}
	}
	assert.Equal(t, map[string][2]int64{
		"concept": {4, 2}, "concept_relationship": {1, 0}, "concept_synonym": {1, 0}, "drug_strength": {1, 0},
	}, got)
	assert.Equal(t, int64(2), res.Rejected())
	assert.Equal(t, int64(7), res.Rows())

	concept, _ := res.Table("concept")
	require.Len(t, concept.Rejects, 2)
	assert.Equal(t, []int64{5, 6}, []int64{concept.Rejects[0].Line, concept.Rejects[1].Line})
	for _, rj := range concept.Rejects {
		assert.Equal(t, filepath.Join(dir, "CONCEPT.csv"), rj.File)
		assert.NotEmpty(t, rj.Reason)
	}
	assert.Contains(t, concept.Rejects[0].Text, "too few columns")
	assert.Contains(t, concept.Rejects[0].Reason, "Expected Number of Columns: 10 Found: 3")
	assert.Contains(t, concept.Rejects[1].Reason, "valid_start_date")

	db := openDuckDB(t)
	var name string
	var start time.Time
	var std *string
	require.NoError(t, db.QueryRow(`SELECT concept_name, valid_start_date, standard_concept FROM read_parquet(`+
		literal(filepath.Join(out, "concept.parquet"))+`) WHERE concept_id = 3004410`).Scan(&name, &start, &std))
	assert.Equal(t, `Hemoglobin A1c "total" in Blood`, name)
	assert.Equal(t, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), start.UTC())
	require.NotNil(t, std)
	assert.Equal(t, "S", *std)
	require.NoError(t, db.QueryRow(`SELECT concept_synonym_name FROM read_parquet(`+
		literal(filepath.Join(out, "concept_synonym.parquet"))+`)`).Scan(&name))
	assert.Equal(t, `T2DM "adult onset"`, name)

	for _, tr := range res.Tables {
		assertDDLSchema(t, tr.Table, describe(t, db, filepath.Join(out, tr.Table+".parquet")))
	}
}

func TestLoadFailureKeepsPrevious(t *testing.T) {
	base := t.TempDir()
	good := filepath.Join(base, "good")
	writeFiles(t, good, athenaFixture())
	out := filepath.Join(base, "data", "vocab")
	_, err := Load(context.Background(), LoadOptions{Dir: good, Out: out})
	require.NoError(t, err)
	before := snapshotDir(t, out)

	bad := filepath.Join(base, "bad")
	files := athenaFixture()
	files["concept_relationship.CSV"] = "concept_id_1\tconcept_id_2\trelationship\n1\t2\tMaps to\n"
	files["CONCEPT.csv"] = "concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tstandard_concept\tconcept_code\tvalid_start_date\tvalid_end_date\tinvalid_reason\n" +
		"1\tonly\tCondition\tSNOMED\tClinical Finding\tS\t1\t19700101\t20991231\t\n"
	writeFiles(t, bad, files)
	_, err = Load(context.Background(), LoadOptions{Dir: bad, Out: out})
	require.ErrorIs(t, err, ErrBadHeader)
	assert.Equal(t, before, snapshotDir(t, out), "the previous vocabulary is intact")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Load(ctx, LoadOptions{Dir: good, Out: out})
	require.Error(t, err)
	assert.Equal(t, before, snapshotDir(t, out), "a cancelled load keeps the previous vocabulary")

	assertNoStaging(t, out)
}

// snapshotDir maps each file under dir to its content.
func snapshotDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = string(b)
	}
	require.NotEmpty(t, out)
	return out
}

func TestLoadRefuses(t *testing.T) {
	noConcept := t.TempDir()
	writeFiles(t, noConcept, map[string]string{"DOMAIN.csv": "domain_id\tdomain_name\tdomain_concept_id\n"})
	dup := t.TempDir()
	writeFiles(t, dup, map[string]string{"CONCEPT.csv": "", "concept.tsv": ""})
	tests := []struct {
		name string
		opts LoadOptions
		want error
	}{
		{"no dir", LoadOptions{Out: t.TempDir()}, ErrInvalidOptions},
		{"no out", LoadOptions{Dir: noConcept}, ErrInvalidOptions},
		{"negative threads", LoadOptions{Dir: noConcept, Out: t.TempDir(), Threads: -1}, ErrInvalidOptions},
		{"no concept", LoadOptions{Dir: noConcept, Out: filepath.Join(t.TempDir(), "v")}, ErrNoConcept},
		{"missing dir", LoadOptions{Dir: filepath.Join(noConcept, "nope"), Out: t.TempDir()}, os.ErrNotExist},
		{"two files for one table", LoadOptions{Dir: dup, Out: t.TempDir()}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(context.Background(), tt.opts)
			require.Error(t, err)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestDiscoverOrder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, athenaFixture())
	found, missing, err := discover(dir)
	require.NoError(t, err)
	var names []string
	for _, s := range found {
		names = append(names, s.table.Name)
	}
	assert.Equal(t, []string{"concept", "concept_relationship", "concept_synonym", "drug_strength"}, names)
	sort.Strings(missing)
	assert.Equal(t, []string{"concept_ancestor", "concept_class", "domain", "relationship", "vocabulary"}, missing)
}

// assertNoStaging checks that no staging directory of out is left behind.
func assertNoStaging(t *testing.T, out string) {
	t.Helper()
	left, err := filepath.Glob(stagingPattern(out))
	require.NoError(t, err)
	assert.Empty(t, left, "no staging directory is left behind")
}

func TestLoadRepairsCrashedPublish(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "athena")
	writeFiles(t, dir, athenaFixture())
	out := filepath.Join(base, "data", "vocab")
	_, err := Load(context.Background(), LoadOptions{Dir: dir, Out: out})
	require.NoError(t, err)
	before := snapshotDir(t, out)

	// A crash between moving the previous vocabulary aside and publishing
	// the new one leaves it beside a half-written staging directory.
	aside := filepath.Join(base, "data", ".vocab.staging-123.old")
	require.NoError(t, os.Rename(out, aside))
	writeFiles(t, filepath.Join(base, "data", ".vocab.staging-456"), map[string]string{"concept.parquet": "partial"})

	unlock, err := lockOut(out)
	require.NoError(t, err)
	_, err = Load(context.Background(), LoadOptions{Dir: dir, Out: out})
	require.ErrorIs(t, err, ErrLocked, "one load at a time")
	unlock()
	assert.Equal(t, before, snapshotDir(t, out), "the moved-aside vocabulary is restored")
	assertNoStaging(t, out)
}
