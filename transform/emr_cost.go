package transform

import (
	"fmt"
	"strings"
)

// conceptUSD is the currency concept "US Dollar"; the Chinese yuan's
// concept id could not be verified, so CNY amounts carry currency 0.
const conceptUSD = 44818668

// currencyConcept is the currency concept of the ISO 4217 code expr.
func currencyConcept(expr string) string {
	return fmt.Sprintf("CASE upper(%s) WHEN 'USD' THEN %d ELSE 0 END", expr, conceptUSD)
}

// settlements are the bills of closed registrations; charges the billed
// items of every registration.
var (
	settlements = emrSource{
		table:  "emr.settlement",
		from:   "src_settlement s LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = s.reg_id",
		checks: []check{rawIDCheck("s.reg_id"), visitCheck("s.reg_id")},
	}
	charges = emrSource{
		table:  "emr.charge_item",
		from:   "src_charge_item s LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = s.reg_id",
		checks: []check{rawIDCheck("s.charge_id"), visitCheck("s.reg_id")},
	}
)

// chargedEvents are the clinical rows a charge item can name (its
// source_table, without the schema) with the OMOP table and id column they
// land in and, for rows that are not their table's primary source, the id
// map kind that holds their id.
var chargedEvents = []struct{ source, domain, table, idCol, kind string }{
	{"lab_result", "Measurement", "measurement", "measurement_id", ""},
	{"procedure", "Procedure", "procedure_occurrence", "procedure_occurrence_id", ""},
	{"med_admin", "Drug", "drug_exposure", "drug_exposure_id", ""},
	{"med_order", "Drug", "drug_exposure", "drug_exposure_id", kindMedOrder},
	{"prescription_item", "Drug", "drug_exposure", "drug_exposure_id", kindPrescriptionItem},
	{"immunization", "Drug", "drug_exposure", "drug_exposure_id", kindImmunization},
	{"exam_order", "Procedure", "procedure_occurrence", "procedure_occurrence_id", kindExamOrder},
	{"treatment", "Procedure", "procedure_occurrence", "procedure_occurrence_id", kindTreatment},
}

// chargedEventsSQL collects, as emr_charged_event, the OMOP id and domain
// of every clinical row in the CDM that a charge item can name.
func chargedEventsSQL() string {
	parts := make([]string, len(chargedEvents))
	for i, e := range chargedEvents {
		if e.kind == "" {
			parts[i] = fmt.Sprintf("SELECT %[1]s AS source_table, %[2]s::BIGINT AS source_id, %[2]s AS event_id, %[3]s AS domain_id FROM %[4]s WHERE %[2]s < %[5]d",
				quote(e.source), e.idCol, quote(e.domain), e.table, rawIDLimit)
			continue
		}
		parts[i] = fmt.Sprintf("SELECT %[1]s, TRY_CAST(m.source_key AS BIGINT), m.id, %[2]s FROM %[3]s m JOIN %[4]s t ON t.%[5]s = m.id WHERE m.kind = %[6]s",
			quote(e.source), quote(e.domain), IDMapTable, e.table, e.idCol, quote(e.kind))
	}
	return "CREATE OR REPLACE TEMP TABLE emr_charged_event AS\n" + strings.Join(parts, "\nUNION ALL ")
}

// costMappings fill PAYER_PLAN_PERIOD with one period per settled
// registration (its id, the visit's dates, the payer or Chinese insurance
// type as payer and plan) and COST with every charge item (its id and
// amount, the charged clinical row as the cost event when it is in the CDM,
// else the visit, the local charge code as revenue code source value) and
// with one Visit cost per settlement (ids from the id map): billed, paid,
// paid by the payer (the insurance fund) and by the patient, and the US
// payers' allowed amount. A charge's currency is its registration's
// settlement's; an unsettled one has currency 0.
var costMappings = []mapping{
	{table: "payer_plan_period", insert: `
INSERT INTO payer_plan_period (payer_plan_period_id, person_id, payer_plan_period_start_date, payer_plan_period_end_date,
       payer_concept_id, payer_source_value, payer_source_concept_id, plan_concept_id, plan_source_value, plan_source_concept_id)
SELECT s.reg_id, v.person_id, v.visit_start_date, v.visit_end_date,
       0, left(coalesce(s.payer, s.insurance_type), 50), 0, 0, left(coalesce(s.insurance_type, s.payer), 50), 0
FROM ` + settlements.from + `
WHERE ` + settlements.where(),
		quarantine: settlements.quarantine()},
	{table: "cost", insert: chargedEventsSQL() + `;
INSERT INTO cost (cost_id, cost_event_id, cost_domain_id, cost_type_concept_id, currency_concept_id, total_charge,
       payer_plan_period_id, revenue_code_source_value)
SELECT s.charge_id, coalesce(e.event_id, s.reg_id), coalesce(e.domain_id, 'Visit'), 32817, ` + currencyConcept("st.currency") + `,
       s.amount, pp.payer_plan_period_id, left(s.charge_code, 50)
FROM ` + charges.from + `
LEFT JOIN emr_charged_event e ON e.source_table = regexp_replace(s.source_table, '^emr[.]', '') AND e.source_id = s.source_id
LEFT JOIN src_settlement st ON st.reg_id = s.reg_id
LEFT JOIN payer_plan_period pp ON pp.payer_plan_period_id = s.reg_id
WHERE ` + charges.where(),
		quarantine: charges.quarantine()},
	{table: "cost", insert: allocateIDs(kindSettlement, "SELECT reg_id::VARCHAR AS source_key FROM src_settlement") + `;
INSERT INTO cost (cost_id, cost_event_id, cost_domain_id, cost_type_concept_id, currency_concept_id, total_charge, total_paid,
       paid_by_payer, paid_by_patient, payer_plan_period_id, amount_allowed)
SELECT m.id, s.reg_id, 'Visit', 32817, ` + currencyConcept("s.currency") + `, coalesce(s.billed, s.total),
       coalesce(s.paid, s.fund_payment + s.personal_payment, s.total),
       coalesce(s.fund_payment, CASE WHEN s.payer = 'self-pay' THEN 0 ELSE s.paid END),
       coalesce(s.personal_payment, CASE WHEN s.payer = 'self-pay' THEN s.paid END),
       pp.payer_plan_period_id, s.allowed
FROM ` + settlements.from + `
` + idJoin("m", kindSettlement, "s.reg_id::VARCHAR") + `
LEFT JOIN payer_plan_period pp ON pp.payer_plan_period_id = s.reg_id
WHERE ` + settlements.where()},
}
