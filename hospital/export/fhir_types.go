package export

import "encoding/json"

// The FHIR R4 data types the export writes, with only the elements it uses.
// Field order is the specification's, so output reads like FHIR's own
// examples; empty elements are omitted as FHIR requires.

type meta struct {
	LastUpdated string `json:"lastUpdated"`
}

type coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

type codeableConcept struct {
	Coding []coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// concept returns a CodeableConcept with one coding.
func concept(system, code, display string) *codeableConcept {
	return &codeableConcept{Coding: []coding{{System: system, Code: code, Display: display}}}
}

type identifier struct {
	Use    string           `json:"use,omitempty"`
	Type   *codeableConcept `json:"type,omitempty"`
	System string           `json:"system,omitempty"`
	Value  string           `json:"value,omitempty"`
}

type reference struct {
	Reference  string      `json:"reference,omitempty"`
	Identifier *identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// ref returns a literal reference to resource type/id.
func ref(typ, id string) *reference { return &reference{Reference: typ + "/" + id} }

// logical returns a reference by business identifier, for staff and
// departments, which the export does not write as resources.
func logical(system, value, display string) *reference {
	if value == "" && display == "" {
		return nil
	}
	return &reference{Identifier: &identifier{System: system, Value: value}, Display: display}
}

type period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

type quantity struct {
	Value  json.Number `json:"value"`
	Unit   string      `json:"unit,omitempty"`
	System string      `json:"system,omitempty"`
	Code   string      `json:"code,omitempty"`
}

// ucum returns a quantity of value in unit, coded in UCUM when unit is a
// UCUM expression (no spaces).
func ucum(value, unit string) *quantity {
	q := &quantity{Value: json.Number(value), Unit: unit}
	if unit != "" && !containsSpace(unit) {
		q.System, q.Code = SystemUCUM, unit
	}
	return q
}

func containsSpace(s string) bool {
	for _, r := range s {
		if r == ' ' {
			return true
		}
	}
	return false
}

type annotation struct {
	Text string `json:"text"`
}
