// Package export writes the synthetic hospital's EMR (schema emr.* in
// PostgreSQL, see package hospital) out in the formats real hospitals hand
// to other systems, so that cdw's FHIR and HL7 v2 ingest doors have a real
// source:
//
//   - FHIR writes FHIR R4 bulk-data NDJSON, one file per resource type, and an
//     export.json manifest shaped like the $export status response;
//   - HL7 writes HL7 v2.5.1 messages (ADT, ORU, RDE, MDM) in event-time
//     order in one FHS/BHS … BTS/FTS file, patient merges as ADT^A40.
//
// A record merged into another (emr.patient_merge) is exported as an
// inactive FHIR Patient linked replaced-by the survivor, which links
// replaces back to it.
//
// Both stream: every table is read with a single query whose rows are
// consumed as they arrive and written out at once, so memory stays flat
// however many patients the EMR holds. Tables added to the EMR after the
// first version (wards, procedures, vital signs, labs, medications,
// allergies, immunizations) are exported when they exist, detected through
// information_schema. Output is deterministic: the same EMR and options give
// byte-identical files.
//
// Usage, e.g. from a CLI verb:
//
//	stats, err := export.FHIR(ctx, pool, "out/fhir", export.FHIROptions{})
//	// out/fhir/Patient.ndjson, Encounter.ndjson, …, export.json
//	f, _ := os.Create("out/hospital.hl7")
//	hstats, err := export.HL7(ctx, pool, f, export.HL7Options{})
//	err = f.Close()
//
// Set FHIROptions.TransactionTime and HL7Options.CreatedAt for reproducible
// output; set Location when the EMR's wall-clock times are not UTC.
package export
