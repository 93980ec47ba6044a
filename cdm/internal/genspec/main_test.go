package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fieldSpec is OHDSI's field-level spec in ../shared beside the project.
var fieldSpec = filepath.Join("..", "..", "..", "..", "shared", "reference", "omop", "OMOP_CDMv5.4_Field_Level.csv")

// TestCommittedOutputIsCurrent regenerates spec_gen.go from the spec and
// requires the committed file to be byte-identical.
func TestCommittedOutputIsCurrent(t *testing.T) {
	f, err := os.Open(fieldSpec)
	if os.IsNotExist(err) && os.Getenv("CI") != "true" {
		t.Skip("shared/ is not beside this checkout")
	}
	require.NoError(t, err)
	defer f.Close()
	got, err := generate(f)
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("..", "..", "spec_gen.go"))
	require.NoError(t, err)
	assert.True(t, string(want) == string(got), "cdm/spec_gen.go is stale: run go generate ./cdm")
}

func TestGenerate(t *testing.T) {
	const header = "cdmTableName,cdmFieldName,isRequired,cdmDatatype,userGuidance,etlConventions,isPrimaryKey,isForeignKey,fkTableName,fkFieldName,fkDomain,fkClass\n"
	src, err := generate(strings.NewReader(header +
		`PERSON,"GENDER_CONCEPT_ID",Yes,integer,"See [THEMIS](https://x.org/a) first.  Then more.",NA,No,Yes,CONCEPT,CONCEPT_ID,Gender,NA` + "\n"))
	require.NoError(t, err)
	s := string(src)
	assert.Contains(t, s, `Table: "person", Name: "gender_concept_id", Required: true, Datatype: "integer", PrimaryKey: false, ForeignKey: true, FKTable: "concept", FKField: "concept_id", FKDomain: "Gender", FKClass: ""`)
	assert.Contains(t, s, `Guidance:    "See THEMIS first."`)
	assert.Contains(t, s, `Conventions: ""`)

	_, err = generate(strings.NewReader("cdmTableName,cdmFieldName\nperson,person_id\n"))
	require.ErrorContains(t, err, "isRequired")
	_, err = generate(strings.NewReader(header))
	require.Error(t, err)
}

func TestShort(t *testing.T) {
	assert.Equal(t, "One.", short("One. Two."))
	assert.Equal(t, "", short("NA"))
	long := strings.Repeat("x", 500)
	got := []rune(short(long))
	assert.Len(t, got, maxShort)
	assert.Equal(t, '…', got[len(got)-1])
}
