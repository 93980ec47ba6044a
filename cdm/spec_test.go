package cdm_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
)

// TestSpecAgreesWithDDL checks the model generated from the field-level spec
// against the embedded DDL: every table and field in order, required exactly
// when the DDL says NOT NULL, a type of the same family, and the primary keys
// the DDL declares.
func TestSpecAgreesWithDDL(t *testing.T) {
	spec := cdm.Spec()
	require.Len(t, spec, 432, "OMOP CDM v5.4 has 432 fields")
	i := 0
	for _, table := range cdm.Tables() {
		fields := cdm.Fields(table.Name)
		require.Len(t, fields, len(table.Columns), "fields of %s", table.Name)
		for j, c := range table.Columns {
			f := fields[j]
			assert.Equal(t, spec[i], f, "Spec() and Fields() agree on %s.%s", table.Name, c.Name)
			i++
			assert.Equal(t, table.Name, f.Table)
			assert.Equal(t, c.Name, f.Name, "%s field %d", table.Name, j)
			assert.Equal(t, c.NotNull, f.Required, "%s.%s: required in the spec = NOT NULL in the DDL", table.Name, c.Name)
			assert.Equal(t, specType(f.Datatype), c.DuckDBType(), "%s.%s type (spec %s, DDL %s)", table.Name, c.Name, f.Datatype, c.Type)
			if f.PrimaryKey && table.PrimaryKey != "" {
				assert.Equal(t, table.PrimaryKey, f.Name, "primary key of %s", table.Name)
			}
			if f.ForeignKey {
				ref, ok := cdm.Lookup(f.FKTable)
				require.True(t, ok, "%s.%s references table %s", table.Name, f.Name, f.FKTable)
				_, ok = ref.Column(f.FKField)
				assert.True(t, ok, "%s.%s references %s.%s", table.Name, f.Name, f.FKTable, f.FKField)
			} else {
				assert.Empty(t, f.FKTable+f.FKDomain+f.FKClass, "%s.%s is no foreign key", table.Name, f.Name)
			}
		}
		if table.PrimaryKey != "" {
			f, ok := cdm.SpecField(table.Name, table.PrimaryKey)
			require.True(t, ok)
			assert.True(t, f.PrimaryKey, "the DDL's primary key %s.%s is one in the spec", table.Name, f.Name)
		}
	}
	assert.Equal(t, len(spec), i, "every field of the spec is a column of the DDL")
}

// specType is the DuckDB type OHDSI's DuckDB DDL gives a spec datatype.
func specType(t string) string {
	switch {
	case strings.HasPrefix(t, "varchar"):
		return "VARCHAR"
	case t == "datetime":
		return "TIMESTAMP"
	case t == "float":
		return "DECIMAL(18,3)" // the DuckDB DDL declares these numeric
	}
	return strings.ToUpper(t)
}

func TestSpecLookups(t *testing.T) {
	g, ok := cdm.SpecField("PERSON", "Gender_Concept_ID")
	require.True(t, ok)
	assert.True(t, g.Required)
	assert.True(t, g.IsConceptField())
	assert.Equal(t, []string{"Gender"}, g.Domains())
	assert.NotEmpty(t, g.Guidance)
	pr, ok := cdm.SpecField("procedure_occurrence", "procedure_concept_id")
	require.True(t, ok)
	assert.Equal(t, []string{"Procedure"}, pr.Domains())
	src, ok := cdm.SpecField("condition_occurrence", "condition_source_concept_id")
	require.True(t, ok)
	assert.True(t, src.IsSourceConcept())
	era, ok := cdm.SpecField("drug_era", "drug_concept_id")
	require.True(t, ok)
	assert.Equal(t, "Ingredient", era.FKClass)
	v, ok := cdm.SpecField("visit_occurrence", "person_id")
	require.True(t, ok)
	assert.Equal(t, "person", v.FKTable)
	assert.False(t, v.IsConceptField())
	_, ok = cdm.SpecField("person", "no_such_field")
	assert.False(t, ok)
	assert.Nil(t, cdm.Fields("no_such_table"))
	mutated := cdm.Fields("person")
	mutated[0].Name = "changed"
	assert.Equal(t, "person_id", cdm.Fields("person")[0].Name, "Fields returns a copy")
}

// TestSpecGenIsGenerated checks that spec_gen.go says it is generated and
// that go:generate names the generator, so nobody edits it by hand.
func TestSpecGenIsGenerated(t *testing.T) {
	b, err := os.ReadFile("spec_gen.go")
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`), string(b))
	s, err := os.ReadFile("spec.go")
	require.NoError(t, err)
	assert.Contains(t, string(s), "//go:generate go run ./internal/genspec")
}
