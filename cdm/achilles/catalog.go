package achilles

import (
	"fmt"
	"slices"
	"strings"
)

// catalog is every analysis Run knows, ascending by id.
var catalog = buildCatalog()

func buildCatalog() []analysis {
	all := slices.Concat(personAnalyses(), periodAnalyses(), visitAnalyses(), domainAnalyses(), tableAnalyses())
	slices.SortFunc(all, func(a, b analysis) int { return a.ID - b.ID })
	return all
}

func count(id int, name string, strata []string, tables []string, query string) analysis {
	return analysis{Analysis: Analysis{ID: id, Name: name, Strata: strata, Tables: tables}, query: query}
}

func dist(id int, name string, strata []string, tables []string, query string) analysis {
	return analysis{Analysis: Analysis{ID: id, Name: name, Strata: strata, Dist: true, Tables: tables}, query: query}
}

var (
	personT = []string{"person"}
	periodT = []string{"observation_period"}
	bothT   = []string{"person", "observation_period"}
	visitT  = []string{"visit_occurrence"}
)

// personAnalyses count persons by their demographics (Achilles 1-10).
func personAnalyses() []analysis {
	by := func(col string) string {
		return "SELECT " + col + ", count(DISTINCT person_id) FROM person GROUP BY ALL"
	}
	return []analysis{
		count(1, "Number of persons", nil, personT, "SELECT count(DISTINCT person_id) FROM person"),
		count(2, "Number of persons by gender", []string{"gender_concept_id"}, personT, by("gender_concept_id")),
		count(3, "Number of persons by year of birth", []string{"year_of_birth"}, personT, by("year_of_birth")),
		count(4, "Number of persons by race", []string{"race_concept_id"}, personT, by("race_concept_id")),
		count(5, "Number of persons by ethnicity", []string{"ethnicity_concept_id"}, personT, by("ethnicity_concept_id")),
		count(10, "Number of all persons by year of birth by gender", []string{"year_of_birth", "gender_concept_id"}, personT,
			by("year_of_birth, gender_concept_id")),
	}
}

// periodAnalyses describe observation periods (Achilles 101-117). Ages are
// the year of the first period's start minus the year of birth. 109, 110,
// 116 and 117 consider every calendar year or month from the earliest
// period start to the latest period end (Achilles 109 stops at the latest
// start year).
func periodAnalyses() []analysis {
	first := "FROM person p JOIN " + firstPeriod + " op ON op.person_id = p.person_id "
	age := "year(op.op_start) - p.year_of_birth"
	length := "date_diff('day', op.op_start, op.op_end)"
	return []analysis{
		count(101, "Number of persons by age, with age at first observation period", []string{"age"}, bothT,
			"SELECT "+age+", count(DISTINCT p.person_id) "+first+"GROUP BY ALL"),
		count(102, "Number of persons by gender by age, with age at first observation period", []string{"gender_concept_id", "age"}, bothT,
			"SELECT p.gender_concept_id, "+age+", count(DISTINCT p.person_id) "+first+"GROUP BY ALL"),
		dist(103, "Distribution of age at first observation period", nil, bothT, "SELECT "+age+" "+first),
		dist(104, "Distribution of age at first observation period by gender", []string{"gender_concept_id"}, bothT,
			"SELECT p.gender_concept_id, "+age+" "+first),
		dist(105, "Length of observation (days) of first observation period", nil, periodT,
			"SELECT "+length+" FROM "+firstPeriod+" op"),
		dist(106, "Length of observation (days) of first observation period by gender", []string{"gender_concept_id"}, bothT,
			"SELECT p.gender_concept_id, "+length+" "+first),
		count(108, "Number of persons by length of observation period, in 30d increments", []string{"Observation period length 30d increments"}, periodT,
			"SELECT CAST(floor("+length+" / 30) AS BIGINT), count(DISTINCT person_id) FROM "+firstPeriod+" op GROUP BY ALL"),
		count(109, "Number of persons with continuous observation in each year", []string{"calendar year"}, periodT,
			"SELECT u, n FROM ("+sweep(`SELECT person_id,
				year(observation_period_start_date) + CASE WHEN strftime(observation_period_start_date, '%m%d') = '0101' THEN 0 ELSE 1 END,
				year(observation_period_end_date) - CASE WHEN strftime(observation_period_end_date, '%m%d') = '1231' THEN 0 ELSE 1 END
				FROM observation_period`)+")"),
		count(110, "Number of persons with continuous observation in each month", []string{"calendar month"}, periodT,
			"SELECT "+fromMonthIndex("u")+", n FROM ("+sweep(`SELECT person_id,
				`+monthIndex("observation_period_start_date")+` + CASE WHEN day(observation_period_start_date) = 1 THEN 0 ELSE 1 END,
				`+monthIndex("observation_period_end_date")+` - CASE WHEN observation_period_end_date = last_day(observation_period_end_date) THEN 0 ELSE 1 END
				FROM observation_period`)+")"),
		count(111, "Number of persons by observation period start month", []string{"calendar month"}, periodT,
			"SELECT "+ym("observation_period_start_date")+", count(DISTINCT person_id) FROM observation_period GROUP BY ALL"),
		count(112, "Number of persons by observation period end month", []string{"calendar month"}, periodT,
			"SELECT "+ym("observation_period_end_date")+", count(DISTINCT person_id) FROM observation_period GROUP BY ALL"),
		count(113, "Number of persons by number of observation periods", []string{"number of observation periods"}, periodT,
			"SELECT n, count(*) FROM (SELECT person_id, count(*) AS n FROM observation_period GROUP BY person_id) GROUP BY n"),
		count(116, "Number of persons with at least one day of observation in each year by gender and age decile",
			[]string{"calendar year", "gender_concept_id", "age decile"}, bothT,
			"SELECT u, gender, CAST(floor((u - yob) / 10) AS BIGINT), sum(n) FROM ("+sweep(`SELECT op.person_id, p.gender_concept_id,
				p.year_of_birth, year(op.observation_period_start_date), year(op.observation_period_end_date)
				FROM observation_period op JOIN person p ON p.person_id = op.person_id`, "gender", "yob")+") GROUP BY ALL"),
		count(117, "Number of persons with at least one day of observation in each month", []string{"calendar month"}, periodT,
			"SELECT "+fromMonthIndex("u")+", n FROM ("+sweep("SELECT person_id, "+monthIndex("observation_period_start_date")+", "+
				monthIndex("observation_period_end_date")+" FROM observation_period")+")"),
	}
}

// visitAnalyses are the visit distributions (Achilles 206 and 211); the
// visit counts come with the other domains.
func visitAnalyses() []analysis {
	return []analysis{
		dist(206, "Distribution of age by visit_concept_id (age at the person's first visit of that concept; not by gender)",
			[]string{"visit_concept_id"}, []string{"person", "visit_occurrence"},
			`SELECT v.visit_concept_id, v.first_year - p.year_of_birth
			 FROM (SELECT person_id, visit_concept_id, min(year(visit_start_date)) AS first_year FROM visit_occurrence GROUP BY ALL) v
			 JOIN person p ON p.person_id = v.person_id`),
		dist(211, "Distribution of length of stay by visit_concept_id", []string{"visit_concept_id"}, visitT,
			"SELECT visit_concept_id, date_diff('day', visit_start_date, visit_end_date) FROM visit_occurrence"),
	}
}

// domain is one clinical table counted by its concept: Achilles' x00
// (persons by concept), x01 (records by concept) and x20 (records by start
// month; 0 when Achilles has none).
type domain struct {
	table, label, concept, start, sourceValue string
	persons, records, byMonth                 int
}

// Domains are the clinical tables counted by concept, in the order the
// dashboards list them. label is the OMOP domain.
var domains = []domain{
	{"visit_occurrence", "Visit", "visit_concept_id", "visit_start_date", "visit_source_value", 200, 201, 220},
	{"condition_occurrence", "Condition", "condition_concept_id", "condition_start_date", "condition_source_value", 400, 401, 420},
	{"procedure_occurrence", "Procedure", "procedure_concept_id", "procedure_date", "procedure_source_value", 600, 601, 620},
	{"drug_exposure", "Drug", "drug_concept_id", "drug_exposure_start_date", "drug_source_value", 700, 701, 720},
	{"measurement", "Measurement", "measurement_concept_id", "measurement_date", "measurement_source_value", 1800, 1801, 1820},
	{"observation", "Observation", "observation_concept_id", "observation_date", "observation_source_value", 800, 801, 820},
	{"device_exposure", "Device", "device_concept_id", "device_exposure_start_date", "device_source_value", 2100, 2101, 0},
	{"death", "Death", "cause_concept_id", "death_date", "", 500, 501, 0},
	{"note", "Note", "note_type_concept_id", "note_date", "", 2200, 2201, 0},
	{"condition_era", "Condition era", "condition_concept_id", "condition_era_start_date", "", 1000, 1001, 1020},
	{"drug_era", "Drug era", "drug_concept_id", "drug_era_start_date", "", 900, 901, 920},
}

// DomainOf describes the clinical table behind a "records by concept"
// analysis (x01): its table, OMOP domain label and the matching "persons by
// concept" analysis (x00). ok is false for any other id.
func DomainOf(recordsAnalysis int) (table, label string, personsAnalysis int, ok bool) {
	for _, d := range domains {
		if d.records == recordsAnalysis {
			return d.table, d.label, d.persons, true
		}
	}
	return "", "", 0, false
}

// RecordAnalyses returns the "records by concept" analysis ids (x01) of
// every clinical domain, in the dashboards' order.
func RecordAnalyses() []int {
	out := make([]int, len(domains))
	for i, d := range domains {
		out[i] = d.records
	}
	return out
}

func domainAnalyses() []analysis {
	var out []analysis
	for _, d := range domains {
		t := []string{d.table}
		noun := strings.ReplaceAll(d.table, "_", " ")
		out = append(out,
			count(d.persons, fmt.Sprintf("Number of persons with at least one %s, by %s", noun, d.concept), []string{d.concept}, t,
				fmt.Sprintf("SELECT %s, count(DISTINCT person_id) FROM %s GROUP BY ALL", d.concept, d.table)),
			count(d.records, fmt.Sprintf("Number of %s records, by %s", noun, d.concept), []string{d.concept}, t,
				fmt.Sprintf("SELECT %s, count(*) FROM %s GROUP BY ALL", d.concept, d.table)))
		if d.byMonth != 0 {
			out = append(out, count(d.byMonth, fmt.Sprintf("Number of %s records by start month", noun), []string{"calendar month"}, t,
				fmt.Sprintf("SELECT %s, count(*) FROM %s GROUP BY ALL", ym(d.start), d.table)))
		}
	}
	return out
}

// cdmTables are the person-level clinical tables counted per table
// (analyses 10000 and 10001), in CDM order.
var cdmTables = []string{
	"person", "observation_period", "visit_occurrence", "visit_detail", "condition_occurrence", "drug_exposure",
	"procedure_occurrence", "device_exposure", "measurement", "observation", "death", "note", "specimen",
	"condition_era", "drug_era", "dose_era",
}

// Analysis ids of cdw's own, outside Achilles' range.
const (
	RecordsByTable = 10000 // records per CDM table ("records per domain")
	PersonsByTable = 10001 // persons with at least one record per CDM table
)

// tableAnalyses count across tables: Achilles 1900 (source values left
// unmapped, concept id 0) and cdw's records and persons per table.
func tableAnalyses() []analysis {
	var mapped []string
	for _, d := range domains {
		if d.sourceValue != "" {
			mapped = append(mapped, d.table)
		}
	}
	union := func(tables []string, sel func(t string) string) string {
		parts := make([]string, len(tables))
		for i, t := range tables {
			parts[i] = sel(t)
		}
		return strings.Join(parts, " UNION ALL ")
	}
	return []analysis{
		{Analysis: Analysis{ID: 1900, Name: "Source values mapped to concept_id 0 by table, by source_value",
			Strata: []string{"table_name", "source_value"}, Tables: mapped},
			perTable: func(have []string) string {
				return union(have, func(t string) string {
					d := domainByTable(t)
					return fmt.Sprintf("SELECT '%s', %s, count(*) FROM %s WHERE %s = 0 GROUP BY ALL", t, d.sourceValue, t, d.concept)
				})
			}},
		{Analysis: Analysis{ID: RecordsByTable, Name: "Number of records by CDM table (cdw)", Strata: []string{"table_name"}, Tables: cdmTables},
			perTable: func(have []string) string {
				return union(have, func(t string) string { return fmt.Sprintf("SELECT '%s', count(*) FROM %s", t, t) })
			}},
		{Analysis: Analysis{ID: PersonsByTable, Name: "Number of persons with at least one record by CDM table (cdw)", Strata: []string{"table_name"}, Tables: cdmTables},
			perTable: func(have []string) string {
				return union(have, func(t string) string { return fmt.Sprintf("SELECT '%s', count(DISTINCT person_id) FROM %s", t, t) })
			}},
	}
}

func domainByTable(table string) domain {
	for _, d := range domains {
		if d.table == table {
			return d
		}
	}
	panic("achilles: no domain for table " + table)
}
