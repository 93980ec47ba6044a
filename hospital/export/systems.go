package export

// Code systems and identifier systems of the export.
const (
	SystemLOINC     = "http://loinc.org"
	SystemUCUM      = "http://unitsofmeasure.org"
	SystemICD10     = "http://hl7.org/fhir/sid/icd-10"
	SystemICD10CM   = "http://hl7.org/fhir/sid/icd-10-cm"
	SystemICD9CM    = "http://hl7.org/fhir/sid/icd-9-cm"
	SystemICD10PCS  = "http://www.cms.gov/Medicare/Coding/ICD10"
	SystemCVX       = "http://hl7.org/fhir/sid/cvx"
	SystemRxNorm    = "http://www.nlm.nih.gov/research/umls/rxnorm"
	SystemATC       = "http://www.whocc.no/atc"
	SystemSNOMED    = "http://snomed.info/sct"
	systemV2_0203   = "http://terminology.hl7.org/CodeSystem/v2-0203"
	systemActCode   = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	systemObsCat    = "http://terminology.hl7.org/CodeSystem/observation-category"
	systemInterp    = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
	systemCondCat   = "http://terminology.hl7.org/CodeSystem/condition-category"
	systemCondVer   = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
	systemCondClin  = "http://terminology.hl7.org/CodeSystem/condition-clinical"
	systemAllergyCl = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
	systemAllergyVe = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
)

// DefaultSystemBase is the prefix of the hospital's own identifier and code
// systems when the options name none.
const DefaultSystemBase = "https://cdw.example/hospital"

// localSystems are the hospital's own systems under a base URI.
type localSystems struct {
	MRN, Visit, Staff, Dept, Ward, Lab, LabPanel, Drug, ICD10CN, Route, Frequency string
}

func newLocalSystems(base string) localSystems {
	if base == "" {
		base = DefaultSystemBase
	}
	return localSystems{
		MRN:       base + "/sid/mrn",
		Visit:     base + "/sid/visit",
		Staff:     base + "/sid/staff",
		Dept:      base + "/sid/department",
		Ward:      base + "/sid/ward",
		Lab:       base + "/CodeSystem/lab-item",
		LabPanel:  base + "/CodeSystem/lab-panel",
		Drug:      base + "/CodeSystem/drug",
		ICD10CN:   base + "/CodeSystem/icd-10-cn",
		Route:     base + "/CodeSystem/route",
		Frequency: base + "/CodeSystem/frequency",
	}
}

// diagnosisSystem returns the FHIR system URI of an emr.diagnosis code_system.
func (l localSystems) diagnosisSystem(codeSystem string) string {
	switch codeSystem {
	case "ICD-10-CM":
		return SystemICD10CM
	case "ICD-10-CN":
		return l.ICD10CN
	default:
		return SystemICD10
	}
}

// procedureSystem returns the FHIR system URI of an emr.procedure code_system.
func procedureSystem(codeSystem string) string {
	if codeSystem == "ICD-10-PCS" {
		return SystemICD10PCS
	}
	return SystemICD9CM
}
