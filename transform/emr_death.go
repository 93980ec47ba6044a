package transform

// deathMappings fill DEATH with one row per person whose registration ended
// with the disposition "died" (the latest, when several do): the death date
// is the discharge; the cause is that registration's main diagnosis, with
// the concepts the diagnosis resolution gave its code.
var deathMappings = []mapping{{table: "death", insert: `
INSERT INTO death (person_id, death_date, death_datetime, death_type_concept_id, cause_concept_id, cause_source_value, cause_source_concept_id)
SELECT d.person_id, d.t::DATE, d.t, 32817, coalesce(c.concept_id, 0), left(x.icd10, 50), coalesce(c.source_concept_id, 0)
FROM (SELECT v.person_id, v.visit_occurrence_id, coalesce(r.discharge_time, v.visit_end_datetime, v.visit_start_datetime) AS t,
             row_number() OVER (PARTITION BY v.person_id
                                ORDER BY coalesce(r.discharge_time, v.visit_end_datetime, v.visit_start_datetime) DESC, v.visit_occurrence_id DESC) AS n
      FROM src_registration r JOIN visit_occurrence v ON v.visit_occurrence_id = r.reg_id
      WHERE lower(trim(r.disposition)) = 'died') d
LEFT JOIN (SELECT DISTINCT ON (reg_id) reg_id, diag_id, icd10 FROM src_diagnosis
           WHERE is_main AND icd10 IS NOT NULL ORDER BY reg_id, diag_time DESC NULLS LAST, diag_id) x ON x.reg_id = d.visit_occurrence_id
LEFT JOIN ` + diagnosisCodeTable + ` c ON c.diag_id = x.diag_id
WHERE d.n = 1`}}
