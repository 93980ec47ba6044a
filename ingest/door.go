package ingest

// Source names: each door appends to its own bronze log under the bronze
// root (see bronze.Set), named by default after the door.
const (
	SourcePostgres = "postgres"
	SourceDebezium = "debezium"
	SourceFHIR     = "fhir"
	SourceHL7      = "hl7"
)
