package cdm

// Standard concept ids that cdw emits without a vocabulary lookup. Each is a
// real OHDSI concept id; codes that need the vocabularies (diagnoses, note
// classes) are left at ConceptUnmapped with their source value kept.
const (
	ConceptUnmapped = 0 // "No matching concept"

	ConceptMale   = 8507 // Gender: MALE
	ConceptFemale = 8532 // Gender: FEMALE

	ConceptInpatientVisit  = 9201 // Visit: Inpatient Visit
	ConceptOutpatientVisit = 9202 // Visit: Outpatient Visit
	ConceptERVisit         = 9203 // Visit: Emergency Room Visit

	ConceptTypeEHR = 32817 // Type Concept: EHR

	ConceptPrimaryDiagnosis   = 32902 // Condition Status: Primary diagnosis
	ConceptSecondaryDiagnosis = 32908 // Condition Status: Secondary diagnosis

	ConceptUTF8    = 32678   // Note encoding: UTF-8
	ConceptEnglish = 4180186 // Language: English language
)
