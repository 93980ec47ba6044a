package main

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shared is the shared reference directory, relative to this package.
const shared = "../../../../../../shared"

// requireSample reads the shared sample; it fails the test when the sample
// is missing under CI and skips it otherwise.
func requireSample(t *testing.T) *sample {
	t.Helper()
	if _, err := os.Stat(filepath.Join(shared, sampleDir, "CONCEPT.csv")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared vocabulary sample missing: %v", err)
		}
		t.Skipf("shared vocabulary sample missing: %v", err)
	}
	s, err := readOnce()
	require.NoError(t, err)
	return s
}

// readOnce reads the sample once for all the tests.
var readOnce = sync.OnceValues(func() (*sample, error) { return readSample(shared) })

func TestCommittedFilesAreTheGeneratorsOutput(t *testing.T) {
	s := requireSample(t)
	files, _, err := renderSample(s)
	require.NoError(t, err)
	require.Len(t, files, len(Files))
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("..", "..", name))
		require.NoError(t, err, "run go generate ./cdm/vocab/starter")
		assert.Equal(t, string(want), string(got), "%s is stale: run go generate ./cdm/vocab/starter", name)
	}
	again, _, err := renderSample(s)
	require.NoError(t, err)
	assert.Equal(t, files, again, "the output is deterministic")
}

func TestCuratedTargetsAreCheckedAgainstTheSample(t *testing.T) {
	s := requireSample(t)
	tests := []struct {
		name string
		id   int32
		as   string
		ok   bool
	}{
		{"right name", 320128, "Essential hypertension", true},
		{"name that drifted", 320128, "Hypertension", false},
		{"not in the sample", 1, "", false},
		{"not standard", 40316773, "Prediabetes", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newStarter(s).standard(tt.id, tt.as)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestACodeListedTwiceMustMapOnce(t *testing.T) {
	b := newStarter(requireSample(t))
	c := code{"I10", "Essential (primary) hypertension", ""}
	first, err := b.addLocal("ICD10", "ICD10 code", "Condition", c, snEssentialHypertension)
	require.NoError(t, err)
	again, err := b.addLocal("ICD10", "ICD10 code", "Condition", c, snEssentialHypertension)
	require.NoError(t, err)
	assert.Equal(t, first, again)
	assert.Equal(t, localBase["ICD10"]+1, first)
	_, err = b.addLocal("ICD10", "ICD10 code", "Condition", c, none)
	assert.Error(t, err)
}

func TestCNParent(t *testing.T) {
	tests := []struct{ code, parent string }{
		{"K22.301", "K22.3"},
		{"I21.001", "I21.0"},
		{"I10.x00x002", "I10"},
		{"I48.900x004", "I48.9"},
		{"45.1300x004", "45.1"},
		{"I21.0", ""},
		{"A09", ""},
	}
	for _, tt := range tests {
		p, ok := cnParent(tt.code)
		assert.Equal(t, tt.parent != "", ok, tt.code)
		assert.Equal(t, tt.parent, p, tt.code)
	}
}

func TestICD10CMClass(t *testing.T) {
	assert.Equal(t, "3-char billing code", icd10cmClass("I10"))
	assert.Equal(t, "5-char billing code", icd10cmClass("I21.09"))
	assert.Equal(t, "7-char billing code", icd10cmClass("S72.001A"))
}
