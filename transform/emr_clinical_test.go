package transform_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		t, err = time.Parse("2006-01-02", s)
	}
	if err != nil {
		panic(err)
	}
	return t
}

// TestEMRClinicalTables builds the clinical fixture and checks every
// clinical and economics table: how many rows, a few exact rows, and the
// orphans quarantined with their reason.
func TestEMRClinicalTables(t *testing.T) {
	root := t.TempDir()
	writeClinicalFixture(t, filepath.Join(root, "postgres"))
	b := build(t, root, cdm.NewStore(filepath.Join(root, "cdm")))

	for table, n := range map[string]int64{"visit_detail": 3, "measurement": 12, "drug_exposure": 5, "procedure_occurrence": 3,
		"observation": 1, "specimen": 1, "death": 1, "payer_plan_period": 2, "cost": 9} {
		assert.Equal(t, n, b.res.Rows[table], table)
	}

	t.Run("quarantine", func(t *testing.T) {
		got := b.q(t, "cdw_quarantine", `SELECT source_table || ' ' || source_key || ': ' || reason AS r FROM {t} ORDER BY 1`)
		want := []string{
			"emr.allergy [1000000001]: id 1000000001 is not below 1000000000",
			"emr.allergy [1401]: patient 42 is not in PERSON",
			"emr.charge_item [1507]: registration 999 is not in VISIT_OCCURRENCE",
			"emr.immunization [951]: patient 42 is not in PERSON",
			"emr.lab_order [302]: registration 999 is not in VISIT_OCCURRENCE",
			"emr.lab_result [402]: lab_order 777 is not in emr.lab_order",
			"emr.med_admin [802]: med_order 999 is not in emr.med_order",
			"emr.vital_sign [601]: registration 999 is not in VISIT_OCCURRENCE",
			"emr.ward_transfer [503]: registration 999 is not in VISIT_OCCURRENCE",
		}
		var reasons []string
		for _, r := range got {
			reasons = append(reasons, r["r"].(string))
		}
		assert.Equal(t, want, reasons)
	})

	t.Run("visit_detail", func(t *testing.T) {
		got := b.q(t, "visit_detail", `SELECT visit_detail_id AS id, visit_detail_concept_id AS c, visit_detail_start_datetime AS s,
			visit_detail_end_date AS e, visit_detail_end_datetime AS et, care_site_id AS site, visit_detail_source_value AS ward,
			admitted_from_source_value AS came, discharged_to_source_value AS went, preceding_visit_detail_id AS prev, visit_occurrence_id AS v
			FROM {t} ORDER BY 1`)
		assert.Equal(t, []map[string]any{
			{"id": int32(500), "c": int32(9201), "s": day("2026-02-01 10:30"), "e": day("2026-02-03"), "et": day("2026-02-03 08:00"),
				"site": int32(1), "ward": "W-CARD", "came": "emergency", "went": "W-ICU", "prev": nil, "v": int32(100)},
			{"id": int32(501), "c": int32(32037), "s": day("2026-02-03 08:00"), "e": day("2026-02-05"), "et": day("2026-02-05 12:00"),
				"site": int32(2), "ward": "W-ICU", "came": "W-CARD", "went": "home", "prev": int32(500), "v": int32(100)},
			{"id": int32(502), "c": int32(32037), "s": day("2026-02-20 08:30"), "e": day("2026-02-25"), "et": day("2026-02-25 09:00"),
				"site": int32(2), "ward": "W-ICU", "came": nil, "went": "died", "prev": nil, "v": int32(102)},
		}, got)
	})

	t.Run("measurement", func(t *testing.T) {
		labs := b.q(t, "measurement", `SELECT measurement_id AS id, person_id AS p, value_as_number::DOUBLE AS v, value_as_concept_id AS vc,
			range_low::DOUBLE AS lo, range_high::DOUBLE AS hi, provider_id AS doc, visit_detail_id AS stay, measurement_source_value AS code,
			unit_source_value AS unit, value_source_value AS raw, measurement_type_concept_id AS typ
			FROM {t} WHERE measurement_id < 1000000000 ORDER BY 1`)
		assert.Equal(t, []map[string]any{
			{"id": int32(400), "p": int32(1), "v": 1.8, "vc": int32(4328749), "lo": 0.6, "hi": 1.2, "doc": int32(7), "stay": int32(500), "code": "CR", "unit": "mg/dL", "raw": "1.8", "typ": int32(32817)},
			{"id": int32(401), "p": int32(1), "v": 0.9, "vc": int32(4069590), "lo": 0.6, "hi": 1.2, "doc": int32(7), "stay": int32(501), "code": "CR", "unit": "mg/dL", "raw": "0.9", "typ": int32(32817)},
			{"id": int32(403), "p": int32(1), "v": nil, "vc": nil, "lo": nil, "hi": nil, "doc": int32(7), "stay": int32(501), "code": "BCX", "unit": nil, "raw": "no growth", "typ": int32(32817)},
			{"id": int32(404), "p": int32(1), "v": nil, "vc": int32(4328749), "lo": 0.6, "hi": 1.2, "doc": int32(7), "stay": int32(501), "code": "CR", "unit": "mg/dL", "raw": "1e+20", "typ": int32(32817)},
		}, labs, "a value beyond NUMERIC is kept as text only")
		vitals := b.q(t, "measurement", `SELECT measurement_source_value AS code, value_as_number::DOUBLE AS v, unit_source_value AS unit,
			provider_id AS nurse, visit_detail_id AS stay FROM {t} WHERE measurement_id >= 1000000000 ORDER BY 1`)
		assert.Equal(t, []map[string]any{
			{"code": "29463-7", "v": 70.5, "unit": "kg", "nurse": int32(8), "stay": int32(500)},
			{"code": "8302-2", "v": 172.0, "unit": "cm", "nurse": int32(8), "stay": int32(500)},
			{"code": "8310-5", "v": 37.2, "unit": "Cel", "nurse": int32(8), "stay": int32(500)},
			{"code": "8462-4", "v": 85.0, "unit": "mm[Hg]", "nurse": int32(8), "stay": int32(500)},
			{"code": "8480-6", "v": 142.0, "unit": "mm[Hg]", "nurse": int32(8), "stay": int32(500)},
			{"code": "8867-4", "v": 88.0, "unit": "/min", "nurse": int32(8), "stay": int32(500)},
			{"code": "9269-2", "v": 15.0, "unit": "{score}", "nurse": int32(8), "stay": int32(500)},
			{"code": "9279-1", "v": 18.0, "unit": "/min", "nurse": int32(8), "stay": int32(500)},
		}, vitals, "one row per recorded vital sign; the missing SpO2 makes none")
	})

	t.Run("drug_exposure", func(t *testing.T) {
		got := b.q(t, "drug_exposure", `SELECT drug_source_value AS code, drug_type_concept_id AS typ, drug_exposure_start_datetime AS s,
			drug_exposure_end_date AS e, quantity::DOUBLE AS qty, days_supply AS days, refills, sig, route_concept_id AS route,
			route_source_value AS rs, dose_unit_source_value AS unit, provider_id AS who, person_id AS p, drug_exposure_id < 1000000000 AS own_id
			FROM {t} ORDER BY typ, s, code`)
		assert.Equal(t, []map[string]any{
			{"code": "208", "typ": int32(32817), "s": day("2025-08-29 11:35"), "e": day("2025-08-29"), "qty": nil, "days": nil, "refills": nil,
				"sig": "dose 1", "route": nil, "rs": nil, "unit": nil, "who": nil, "p": int32(1), "own_id": false},
			{"code": "ASP100", "typ": int32(32818), "s": day("2026-02-02 09:00"), "e": day("2026-02-02"), "qty": 100.0, "days": nil, "refills": nil,
				"sig": "100 mg PO QD", "route": int32(4132161), "rs": "PO", "unit": "mg", "who": int32(8), "p": int32(1), "own_id": true},
			{"code": "ASP100", "typ": int32(32838), "s": day("2026-01-10 09:20"), "e": day("2026-02-08"), "qty": 30.0, "days": int32(30), "refills": int32(0),
				"sig": "100 mg PO QD", "route": int32(4132161), "rs": "PO", "unit": "mg", "who": int32(7), "p": int32(2), "own_id": false},
			{"code": "ASP100", "typ": int32(32838), "s": day("2026-02-01 12:00"), "e": day("2026-02-05"), "qty": nil, "days": nil, "refills": nil,
				"sig": "100 mg PO QD", "route": int32(4132161), "rs": "PO", "unit": "mg", "who": int32(7), "p": int32(1), "own_id": false},
			{"code": "SAL", "typ": int32(32838), "s": day("2026-02-01 12:00"), "e": day("2026-02-03"), "qty": nil, "days": nil, "refills": nil,
				"sig": "200 ug INH Q6H", "route": int32(45956874), "rs": "INH", "unit": "ug", "who": int32(7), "p": int32(1), "own_id": false},
		}, got, "the held dose is not an exposure")
	})

	t.Run("procedure_occurrence", func(t *testing.T) {
		got := b.q(t, "procedure_occurrence", `SELECT procedure_source_value AS code, procedure_datetime AS s, procedure_end_datetime AS e,
			provider_id AS who, visit_occurrence_id AS v, procedure_occurrence_id = 1100 AS own_id FROM {t} ORDER BY s`)
		assert.Equal(t, []map[string]any{
			{"code": "XR-CHEST", "s": day("2026-02-01 11:30"), "e": nil, "who": int32(8), "v": int32(100), "own_id": false},
			{"code": "00.66", "s": day("2026-02-02 14:00"), "e": day("2026-02-02 15:30"), "who": int32(7), "v": int32(100), "own_id": true},
			{"code": "Oxygen therapy", "s": day("2026-02-20 09:00"), "e": day("2026-02-21 09:00"), "who": int32(8), "v": int32(102), "own_id": false},
		}, got)
	})

	t.Run("observation, specimen, death", func(t *testing.T) {
		assert.Equal(t, []map[string]any{{"id": int32(1400), "p": int32(1), "val": "Penicillin", "src": "allergy: Penicillin", "sev": "moderate", "reaction": "rash"}},
			b.q(t, "observation", `SELECT observation_id AS id, person_id AS p, value_as_string AS val, observation_source_value AS src,
				qualifier_source_value AS sev, value_source_value AS reaction FROM {t}`))
		assert.Equal(t, []map[string]any{{"id": int32(300), "p": int32(1), "c": int32(4001225), "at": day("2026-02-02 06:10"), "panel": "RENAL"}},
			b.q(t, "specimen", `SELECT specimen_id AS id, person_id AS p, specimen_concept_id AS c, specimen_datetime AS at, specimen_source_value AS panel FROM {t}`))
		assert.Equal(t, []map[string]any{{"p": int32(2), "d": day("2026-02-25"), "cause": "J18.9", "typ": int32(32817)}},
			b.q(t, "death", `SELECT person_id AS p, death_date AS d, cause_source_value AS cause, death_type_concept_id AS typ FROM {t}`))
	})

	t.Run("payer_plan_period and cost", func(t *testing.T) {
		assert.Equal(t, []map[string]any{
			{"id": int32(100), "p": int32(1), "s": day("2026-02-01"), "e": day("2026-02-05"), "payer": "城镇职工", "plan": "城镇职工"},
			{"id": int32(102), "p": int32(2), "s": day("2026-02-20"), "e": day("2026-02-25"), "payer": "Medicare", "plan": "Medicare"},
		}, b.q(t, "payer_plan_period", `SELECT payer_plan_period_id AS id, person_id AS p, payer_plan_period_start_date AS s,
			payer_plan_period_end_date AS e, payer_source_value AS payer, plan_source_value AS plan FROM {t} ORDER BY 1`))

		charges := b.q(t, "cost", `SELECT c.cost_id AS id, c.cost_domain_id AS dom, c.total_charge::DOUBLE AS amount, c.currency_concept_id AS cur,
			c.payer_plan_period_id AS ppp, c.revenue_code_source_value AS code,
			CASE c.cost_domain_id WHEN 'Visit' THEN c.cost_event_id::VARCHAR
			     ELSE coalesce(d.drug_source_value, pr.procedure_source_value, m.measurement_source_value) END AS event
			FROM {t} c
			LEFT JOIN read_parquet('`+path(t, b, "drug_exposure")+`') d ON c.cost_domain_id = 'Drug' AND d.drug_exposure_id = c.cost_event_id
			LEFT JOIN read_parquet('`+path(t, b, "procedure_occurrence")+`') pr ON c.cost_domain_id = 'Procedure' AND pr.procedure_occurrence_id = c.cost_event_id
			LEFT JOIN read_parquet('`+path(t, b, "measurement")+`') m ON c.cost_domain_id = 'Measurement' AND m.measurement_id = c.cost_event_id
			WHERE c.cost_id < 1000000000 ORDER BY 1`)
		assert.Equal(t, []map[string]any{
			{"id": int32(1500), "dom": "Measurement", "amount": 12.0, "cur": int32(0), "ppp": int32(100), "code": "LCR", "event": "CR"},
			{"id": int32(1501), "dom": "Visit", "amount": 30.0, "cur": int32(0), "ppp": int32(100), "code": "REG-I", "event": "100"},
			{"id": int32(1502), "dom": "Procedure", "amount": 80.0, "cur": int32(0), "ppp": int32(100), "code": "XR-CHEST", "event": "XR-CHEST"},
			{"id": int32(1503), "dom": "Drug", "amount": 0.5, "cur": int32(0), "ppp": int32(100), "code": "DASP100", "event": "ASP100"},
			{"id": int32(1504), "dom": "Drug", "amount": 15.0, "cur": int32(0), "ppp": nil, "code": "DASP100", "event": "ASP100"},
			{"id": int32(1505), "dom": "Procedure", "amount": 6500.0, "cur": int32(0), "ppp": int32(100), "code": "P00.66", "event": "00.66"},
			{"id": int32(1506), "dom": "Procedure", "amount": 120.0, "cur": int32(44818668), "ppp": int32(102), "code": "T-OXY", "event": "Oxygen therapy"},
		}, charges, "each charge points at the row it charged for")

		bills := b.q(t, "cost", `SELECT cost_event_id AS v, cost_domain_id AS dom, currency_concept_id AS cur, total_charge::DOUBLE AS charged,
			total_paid::DOUBLE AS paid, paid_by_payer::DOUBLE AS payer, paid_by_patient::DOUBLE AS patient, amount_allowed::DOUBLE AS allowed
			FROM {t} WHERE cost_id >= 1000000000 ORDER BY 1`)
		assert.Equal(t, []map[string]any{
			{"v": int32(100), "dom": "Visit", "cur": int32(0), "charged": 5000.0, "paid": 5000.0, "payer": 3750.0, "patient": 1250.0, "allowed": nil},
			{"v": int32(102), "dom": "Visit", "cur": int32(44818668), "charged": 9000.0, "paid": 3500.0, "payer": 3500.0, "patient": nil, "allowed": 3500.0},
		}, bills)
	})
}

func path(t *testing.T, b built, table string) string {
	t.Helper()
	p, ok := b.res.Snapshot.Path(table)
	require.True(t, ok)
	return filepath.ToSlash(p)
}
