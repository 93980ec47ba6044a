package transform

import (
	"encoding/json"
	"fmt"
	"strings"
)

// sourceTable describes a bronze table as the mapping reads it: its columns
// and the DuckDB type each is cast to.
type sourceTable struct {
	name    string // bronze table name, e.g. emr.patient
	view    string // the temporary table holding its current state, e.g. src_patient
	columns []sourceColumn
}

type sourceColumn struct{ name, typ string }

func cols(spec string) []sourceColumn {
	var out []sourceColumn
	for _, f := range strings.Split(spec, ",") {
		parts := strings.Fields(f)
		out = append(out, sourceColumn{name: parts[0], typ: parts[1]})
	}
	return out
}

// emrTables are the synthetic hospital's EMR tables (package hospital).
var emrTables = []sourceTable{
	{"emr.department", "src_department", cols("dept_id INTEGER, code VARCHAR, name VARCHAR, name_zh VARCHAR, kind VARCHAR")},
	{"emr.staff", "src_staff", cols("staff_id INTEGER, code VARCHAR, name VARCHAR, sex VARCHAR, birth_year INTEGER, title VARCHAR, dept_id INTEGER, title_zh VARCHAR")},
	{"emr.patient", "src_patient", cols("patient_id BIGINT, mrn VARCHAR, name VARCHAR, sex VARCHAR, birth_date DATE, phone VARCHAR, address VARCHAR, city VARCHAR, province VARCHAR, postcode VARCHAR, created_at TIMESTAMP")},
	{"emr.registration", "src_registration", cols("reg_id BIGINT, patient_id BIGINT, visit_type VARCHAR, dept_id INTEGER, doctor_id INTEGER, admit_time TIMESTAMP, discharge_time TIMESTAMP, admit_source VARCHAR, disposition VARCHAR, status VARCHAR")},
	{"emr.diagnosis", "src_diagnosis", cols("diag_id BIGINT, reg_id BIGINT, patient_id BIGINT, icd10 VARCHAR, diag_name VARCHAR, is_main BOOLEAN, diag_time TIMESTAMP, doctor_id INTEGER, code_system VARCHAR")},
	{"emr.clinical_note", "src_clinical_note", cols("note_id BIGINT, reg_id BIGINT, patient_id BIGINT, note_type VARCHAR, title VARCHAR, language VARCHAR, body VARCHAR, author_id INTEGER, written_at TIMESTAMP")},
	{"emr.ward", "src_ward", cols("ward_id INTEGER, code VARCHAR, name VARCHAR, name_zh VARCHAR, dept_id INTEGER, beds INTEGER")},
	{"emr.ward_transfer", "src_ward_transfer", cols("transfer_id BIGINT, reg_id BIGINT, from_ward_id INTEGER, to_ward_id INTEGER, transfer_time TIMESTAMP")},
	{"emr.procedure", "src_procedure", cols("proc_id BIGINT, reg_id BIGINT, patient_id BIGINT, code VARCHAR, code_system VARCHAR, name VARCHAR, start_time TIMESTAMP, end_time TIMESTAMP, surgeon_id INTEGER, anaesthesia VARCHAR, is_main BOOLEAN")},
	{"emr.vital_sign", "src_vital_sign", cols("vital_id BIGINT, reg_id BIGINT, taken_at TIMESTAMP, heart_rate INTEGER, resp_rate INTEGER, sbp INTEGER, dbp INTEGER, temperature_c DOUBLE, spo2 INTEGER, gcs INTEGER, height_cm DOUBLE, weight_kg DOUBLE, recorded_by INTEGER")},
	{"emr.lab_item", "src_lab_item", cols("item_id INTEGER, local_code VARCHAR, name VARCHAR, name_zh VARCHAR, unit VARCHAR, ref_low DOUBLE, ref_high DOUBLE")},
	{"emr.lab_order", "src_lab_order", cols("order_id BIGINT, reg_id BIGINT, patient_id BIGINT, panel VARCHAR, ordered_at TIMESTAMP, collected_at TIMESTAMP, doctor_id INTEGER, status VARCHAR")},
	{"emr.lab_result", "src_lab_result", cols("result_id BIGINT, order_id BIGINT, item_id INTEGER, value DOUBLE, value_text VARCHAR, unit VARCHAR, abnormal_flag VARCHAR, resulted_at TIMESTAMP, amended BOOLEAN")},
	{"emr.drug", "src_drug", cols("drug_id INTEGER, local_code VARCHAR, name VARCHAR, name_zh VARCHAR, form VARCHAR, strength VARCHAR, unit VARCHAR")},
	{"emr.med_order", "src_med_order", cols("med_order_id BIGINT, reg_id BIGINT, patient_id BIGINT, drug_id INTEGER, dose DOUBLE, route VARCHAR, frequency VARCHAR, start_time TIMESTAMP, stop_time TIMESTAMP, doctor_id INTEGER")},
	{"emr.med_admin", "src_med_admin", cols("admin_id BIGINT, med_order_id BIGINT, given_at TIMESTAMP, dose DOUBLE, status VARCHAR, nurse_id INTEGER")},
	{"emr.allergy", "src_allergy", cols("allergy_id BIGINT, patient_id BIGINT, allergen VARCHAR, allergen_zh VARCHAR, reaction VARCHAR, severity VARCHAR, recorded_at TIMESTAMP")},
	{"emr.immunization", "src_immunization", cols("immunization_id BIGINT, patient_id BIGINT, vaccine_code VARCHAR, vaccine VARCHAR, given_at TIMESTAMP, dose_number INTEGER")},
	{"emr.local_code_map", "src_local_code_map", cols("map_id INTEGER, code_system_local VARCHAR, local_code VARCHAR, target_vocabulary VARCHAR, target_code VARCHAR, target_name VARCHAR")},
	{"emr.patient_merge", "src_patient_merge", cols("merge_id BIGINT, surviving_patient_id BIGINT, merged_patient_id BIGINT, merged_mrn VARCHAR, merged_name VARCHAR, merged_at TIMESTAMP, merged_by INTEGER")},
	{"emr.user_account", "src_user_account", cols("account_id INTEGER, login_name VARCHAR, staff_id INTEGER, role VARCHAR, created_at TIMESTAMP, last_login TIMESTAMP, active BOOLEAN")},
	{"emr.front_page", "src_front_page", cols("reg_id BIGINT, chief_complaint VARCHAR, present_illness VARCHAR, admission_diagnosis VARCHAR, principal_code VARCHAR, principal_name VARCHAR, code_system VARCHAR, secondary_codes VARCHAR, los_days INTEGER, total_cost DOUBLE, disposition_code VARCHAR, coder_id INTEGER, coded_at TIMESTAMP")},
	{"emr.front_page_diagnosis", "src_front_page_diagnosis", cols("reg_id BIGINT, seq INTEGER, diag_id BIGINT, code VARCHAR, code_system VARCHAR, name VARCHAR, present_on_admission BOOLEAN")},
	{"emr.front_page_procedure", "src_front_page_procedure", cols("reg_id BIGINT, seq INTEGER, proc_id BIGINT, code VARCHAR, code_system VARCHAR, name VARCHAR, performed_at TIMESTAMP, surgeon_id INTEGER")},
	{"emr.charge_item", "src_charge_item", cols("charge_id BIGINT, reg_id BIGINT, charge_code VARCHAR, category VARCHAR, item_name VARCHAR, quantity INTEGER, unit_price DOUBLE, amount DOUBLE, charged_at TIMESTAMP, source_table VARCHAR, source_id BIGINT")},
	{"emr.settlement", "src_settlement", cols("reg_id BIGINT, currency VARCHAR, total DOUBLE, insurance_type VARCHAR, fund_payment DOUBLE, personal_payment DOUBLE, payer VARCHAR, billed DOUBLE, allowed DOUBLE, paid DOUBLE, settled_at TIMESTAMP")},
	{"emr.prescription", "src_prescription", cols("rx_id BIGINT, reg_id BIGINT, doctor_id INTEGER, prescribed_at TIMESTAMP, rx_type VARCHAR")},
	{"emr.prescription_item", "src_prescription_item", cols("rx_item_id BIGINT, rx_id BIGINT, drug_id INTEGER, dose DOUBLE, route VARCHAR, frequency VARCHAR, days INTEGER, quantity INTEGER, unit_price DOUBLE")},
	{"emr.treatment", "src_treatment", cols("treatment_id BIGINT, reg_id BIGINT, kind VARCHAR, name VARCHAR, name_zh VARCHAR, started_at TIMESTAMP, ended_at TIMESTAMP, performer_id INTEGER")},
	{"emr.exam_order", "src_exam_order", cols("exam_id BIGINT, reg_id BIGINT, exam_code VARCHAR, modality VARCHAR, name VARCHAR, body_part VARCHAR, ordered_at TIMESTAMP, doctor_id INTEGER")},
	{"emr.exam_result", "src_exam_result", cols("exam_id BIGINT, language VARCHAR, findings VARCHAR, impression VARCHAR, abnormal BOOLEAN, reported_by INTEGER, reported_at TIMESTAMP")},
	{"emr.pharmacy_stock", "src_pharmacy_stock", cols("stock_id INTEGER, drug_id INTEGER, location VARCHAR, batch_no VARCHAR, expiry_date DATE, quantity_received INTEGER, quantity_on_hand INTEGER")},
	{"emr.dispensing", "src_dispensing", cols("dispense_id BIGINT, rx_item_id BIGINT, med_order_id BIGINT, drug_id INTEGER, location VARCHAR, batch_no VARCHAR, dispensed_at TIMESTAMP, quantity INTEGER, pharmacist_id INTEGER")},
}

// liveChanges returns the WITH clause every replay starts from: ev holds
// the bronze files' changes ordered by ord = (lsn, seq), with a data value
// that is not valid JSON (deletes and truncates carry none) turned into
// NULL, because json_exists and json_extract raise an error on it and one
// such row must not fail the whole build; live holds the changes after the
// last truncate, which hides every earlier one.
func liveChanges(files []string) string { return liveChangesAfter(files, "") }

// liveChangesAfter is liveChanges for the changes after ord after (all of
// them when after is ""); cut then holds the last truncate's ord, or -1.
func liveChangesAfter(files []string, after string) string {
	src := "SELECT * FROM (VALUES (0::BIGINT, 0::BIGINT, '', '', '')) v(lsn, seq, op, key, data) WHERE false"
	if len(files) > 0 {
		quoted := make([]string, len(files))
		for i, f := range files {
			quoted[i] = quote(f)
		}
		src = fmt.Sprintf("SELECT lsn, seq, op, key, data FROM read_parquet([%s])", strings.Join(quoted, ", "))
	}
	where := ""
	if after != "" {
		where = " WHERE ord > " + after
	}
	return `WITH ev AS (SELECT * FROM (SELECT lsn::HUGEINT * 4294967296 + seq AS ord, op, key, CASE WHEN json_valid(data) THEN data END AS data FROM (` + src + `))` + where + `),
cut AS (SELECT coalesce(max(ord), -1) AS ord FROM ev WHERE op = 't'),
live AS (SELECT ev.* FROM ev, cut WHERE ev.op <> 't' AND ev.ord > cut.ord)`
}

// currentStateSQL builds the statement that replays a table's bronze files
// into its current rows (see liveChanges): the latest change per key
// decides whether the row exists and gives every column it carries; a
// column the latest change omitted (an update that left out an unchanged
// TOASTed value) takes its value from the latest change that carried it,
// while one set to null is NULL (an update whose data is not JSON carries
// no column at all). Each change's JSON is parsed once into a struct of
// every column, and an update's once more for its keys; only keys whose
// latest update omitted a column are aggregated column by column. The rows
// carry _ord, the ord of their latest change.
func currentStateSQL(t sourceTable, files []string) string {
	if len(files) == 0 {
		return emptyStateSQL(t)
	}
	return replaySQL(t, files, "", "")
}

// replaySQL replays files onto nothing (prev "") or, incrementally, onto
// the state a previous build kept in the Parquet file prev: only the
// changes after its last ord (after) are read; a key they touch is
// replayed from its previous row (as a change at its _ord) and theirs; every
// other row is kept as it was, unless they hold a truncate.
func replaySQL(t sourceTable, files []string, prev, after string) string {
	var shape, names, fill, pick, sel, asText, cols strings.Builder
	for i, c := range t.columns {
		if i > 0 {
			shape.WriteString(",")
			names.WriteString(",")
			asText.WriteString(", ")
		}
		name, _ := json.Marshal(c.name)
		fmt.Fprintf(&shape, "%s:\"VARCHAR\"", name)
		names.WriteString(quote(c.name))
		col, lit := ident(c.name), quote(c.name)
		fmt.Fprintf(&fill, ",\n  arg_max_null(p.r.%[1]s, p.ord) FILTER (WHERE p.k IS NULL OR list_contains(p.k, %[2]s)) AS %[1]s", col, lit)
		fmt.Fprintf(&pick, ", CASE WHEN l.k IS NULL OR list_contains(l.k, %[2]s) THEN l.r.%[1]s ELSE f.%[1]s END AS %[1]s", col, lit)
		fmt.Fprintf(&sel, ", TRY_CAST(%[1]s AS %[2]s) AS %[1]s", col, c.typ)
		fmt.Fprintf(&asText, "%s: p.%s::VARCHAR", lit, col)
		fmt.Fprintf(&cols, ", %s", col)
	}
	prevRows, keep := "", ""
	if prev != "" {
		prevRows = fmt.Sprintf(`,
prev AS (SELECT * FROM read_parquet(%[1]s) WHERE (SELECT ord FROM cut) < 0),
touched AS (SELECT DISTINCT key FROM live)`, quote(prev))
		keep = fmt.Sprintf(`
UNION ALL
SELECT _key, _ord%s FROM prev p WHERE NOT EXISTS (SELECT 1 FROM touched WHERE touched.key = p._key)`, cols.String())
	}
	parsed := fmt.Sprintf("SELECT key, ord, op, json_transform(data, %s) AS r, CASE WHEN op = 'u' THEN coalesce(json_keys(data), []::VARCHAR[]) END AS k FROM live",
		quote("{"+shape.String()+"}"))
	if prev != "" {
		parsed += fmt.Sprintf(`
  UNION ALL
  SELECT p._key, p._ord::HUGEINT, 'r', {%s}, NULL FROM prev p SEMI JOIN touched ON touched.key = p._key`, asText.String())
	}
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %[1]s AS
%[2]s%[3]s,
parsed AS (%[4]s),
latest AS (SELECT key, arg_max(op, ord) AS last_op, max(ord) AS ord, arg_max_null(r, ord) AS r, arg_max_null(k, ord) AS k FROM parsed GROUP BY key),
partial AS (SELECT key FROM latest WHERE last_op <> 'd' AND k IS NOT NULL AND NOT list_has_all(k, [%[5]s])),
filled AS (SELECT p.key%[6]s
  FROM parsed p SEMI JOIN partial USING (key) GROUP BY p.key),
cur AS (SELECT l.key, l.ord%[7]s FROM latest l LEFT JOIN filled f USING (key) WHERE l.last_op <> 'd')
SELECT key AS _key, ord::DECIMAL(38,0) AS _ord%[8]s FROM cur%[9]s`,
		t.view, liveChangesAfter(files, after), prevRows, parsed, names.String(), fill.String(), pick.String(), sel.String(), keep)
}

// emptyStateSQL creates a table's current state when bronze has none of
// it: no rows, the same columns (cheaper than replaying nothing).
func emptyStateSQL(t sourceTable) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE OR REPLACE TEMP TABLE %s (_key VARCHAR, _ord DECIMAL(38,0)", t.view)
	for _, c := range t.columns {
		fmt.Fprintf(&b, ", %s %s", ident(c.name), c.typ)
	}
	b.WriteString(")")
	return b.String()
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
