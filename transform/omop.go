package transform

import (
	"fmt"
	"slices"
)

// mapping fills one OMOP table from the current source state. Rows that
// cannot be mapped (no person, no start date) are not inserted; quarantine
// selects them with the reason so the build can report and keep them.
type mapping struct {
	table      string
	insert     string // INSERT INTO <table> SELECT ... (%[1]s is replaced by the build date)
	quarantine string // SELECT source_table, source_key, reason ...
}

// mappings is in dependency order; every id is the source row's own id
// (diagnoses routed out of CONDITION_OCCURRENCE: an id from the id map), so
// the same source row always gets the same OMOP id.
var mappings = slices.Concat([]mapping{
	{table: "location", insert: `
INSERT INTO location (location_id, address_1, city, zip, county, location_source_value, country_source_value)
SELECT patient_id, left(address, 50), left(city, 50), left(postcode, 9), left(province, 20),
       left(concat_ws(', ', city, province), 50), 'CN'
FROM src_patient WHERE address IS NOT NULL OR city IS NOT NULL`},
	{table: "care_site", insert: `
INSERT INTO care_site (care_site_id, care_site_name, place_of_service_concept_id, location_id, care_site_source_value, place_of_service_source_value)
SELECT dept_id, left(name, 255), 0, NULL, code, kind FROM src_department WHERE dept_id IS NOT NULL`},
	{table: "provider", insert: `
INSERT INTO provider (provider_id, provider_name, specialty_concept_id, care_site_id, year_of_birth, gender_concept_id,
                      provider_source_value, specialty_source_value, specialty_source_concept_id, gender_source_value, gender_source_concept_id)
SELECT s.staff_id, left(s.name, 255), 0, s.dept_id, s.birth_year, ` + genderConcept("s.sex") + `,
       s.code, left(coalesce(d.name, s.title), 50), 0, s.sex, 0
FROM src_staff s LEFT JOIN src_department d USING (dept_id) WHERE s.staff_id IS NOT NULL`},
	{table: "person", insert: `
INSERT INTO person
SELECT patient_id, ` + genderConcept("sex") + `, year(birth_date), month(birth_date), day(birth_date), birth_date::TIMESTAMP,
       0, 0, CASE WHEN address IS NOT NULL OR city IS NOT NULL THEN patient_id END, NULL, NULL,
       mrn, sex, 0, NULL, 0, NULL, 0
FROM src_patient WHERE birth_date IS NOT NULL AND patient_id IS NOT NULL`,
		quarantine: `SELECT 'emr.patient', _key, 'no birth date' FROM src_patient WHERE birth_date IS NULL`},
	{table: "visit_occurrence", insert: `
INSERT INTO visit_occurrence
SELECT r.reg_id, r.patient_id,
       CASE r.visit_type WHEN 'I' THEN 9201 WHEN 'O' THEN 9202 WHEN 'E' THEN 9203 ELSE 0 END,
       r.admit_time::DATE, r.admit_time,
       coalesce(r.discharge_time::DATE, greatest(DATE '%[1]s', r.admit_time::DATE)), r.discharge_time,
       32817, r.doctor_id, r.dept_id, r.visit_type, 0,
       0, left(r.admit_source, 50), 0, left(r.disposition, 50),
       lag(r.reg_id) OVER (PARTITION BY r.patient_id ORDER BY r.admit_time, r.reg_id)
FROM src_registration r JOIN person p ON p.person_id = r.patient_id
WHERE r.admit_time IS NOT NULL`,
		quarantine: `SELECT 'emr.registration', r._key, CASE WHEN r.admit_time IS NULL THEN 'no admission time' ELSE 'patient ' || coalesce(r.patient_id::VARCHAR, 'NULL') || ' is not in PERSON' END
FROM src_registration r LEFT JOIN person p ON p.person_id = r.patient_id
WHERE r.admit_time IS NULL OR p.person_id IS NULL`},
	{table: "observation_period", insert: `
INSERT INTO observation_period
SELECT person_id, person_id, min(visit_start_date), max(visit_end_date), 32817
FROM visit_occurrence GROUP BY person_id`},
}, diagnosisMappings, []mapping{
	{table: "note", insert: `
INSERT INTO note
SELECT n.note_id, v.person_id, n.written_at::DATE, n.written_at, 32817, 0, left(n.title, 250), n.body,
       32678, CASE n.language WHEN 'en' THEN 4180186 ELSE 0 END, n.author_id, n.reg_id, NULL,
       left(n.note_type, 50), NULL, NULL
FROM src_clinical_note n JOIN visit_occurrence v ON v.visit_occurrence_id = n.reg_id
WHERE n.written_at IS NOT NULL AND n.body IS NOT NULL`,
		quarantine: `SELECT 'emr.clinical_note', n._key, CASE WHEN n.written_at IS NULL THEN 'no note time' WHEN n.body IS NULL THEN 'no note text' ELSE 'registration ' || coalesce(n.reg_id::VARCHAR, 'NULL') || ' is not in VISIT_OCCURRENCE' END
FROM src_clinical_note n LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = n.reg_id
WHERE n.written_at IS NULL OR n.body IS NULL OR v.visit_occurrence_id IS NULL`},
})

func genderConcept(col string) string {
	return fmt.Sprintf("CASE %s WHEN 'M' THEN 8507 WHEN 'F' THEN 8532 ELSE 0 END", col)
}

// OMOPTables lists the OMOP tables a build publishes.
func OMOPTables() []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range append(append(append(append([]mapping(nil), mappings...), clinicalMappings...), fhirOnlyMappings...), eraMappings...) {
		if !seen[m.table] {
			seen[m.table] = true
			out = append(out, m.table)
		}
	}
	return out
}
