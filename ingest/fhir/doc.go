// Package fhir is cdw's door for HL7 FHIR R4 bulk data (the Bulk Data Access
// IG, "Flat FHIR"): NDJSON files of resources, one per line, read from a
// directory or downloaded by a $export client, land in the source's bronze
// log as changes of the tables fhir.<ResourceType>, keyed by the resource id.
//
// Every resource is validated structurally (a JSON object with resourceType
// and id, the R4 required elements of the common clinical types, references
// of the form Type/id, #contained or an absolute URL, and every #contained
// reference resolving) and stored verbatim, compacted, so references,
// contained resources and unknown extensions survive exactly. A line that
// fails becomes a bronze.Reject naming Type/id and the element, written in
// the same batch as the resources around it; the rest of the file lands.
//
// A resource id seen before in the source becomes an update when its content
// or meta.versionId differ and is skipped when it is unchanged (re-exports
// carry a new meta.lastUpdated, which is not compared); Bulk Data deleted
// entries become deletes. The door rebuilds this index of ids from its own
// bronze log on first use, so it costs memory proportional to the number of
// distinct resources (about 40 bytes each).
//
// Exactly once: files are read as streams in bounded batches, and each batch
// is written together with the position (per file, bytes consumed and a
// fingerprint of its head; per $export, the status URL and the state of each
// output file) in one bronze manifest swap. A re-run after a crash continues
// after the last durable resource; a file that grew continues at its new
// lines, a file that was replaced is read from its start.
package fhir
