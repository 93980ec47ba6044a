package transform

// procedures, examOrders and treatments are the EMR sources of
// PROCEDURE_OCCURRENCE.
var (
	procedures = emrSource{
		table:  "emr.procedure",
		from:   "src_procedure s LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = s.reg_id",
		checks: []check{rawIDCheck("s.proc_id"), visitCheck("s.reg_id"), nullCheck("s.start_time", "no start time")},
	}
	examOrders = emrSource{
		table: "emr.exam_order",
		from: `src_exam_order s LEFT JOIN src_exam_result x ON x.exam_id = s.exam_id
LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = s.reg_id`,
		checks: []check{nullCheck("s.exam_id", "no id"), visitCheck("s.reg_id"), nullCheck("s.ordered_at", "no order time")},
	}
	treatments = emrSource{
		table:  "emr.treatment",
		from:   "src_treatment s LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = s.reg_id",
		checks: []check{nullCheck("s.treatment_id", "no id"), visitCheck("s.reg_id"), nullCheck("s.started_at", "no start time")},
	}
)

// procedureVocabulary is the code map vocabulary of an emr.procedure code
// system.
const procedureVocabulary = `CASE s.code_system WHEN 'ICD-9-CM-3' THEN 'ICD9Proc' WHEN 'ICD-10-PCS' THEN 'ICD10PCS' END`

// procedureColumns are the PROCEDURE_OCCURRENCE columns every EMR
// procedure mapping fills.
const procedureColumns = `INSERT INTO procedure_occurrence (procedure_occurrence_id, person_id, procedure_concept_id, procedure_date,
       procedure_datetime, procedure_end_date, procedure_end_datetime, procedure_type_concept_id, provider_id,
       visit_occurrence_id, visit_detail_id, procedure_source_value, procedure_source_concept_id)`

// procedureMappings fill PROCEDURE_OCCURRENCE from surgeries and procedures
// (the primary source, with their own ids; ICD-9-CM-3 codes looked up in
// the code map's ICD9Proc vocabulary, ICD-10-PCS in ICD10PCS; the surgeon
// as provider), examinations (imaging and ECG, by their local exam code,
// performed by who reported them, else the ordering doctor) and non-drug
// treatments (oxygen, dialysis, ...: by name, the performer as provider).
// Examinations and treatments have no standard code: their concept is 0.
var procedureMappings = []mapping{
	{table: "procedure_occurrence", insert: procedureColumns + `
SELECT s.proc_id, v.person_id, coalesce(c.concept_id, 0), s.start_time::DATE, s.start_time, s.end_time::DATE, s.end_time, 32817,
       s.surgeon_id, v.visit_occurrence_id, ws.visit_detail_id,
       left(s.code, 50), coalesce(c.source_concept_id, 0)
FROM ` + procedures.from + `
` + codeLookup("c", procedureVocabulary, "s.code") + `
` + wardStayJoin("ws", "v.visit_occurrence_id", "s.start_time") + `
WHERE ` + procedures.where(),
		quarantine: procedures.quarantine()},
	{table: "procedure_occurrence", insert: allocateIDs(kindExamOrder, "SELECT exam_id::VARCHAR AS source_key FROM src_exam_order") + `;
` + procedureColumns + `
SELECT m.id, v.person_id, 0, s.ordered_at::DATE, s.ordered_at, NULL, NULL, 32817,
       coalesce(x.reported_by, s.doctor_id), v.visit_occurrence_id, ws.visit_detail_id,
       left(s.exam_code, 50), 0
FROM ` + examOrders.from + `
` + idJoin("m", kindExamOrder, "s.exam_id::VARCHAR") + `
` + wardStayJoin("ws", "v.visit_occurrence_id", "s.ordered_at") + `
WHERE ` + examOrders.where(),
		quarantine: examOrders.quarantine()},
	{table: "procedure_occurrence", insert: allocateIDs(kindTreatment, "SELECT treatment_id::VARCHAR AS source_key FROM src_treatment") + `;
` + procedureColumns + `
SELECT m.id, v.person_id, 0, s.started_at::DATE, s.started_at, s.ended_at::DATE, s.ended_at, 32817,
       s.performer_id, v.visit_occurrence_id, ws.visit_detail_id,
       left(coalesce(s.name, s.kind), 50), 0
FROM ` + treatments.from + `
` + idJoin("m", kindTreatment, "s.treatment_id::VARCHAR") + `
` + wardStayJoin("ws", "v.visit_occurrence_id", "s.started_at") + `
WHERE ` + treatments.where(),
		quarantine: treatments.quarantine()},
}
