package dq

import (
	"fmt"
	"strings"
	"time"

	"github.com/cdw-dev/cdw/cdm"
)

// isDate reports whether a spec field holds a date or a date-time.
func isDate(f cdm.Field) bool { return f.Datatype == "date" || f.Datatype == "datetime" }

// eventDate reports whether a date field marks when something happened or
// began (not an end, which may lie ahead, nor a vocabulary validity date).
func eventDate(f cdm.Field) bool {
	return isDate(f) && !strings.Contains(f.Name, "end_") && !strings.HasPrefix(f.Name, "valid_") &&
		f.Table != "cdm_source" && f.Table != "metadata"
}

// temporalChecks are the date checks of table t: every start is on or
// before its end (plausibleStartBeforeEnd), no event date lies after the
// build date (plausibleValueHigh), none before the person's birth
// (plausibleAfterBirth), and a visit's person is 0 to 130 years old
// (plausibleAgeAtVisit).
func temporalChecks(e *env, t cdm.Table, key string, now time.Time) []*check {
	day := now.UTC().Format("2006-01-02")
	withPerson := false
	if pf, ok := cdm.SpecField(t.Name, "person_id"); ok && pf.FKTable == "person" && e.present("person") && e.hasColumn(t.Name, "person_id") {
		withPerson = true
	}
	var out []*check
	for _, f := range cdm.Fields(t.Name) {
		if !isDate(f) || !e.hasColumn(t.Name, f.Name) {
			continue
		}
		col := "t." + ident(f.Name)
		upper := strings.ToUpper(t.Name) + "." + strings.ToUpper(f.Name)
		mk := func(name, sub string, desc, where, violated string) {
			out = append(out, &check{name: name, category: Plausibility, subcategory: sub, level: levelField, table: t.Name, field: f.Name,
				threshold: DefaultPlausibility, description: desc, where: where, violated: violated, key: key})
		}
		if end := strings.Replace(f.Name, "start_", "end_", 1); end != f.Name && e.hasColumn(t.Name, end) {
			endCol := "t." + ident(end)
			mk("plausibleStartBeforeEnd", "Temporal", fmt.Sprintf("%s is on or before %s.", upper, strings.ToUpper(end)),
				col+" IS NOT NULL AND "+endCol+" IS NOT NULL", endCol+" < "+col)
		}
		if !eventDate(f) {
			continue
		}
		mk("plausibleValueHigh", "Atemporal", fmt.Sprintf("%s is not after the build date %s.", upper, day),
			col+" IS NOT NULL", fmt.Sprintf("%s::DATE > DATE %s", col, quote(day)))
		if withPerson && t.Name != "person" {
			mk("plausibleAfterBirth", "Temporal", fmt.Sprintf("%s is not before the person's birth.", upper),
				"", "")
			out[len(out)-1].long = &longRef{longBirth, "after"}
		}
	}
	if t.Name == "visit_occurrence" && withPerson {
		out = append(out, &check{name: "plausibleAgeAtVisit", category: Plausibility, subcategory: "Atemporal", level: levelField,
			table: t.Name, field: "visit_start_date", threshold: DefaultPlausibility,
			description: "The person is 0 to 130 years old at the start of the visit.",
			key:         key, long: &longRef{longBirth, "age"}})
	}
	return out
}

// birthTable is the temporary table of each person's birth_date and
// year_of_birth the birth checks look up.
const birthTable = "dq_birth"

// birthSQL fills birthTable: the birth date is birth_datetime, else the
// date year_of_birth, month_of_birth and day_of_birth make (1 January of
// the year when they do not make one).
const birthSQL = `CREATE OR REPLACE TEMP TABLE ` + birthTable + ` AS
SELECT person_id, min(year_of_birth) AS year_of_birth, min(coalesce(birth_datetime::DATE,
  TRY_CAST(printf('%04d-%02d-%02d', year_of_birth, coalesce(month_of_birth, 1), coalesce(day_of_birth, 1)) AS DATE),
  TRY_CAST(printf('%04d-01-01', year_of_birth) AS DATE))) AS birth_date
FROM person WHERE person_id IS NOT NULL GROUP BY person_id`

// eventTables are the tables whose records duplicateCheck looks at.
var eventTables = map[string]bool{"visit_occurrence": true, "visit_detail": true, "condition_occurrence": true,
	"drug_exposure": true, "procedure_occurrence": true, "device_exposure": true, "measurement": true,
	"observation": true, "note": true, "specimen": true}

// duplicateCheck (plausibleDuplicate) counts the records of an event table
// that repeat an earlier one (lower primary key) in every field but the
// primary key and the links to records of the same table (a duplicate
// visit has another preceding visit).
func duplicateCheck(t cdm.Table, key string) *check {
	if !eventTables[t.Name] || t.PrimaryKey == "" {
		return nil
	}
	var cols []string
	for _, f := range cdm.Fields(t.Name) {
		if f.PrimaryKey || f.FKTable == t.Name {
			continue
		}
		cols = append(cols, "t."+ident(f.Name))
	}
	return &check{name: "plausibleDuplicate", category: Plausibility, subcategory: "Uniqueness", level: levelTable, table: t.Name,
		threshold:   DefaultPlausibility,
		description: fmt.Sprintf("No %s record repeats another in every field but its id.", strings.ToUpper(t.Name)),
		key:         key,
		violated:    fmt.Sprintf("row_number() OVER (PARTITION BY %s ORDER BY %s) > 1", strings.Join(cols, ", "), key)}
}

// measurementRange is the plausible range of a measurement's value in one
// of its units, and the units it may be recorded in.
type measurementRange struct {
	concept   int    // measurement_concept_id
	name      string // for descriptions
	low, high float64
	rangeUnit int   // the unit low and high are in
	units     []int // plausible unit_concept_ids
}

// measurementRanges are the measurements whose values and units are
// checked (OHDSI concept ids: LOINC measurements, UCUM units).
var measurementRanges = []measurementRange{
	{3027018, "heart rate", 0, 300, 8541, []int{8541, 8483}},                    // per minute, counts per minute
	{3020891, "body temperature", 25, 45, 586323, []int{586323, 9289}},          // degree Celsius, degree Fahrenheit
	{3036277, "body height", 30, 250, 8582, []int{8582, 9330, 9327}},            // centimeter, inch
	{3025315, "body weight", 0.5, 400, 9529, []int{9529, 8739}},                 // kilogram, pound
	{3004249, "systolic blood pressure", 20, 300, 8876, []int{8876}},            // mm[Hg]
	{3012888, "diastolic blood pressure", 10, 200, 8876, []int{8876}},           // mm[Hg]
	{40762499, "oxygen saturation (pulse oximetry)", 0, 100, 8554, []int{8554}}, // percent
	{3016502, "oxygen saturation (arterial blood)", 0, 100, 8554, []int{8554}},  // percent
}

// measurementChecks check the values of MEASUREMENT: that each carries a
// value (measureValueCompleteness) and a numeric value its unit
// (measureUnitCompleteness), and, for the measurements of
// measurementRanges, the value's range (plausibleValueLow and
// plausibleValueHigh) and its unit (plausibleUnitConceptIds).
func measurementChecks(e *env) []*check {
	if e.rows["measurement"] == 0 || !e.hasColumn("measurement", "unit_source_value") {
		return nil
	}
	const key = "t.measurement_id"
	out := []*check{
		{name: "measureValueCompleteness", category: Completeness, level: levelField, table: "measurement", field: "value_as_number",
			threshold: DefaultPlausibility, key: key, description: "Each measurement has a value (a number or a concept).",
			violated: "t.value_as_number IS NULL AND coalesce(t.value_as_concept_id, 0) = 0"},
		{name: "measureUnitCompleteness", category: Completeness, level: levelField, table: "measurement", field: "unit_concept_id",
			threshold: DefaultPlausibility, key: key, where: "t.value_as_number IS NOT NULL",
			description: "Each numeric measurement has a unit (a concept or a source value).",
			violated:    "coalesce(t.unit_concept_id, 0) = 0 AND coalesce(t.unit_source_value, '') = ''"},
	}
	for _, r := range measurementRanges {
		of := fmt.Sprintf("t.measurement_concept_id = %d AND t.value_as_number IS NOT NULL", r.concept)
		inUnit := fmt.Sprintf("%s AND t.unit_concept_id = %d", of, r.rangeUnit)
		units := make([]string, len(r.units))
		for i, u := range r.units {
			units[i] = fmt.Sprint(u)
		}
		mk := func(name, field, desc, where, violated string) {
			out = append(out, &check{name: name, category: Plausibility, subcategory: "Atemporal", level: levelConcept,
				table: "measurement", field: field, concept: fmt.Sprint(r.concept), threshold: DefaultPlausibility,
				description: desc, key: key, where: where, violated: violated})
		}
		mk("plausibleValueLow", "value_as_number", fmt.Sprintf("A %s (concept %d, unit %d) is at least %g.", r.name, r.concept, r.rangeUnit, r.low),
			inUnit, fmt.Sprintf("t.value_as_number < %g", r.low))
		mk("plausibleValueHigh", "value_as_number", fmt.Sprintf("A %s (concept %d, unit %d) is at most %g.", r.name, r.concept, r.rangeUnit, r.high),
			inUnit, fmt.Sprintf("t.value_as_number > %g", r.high))
		mk("plausibleUnitConceptIds", "unit_concept_id", fmt.Sprintf("A %s (concept %d) is recorded in one of the units %s.", r.name, r.concept, strings.Join(units, ", ")),
			of, fmt.Sprintf("t.unit_concept_id IS NULL OR t.unit_concept_id NOT IN (%s)", strings.Join(units, ", ")))
	}
	return out
}
