package transform

// clinicalMappings fill the clinical event tables from the EMR (run after
// mappings, before the FHIR-only ones).
var clinicalMappings = []mapping{}
