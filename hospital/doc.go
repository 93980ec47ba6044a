// Package hospital is cdw's synthetic hospital: the operational EMR schema
// (emr.* in PostgreSQL, shaped like a real HIS), a deterministic generator of
// patients, encounters, ICD-10 diagnoses and clinical notes, and a live
// activity loop that keeps writing to it the way a running hospital does.
//
// hospital only ever writes to the source system through PostgreSQL; it must
// never write to the data directory's bronze, CDM or index, and imports no
// later stage. It stands in for the EMR, so that every stage after it is
// exercised exactly as it would be against a real one.
package hospital
