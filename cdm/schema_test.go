package cdm_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
)

// fieldSpec is OHDSI's field-level specification, kept in ../shared beside
// the project (present in every checkout and in CI).
var fieldSpec = filepath.Join("..", "..", "shared", "reference", "omop", "OMOP_CDMv5.4_Field_Level.csv")

// TestSchemaMatchesFieldLevelSpec checks the model parsed from the embedded
// DDL against the independent field-level spec: every table, every field, in
// order, with its requiredness and type family.
func TestSchemaMatchesFieldLevelSpec(t *testing.T) {
	f, err := os.Open(fieldSpec)
	if os.IsNotExist(err) && os.Getenv("CI") != "true" {
		t.Skip("shared/ is not beside this checkout")
	}
	require.NoError(t, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	type field struct{ name, typ, required string }
	spec := map[string][]field{}
	for _, r := range records[1:] {
		table := strings.ToLower(r[0])
		spec[table] = append(spec[table], field{strings.Trim(strings.ToLower(r[1]), `"`), strings.ToLower(r[3]), r[2]})
	}
	require.Len(t, cdm.Tables(), 39)
	require.Len(t, spec, 39)
	total := 0
	for _, table := range cdm.Tables() {
		fields, ok := spec[table.Name]
		require.True(t, ok, "table %s is in the spec", table.Name)
		require.Len(t, table.Columns, len(fields), "columns of %s", table.Name)
		for i, c := range table.Columns {
			total++
			assert.Equal(t, fields[i].name, c.Name, "%s column %d", table.Name, i)
			assert.Equal(t, fields[i].required == "Yes", c.NotNull, "%s.%s required", table.Name, c.Name)
			want := fields[i].typ
			switch {
			case strings.HasPrefix(want, "varchar"), want == "varchar(max)":
				want = "VARCHAR"
			case want == "datetime":
				want = "TIMESTAMP"
			case want == "float":
				want = "DECIMAL(18,3)" // OHDSI's DuckDB DDL declares these numeric
			default:
				want = strings.ToUpper(want)
			}
			assert.Equal(t, want, c.DuckDBType(), "%s.%s type (spec %s, DDL %s)", table.Name, c.Name, fields[i].typ, c.Type)
		}
	}
	assert.Equal(t, len(records)-1, total, "every field of the spec is in the model")
	p, _ := cdm.Lookup("PERSON")
	assert.Equal(t, "person_id", p.PrimaryKey)
}

func TestDDLCreatesNamedTables(t *testing.T) {
	ddl, err := cdm.DDL("cdm", "person", "note_nlp")
	require.NoError(t, err)
	assert.Contains(t, ddl, "CREATE TABLE cdm.person (")
	assert.Contains(t, ddl, `"offset" varchar(50) NULL`)
	assert.NotContains(t, ddl, "visit_occurrence")
	_, err = cdm.DDL("", "no_such_table")
	require.Error(t, err)
}
