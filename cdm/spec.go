package cdm

import (
	"strings"
	"sync"
)

//go:generate go run ./internal/genspec -in ../../shared/reference/omop/OMOP_CDMv5.4_Field_Level.csv -out spec_gen.go

// Field is one field of OHDSI's field-level specification of OMOP CDM v5.4
// (OMOP_CDMv5.4_Field_Level.csv), generated into spec_gen.go. Names are
// lower case; a property the spec gives as NA is empty.
type Field struct {
	Table    string // cdmTableName, e.g. person
	Name     string // cdmFieldName, e.g. gender_concept_id
	Required bool   // isRequired: the field must not be NULL
	// Datatype is the spec's cdmDatatype, lower case: integer, date,
	// datetime, float, varchar(50), varchar(max) ... (the DDL's type is
	// Column.Type; see Column.DuckDBType for what DuckDB stores).
	Datatype   string
	PrimaryKey bool   // isPrimaryKey
	ForeignKey bool   // isForeignKey
	FKTable    string // fkTableName: the referenced table, e.g. person, concept
	FKField    string // fkFieldName: the referenced field, e.g. person_id, concept_id
	// FKDomain is the domain the referenced concept must belong to (e.g.
	// Gender, Visit, Type Concept); several are separated by ", ".
	FKDomain string
	FKClass  string // fkClass: the concept class the referenced concept must have (e.g. Ingredient)
	// Guidance and Conventions are the first sentence of the spec's
	// userGuidance and etlConventions.
	Guidance    string
	Conventions string
}

// IsConceptField reports whether the field references CONCEPT.
func (f Field) IsConceptField() bool { return f.ForeignKey && f.FKTable == "concept" }

// IsSourceConcept reports whether the field holds a source concept
// (*_source_concept_id), which need not be standard.
func (f Field) IsSourceConcept() bool { return strings.HasSuffix(f.Name, "_source_concept_id") }

// Domains returns the domains FKDomain allows, nil when it names none.
func (f Field) Domains() []string {
	if f.FKDomain == "" {
		return nil
	}
	parts := strings.Split(f.FKDomain, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

var (
	specOnce    sync.Once
	specByTable map[string][]Field
)

func indexSpec() {
	specByTable = map[string][]Field{}
	for _, f := range specFields {
		specByTable[f.Table] = append(specByTable[f.Table], f)
	}
}

// Spec returns every field of OMOP CDM v5.4 in the spec's order (tables in
// DDL order, fields in column order). The slice is a copy.
func Spec() []Field { return append([]Field(nil), specFields...) }

// Fields returns the fields of the named table (case-insensitive) in column
// order, nil when the spec has no such table. The slice is a copy.
func Fields(table string) []Field {
	specOnce.Do(indexSpec)
	return append([]Field(nil), specByTable[strings.ToLower(table)]...)
}

// SpecField returns the named field of the named table and whether the spec
// has it.
func SpecField(table, name string) (Field, bool) {
	specOnce.Do(indexSpec)
	for _, f := range specByTable[strings.ToLower(table)] {
		if f.Name == strings.ToLower(name) {
			return f, true
		}
	}
	return Field{}, false
}
