package transform

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// HL7 v2 messages reach bronze whole, one change per message (package
// ingest/hl7: table hl7.<MSH-9.1>, data the message as a JSON document whose
// segments keep every field). A build reads them as events, not rows: the
// latest message about a patient, a visit or an observation decides its
// state, in MSH-7 order.
//
//   - PERSON from PID (any message): keyed by PID-3's identifier and its
//     assigning authority; birth date PID-7, sex PID-8.
//   - VISIT_OCCURRENCE from ADT PV1 with a visit number (PV1-19): class PV1-2
//     (I, O, E), admission PV1-44 (else the earliest event's time),
//     discharge PV1-45 of the latest message; an A11 (cancel admit) as the
//     latest event removes the visit.
//   - MEASUREMENT from ORU OBX: keyed by the order (OBR-3, else OBR-2), the
//     observation code OBX-3 and sub-id OBX-4, so a corrected result (OBX-11
//     C) replaces the earlier one and OBX-11 D or W removes it; LOINC when
//     OBX-3's coding system (or its alternate's) is LN, units OBX-6, range
//     OBX-7 as low-high, time OBX-14, else OBR-7, else MSH-7.
//   - CONDITION_OCCURRENCE from ADT DG1: keyed by visit and code DG1-3.
//
// Where the EMR's own feed is in bronze too, it is authoritative: an HL7
// patient whose identifier is an EMR patient's MRN is that person, and an
// HL7 visit whose number is that patient's EMR registration is that visit;
// neither is added again, and the visit's HL7 results and diagnoses are left
// to the EMR's rows. Everything else gets ids from IDMapTable (kinds
// hl7.patient, hl7.visit, hl7.obx, hl7.dg1).
//
// Other message types (RDE, MDM, ORM, OML, ...) stay in bronze, unmapped.

// hl7Types are the message types the CDM is filled from.
var hl7Types = []string{"ADT", "ORU"}

// hl7Macros read HL7 fields of a segment's fields array (field n is
// element n-1): a field is a string or an array of repetitions; a
// repetition a string or an array of components; a component a string or
// an array of sub-components (the first is taken). hl7_ts reads an HL7 TS
// as local wall-clock time (an offset is dropped; OMOP datetimes are local).
const hl7Macros = `
CREATE OR REPLACE TEMP MACRO hl7_rep(f, r) AS CASE WHEN f IS NULL THEN NULL
	WHEN json_type(f) = 'ARRAY' THEN json_extract(f, '$[' || r || ']') WHEN r = 0 THEN f END;
CREATE OR REPLACE TEMP MACRO hl7_part(x, c) AS CASE WHEN x IS NULL THEN NULL
	WHEN json_type(x) = 'ARRAY' THEN json_extract(x, '$[' || c || ']') WHEN c = 0 THEN x END;
CREATE OR REPLACE TEMP MACRO hl7_str(x) AS nullif(CASE WHEN json_type(x) = 'ARRAY' THEN json_extract_string(x, '$[0]')
	ELSE json_extract_string(x, '$') END, '');
CREATE OR REPLACE TEMP MACRO hl7_c(fields, n, r, c) AS hl7_str(hl7_part(hl7_rep(json_extract(fields, '$[' || (n - 1) || ']'), r), c));
CREATE OR REPLACE TEMP MACRO hl7_ts(s) AS CASE
	WHEN length(regexp_extract(s, '^[0-9]+')) >= 12 THEN try_strptime(rpad(left(regexp_extract(s, '^[0-9]+'), 14), 14, '0'), '%Y%m%d%H%M%S')
	WHEN length(regexp_extract(s, '^[0-9]+')) >= 8 THEN try_strptime(left(s, 8), '%Y%m%d') END;`

// hl7MessagesSQL replays the messages of the mapped types (see liveChanges)
// into hl7_msg: one row per message with its header members.
func hl7MessagesSQL(set bronze.Set) string {
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE hl7_msg AS
%s,
latest AS (SELECT key, arg_max(op, ord) AS last_op, arg_max(data, ord) AS data, max(ord) AS ord FROM live GROUP BY key)
SELECT key AS msg_key, ord, data::JSON AS doc, data ->> '$.message_type' AS msg_type,
       coalesce(data ->> '$.event_type', data ->> '$.trigger_event') AS event,
       coalesce(data ->> '$.sending_facility', '') AS facility,
       TRY_CAST(left(data ->> '$.sent_at', 19) AS TIMESTAMP) AS sent_at,
       nullif(data ->> '$.patient_id', '') AS patient_id, coalesce(data ->> '$.patient_id_authority', '') AS patient_authority,
       nullif(data ->> '$.visit_number', '') AS visit_number
FROM latest WHERE last_op <> 'd' AND data IS NOT NULL`, liveChanges(hl7Files(set)))
}

// hl7Files lists the bronze files of the mapped message types.
func hl7Files(set bronze.Set) []string {
	var files []string
	for _, typ := range hl7Types {
		files = append(files, set.Paths("hl7."+typ)...)
	}
	return files
}

// hl7Empty creates the HL7 state hl7State would derive from no messages.
const hl7Empty = `
CREATE OR REPLACE TEMP TABLE hl7_patient (patient_key VARCHAR, patient_id VARCHAR, birth_date DATE, sex VARCHAR, city VARCHAR);
CREATE OR REPLACE TEMP TABLE hl7_patient_link (patient_key VARCHAR, emr_patient_id BIGINT);
CREATE OR REPLACE TEMP TABLE hl7_visit (visit_key VARCHAR, visit_number VARCHAR, patient_key VARCHAR, class VARCHAR,
	admit_time TIMESTAMP, discharge_time TIMESTAMP, last_event VARCHAR);
CREATE OR REPLACE TEMP TABLE hl7_visit_link (visit_key VARCHAR, emr_visit_id BIGINT);
CREATE OR REPLACE TEMP TABLE hl7_obx (obx_key VARCHAR, patient_key VARCHAR, visit_key VARCHAR, status VARCHAR, value_type VARCHAR,
	code VARCHAR, code_system VARCHAR, alt_code VARCHAR, alt_system VARCHAR, value VARCHAR, unit VARCHAR, ref_range VARCHAR,
	observed_at TIMESTAMP);
CREATE OR REPLACE TEMP TABLE hl7_dg1 (dg1_key VARCHAR, patient_key VARCHAR, visit_key VARCHAR, code VARCHAR, code_system VARCHAR,
	diagnosed_at TIMESTAMP, dg_type VARCHAR, principal BOOLEAN);`

// hl7Segments flattens the messages into hl7_seg: one row per segment with
// the message's patient and visit keys.
const hl7Segments = `CREATE OR REPLACE TEMP TABLE hl7_seg AS
SELECT m.msg_key, m.ord, m.msg_type, m.event, m.facility, m.sent_at,
       m.patient_authority || '|' || m.patient_id AS patient_key, m.patient_id,
       CASE WHEN m.visit_number IS NOT NULL THEN m.facility || '|' || m.visit_number END AS visit_key, m.visit_number,
       s.i AS seg_no, json_extract_string(m.doc, '$.segments[' || s.i || '].id') AS seg,
       json_extract(m.doc, '$.segments[' || s.i || '].fields') AS f
FROM hl7_msg m, LATERAL (SELECT unnest(range(coalesce(json_array_length(m.doc -> '$.segments'), 0)::BIGINT)) AS i) s
WHERE m.patient_id IS NOT NULL`

// hl7State derives the current patients, visits, observations and
// diagnoses from the segments, and links patients and visits to the EMR's.
const hl7State = `
CREATE OR REPLACE TEMP TABLE hl7_patient AS
SELECT patient_key, arg_max(patient_id, (sent_at, ord)) AS patient_id,
       arg_max(hl7_ts(hl7_c(f, 7, 0, 0))::DATE, (sent_at, ord)) AS birth_date,
       arg_max(hl7_c(f, 8, 0, 0), (sent_at, ord)) AS sex,
       arg_max(hl7_c(f, 11, 0, 2), (sent_at, ord)) AS city
FROM hl7_seg WHERE seg = 'PID' GROUP BY patient_key;
CREATE OR REPLACE TEMP TABLE hl7_patient_link AS
SELECT h.patient_key, min(p.patient_id) AS emr_patient_id
FROM hl7_patient h JOIN src_patient p ON p.mrn = h.patient_id GROUP BY h.patient_key;
CREATE OR REPLACE TEMP TABLE hl7_visit AS
SELECT visit_key, arg_max(visit_number, (sent_at, ord)) AS visit_number, arg_max(patient_key, (sent_at, ord)) AS patient_key,
       arg_max(hl7_c(f, 2, 0, 0), (sent_at, ord)) AS class,
       coalesce(min(hl7_ts(hl7_c(f, 44, 0, 0))), min(sent_at)) AS admit_time,
       arg_max(hl7_ts(hl7_c(f, 45, 0, 0)), (sent_at, ord)) AS discharge_time,
       arg_max(event, (sent_at, ord)) AS last_event
FROM hl7_seg WHERE seg = 'PV1' AND msg_type = 'ADT' AND visit_key IS NOT NULL GROUP BY visit_key;
CREATE OR REPLACE TEMP TABLE hl7_visit_link AS
SELECT v.visit_key, r.reg_id AS emr_visit_id
FROM hl7_visit v JOIN hl7_patient_link l USING (patient_key)
JOIN src_registration r ON r.patient_id = l.emr_patient_id AND r.reg_id::VARCHAR = v.visit_number;
CREATE OR REPLACE TEMP TABLE hl7_obx AS
WITH obr AS (
	SELECT msg_key, seg_no, coalesce(hl7_c(f, 3, 0, 0), hl7_c(f, 2, 0, 0)) AS order_no, hl7_ts(hl7_c(f, 7, 0, 0)) AS observed
	FROM hl7_seg WHERE seg = 'OBR' AND msg_type = 'ORU'),
obx AS (
	SELECT s.*, (SELECT arg_max(o.order_no, o.seg_no) FROM obr o WHERE o.msg_key = s.msg_key AND o.seg_no < s.seg_no) AS order_no,
	       (SELECT arg_max(o.observed, o.seg_no) FROM obr o WHERE o.msg_key = s.msg_key AND o.seg_no < s.seg_no) AS observed
	FROM hl7_seg s WHERE s.seg = 'OBX' AND s.msg_type = 'ORU'),
keyed AS (
	SELECT facility || '|' || coalesce(order_no, msg_key) || '|' || coalesce(hl7_c(f, 3, 0, 0), '') || '|' || coalesce(hl7_c(f, 4, 0, 0), '') AS obx_key,
	       * FROM obx)
SELECT obx_key, arg_max(patient_key, (sent_at, ord)) AS patient_key, arg_max(visit_key, (sent_at, ord)) AS visit_key,
       arg_max(hl7_c(f, 11, 0, 0), (sent_at, ord)) AS status,
       arg_max(hl7_c(f, 2, 0, 0), (sent_at, ord)) AS value_type,
       arg_max(hl7_c(f, 3, 0, 0), (sent_at, ord)) AS code, arg_max(hl7_c(f, 3, 0, 2), (sent_at, ord)) AS code_system,
       arg_max(hl7_c(f, 3, 0, 3), (sent_at, ord)) AS alt_code, arg_max(hl7_c(f, 3, 0, 5), (sent_at, ord)) AS alt_system,
       arg_max(hl7_c(f, 5, 0, 0), (sent_at, ord)) AS value, arg_max(hl7_c(f, 6, 0, 0), (sent_at, ord)) AS unit,
       arg_max(hl7_c(f, 7, 0, 0), (sent_at, ord)) AS ref_range,
       arg_max(coalesce(hl7_ts(hl7_c(f, 14, 0, 0)), observed, sent_at), (sent_at, ord)) AS observed_at
FROM keyed GROUP BY obx_key;
DELETE FROM hl7_obx WHERE status IN ('D', 'W');
CREATE OR REPLACE TEMP TABLE hl7_dg1 AS
SELECT visit_key || '|' || hl7_c(f, 3, 0, 0) AS dg1_key, arg_max(patient_key, (sent_at, ord)) AS patient_key, visit_key,
       hl7_c(f, 3, 0, 0) AS code, arg_max(hl7_c(f, 3, 0, 2), (sent_at, ord)) AS code_system,
       arg_max(coalesce(hl7_ts(hl7_c(f, 5, 0, 0)), sent_at), (sent_at, ord)) AS diagnosed_at,
       arg_max(hl7_c(f, 6, 0, 0), (sent_at, ord)) AS dg_type, bool_or(hl7_c(f, 15, 0, 0) = '1') AS principal
FROM hl7_seg WHERE seg = 'DG1' AND msg_type = 'ADT' AND visit_key IS NOT NULL AND hl7_c(f, 3, 0, 0) IS NOT NULL
GROUP BY visit_key, hl7_c(f, 3, 0, 0);`

// Id-map kinds of HL7-sourced rows.
const (
	kindHL7Patient = "hl7.patient"
	kindHL7Visit   = "hl7.visit"
	kindHL7OBX     = "hl7.obx"
	kindHL7DG1     = "hl7.dg1"
)

// loadHL7 replays the HL7 messages, derives their current state and gives
// ids to the patients, visits, observations and diagnoses the EMR does not
// already hold. It runs after the id map is loaded (loadFHIR).
func loadHL7(ctx context.Context, conn *sql.Conn, set bronze.Set) error {
	if len(hl7Files(set)) == 0 {
		if _, err := conn.ExecContext(ctx, hl7Empty); err != nil {
			return fmt.Errorf("transform: create the HL7 state: %w", err)
		}
		return nil
	}
	stmts := []string{hl7Macros, hl7MessagesSQL(set), hl7Segments, hl7State,
		allocateIDs(kindHL7Patient, `SELECT patient_key AS source_key FROM hl7_patient WHERE patient_key NOT IN (SELECT patient_key FROM hl7_patient_link)`),
		allocateIDs(kindHL7Visit, `SELECT visit_key AS source_key FROM hl7_visit WHERE visit_key NOT IN (SELECT visit_key FROM hl7_visit_link)`),
		allocateIDs(kindHL7OBX, `SELECT obx_key AS source_key FROM hl7_obx WHERE coalesce(visit_key, '') NOT IN (SELECT visit_key FROM hl7_visit_link)`),
		allocateIDs(kindHL7DG1, `SELECT dg1_key AS source_key FROM hl7_dg1 WHERE visit_key NOT IN (SELECT visit_key FROM hl7_visit_link)`),
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("transform: read HL7 messages: %w (in %.60s)", err, strings.TrimSpace(q))
		}
	}
	return nil
}

// hl7PersonOf is the PERSON id of the HL7 patient key in col: the linked EMR
// patient's, else the id map's.
func hl7PersonOf(col string) string {
	return fmt.Sprintf(`coalesce((SELECT l.emr_patient_id FROM hl7_patient_link l WHERE l.patient_key = %[1]s),
	(SELECT m.id FROM %[2]s m WHERE m.kind = '%[3]s' AND m.source_key = %[1]s))`, col, IDMapTable, kindHL7Patient)
}

// hl7VisitOf is the VISIT_OCCURRENCE id of the HL7 visit key in col, when
// that visit is in VISIT_OCCURRENCE.
func hl7VisitOf(col string) string {
	return fmt.Sprintf(`(SELECT v.visit_occurrence_id FROM visit_occurrence v WHERE v.visit_occurrence_id = coalesce(
	(SELECT l.emr_visit_id FROM hl7_visit_link l WHERE l.visit_key = %[1]s),
	(SELECT m.id FROM %[2]s m WHERE m.kind = '%[3]s' AND m.source_key = %[1]s)))`, col, IDMapTable, kindHL7Visit)
}
