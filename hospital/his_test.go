package hospital_test

import (
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hisChecks are queries counting rows of the HIS tables (front page,
// accounts) that break a rule Generate keeps.
var hisChecks = []struct{ name, query string }{
	{"imaging examinations without exactly one radiology note by their reporter, in their language, when reported", `SELECT count(*) FROM emr.exam_order x
		JOIN emr.exam_result r USING (exam_id) WHERE x.modality <> 'ECG' AND (SELECT count(*) FROM emr.clinical_note n
			WHERE n.reg_id = x.reg_id AND n.note_type = 'radiology' AND n.author_id = r.reported_by AND n.written_at = r.reported_at
				AND n.language = r.language AND n.body LIKE '%' || r.impression || '%') <> 1`},
	{"staff without exactly one account", `SELECT count(*) FROM emr.staff s
		WHERE (SELECT count(*) FROM emr.user_account a WHERE a.staff_id = s.staff_id) <> 1`},
	{"front pages whose principal is not the main diagnosis", `SELECT count(*) FROM emr.front_page f
		WHERE NOT EXISTS (SELECT 1 FROM emr.diagnosis d WHERE d.reg_id = f.reg_id AND d.is_main
			AND d.icd10 = f.principal_code AND d.diag_name = f.principal_name AND d.code_system = f.code_system)`},
	{"front pages whose secondary codes are not the other diagnoses", `SELECT count(*) FROM emr.front_page f
		WHERE f.secondary_codes::text[] IS DISTINCT FROM (SELECT coalesce(array_agg(d.icd10 ORDER BY d.diag_id), '{}')
			FROM emr.diagnosis d WHERE d.reg_id = f.reg_id AND NOT d.is_main)`},
	{"front page LOS not the stay's", `SELECT count(*) FROM emr.front_page f JOIN emr.registration g USING (reg_id)
		WHERE f.los_days <> greatest(1, g.discharge_time::date - g.admit_time::date)`},
	{"diagnosis lines not the stay's diagnoses", `SELECT count(*) FROM (
		SELECT reg_id, diag_id, icd10 AS code, code_system, diag_name AS name FROM emr.diagnosis WHERE reg_id IN (SELECT reg_id FROM emr.front_page)
		EXCEPT SELECT reg_id, diag_id, code, code_system, name FROM emr.front_page_diagnosis) x`},
	{"diagnosis lines without a diagnosis", `SELECT count(*) FROM emr.front_page_diagnosis l
		WHERE NOT EXISTS (SELECT 1 FROM emr.diagnosis d WHERE d.diag_id = l.diag_id AND d.reg_id = l.reg_id AND d.icd10 = l.code)`},
	{"principal line not seq 1 or not present on admission", `SELECT count(*) FROM emr.front_page_diagnosis l JOIN emr.diagnosis d USING (diag_id)
		WHERE d.is_main <> (l.seq = 1) OR d.is_main AND NOT l.present_on_admission`},
	{"procedure lines not the stay's procedures", `SELECT count(*) FROM (
		SELECT reg_id, proc_id, code, code_system, name, start_time FROM emr.procedure WHERE reg_id IN (SELECT reg_id FROM emr.front_page)
		EXCEPT SELECT reg_id, proc_id, code, code_system, name, performed_at FROM emr.front_page_procedure) x`},
	{"procedure lines without a procedure", `SELECT count(*) FROM emr.front_page_procedure l
		WHERE NOT EXISTS (SELECT 1 FROM emr.procedure p WHERE p.proc_id = l.proc_id AND p.reg_id = l.reg_id AND p.code = l.code)`},
	{"treatments outside their stay", `SELECT count(*) FROM emr.treatment t JOIN emr.registration g USING (reg_id)
		WHERE g.visit_type <> 'I' OR t.started_at < g.admit_time OR t.ended_at > coalesce(g.discharge_time, 'infinity') OR t.ended_at < t.started_at`},
	{"treatments the stay's conditions do not call for", `SELECT count(*) FROM emr.treatment t WHERE CASE t.kind
		WHEN 'dialysis' THEN NOT EXISTS (SELECT 1 FROM emr.diagnosis d WHERE d.reg_id = t.reg_id AND d.icd10 LIKE 'N17%')
		WHEN 'nebulisation' THEN NOT EXISTS (SELECT 1 FROM emr.diagnosis d WHERE d.reg_id = t.reg_id AND d.is_main AND (d.icd10 LIKE 'J44%' OR d.icd10 LIKE 'J45%'))
		WHEN 'physiotherapy' THEN NOT EXISTS (SELECT 1 FROM emr.diagnosis d WHERE d.reg_id = t.reg_id AND d.is_main AND (d.icd10 LIKE 'S72%' OR d.icd10 LIKE 'I63%'))
		WHEN 'wound care' THEN NOT EXISTS (SELECT 1 FROM emr.procedure p WHERE p.reg_id = t.reg_id AND p.anaesthesia IN ('general', 'spinal'))
		ELSE false END`},
	{"exam orders without a report, or reported outside their encounter", `SELECT count(*) FROM emr.exam_order x
		JOIN emr.registration g USING (reg_id) LEFT JOIN emr.exam_result r USING (exam_id)
		WHERE r.exam_id IS NULL OR x.ordered_at < g.admit_time OR r.reported_at < x.ordered_at
			OR r.reported_at > coalesce(g.discharge_time, 'infinity')`},
	{"examinations not showing the stay's condition", `SELECT count(*) FROM emr.exam_order x JOIN emr.exam_result r USING (exam_id)
		JOIN emr.diagnosis d ON d.reg_id = x.reg_id AND d.is_main WHERE CASE left(d.icd10, 3)
		WHEN 'J18' THEN x.exam_code <> 'XR-CHEST' OR r.findings NOT SIMILAR TO '%(consolidation|实变)%' OR NOT r.abnormal
		WHEN 'I63' THEN x.exam_code <> 'CT-HEAD'
		WHEN 'I21' THEN x.exam_code <> 'ECG-12' OR r.findings NOT SIMILAR TO '%(ST|ST段)%'
		WHEN 'S72' THEN x.exam_code <> 'XR-HIP' OR r.findings NOT SIMILAR TO '%(fracture|骨折)%'
		ELSE false END`},
	{"exam reports in another language than the patient's notes", `SELECT count(*) FROM emr.exam_result r JOIN emr.exam_order x USING (exam_id)
		WHERE r.language = 'zh' AND r.findings !~ '[一-龥]' OR r.language = 'en' AND r.findings ~ '[一-龥]'`},
	{"bed-days not the front page's LOS", `SELECT count(*) FROM emr.front_page f
		WHERE f.los_days <> (SELECT count(*) FROM emr.charge_item c WHERE c.reg_id = f.reg_id AND c.category = 'bed')`},
	{"medication orders not dispensed once per given dose", `SELECT count(*) FROM emr.med_order m
		WHERE (SELECT count(*) FROM emr.med_admin a WHERE a.med_order_id = m.med_order_id AND a.status = 'given')
			<> coalesce((SELECT sum(d.quantity) FROM emr.dispensing d WHERE d.med_order_id = m.med_order_id AND d.drug_id = m.drug_id), 0)`},
}

// billingInvariants are the rules of the billing tables, which Live keeps
// too: every billable row charged once, settlements adding up.
var billingInvariants = []struct{ name, query string }{
	{"lab results, procedures and given doses without exactly one charge", `SELECT
		(SELECT count(*) FROM emr.lab_result l WHERE (SELECT count(*) FROM emr.charge_item c
			WHERE c.source_table = 'lab_result' AND c.source_id = l.result_id) <> 1)
		+ (SELECT count(*) FROM emr.procedure p WHERE (SELECT count(*) FROM emr.charge_item c
			WHERE c.source_table = 'procedure' AND c.source_id = p.proc_id) <> 1)
		+ (SELECT count(*) FROM emr.med_admin a WHERE (a.status = 'given') <> EXISTS (SELECT 1 FROM emr.charge_item c
			WHERE c.source_table = 'med_admin' AND c.source_id = a.admin_id))`},
	{"charges on another registration than their source", `SELECT count(*) FROM emr.charge_item c
		LEFT JOIN emr.lab_result l ON c.source_table = 'lab_result' AND l.result_id = c.source_id
		LEFT JOIN emr.lab_order o ON o.order_id = l.order_id
		LEFT JOIN emr.procedure p ON c.source_table = 'procedure' AND p.proc_id = c.source_id
		LEFT JOIN emr.med_admin a ON c.source_table = 'med_admin' AND a.admin_id = c.source_id
		LEFT JOIN emr.med_order m ON m.med_order_id = a.med_order_id
		LEFT JOIN emr.prescription_item i ON c.source_table = 'prescription_item' AND i.rx_item_id = c.source_id
		LEFT JOIN emr.prescription x ON x.rx_id = i.rx_id
		LEFT JOIN emr.treatment t ON c.source_table = 'treatment' AND t.treatment_id = c.source_id
		LEFT JOIN emr.exam_order e ON c.source_table = 'exam_order' AND e.exam_id = c.source_id
		WHERE c.reg_id <> coalesce(o.reg_id, p.reg_id, m.reg_id, x.reg_id, t.reg_id, e.reg_id, CASE WHEN c.source_table = 'registration' THEN c.source_id END, -1)`},
	{"prescription items without exactly one charge of their quantity and price", `SELECT count(*) FROM emr.prescription_item i
		WHERE (SELECT count(*) FROM emr.charge_item c WHERE c.source_table = 'prescription_item' AND c.source_id = i.rx_item_id
			AND c.quantity = i.quantity AND c.unit_price = i.unit_price AND c.category = 'drug') <> 1`},
	{"prescriptions outside a finished outpatient or emergency visit, or by another doctor", `SELECT count(*) FROM emr.prescription x
		JOIN emr.registration g USING (reg_id) WHERE g.visit_type = 'I' OR g.status <> 'closed' OR x.doctor_id IS DISTINCT FROM g.doctor_id
			OR x.prescribed_at < g.admit_time OR x.prescribed_at > g.discharge_time`},
	{"prescriptions without items, items of the other type", `SELECT count(*) FROM emr.prescription x
		WHERE NOT EXISTS (SELECT 1 FROM emr.prescription_item i WHERE i.rx_id = x.rx_id)
			OR EXISTS (SELECT 1 FROM emr.prescription_item i JOIN emr.drug d USING (drug_id) WHERE i.rx_id = x.rx_id
				AND (x.rx_type = 'chinese patent') <> (d.local_code LIKE 'Z%'))`},
	{"treatments without exactly one charge", `SELECT count(*) FROM emr.treatment t WHERE (SELECT count(*) FROM emr.charge_item c
		WHERE c.source_table = 'treatment' AND c.source_id = t.treatment_id AND c.reg_id = t.reg_id AND c.category = 'treatment') <> 1`},
	{"examinations without exactly one charge", `SELECT count(*) FROM emr.exam_order x WHERE (SELECT count(*) FROM emr.charge_item c
		WHERE c.source_table = 'exam_order' AND c.source_id = x.exam_id AND c.reg_id = x.reg_id AND c.category = 'exam') <> 1`},
	{"charge amounts not quantity times price", `SELECT count(*) FROM emr.charge_item WHERE amount <> quantity * unit_price OR amount <= 0`},
	{"charges outside their encounter", `SELECT count(*) FROM emr.charge_item c JOIN emr.registration g USING (reg_id)
		WHERE c.charged_at < g.admit_time OR c.charged_at > coalesce(g.discharge_time, 'infinity')`},
	{"closed registrations without a settlement, open ones with one", `SELECT count(*) FROM emr.registration g
		WHERE (g.status = 'closed') <> EXISTS (SELECT 1 FROM emr.settlement s WHERE s.reg_id = g.reg_id)`},
	{"settlement totals not the sum of the charges", `SELECT count(*) FROM emr.settlement s
		WHERE s.total <> (SELECT coalesce(sum(c.amount), 0) FROM emr.charge_item c WHERE c.reg_id = s.reg_id)`},
	{"settlements not adding up", `SELECT count(*) FROM emr.settlement WHERE CASE currency
		WHEN 'CNY' THEN insurance_type IS NULL OR fund_payment + personal_payment <> total OR fund_payment < 0 OR payer IS NOT NULL
			OR (insurance_type = '自费') <> (fund_payment = 0)
		ELSE payer IS NULL OR billed <> total OR allowed > billed OR paid > allowed OR paid < 0 OR insurance_type IS NOT NULL END`},
	{"settlements before discharge", `SELECT count(*) FROM emr.settlement s JOIN emr.registration g USING (reg_id)
		WHERE s.settled_at < g.discharge_time`},
}

// sharedHISInvariants are the rules of the front page and the pharmacy
// that Live keeps too: each discharge coded and costed, every prescription
// item dispensed from a stock batch that never goes below zero.
var sharedHISInvariants = []struct{ name, query string }{
	{"discharged stays without a front page", `SELECT count(*) FROM emr.registration g
		WHERE g.visit_type = 'I' AND g.status = 'closed' AND NOT EXISTS (SELECT 1 FROM emr.front_page f WHERE f.reg_id = g.reg_id)`},
	{"front pages of other than discharged stays", `SELECT count(*) FROM emr.front_page f JOIN emr.registration g USING (reg_id)
		WHERE g.visit_type <> 'I' OR g.status <> 'closed'`},
	{"front pages coded before discharge", `SELECT count(*) FROM emr.front_page f JOIN emr.registration g USING (reg_id)
		WHERE f.coded_at < g.discharge_time`},
	{"disposition codes not the stay's", `SELECT count(*) FROM emr.front_page f JOIN emr.registration g USING (reg_id)
		WHERE f.disposition_code <> CASE g.disposition WHEN 'home' THEN '1' WHEN 'transfer' THEN '2'
			WHEN 'against advice' THEN '4' WHEN 'died' THEN '5' END`},
	{"front page cost not the settlement's total", `SELECT count(*) FROM emr.front_page f JOIN emr.settlement s USING (reg_id)
		WHERE f.total_cost IS DISTINCT FROM s.total`},
	{"stock batches dispensing more than they received", `SELECT count(*) FROM emr.pharmacy_stock s
		WHERE s.quantity_received - s.quantity_on_hand <> (SELECT coalesce(sum(d.quantity), 0) FROM emr.dispensing d WHERE d.batch_no = s.batch_no)
			OR s.quantity_on_hand < 0 OR s.expiry_date <= (SELECT max(d.dispensed_at) FROM emr.dispensing d WHERE d.batch_no = s.batch_no)`},
	{"dispensing from a batch of another drug or pharmacy, or none", `SELECT count(*) FROM emr.dispensing d
		WHERE NOT EXISTS (SELECT 1 FROM emr.pharmacy_stock s WHERE s.batch_no = d.batch_no AND s.drug_id = d.drug_id AND s.location = d.location)`},
	{"prescription items not dispensed once as prescribed", `SELECT count(*) FROM emr.prescription_item i
		WHERE (SELECT count(*) FROM emr.dispensing d WHERE d.rx_item_id = i.rx_item_id AND d.quantity = i.quantity
			AND d.drug_id = i.drug_id AND d.location = 'outpatient') <> 1`},
}

func init() { invariants = append(invariants, billingInvariants...) }

// checkSharedHIS asserts that no row breaks a rule of sharedHISInvariants;
// they need a whole Generate (the stock is written last).
func checkSharedHIS(t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	for _, c := range sharedHISInvariants {
		t.Run(c.name, func(t *testing.T) { assert.Zero(t, count(t, db, c.query)) })
	}
}

// checkHIS asserts that no row breaks a rule of the HIS tables and that
// they are not empty.
func checkHIS(t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	for _, c := range hisChecks {
		t.Run(c.name, func(t *testing.T) { assert.Zero(t, count(t, db, c.query)) })
	}
	checkSharedHIS(t, db)
	for _, table := range []string{"emr.front_page", "emr.front_page_diagnosis", "emr.front_page_procedure", "emr.charge_item", "emr.settlement", "emr.prescription", "emr.prescription_item", "emr.treatment", "emr.exam_order", "emr.exam_result", "emr.pharmacy_stock", "emr.dispensing"} {
		assert.Positive(t, count(t, db, "SELECT count(*) FROM "+table), table)
	}
	assert.Positive(t, count(t, db, `SELECT count(*) FROM emr.front_page_diagnosis WHERE NOT present_on_admission`),
		"diagnoses arising during the stay")
}

// checkExamTruth asserts that exam_reports.jsonl has a line per
// examination report whose findings are where it says, negations included.
func checkExamTruth(t *testing.T, db *pgxpool.Pool, truth string) {
	t.Helper()
	lines := readJSONL[noteLine](t, filepath.Join(truth, "exam_reports.jsonl"))
	require.EqualValues(t, count(t, db, `SELECT count(*) FROM emr.exam_result`), len(lines))
	bodies := textByID(t, db, `SELECT exam_id, findings FROM emr.exam_result`)
	assertions := map[string]int{}
	for _, l := range lines {
		body, ok := bodies[l.ExamID]
		require.True(t, ok, "exam %d", l.ExamID)
		assert.NotEmpty(t, l.Findings, "exam %d", l.ExamID)
		for _, f := range l.Findings {
			require.LessOrEqual(t, f.End, len(body))
			assert.Equal(t, f.Text, body[f.Start:f.End], "exam %d", l.ExamID)
			assert.Equal(t, f.Text, string([]rune(body)[f.CharStart:f.CharEnd]), "exam %d", l.ExamID)
			assertions[f.Assertion]++
		}
	}
	assert.Positive(t, assertions["present"])
	assert.Positive(t, assertions["absent"], "negated findings such as no pleural effusion")
}
