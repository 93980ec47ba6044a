// Package hospital is cdw's synthetic hospital: the operational EMR schema
// (emr.* in PostgreSQL, shaped like a real HIS), a deterministic generator of
// patients, encounters, ICD-10 diagnoses (Chinese clinical edition or
// ICD-10-CM), clinical notes, wards, procedures, vital signs, laboratory
// results, medication, allergies and immunizations with local dictionaries
// and their partial mapping to LOINC, RxNorm and ATC, and a live activity
// loop that keeps writing to it the way a running hospital does.
//
// Inpatient stays follow clinical trajectories: sepsis announced by a qSOFA
// of 2 or more hours before its diagnosis (or present on admission, charted
// at triage), acute kidney injury meeting KDIGO's creatinine criteria,
// myocardial infarction with rising troponin and PCI, surgery, day surgery
// (inguinal hernia repair, home the same day, with an operative note),
// deliveries, deaths and 30-day readmissions. About 0.3% of patients had a
// duplicate record registered and later merged (emr.patient_merge), as the
// live loop's merges are recorded too. Options.TypoRate makes notes read as
// typed in a hurry: typos, clinical abbreviations, homophone slips. With
// Options.TruthDir the generator writes the ground truth beside the data
// (note findings with their spans, deterioration episodes, coded admissions
// with each secondary diagnosis marked MCC, CC or none, injected
// data-quality faults, examination report findings). The CC/MCC marks
// follow CHS-DRG 1.1 with its principal-diagnosis exclusions for Chinese
// codes (a table copied from the shared reference and checked against it
// by a test) and a small table of certain MS-DRG statuses for ICD-10-CM.
//
// Around the clinical record sit the HIS tables a hospital runs on, made
// from each encounter's own rows when its batch is written: the
// medical-record front page of each discharged stay with its diagnosis and
// procedure lines (emr.front_page*, agreeing with emr.diagnosis and
// emr.procedure), outpatient prescriptions (emr.prescription,
// prescription_item), imaging and ECG examinations with reports in the
// patient's language (emr.exam_order, exam_result), each imaging report
// also a radiologist's radiology note (emr.clinical_note of type
// radiology: technique, findings, impression), non-drug treatments
// (emr.treatment), a charge for every billable row and a settlement of
// every closed registration totalling them (emr.charge_item, settlement;
// Chinese medical insurance or a US payer), pharmacy stock and dispensing,
// and a login per staff member (emr.user_account).
//
// The staff are of every kind a hospital has, each with an account of
// their role: doctors of the clinical departments, their nurses (who chart
// vital signs and record medication administrations), radiologists (who
// report imaging) and radiologic technologists, pharmacists (who
// dispense), medical coders (who code front pages) and an administrator
// per department.
//
// The live loop completes the same loop as it runs: its visits' prescriptions
// are dispensed from the stock (restocked when low, never below zero),
// open stays get examinations with their reports and radiology notes and
// treatments, and each discharge is charged, settled and coded on a front
// page.
//
// hospital only ever writes to the source system through PostgreSQL; it must
// never write to the data directory's bronze, CDM or index, and imports no
// later stage. It stands in for the EMR, so that every stage after it is
// exercised exactly as it would be against a real one.
package hospital
