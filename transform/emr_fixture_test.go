package transform_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/transform"
)

// emrRows are bronze row images of one EMR table keyed by their primary key.
type emrRows struct {
	table string
	rows  map[string]string // key → row image
}

// clinicalFixture is a small EMR with a row, or a few, in every clinical
// table, one orphan per source that has a parent to lose and an allergy
// whose id is too large to be an OMOP id: an
// inpatient stay moved from a general ward to the ICU (registration 100),
// a stay that ended in death with a US payer (102) and an outpatient visit
// with a prescription (103).
var clinicalFixture = []emrRows{
	{"emr.department", map[string]string{
		"[1]": `{"dept_id":1,"code":"CARD","name":"Cardiology","name_zh":"心内科","kind":"inpatient"}`,
		"[2]": `{"dept_id":2,"code":"ICU","name":"Intensive Care Unit","name_zh":"重症医学科","kind":"inpatient"}`}},
	{"emr.staff", map[string]string{
		"[7]": `{"staff_id":7,"code":"E007","name":"Dr Li","sex":"F","birth_year":1975,"title":"attending","dept_id":1}`,
		"[8]": `{"staff_id":8,"code":"N008","name":"Nurse Wang","sex":"F","birth_year":1990,"title":"nurse","dept_id":1}`}},
	{"emr.patient", map[string]string{
		"[1]": `{"patient_id":1,"mrn":"MRN1","name":"A","sex":"M","birth_date":"1950-02-03","created_at":"2020-01-01 00:00:00"}`,
		"[2]": `{"patient_id":2,"mrn":"MRN2","name":"B","sex":"F","birth_date":"1940-12-31","created_at":"2020-01-01 00:00:00"}`}},
	{"emr.registration", map[string]string{
		"[100]": `{"reg_id":100,"patient_id":1,"visit_type":"I","dept_id":1,"doctor_id":7,"admit_time":"2026-02-01 10:00:00","discharge_time":"2026-02-05 12:00:00","admit_source":"emergency","disposition":"home","status":"closed"}`,
		"[102]": `{"reg_id":102,"patient_id":2,"visit_type":"I","dept_id":2,"doctor_id":7,"admit_time":"2026-02-20 08:00:00","discharge_time":"2026-02-25 09:00:00","disposition":"died","status":"closed"}`,
		"[103]": `{"reg_id":103,"patient_id":2,"visit_type":"O","dept_id":1,"doctor_id":7,"admit_time":"2026-01-10 09:00:00","discharge_time":"2026-01-10 09:30:00","disposition":"home","status":"closed"}`}},
	{"emr.diagnosis", map[string]string{
		"[1000]": `{"diag_id":1000,"reg_id":102,"patient_id":2,"icd10":"J18.9","diag_name":"Pneumonia","is_main":true,"diag_time":"2026-02-20 09:00:00","doctor_id":7,"code_system":"ICD-10"}`}},
	{"emr.ward", map[string]string{
		"[1]": `{"ward_id":1,"code":"W-CARD","name":"Cardiology Ward","name_zh":"心血管内科病区","dept_id":1,"beds":40}`,
		"[2]": `{"ward_id":2,"code":"W-ICU","name":"Intensive Care Unit","name_zh":"重症监护病房","dept_id":2,"beds":16}`}},
	{"emr.ward_transfer", map[string]string{
		"[500]": `{"transfer_id":500,"reg_id":100,"from_ward_id":null,"to_ward_id":1,"transfer_time":"2026-02-01 10:30:00"}`,
		"[501]": `{"transfer_id":501,"reg_id":100,"from_ward_id":1,"to_ward_id":2,"transfer_time":"2026-02-03 08:00:00"}`,
		"[502]": `{"transfer_id":502,"reg_id":102,"from_ward_id":null,"to_ward_id":2,"transfer_time":"2026-02-20 08:30:00"}`,
		"[503]": `{"transfer_id":503,"reg_id":999,"from_ward_id":null,"to_ward_id":1,"transfer_time":"2026-02-20 08:30:00"}`}},
	{"emr.lab_item", map[string]string{
		"[1]": `{"item_id":1,"local_code":"CR","name":"Creatinine","name_zh":"肌酐","unit":"mg/dL","ref_low":0.6,"ref_high":1.2}`,
		"[2]": `{"item_id":2,"local_code":"BCX","name":"Blood culture","name_zh":"血培养","unit":"","ref_low":null,"ref_high":null}`}},
	{"emr.lab_order", map[string]string{
		"[300]": `{"order_id":300,"reg_id":100,"patient_id":1,"panel":"RENAL","ordered_at":"2026-02-02 06:00:00","collected_at":"2026-02-02 06:10:00","doctor_id":7,"status":"final"}`,
		"[301]": `{"order_id":301,"reg_id":100,"patient_id":1,"panel":"BCX","ordered_at":"2026-02-02 06:00:00","collected_at":null,"doctor_id":7,"status":"ordered"}`,
		"[302]": `{"order_id":302,"reg_id":999,"patient_id":1,"panel":"CBC","ordered_at":"2026-02-02 06:00:00","collected_at":"2026-02-02 06:10:00","doctor_id":7,"status":"final"}`}},
	{"emr.lab_result", map[string]string{
		"[400]": `{"result_id":400,"order_id":300,"item_id":1,"value":1.8,"value_text":null,"unit":"mg/dL","abnormal_flag":"H","resulted_at":"2026-02-02 08:00:00","amended":false}`,
		"[401]": `{"result_id":401,"order_id":300,"item_id":1,"value":0.9,"value_text":null,"unit":"mg/dL","abnormal_flag":"N","resulted_at":"2026-02-04 08:00:00","amended":false}`,
		"[402]": `{"result_id":402,"order_id":777,"item_id":1,"value":0.9,"value_text":null,"unit":"mg/dL","abnormal_flag":"N","resulted_at":"2026-02-04 08:00:00","amended":false}`,
		"[404]": `{"result_id":404,"order_id":300,"item_id":1,"value":1e20,"value_text":null,"unit":"mg/dL","abnormal_flag":"H","resulted_at":"2026-02-04 09:00:00","amended":false}`,
		"[403]": `{"result_id":403,"order_id":301,"item_id":2,"value":null,"value_text":"no growth","unit":null,"abnormal_flag":null,"resulted_at":"2026-02-03 09:00:00","amended":false}`}},
	{"emr.vital_sign", map[string]string{
		"[600]": `{"vital_id":600,"reg_id":100,"taken_at":"2026-02-01 11:00:00","heart_rate":88,"resp_rate":18,"sbp":142,"dbp":85,"temperature_c":37.2,"spo2":null,"gcs":15,"height_cm":172.0,"weight_kg":70.5,"recorded_by":8}`,
		"[601]": `{"vital_id":601,"reg_id":999,"taken_at":"2026-02-01 11:00:00","heart_rate":70,"recorded_by":8}`}},
	{"emr.drug", map[string]string{
		"[1]": `{"drug_id":1,"local_code":"ASP100","name":"Aspirin","name_zh":"阿司匹林","form":"tablet","strength":"100 mg","unit":"mg"}`,
		"[2]": `{"drug_id":2,"local_code":"SAL","name":"Salbutamol","name_zh":"沙丁胺醇","form":"inhaler","strength":"100 ug","unit":"ug"}`}},
	{"emr.med_order", map[string]string{
		"[700]": `{"med_order_id":700,"reg_id":100,"patient_id":1,"drug_id":1,"dose":100,"route":"PO","frequency":"QD","start_time":"2026-02-01 12:00:00","stop_time":null,"doctor_id":7}`,
		"[701]": `{"med_order_id":701,"reg_id":100,"patient_id":1,"drug_id":2,"dose":200,"route":"INH","frequency":"Q6H","start_time":"2026-02-01 12:00:00","stop_time":"2026-02-03 12:00:00","doctor_id":7}`}},
	{"emr.med_admin", map[string]string{
		"[800]": `{"admin_id":800,"med_order_id":700,"given_at":"2026-02-02 09:00:00","dose":100,"status":"given","nurse_id":8}`,
		"[801]": `{"admin_id":801,"med_order_id":700,"given_at":"2026-02-03 09:00:00","dose":100,"status":"held","nurse_id":8}`,
		"[802]": `{"admin_id":802,"med_order_id":999,"given_at":"2026-02-03 09:00:00","dose":100,"status":"given","nurse_id":8}`}},
	{"emr.prescription", map[string]string{
		"[900]": `{"rx_id":900,"reg_id":103,"doctor_id":7,"prescribed_at":"2026-01-10 09:20:00","rx_type":"western"}`}},
	{"emr.prescription_item", map[string]string{
		"[910]": `{"rx_item_id":910,"rx_id":900,"drug_id":1,"dose":100,"route":"PO","frequency":"QD","days":30,"quantity":30,"unit_price":0.5}`}},
	{"emr.immunization", map[string]string{
		"[950]": `{"immunization_id":950,"patient_id":1,"vaccine_code":"208","vaccine":"COVID-19 mRNA","given_at":"2025-08-29 11:35:00","dose_number":1}`,
		"[951]": `{"immunization_id":951,"patient_id":42,"vaccine_code":"208","vaccine":"COVID-19 mRNA","given_at":"2025-08-29 11:35:00","dose_number":1}`}},
	{"emr.procedure", map[string]string{
		"[1100]": `{"proc_id":1100,"reg_id":100,"patient_id":1,"code":"00.66","code_system":"ICD-9-CM-3","name":"PTCA","start_time":"2026-02-02 14:00:00","end_time":"2026-02-02 15:30:00","surgeon_id":7,"anaesthesia":"local","is_main":true}`}},
	{"emr.exam_order", map[string]string{
		"[1200]": `{"exam_id":1200,"reg_id":100,"exam_code":"XR-CHEST","modality":"XR","name":"Chest X-ray","body_part":"chest","ordered_at":"2026-02-01 11:30:00","doctor_id":7}`}},
	{"emr.exam_result", map[string]string{
		"[1200]": `{"exam_id":1200,"language":"en","findings":"clear","impression":"normal","abnormal":false,"reported_by":8,"reported_at":"2026-02-01 13:00:00"}`}},
	{"emr.treatment", map[string]string{
		"[1300]": `{"treatment_id":1300,"reg_id":102,"kind":"oxygen","name":"Oxygen therapy","name_zh":"吸氧","started_at":"2026-02-20 09:00:00","ended_at":"2026-02-21 09:00:00","performer_id":8}`}},
	{"emr.allergy", map[string]string{
		"[1400]":       `{"allergy_id":1400,"patient_id":1,"allergen":"Penicillin","allergen_zh":"青霉素","reaction":"rash","severity":"moderate","recorded_at":"2024-11-11 16:56:00"}`,
		"[1401]":       `{"allergy_id":1401,"patient_id":42,"allergen":"Latex","allergen_zh":"乳胶","reaction":"itch","severity":"mild","recorded_at":"2024-11-11 16:56:00"}`,
		"[1000000001]": `{"allergy_id":1000000001,"patient_id":1,"allergen":"Latex","allergen_zh":"乳胶","reaction":"itch","severity":"mild","recorded_at":"2024-11-11 16:56:00"}`}},
	{"emr.charge_item", map[string]string{
		"[1500]": `{"charge_id":1500,"reg_id":100,"charge_code":"LCR","category":"lab","item_name":"Creatinine","quantity":1,"unit_price":12,"amount":12,"charged_at":"2026-02-02 06:10:00","source_table":"lab_result","source_id":400}`,
		"[1501]": `{"charge_id":1501,"reg_id":100,"charge_code":"REG-I","category":"registration","item_name":"registration fee","quantity":1,"unit_price":30,"amount":30,"charged_at":"2026-02-01 10:00:00","source_table":"registration","source_id":100}`,
		"[1502]": `{"charge_id":1502,"reg_id":100,"charge_code":"XR-CHEST","category":"exam","item_name":"Chest X-ray","quantity":1,"unit_price":80,"amount":80,"charged_at":"2026-02-01 11:30:00","source_table":"exam_order","source_id":1200}`,
		"[1503]": `{"charge_id":1503,"reg_id":100,"charge_code":"DASP100","category":"drug","item_name":"Aspirin","quantity":1,"unit_price":0.5,"amount":0.5,"charged_at":"2026-02-02 09:00:00","source_table":"med_admin","source_id":800}`,
		"[1504]": `{"charge_id":1504,"reg_id":103,"charge_code":"DASP100","category":"drug","item_name":"Aspirin","quantity":30,"unit_price":0.5,"amount":15,"charged_at":"2026-01-10 09:20:00","source_table":"prescription_item","source_id":910}`,
		"[1505]": `{"charge_id":1505,"reg_id":100,"charge_code":"P00.66","category":"procedure","item_name":"PTCA","quantity":1,"unit_price":6500,"amount":6500,"charged_at":"2026-02-02 14:00:00","source_table":"procedure","source_id":1100}`,
		"[1506]": `{"charge_id":1506,"reg_id":102,"charge_code":"T-OXY","category":"treatment","item_name":"Oxygen therapy","quantity":1,"unit_price":120,"amount":120,"charged_at":"2026-02-20 09:00:00","source_table":"treatment","source_id":1300}`,
		"[1507]": `{"charge_id":1507,"reg_id":999,"charge_code":"REG-O","category":"registration","item_name":"registration fee","quantity":1,"unit_price":20,"amount":20,"charged_at":"2026-02-01 10:00:00","source_table":"registration","source_id":999}`}},
	{"emr.settlement", map[string]string{
		"[100]": `{"reg_id":100,"currency":"CNY","total":5000,"insurance_type":"城镇职工","fund_payment":3750,"personal_payment":1250,"payer":null,"billed":null,"allowed":null,"paid":null,"settled_at":"2026-02-06 10:00:00"}`,
		"[102]": `{"reg_id":102,"currency":"USD","total":9000,"insurance_type":null,"fund_payment":null,"personal_payment":null,"payer":"Medicare","billed":9000,"allowed":3500,"paid":3500,"settled_at":"2026-02-26 10:00:00"}`}},
}

// writeClinicalFixture appends clinicalFixture to a new bronze log in dir
// as the snapshot at LSN 10.
func writeClinicalFixture(t *testing.T, dir string) {
	t.Helper()
	var changes []bronze.Change
	for _, tbl := range clinicalFixture {
		for key, row := range tbl.rows {
			changes = append(changes, ch(10, int64(len(changes)+1), bronze.OpRead, tbl.table, key, row))
		}
	}
	appendChanges(t, dir, bronze.Checkpoint{Position: "0/10", SnapshotDone: true}, changes...)
}

// appendChanges appends one batch to the bronze log in dir.
func appendChanges(t *testing.T, dir string, cp bronze.Checkpoint, changes ...bronze.Change) {
	t.Helper()
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	require.NoError(t, log.Append(changes, cp))
	require.NoError(t, log.Close())
}

// built is a published snapshot read with DuckDB.
type built struct {
	res transform.Result
	db  *sql.DB
}

// build runs a build over the bronze root into store and opens its snapshot.
func build(t *testing.T, root string, store *cdm.Store) built {
	t.Helper()
	res, err := transform.Build(context.Background(), transform.Options{BronzeDir: root, Store: store,
		Now: func() time.Time { return at }, Threads: 2})
	require.NoError(t, err)
	return built{res: res, db: openDuckDB(t)}
}

// openDuckDB opens an in-memory DuckDB closed when the test ends.
func openDuckDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// q runs sql, in which {t} stands for the snapshot's Parquet file of table.
func (b built) q(t *testing.T, table, sql string) []map[string]any {
	t.Helper()
	p, ok := b.res.Snapshot.Path(table)
	require.True(t, ok, "snapshot has %s", table)
	return query(t, b.db, strings.ReplaceAll(sql, "{t}", fmt.Sprintf("read_parquet('%s')", filepath.ToSlash(p))))
}
