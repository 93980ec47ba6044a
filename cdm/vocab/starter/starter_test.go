package starter

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/cdm/vocab"
)

// fileTables maps each file of the starter to its OMOP table.
var fileTables = map[string]string{
	"CONCEPT.csv": "concept", "CONCEPT_RELATIONSHIP.csv": "concept_relationship",
	"CONCEPT_ANCESTOR.csv": "concept_ancestor", "CONCEPT_SYNONYM.csv": "concept_synonym",
	"VOCABULARY.csv": "vocabulary", "DOMAIN.csv": "domain", "CONCEPT_CLASS.csv": "concept_class",
	"RELATIONSHIP.csv": "relationship",
}

func TestFilesHaveTheDDLHeaders(t *testing.T) {
	entries, err := fs.ReadDir(Files(), ".")
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.Len(t, names, len(fileTables))
	for name, table := range fileTables {
		t.Run(name, func(t *testing.T) {
			tb, ok := cdm.Lookup(table)
			require.True(t, ok)
			header, rows := readRows(t, Files(), name, len(tb.Columns))
			for i, c := range tb.Columns {
				assert.Equal(t, c.Name, header[i])
			}
			assert.NotEmpty(t, rows)
		})
	}
}

func TestCopiedRowsEqualTheSample(t *testing.T) {
	dir := os.DirFS(requireSample(t))
	sample := readConcepts(t, dir)
	copied := 0
	for id, c := range readConcepts(t, Files()) {
		if id >= LocalConceptBase {
			continue
		}
		copied++
		s, ok := sample[id]
		if assert.True(t, ok, "concept %d %q is in the sample", id, c.name) {
			assert.Equal(t, s.fields, c.fields, "concept %d", id)
		}
	}
	assert.Greater(t, copied, 50)

	sampleRels := map[string]bool{}
	for _, r := range readRelationships(t, dir) {
		sampleRels[strings.Join(r.fields, ",")] = true
	}
	for _, r := range readRelationships(t, Files()) {
		if r.id1 < LocalConceptBase && r.id2 < LocalConceptBase {
			assert.True(t, sampleRels[strings.Join(r.fields, ",")], "relationship %v is the sample's", r.fields)
		}
	}
}

// localVocabularies are the vocabularies of the starter's own concepts.
var localVocabularies = map[string]bool{"ICD10": true, "ICD10CN": true, "ICD10CM": true, "ICD9Proc": true,
	"ICD10PCS": true, "CVX": true, "LAB": true, "DRUG": true}

func TestLocalConceptsAndTheirMaps(t *testing.T) {
	concepts := readConcepts(t, Files())
	locals := 0
	for id, c := range concepts {
		local := id >= LocalConceptBase
		assert.Equal(t, local, localVocabularies[c.vocabulary], "concept %d of %s is local iff its vocabulary is", id, c.vocabulary)
		if local {
			locals++
			assert.Empty(t, c.standard, "local concept %d %s is not standard", id, c.code)
		}
	}
	assert.Greater(t, locals, 200)

	targets := map[int64]map[string]int64{} // source → domain → target
	reverse := map[[2]int64]bool{}
	for _, r := range readRelationships(t, Files()) {
		require.Contains(t, concepts, r.id1, "relationship %v: concept_id_1 exists", r.fields)
		require.Contains(t, concepts, r.id2, "relationship %v: concept_id_2 exists", r.fields)
		switch r.rel {
		case "Mapped from":
			reverse[[2]int64{r.id2, r.id1}] = true
		case "Maps to":
			to := concepts[r.id2]
			assert.Equal(t, "S", to.standard, "'Maps to' target %d %q is standard", to.id, to.name)
			assert.Empty(t, to.invalid, "'Maps to' target %d is valid", to.id)
			if targets[r.id1] == nil {
				targets[r.id1] = map[string]int64{}
			}
			prev, twice := targets[r.id1][to.domain]
			assert.False(t, twice, "concept %d maps to %d and %d in %s", r.id1, prev, r.id2, to.domain)
			targets[r.id1][to.domain] = r.id2
			if r.id1 >= LocalConceptBase {
				assert.Equal(t, to.domain, concepts[r.id1].domain, "a source concept takes its target's domain")
			}
		}
	}
	for from, byDomain := range targets {
		for _, to := range byDomain {
			assert.True(t, reverse[[2]int64{from, to}], "'Maps to' %d → %d has its 'Mapped from'", from, to)
		}
	}
	var routed []string
	for id, byDomain := range targets {
		if id >= LocalConceptBase && strings.HasPrefix(concepts[id].vocabulary, "ICD10") && byDomain["Condition"] == 0 {
			routed = append(routed, concepts[id].code)
		}
	}
	assert.NotEmpty(t, routed, "some diagnosis maps outside the Condition domain, so routing is exercised")
}

func TestMetadataCoversEveryIdUsed(t *testing.T) {
	concepts := readConcepts(t, Files())
	ids := func(name string, n int) map[string]bool {
		_, rows := readRows(t, Files(), name, n)
		out := map[string]bool{}
		for _, r := range rows {
			out[r[0]] = true
		}
		return out
	}
	vocabs, domains, classes := ids("VOCABULARY.csv", 5), ids("DOMAIN.csv", 3), ids("CONCEPT_CLASS.csv", 3)
	for _, c := range concepts {
		assert.True(t, vocabs[c.vocabulary], "vocabulary %s has a row", c.vocabulary)
		assert.True(t, domains[c.domain], "domain %s has a row", c.domain)
		assert.True(t, classes[c.class], "concept class %s has a row", c.class)
	}
	rels := ids("RELATIONSHIP.csv", 6)
	for _, r := range readRelationships(t, Files()) {
		assert.True(t, rels[r.rel], "relationship %s has a row", r.rel)
	}
}

func TestAncestorsStartAtEachStandardConcept(t *testing.T) {
	concepts := readConcepts(t, Files())
	_, rows := readRows(t, Files(), "CONCEPT_ANCESTOR.csv", 4)
	self := map[string]bool{}
	above := 0
	for _, r := range rows {
		for _, id := range r[:2] {
			c := concepts[mustID(t, id)]
			assert.Equal(t, "S", c.standard, "ancestor row %v joins standard concepts", r)
		}
		if r[0] == r[1] {
			assert.Equal(t, []string{"0", "0"}, r[2:], "a concept is its own ancestor at level 0")
			self[r[0]] = true
		} else {
			above++
			assert.NotEqual(t, "0", r[2], "a proper ancestor is at least one level up")
		}
	}
	for _, c := range concepts {
		if c.standard == "S" {
			assert.True(t, self[c.fields[0]], "standard concept %d is its own ancestor", c.id)
		}
	}
	assert.Positive(t, above, "the sample's 'Is a' hierarchy is kept")
}

func TestSynonymsAreChineseNamesOfConcepts(t *testing.T) {
	concepts := readConcepts(t, Files())
	_, rows := readRows(t, Files(), "CONCEPT_SYNONYM.csv", 3)
	require.NotEmpty(t, rows)
	for _, r := range rows {
		assert.Contains(t, concepts, mustID(t, r[0]))
		assert.Equal(t, "4182948", r[2], "language is Chinese")
		assert.Regexp(t, `\p{Han}`, r[1])
	}
}

func TestLoadsWithoutRejects(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "download")
	require.NoError(t, os.CopyFS(dir, Files()))
	out := filepath.Join(t.TempDir(), "vocab")
	res, err := vocab.Load(context.Background(), vocab.LoadOptions{Dir: dir, Out: out, Threads: 1})
	require.NoError(t, err)
	assert.Equal(t, []string{"drug_strength"}, res.Missing)
	assert.Zero(t, res.Rejected())
	require.Len(t, res.Tables, len(fileTables))
	for name, table := range fileTables {
		tr, ok := res.Table(table)
		require.True(t, ok, table)
		tb, _ := cdm.Lookup(table)
		_, rows := readRows(t, Files(), name, len(tb.Columns))
		assert.Equal(t, int64(len(rows)), tr.Rows, "%s rows", table)
		assert.Zero(t, tr.Rejected, "%s rejects: %+v", table, tr.Rejects)
		assert.FileExists(t, filepath.Join(out, table+".parquet"))
	}
}
