package export

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Event kinds of the HL7 export, in the order they are sent when they
// happen at the same second.
const (
	kindAdmit     = "admit"
	kindTransfer  = "transfer"
	kindVitals    = "vitals"
	kindLab       = "lab"
	kindMed       = "med"
	kindNote      = "note"
	kindDiagnosis = "diagnosis"
	kindDischarge = "discharge"
	kindMerge     = "merge"
)

// eventSources are the union members of the event query: each yields
// (t, ord, id, kind, reg_id, payload) and runs only when its tables exist.
var eventSources = []struct {
	needs []string
	sql   func(s schema) string
}{
	{[]string{"registration"}, func(s schema) string {
		ward := "NULL::json"
		if s.has("ward_transfer", "ward") {
			ward = `(SELECT json_build_object('to', w.code, 'toName', w.name) FROM emr.ward_transfer x JOIN emr.ward w ON w.ward_id = x.to_ward_id
				WHERE x.reg_id = g.reg_id AND x.from_ward_id IS NULL ORDER BY x.transfer_time, x.transfer_id LIMIT 1)`
		}
		return `SELECT g.admit_time AS t, 1 AS ord, g.reg_id AS id, 'admit' AS kind, g.reg_id, ` + ward + ` AS payload FROM emr.registration g`
	}},
	{[]string{"ward_transfer", "ward"}, func(schema) string {
		return `SELECT w.transfer_time, 2, w.transfer_id, 'transfer', w.reg_id,
			json_build_object('from', f.code, 'fromName', f.name, 'to', t.code, 'toName', t.name)
			FROM emr.ward_transfer w JOIN emr.ward t ON t.ward_id = w.to_ward_id JOIN emr.ward f ON f.ward_id = w.from_ward_id`
	}},
	{[]string{"vital_sign"}, func(schema) string {
		return `SELECT v.taken_at, 3, v.vital_id, 'vitals', v.reg_id, json_build_object('hr', v.heart_rate::text, 'rr', v.resp_rate::text,
			'temp', v.temperature_c::text, 'spo2', v.spo2::text, 'gcs', v.gcs::text, 'height', v.height_cm::text,
			'weight', v.weight_kg::text, 'sbp', v.sbp::text, 'dbp', v.dbp::text) FROM emr.vital_sign v`
	}},
	{[]string{"lab_order", "lab_result", "lab_item", "local_code_map"}, func(schema) string {
		return `SELECT max(r.resulted_at), 4, o.order_id, 'lab', o.reg_id, json_build_object('panel', o.panel, 'status', o.status,
			'ordered', o.ordered_at, 'collected', o.collected_at, 'results', json_agg(json_build_object(
			'code', i.local_code, 'name', i.name, 'loinc', m.target_code, 'loincName', m.target_name, 'value', r.value::text,
			'text', r.value_text, 'unit', coalesce(r.unit, i.unit), 'low', i.ref_low::text, 'high', i.ref_high::text,
			'flag', r.abnormal_flag, 'at', r.resulted_at, 'amended', r.amended) ORDER BY r.result_id))
			FROM emr.lab_order o JOIN emr.lab_result r ON r.order_id = o.order_id JOIN emr.lab_item i ON i.item_id = r.item_id
			LEFT JOIN emr.local_code_map m ON m.code_system_local = 'LAB' AND m.local_code = i.local_code AND m.target_vocabulary = 'LOINC'
			GROUP BY o.order_id`
	}},
	{[]string{"med_order", "drug", "local_code_map"}, func(schema) string {
		return `SELECT m.start_time, 5, m.med_order_id, 'med', m.reg_id, json_build_object('dose', m.dose::text, 'route', m.route,
			'frequency', m.frequency, 'start', m.start_time, 'stop', m.stop_time, 'drug', d.local_code, 'drugName', d.name,
			'form', d.form, 'strength', d.strength, 'unit', d.unit,
			'rxnorm', (SELECT c.target_code FROM emr.local_code_map c WHERE c.code_system_local = 'DRUG' AND c.local_code = d.local_code AND c.target_vocabulary = 'RxNorm'))
			FROM emr.med_order m JOIN emr.drug d ON d.drug_id = m.drug_id`
	}},
	{[]string{"clinical_note"}, func(schema) string {
		return `SELECT n.written_at, 6, n.note_id, 'note', n.reg_id, json_build_object('type', n.note_type, 'title', n.title,
			'language', n.language, 'body', n.body, 'author', s.code, 'authorName', s.name)
			FROM emr.clinical_note n LEFT JOIN emr.staff s ON s.staff_id = n.author_id`
	}},
	{[]string{"diagnosis"}, func(s schema) string {
		system := "'ICD-10'"
		if s.hasColumn("diagnosis", "code_system") {
			system = "x.code_system"
		}
		return `SELECT max(x.diag_time), 7, x.reg_id, 'diagnosis', x.reg_id, json_agg(json_build_object('code', x.icd10,
			'name', x.diag_name, 'system', ` + system + `, 'main', x.is_main, 'at', x.diag_time) ORDER BY x.is_main DESC, x.diag_id)
			FROM emr.diagnosis x GROUP BY x.reg_id`
	}},
	{[]string{"registration"}, func(schema) string {
		return `SELECT g.discharge_time, 8, g.reg_id, 'discharge', g.reg_id, NULL FROM emr.registration g WHERE g.discharge_time IS NOT NULL`
	}},
	{[]string{"patient_merge"}, func(schema) string {
		// The merge is sent with the survivor's latest visit begun by then.
		return `SELECT m.merged_at, 9, m.merge_id, 'merge', (SELECT r.reg_id FROM emr.registration r
			WHERE r.patient_id = m.surviving_patient_id ORDER BY r.admit_time <= m.merged_at DESC, r.admit_time DESC, r.reg_id LIMIT 1),
			json_build_object('mrn', m.merged_mrn, 'name', m.merged_name) FROM emr.patient_merge m`
	}},
}

// eventQuery returns the query of every event in time order, each with its
// encounter and patient.
func eventQuery(s schema) string {
	var parts []string
	for _, src := range eventSources {
		if s.has(src.needs...) {
			parts = append(parts, src.sql(s))
		}
	}
	return `SELECT ev.t, ev.kind, ev.id, ev.payload,
		g.reg_id, g.visit_type, g.admit_time, g.discharge_time, g.admit_source, g.disposition,
		d.code, d.name, s.code, s.name,
		p.patient_id, p.mrn, p.name, p.sex, p.birth_date, p.phone, p.address, p.city, p.province, p.postcode
		FROM (` + strings.Join(parts, "\nUNION ALL ") + `) ev
		JOIN emr.registration g ON g.reg_id = ev.reg_id JOIN emr.patient p ON p.patient_id = g.patient_id
		LEFT JOIN emr.department d ON d.dept_id = g.dept_id LEFT JOIN emr.staff s ON s.staff_id = g.doctor_id
		ORDER BY ev.t, ev.ord, ev.id`
}

// event is one row of eventQuery.
type event struct {
	at      time.Time
	kind    string
	id      int64
	payload []byte
	enc     encounterInfo
	pat     patientInfo
}

type encounterInfo struct {
	regID                               int64
	visit                               string
	admit                               time.Time
	discharge                           *time.Time
	source, disposition, dept, deptName *string
	doctor, doctorName                  *string
}

type patientInfo struct {
	id                                       int64
	mrn, name, sex                           string
	birth                                    time.Time
	phone, address, city, province, postcode *string
}

func (e *event) scan(rows pgx.Rows) error {
	g, p := &e.enc, &e.pat
	return rows.Scan(&e.at, &e.kind, &e.id, &e.payload,
		&g.regID, &g.visit, &g.admit, &g.discharge, &g.source, &g.disposition, &g.dept, &g.deptName, &g.doctor, &g.doctorName,
		&p.id, &p.mrn, &p.name, &p.sex, &p.birth, &p.phone, &p.address, &p.city, &p.province, &p.postcode)
}

// decode unmarshals the event's JSON payload into v.
func (e *event) decode(v any) error {
	if err := json.Unmarshal(e.payload, v); err != nil {
		return fmt.Errorf("%s event %d: decode payload: %w", e.kind, e.id, err)
	}
	return nil
}

// jsonTime is a timestamp as PostgreSQL's json functions render it.
type jsonTime struct{ time.Time }

func (t *jsonTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse("2006-01-02T15:04:05", s)
	t.Time = v
	return err
}

// ptr returns nil for a null time.
func (t jsonTime) ptr() *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t.Time
}
