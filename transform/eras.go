package transform

import (
	"fmt"
	"strings"
)

// The derived era tables follow OHDSI's published era scripts:
//
//   - CONDITION_ERA: the CommonDataModel "SQL Scripts" page (rmd/sqlScripts.Rmd,
//     "Condition Eras"), which the v5.4 CONDITION_ERA conventions link to.
//   - DRUG_ERA: the same page's "Drug Eras" script (taken from OHDSI/ETL-CMS
//     create_CDMv5_drug_era_non_stockpile.sql): overlapping exposures first
//     become sub-exposures, sub-exposures then merge with the persistence
//     window, and gap_days is the era's span less its exposed days.
//   - DOSE_ERA: OHDSI/Era-Constructor v5 postgres_v5_dose_era.sql (the only
//     OHDSI dose-era script), with the daily dose taken from DRUG_STRENGTH as
//     the CDM's DOSE_ERA conventions say ("Tablets and other fixed amount
//     formulations": ingredient dose = quantity × amount_value).
//
// Every era statement can be restricted to a set of persons (see
// eraStatements), so an incremental build can recompute only the eras of
// the persons whose records changed.
const (
	// conditionEraWindow is the persistence window of condition eras: an
	// occurrence starting at most this many days after the era's latest end
	// joins the era (OHDSI: 30 days).
	conditionEraWindow = 30
	// drugEraWindow is the persistence window of drug eras (OHDSI: 30 days).
	drugEraWindow = 30
	// doseEraWindow is the persistence window of dose eras. The CDM v5.4
	// field-level spec says "an era is ended if there are 31 days or more
	// between dosage records" and Era-Constructor pads by 30 days, so 30.
	doseEraWindow = 30
	// overflowIDBase is where era ids for eras that cannot take their first
	// record's id count down from (exclusive): see eraID.
	overflowIDBase = 2147483648
	// overflowIDFloor is the lowest id eraID treats as an overflow id.
	overflowIDFloor = 2000000000
)

// eraMappings derive the era tables from the clinical tables; they run last,
// after CONDITION_OCCURRENCE and DRUG_EXPOSURE are filled and with the
// vocabulary tables (concept, concept_ancestor, drug_strength) on the
// connection. A build recomputes the eras of every person.
var eraMappings = eraStatements("")

// eraStatements returns the mappings that (re)compute CONDITION_ERA,
// DRUG_ERA and DOSE_ERA. persons is a query yielding the person_id values
// to recompute (for example "SELECT person_id FROM cdw_changed_person");
// each mapping first deletes those persons' eras, then derives them afresh
// from their current records, leaving every other person's eras as they
// are. An empty persons recomputes everyone.
func eraStatements(persons string) []mapping {
	return []mapping{
		{table: "condition_era", insert: conditionEraSQL(persons)},
		{table: "drug_era", insert: drugEraSQL(persons)},
		{table: "dose_era", insert: doseEraSQL(persons)},
	}
}

// personFilter is the condition that restricts col to persons (TRUE when
// persons is empty).
func personFilter(col, persons string) string {
	if strings.TrimSpace(persons) == "" {
		return "TRUE"
	}
	return fmt.Sprintf("%s IN (%s)", col, persons)
}

// islands returns a query over the CTE src (columns member_id, start_date,
// end_date and the key columns) that adds island: rows of one key, ordered
// by start date, share an island while each starts at most window days
// after the latest end of the rows before it. This is the interval merge
// OHDSI's scripts do by padding end dates and pairing start and end
// ordinals (a start on the padded end date still joins, as start events
// sort before end events there).
func islands(src, keys string, window int) string {
	order := "ORDER BY start_date, end_date, member_id"
	return fmt.Sprintf(`SELECT *, sum(CASE WHEN start_date <= prev_end + %[3]d THEN 0 ELSE 1 END)
      OVER (PARTITION BY %[2]s %[4]s ROWS UNBOUNDED PRECEDING) AS island
    FROM (SELECT *, max(end_date) OVER (PARTITION BY %[2]s %[4]s ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
          FROM %[1]s)`, src, keys, window, order)
}

// eraID returns the id expression for the eras in the CTE src, whose
// first_id is the smallest record id among an era's members. An era's id is
// its first_id, which stays the same across rebuilds as long as that record
// stays in the era, and is unique because a record belongs to one era of
// its table, except when a record contributes to several eras (a
// combination drug: one era per ingredient). Then the era with the lowest
// concept keeps first_id and the others take ids counting down from
// 2^31-1, below the lowest such id already in table (the eras of persons
// not being recomputed); those ids are stable only while the set of such
// eras does not change.
func eraID(table, idCol string) string {
	return fmt.Sprintf(`CASE WHEN dup = 1 THEN first_id
    ELSE (SELECT coalesce(min(%[2]s), %[3]d) FROM %[1]s WHERE %[2]s >= %[4]d)
         - row_number() OVER (PARTITION BY dup = 1 ORDER BY first_id, dup) END`, table, idCol, overflowIDBase, overflowIDFloor)
}

// conditionEraSQL builds CONDITION_ERA: per person and condition concept
// (not 0), occurrences [start, end] merge while the next starts within the
// persistence window of the latest end; an occurrence without an end date
// ends the day after it starts (the CDM script's DATEADD(day, 1, start), as
// in Era-Constructor; ETL-CDMBuilder's claims builders use the start
// instead), one that ends before it starts ends on its start. The era starts at its first
// start, ends at its latest end and counts its occurrences; its id is the
// smallest condition_occurrence_id in it.
func conditionEraSQL(persons string) string {
	return fmt.Sprintf(`DELETE FROM condition_era WHERE %[1]s;
INSERT INTO condition_era (condition_era_id, person_id, condition_concept_id, condition_era_start_date, condition_era_end_date, condition_occurrence_count)
WITH target AS (
  SELECT condition_occurrence_id AS member_id, person_id, condition_concept_id AS concept_id,
         condition_start_date AS start_date,
         greatest(coalesce(condition_end_date, condition_start_date + 1), condition_start_date) AS end_date
  FROM condition_occurrence
  WHERE condition_concept_id <> 0 AND %[2]s),
grouped AS (%[3]s)
SELECT min(member_id), person_id, concept_id, min(start_date), max(end_date), count(*)
FROM grouped GROUP BY person_id, concept_id, island`,
		personFilter("person_id", persons), personFilter("person_id", persons),
		islands("target", "person_id, concept_id", conditionEraWindow))
}

// exposureSQL selects the drug exposures eras are built from: concept not
// 0, days_supply not negative, with OHDSI's end date: the recorded end,
// else start + days_supply when that is after the start, else start + 1
// day (an end before the start becomes the start).
func exposureSQL(persons string) string {
	return fmt.Sprintf(`SELECT drug_exposure_id AS member_id, person_id, drug_concept_id, quantity, days_supply,
         drug_exposure_start_date AS start_date,
         greatest(coalesce(drug_exposure_end_date,
                           nullif(drug_exposure_start_date + days_supply, drug_exposure_start_date),
                           drug_exposure_start_date + 1), drug_exposure_start_date) AS end_date
  FROM drug_exposure
  WHERE drug_concept_id <> 0 AND coalesce(days_supply, 0) >= 0 AND %s`, personFilter("person_id", persons))
}

// ingredientSQL maps each drug concept of the CTE exposure to its
// ingredients: its CONCEPT_ANCESTOR ancestors of class Ingredient in RxNorm
// or RxNorm Extension, and the drug itself when it is such an Ingredient (a
// full vocabulary lists every concept as its own ancestor; a partial one,
// or none, may not). Other drugs have no ingredient and make no era.
const ingredientSQL = `
  SELECT DISTINCT ca.descendant_concept_id AS drug_concept_id, c.concept_id AS ingredient_id
  FROM concept_ancestor ca JOIN concept c ON c.concept_id = ca.ancestor_concept_id
  WHERE ca.descendant_concept_id IN (SELECT drug_concept_id FROM exposure)
    AND c.vocabulary_id IN ('RxNorm', 'RxNorm Extension') AND c.concept_class_id = 'Ingredient'
  UNION
  SELECT c.concept_id, c.concept_id FROM concept c
  WHERE c.concept_id IN (SELECT drug_concept_id FROM exposure)
    AND c.vocabulary_id IN ('RxNorm', 'RxNorm Extension') AND c.concept_class_id = 'Ingredient'`

// drugEraSQL builds DRUG_ERA as OHDSI's non-stockpiling script does: per
// person and ingredient, overlapping or adjacent exposures become one
// sub-exposure (its exposed days are its end less its start); sub-exposures
// merge into an era while the next starts within the persistence window of
// the latest end. The era ends at its latest end, counts its exposures, and
// its gap_days are its span less the exposed days of its sub-exposures.
func drugEraSQL(persons string) string {
	return fmt.Sprintf(`DELETE FROM drug_era WHERE %[1]s;
INSERT INTO drug_era (drug_era_id, person_id, drug_concept_id, drug_era_start_date, drug_era_end_date, drug_exposure_count, gap_days)
WITH exposure AS (%[2]s),
ingredient AS (%[3]s),
target AS (
  SELECT e.member_id, e.person_id, i.ingredient_id AS concept_id, e.start_date, e.end_date
  FROM exposure e JOIN ingredient i USING (drug_concept_id)),
sub AS (
  SELECT person_id, concept_id, min(member_id) AS member_id, min(start_date) AS start_date, max(end_date) AS end_date,
         count(*) AS exposures
  FROM (%[4]s) GROUP BY person_id, concept_id, island),
era AS (
  SELECT person_id, concept_id, min(member_id) AS first_id, min(start_date) AS start_date, max(end_date) AS end_date,
         sum(exposures) AS exposures, sum(end_date - start_date) AS exposed
  FROM (%[5]s) GROUP BY person_id, concept_id, island),
numbered AS (SELECT *, row_number() OVER (PARTITION BY first_id ORDER BY concept_id, start_date) AS dup FROM era)
SELECT %[6]s, person_id, concept_id, start_date, end_date, exposures, (end_date - start_date) - exposed
FROM numbered`,
		personFilter("person_id", persons), exposureSQL(persons), ingredientSQL,
		islands("target", "person_id, concept_id", 0),
		islands("sub", "person_id, concept_id", drugEraWindow),
		eraID("drug_era", "drug_era_id"))
}

// doseEraSQL builds DOSE_ERA from the exposures whose drug DRUG_STRENGTH
// gives as a fixed amount per unit (amount_value and its unit, no
// denominator: tablets, capsules and other fixed-amount units): the daily dose
// of each ingredient is quantity × amount_value / days_supply in the amount
// unit, rounded to the 3 decimals dose_value keeps. Per person, ingredient,
// unit and daily dose, exposures merge while the next starts within the
// persistence window of the latest end. Exposures without a positive
// quantity and days_supply, or whose drug DRUG_STRENGTH gives only as a
// concentration (numerator/denominator), make no dose era: DRUG_EXPOSURE
// alone does not say how much ingredient was taken.
func doseEraSQL(persons string) string {
	return fmt.Sprintf(`DELETE FROM dose_era WHERE %[1]s;
INSERT INTO dose_era (dose_era_id, person_id, drug_concept_id, unit_concept_id, dose_value, dose_era_start_date, dose_era_end_date)
WITH exposure AS (%[2]s),
target AS (
  SELECT e.member_id, e.person_id, s.ingredient_concept_id AS concept_id, s.amount_unit_concept_id AS unit_concept_id,
         round(e.quantity * s.amount_value / e.days_supply, 3)::DECIMAL(18,3) AS dose_value, e.start_date, e.end_date
  FROM exposure e JOIN drug_strength s ON s.drug_concept_id = e.drug_concept_id
  WHERE s.invalid_reason IS NULL AND s.amount_value > 0 AND coalesce(s.amount_unit_concept_id, 0) <> 0
    AND s.denominator_value IS NULL AND s.denominator_unit_concept_id IS NULL
    AND e.quantity > 0 AND e.days_supply > 0),
era AS (
  SELECT person_id, concept_id, unit_concept_id, dose_value, min(member_id) AS first_id,
         min(start_date) AS start_date, max(end_date) AS end_date
  FROM (%[3]s) GROUP BY person_id, concept_id, unit_concept_id, dose_value, island),
numbered AS (SELECT *, row_number() OVER (PARTITION BY first_id ORDER BY concept_id, unit_concept_id, dose_value, start_date) AS dup FROM era)
SELECT %[4]s, person_id, concept_id, unit_concept_id, dose_value, start_date, end_date
FROM numbered`,
		personFilter("person_id", persons), exposureSQL(persons),
		islands("target", "person_id, concept_id, unit_concept_id, dose_value", doseEraWindow),
		eraID("dose_era", "dose_era_id"))
}
