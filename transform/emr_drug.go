package transform

import (
	"fmt"
	"strings"
)

// routeConcepts are the OMOP Route concepts of the EMR's route codes.
var routeConcepts = []struct {
	code    string
	concept int
}{
	{"PO", 4132161},   // Oral
	{"IV", 4171047},   // Intravenous
	{"SC", 4142048},   // Subcutaneous
	{"IM", 4302612},   // Intramuscular
	{"INH", 45956874}, // Inhalation
}

// routeConcept is the route concept of the route code expr: 0 for a code
// not in routeConcepts, NULL when there is no route.
func routeConcept(expr string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CASE WHEN %s IS NULL THEN NULL", expr)
	for _, r := range routeConcepts {
		fmt.Fprintf(&b, " WHEN upper(%s) = %s THEN %d", expr, quote(r.code), r.concept)
	}
	b.WriteString(" ELSE 0 END")
	return b.String()
}

// sig is the dosage text "<dose> <unit> <route> <frequency>" of a row with
// columns dose, route and frequency (alias a) of drug d.
func sig(a string) string {
	return fmt.Sprintf(`nullif(concat_ws(' ', printf('%%g', %[1]s.dose) || coalesce(' ' || d.unit, ''), %[1]s.route, %[1]s.frequency), '')`, a)
}

// medOrders, medAdmins, prescriptionItems and immunizations are the four
// EMR sources of DRUG_EXPOSURE; only given doses count as administrations.
var (
	medOrders = emrSource{
		table:  "emr.med_order",
		from:   "src_med_order s LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = s.reg_id",
		checks: []check{nullCheck("s.med_order_id", "no id"), visitCheck("s.reg_id"), nullCheck("s.start_time", "no start time")},
	}
	medAdmins = emrSource{
		table: "emr.med_admin",
		from: `(SELECT * FROM src_med_admin WHERE status = 'given') s LEFT JOIN src_med_order o ON o.med_order_id = s.med_order_id
LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = o.reg_id`,
		checks: []check{rawIDCheck("s.admin_id"), parentCheck("o", "med_order_id", "s.med_order_id", "emr.med_order"),
			visitCheck("o.reg_id"), nullCheck("s.given_at", "no time given")},
	}
	prescriptionItems = emrSource{
		table: "emr.prescription_item",
		from: `src_prescription_item s LEFT JOIN src_prescription r ON r.rx_id = s.rx_id
LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = r.reg_id`,
		checks: []check{nullCheck("s.rx_item_id", "no id"), parentCheck("r", "rx_id", "s.rx_id", "emr.prescription"),
			visitCheck("r.reg_id"), nullCheck("r.prescribed_at", "no prescription time")},
	}
	immunizations = emrSource{
		table: "emr.immunization",
		from:  "src_immunization s LEFT JOIN person p ON p.person_id = s.patient_id",
		checks: []check{nullCheck("s.immunization_id", "no id"),
			{when: "p.person_id IS NULL", reason: "'patient ' || coalesce(s.patient_id::VARCHAR, 'NULL') || ' is not in PERSON'"},
			nullCheck("s.given_at", "no time given")},
	}
)

// drugColumns are the DRUG_EXPOSURE columns every EMR drug mapping fills, in
// the order of drugSelect.
const drugColumns = `INSERT INTO drug_exposure (drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date, drug_exposure_start_datetime,
       drug_exposure_end_date, drug_exposure_end_datetime, verbatim_end_date, drug_type_concept_id, refills, quantity, days_supply, sig,
       route_concept_id, provider_id, visit_occurrence_id, visit_detail_id, drug_source_value, drug_source_concept_id,
       route_source_value, dose_unit_source_value)`

// drugMappings fill DRUG_EXPOSURE from medication orders (EHR prescription,
// from start to stop or the end of the visit), given doses (EHR
// administration record, the dose as quantity, the nurse as provider; the
// primary source, with the administration's id), outpatient prescription
// items (EHR prescription, days supply, quantity, no refills) and
// immunizations (EHR, CVX codes). Drugs are looked up by the pharmacy's
// local code in the code map's DRUG vocabulary, vaccines by CVX code.
var drugMappings = []mapping{
	{table: "drug_exposure", insert: allocateIDs(kindMedOrder, "SELECT med_order_id::VARCHAR AS source_key FROM src_med_order") + `;
` + drugColumns + `
SELECT m.id, v.person_id, coalesce(c.concept_id, 0), s.start_time::DATE, s.start_time,
       greatest(coalesce(s.stop_time::DATE, v.visit_end_date), s.start_time::DATE),
       CASE WHEN s.stop_time >= s.start_time THEN s.stop_time END, s.stop_time::DATE, 32838, NULL, NULL, NULL, ` + sig("s") + `,
       ` + routeConcept("s.route") + `, s.doctor_id, v.visit_occurrence_id, ws.visit_detail_id,
       left(d.local_code, 50), coalesce(c.source_concept_id, 0), left(s.route, 50), left(d.unit, 50)
FROM ` + medOrders.from + `
LEFT JOIN src_drug d ON d.drug_id = s.drug_id
` + idJoin("m", kindMedOrder, "s.med_order_id::VARCHAR") + `
` + lookup("c", "DRUG", "d.local_code") + `
` + wardStayJoin("ws", "v.visit_occurrence_id", "s.start_time") + `
WHERE ` + medOrders.where(),
		quarantine: medOrders.quarantine()},
	{table: "drug_exposure", insert: drugColumns + `
SELECT s.admin_id, v.person_id, coalesce(c.concept_id, 0), s.given_at::DATE, s.given_at, s.given_at::DATE, s.given_at, NULL, 32818,
       NULL, TRY_CAST(s.dose AS DECIMAL(18,3)), NULL, ` + sig("o") + `, ` + routeConcept("o.route") + `, s.nurse_id, v.visit_occurrence_id,
       ws.visit_detail_id,
       left(d.local_code, 50), coalesce(c.source_concept_id, 0), left(o.route, 50), left(d.unit, 50)
FROM ` + medAdmins.from + `
LEFT JOIN src_drug d ON d.drug_id = o.drug_id
` + lookup("c", "DRUG", "d.local_code") + `
` + wardStayJoin("ws", "v.visit_occurrence_id", "s.given_at") + `
WHERE ` + medAdmins.where(),
		quarantine: medAdmins.quarantine()},
	{table: "drug_exposure", insert: allocateIDs(kindPrescriptionItem, "SELECT rx_item_id::VARCHAR AS source_key FROM src_prescription_item") + `;
` + drugColumns + `
SELECT m.id, v.person_id, coalesce(c.concept_id, 0), r.prescribed_at::DATE, r.prescribed_at,
       (r.prescribed_at::DATE + greatest(coalesce(s.days, 1), 1)::INTEGER - 1), NULL, NULL, 32838, 0, s.quantity, s.days, ` + sig("s") + `,
       ` + routeConcept("s.route") + `, r.doctor_id, v.visit_occurrence_id, NULL,
       left(d.local_code, 50), coalesce(c.source_concept_id, 0), left(s.route, 50), left(d.unit, 50)
FROM ` + prescriptionItems.from + `
LEFT JOIN src_drug d ON d.drug_id = s.drug_id
` + idJoin("m", kindPrescriptionItem, "s.rx_item_id::VARCHAR") + `
` + lookup("c", "DRUG", "d.local_code") + `
WHERE ` + prescriptionItems.where(),
		quarantine: prescriptionItems.quarantine()},
	{table: "drug_exposure", insert: allocateIDs(kindImmunization, "SELECT immunization_id::VARCHAR AS source_key FROM src_immunization") + `;
` + drugColumns + `
SELECT m.id, p.person_id, coalesce(c.concept_id, 0), s.given_at::DATE, s.given_at, s.given_at::DATE, s.given_at, NULL, 32817,
       NULL, NULL, NULL, 'dose ' || s.dose_number, NULL, NULL, NULL, NULL,
       left(s.vaccine_code, 50), coalesce(c.source_concept_id, 0), NULL, NULL
FROM ` + immunizations.from + `
` + idJoin("m", kindImmunization, "s.immunization_id::VARCHAR") + `
` + lookup("c", "CVX", "s.vaccine_code") + `
WHERE ` + immunizations.where(),
		quarantine: immunizations.quarantine()},
}
