package export

// observationResource is an R4 Observation, written for vital signs and
// laboratory results.
type observationResource struct {
	ResourceType   string                 `json:"resourceType"`
	ID             string                 `json:"id"`
	Meta           *meta                  `json:"meta"`
	Identifier     []identifier           `json:"identifier,omitempty"`
	Status         string                 `json:"status"`
	Category       []codeableConcept      `json:"category"`
	Code           *codeableConcept       `json:"code"`
	Subject        *reference             `json:"subject"`
	Encounter      *reference             `json:"encounter"`
	Effective      string                 `json:"effectiveDateTime"`
	Issued         string                 `json:"issued,omitempty"`
	ValueQuantity  *quantity              `json:"valueQuantity,omitempty"`
	ValueString    string                 `json:"valueString,omitempty"`
	Interpretation []codeableConcept      `json:"interpretation,omitempty"`
	ReferenceRange []referenceRange       `json:"referenceRange,omitempty"`
	Component      []observationComponent `json:"component,omitempty"`
}

type observationComponent struct {
	Code          *codeableConcept `json:"code"`
	ValueQuantity *quantity        `json:"valueQuantity,omitempty"`
}

type referenceRange struct {
	Low  *quantity `json:"low,omitempty"`
	High *quantity `json:"high,omitempty"`
}

// category returns an observation-category CodeableConcept.
func category(code, display string) []codeableConcept {
	return []codeableConcept{*concept(systemObsCat, code, display)}
}

// interpretations maps the EMR's abnormal flags onto v3 ObservationInterpretation.
var interpretations = map[string]string{"H": "High", "L": "Low", "N": "Normal"}
