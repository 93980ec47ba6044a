package transform

// allergies are the patients' recorded allergies.
var allergies = emrSource{
	table:  "emr.allergy",
	from:   "src_allergy s LEFT JOIN person p ON p.person_id = s.patient_id",
	checks: []check{rawIDCheck("s.allergy_id"), personCheck("s.patient_id"), nullCheck("s.recorded_at", "no time recorded")},
}

// personCheck quarantines a row whose patient (the expression patient) is
// not in PERSON; the source's FROM must LEFT JOIN person p on it.
func personCheck(patient string) check {
	return check{when: "p.person_id IS NULL", reason: "'patient ' || coalesce(" + patient + "::VARCHAR, 'NULL') || ' is not in PERSON'"}
}

// observationMappings fill OBSERVATION with the patients' allergies, with
// the allergy's own id: the allergen as the value (and, prefixed "allergy:",
// as the source value, as the FHIR AllergyIntolerance mapping writes it),
// the reaction as the value's source value and the severity as qualifier.
// The allergens are free text without a code, so the concept is 0. Social
// and family history exist only in the notes' text and are not mapped here.
var observationMappings = []mapping{{table: "observation", insert: `
INSERT INTO observation (observation_id, person_id, observation_concept_id, observation_date, observation_datetime,
       observation_type_concept_id, value_as_string, observation_source_value, observation_source_concept_id,
       qualifier_source_value, value_source_value)
SELECT s.allergy_id, p.person_id, 0, s.recorded_at::DATE, s.recorded_at, 32817, left(s.allergen, 60),
       left('allergy: ' || s.allergen, 50), 0, left(s.severity, 50), left(s.reaction, 50)
FROM ` + allergies.from + `
WHERE ` + allergies.where(),
	quarantine: allergies.quarantine()}}
