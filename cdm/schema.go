package cdm

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// ddlSQL is OHDSI's DuckDB DDL for OMOP CDM v5.4, unmodified
// (github.com/OHDSI/CommonDataModel, Apache-2.0; see ddl/LICENSE-CommonDataModel.txt).
//
//go:embed ddl/OMOPCDM_duckdb_5.4_ddl.sql
var ddlSQL string

//go:embed ddl/OMOPCDM_duckdb_5.4_primary_keys.sql
var primaryKeysSQL string

// SchemaPlaceholder is the token OHDSI's DDL uses for the target schema.
const SchemaPlaceholder = "@cdmDatabaseSchema"

// Column is one column of an OMOP table as OHDSI's DDL declares it.
type Column struct {
	Name    string // lower case, as in the DDL
	Type    string // DuckDB type as declared, lower case: integer, date, timestamp, varchar(50), numeric, text ...
	NotNull bool
}

// DuckDBType is the type DuckDB reports for the column once created
// (varchar(50) → VARCHAR, numeric → DECIMAL(18,3), integer → INTEGER, ...).
func (c Column) DuckDBType() string {
	t := strings.ToLower(c.Type)
	switch {
	case t == "integer":
		return "INTEGER"
	case t == "bigint":
		return "BIGINT"
	case t == "date":
		return "DATE"
	case t == "timestamp":
		return "TIMESTAMP"
	case t == "numeric":
		return "DECIMAL(18,3)"
	case t == "float":
		return "FLOAT"
	case t == "text", strings.HasPrefix(t, "varchar"):
		return "VARCHAR"
	}
	return strings.ToUpper(t)
}

// Table is one OMOP CDM table: its name and its columns in DDL order.
type Table struct {
	Name       string
	Columns    []Column
	PrimaryKey string // the primary-key column, empty when the DDL declares none
}

// Column returns the named column and whether the table has it.
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

var (
	parseOnce sync.Once
	tables    []Table
	byName    map[string]int
)

var (
	createRe = regexp.MustCompile(`(?is)CREATE TABLE\s+` + regexp.QuoteMeta(SchemaPlaceholder) + `\.(\w+)\s*\((.*?)\);`)
	columnRe = regexp.MustCompile(`(?i)^\s*"?(\w+)"?\s+([a-z]+(?:\([0-9, ]+\))?)\s+(NOT NULL|NULL)\s*$`)
	pkRe     = regexp.MustCompile(`(?i)ALTER TABLE\s+` + regexp.QuoteMeta(SchemaPlaceholder) + `\.(\w+)\s+ADD CONSTRAINT \w+ PRIMARY KEY \((\w+)\)`)
)

func parse() {
	byName = map[string]int{}
	for _, m := range createRe.FindAllStringSubmatch(ddlSQL, -1) {
		t := Table{Name: strings.ToLower(m[1])}
		for _, line := range strings.Split(m[2], ",\n") {
			cm := columnRe.FindStringSubmatch(line)
			if cm == nil {
				panic(fmt.Sprintf("cdm: cannot parse column %q of table %s in the embedded OHDSI DDL", line, t.Name))
			}
			t.Columns = append(t.Columns, Column{
				Name:    strings.ToLower(cm[1]),
				Type:    strings.ToLower(cm[2]),
				NotNull: strings.EqualFold(cm[3], "NOT NULL"),
			})
		}
		byName[t.Name] = len(tables)
		tables = append(tables, t)
	}
	for _, m := range pkRe.FindAllStringSubmatch(primaryKeysSQL, -1) {
		if i, ok := byName[strings.ToLower(m[1])]; ok {
			tables[i].PrimaryKey = strings.ToLower(m[2])
		}
	}
}

// Tables returns every table of OMOP CDM v5.4 in DDL order.
func Tables() []Table {
	parseOnce.Do(parse)
	return tables
}

// Lookup returns the named table (case-insensitive) and whether it exists.
func Lookup(name string) (Table, bool) {
	parseOnce.Do(parse)
	i, ok := byName[strings.ToLower(name)]
	if !ok {
		return Table{}, false
	}
	return tables[i], true
}

// DDL returns the CREATE TABLE statement of the named tables (all tables when
// none are named) with the schema placeholder replaced by schema; an empty
// schema creates the tables unqualified.
func DDL(schema string, names ...string) (string, error) {
	parseOnce.Do(parse)
	want := map[string]bool{}
	for _, n := range names {
		if _, ok := byName[strings.ToLower(n)]; !ok {
			return "", fmt.Errorf("cdm: no OMOP table %q", n)
		}
		want[strings.ToLower(n)] = true
	}
	var b strings.Builder
	for _, t := range tables {
		if len(want) > 0 && !want[t.Name] {
			continue
		}
		name := t.Name
		if schema != "" {
			name = schema + "." + name
		}
		fmt.Fprintf(&b, "CREATE TABLE %s (\n", name)
		for i, c := range t.Columns {
			null := "NULL"
			if c.NotNull {
				null = "NOT NULL"
			}
			sep := ","
			if i == len(t.Columns)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "\t%q %s %s%s\n", c.Name, c.Type, null, sep)
		}
		b.WriteString(");\n")
	}
	return b.String(), nil
}
