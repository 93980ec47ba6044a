package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// required lists, per resource type, the R4 elements of cardinality 1..*;
// a name ending in [x] is a choice element (medication[x]: any
// medicationCodeableConcept, medicationReference…).
var required = map[string][]string{
	"Encounter":                {"status", "class"},
	"Condition":                {"subject"},
	"Observation":              {"status", "code", "subject"},
	"MedicationRequest":        {"status", "intent", "subject", "medication[x]"},
	"MedicationAdministration": {"status", "medication[x]", "subject", "effective[x]"},
	"Procedure":                {"status", "subject"},
	"DocumentReference":        {"status", "content"},
	"AllergyIntolerance":       {"patient"},
	"Immunization":             {"status", "vaccineCode", "patient", "occurrence[x]"},
}

// validate checks the required elements and every reference of r.
func validate(r *resource) error {
	for _, name := range required[r.Type] {
		if !present(r.fields, name) {
			return &InvalidError{Resource: r.Ref(), Kind: ErrMissingElement, Element: r.Type + "." + name}
		}
	}
	if r.Type == "DocumentReference" {
		if err := validateContent(r); err != nil {
			return err
		}
	}
	return validateReferences(r)
}

// present reports whether the element (or, for name[x], one of its choices)
// has a value: not null, not an empty string, array or object.
func present(fields map[string]json.RawMessage, name string) bool {
	if prefix, ok := strings.CutSuffix(name, "[x]"); ok {
		for k, v := range fields {
			if rest, ok := strings.CutPrefix(k, prefix); ok && rest != "" && rest[0] >= 'A' && rest[0] <= 'Z' && hasValue(v) {
				return true
			}
		}
		return false
	}
	return hasValue(fields[name])
}

// hasValue reports whether raw is a value other than null, "", [] or {}.
func hasValue(raw json.RawMessage) bool {
	switch string(raw) {
	case "", "null", `""`, "[]", "{}":
		return false
	}
	return true
}

// validateContent checks that every DocumentReference.content has an attachment.
func validateContent(r *resource) error {
	var content []map[string]json.RawMessage
	if err := json.Unmarshal(r.fields["content"], &content); err != nil {
		return &InvalidError{Resource: r.Ref(), Kind: ErrInvalidElement, Element: "DocumentReference.content", Detail: "not an array of objects"}
	}
	for i, c := range content {
		if !hasValue(c["attachment"]) {
			return &InvalidError{Resource: r.Ref(), Kind: ErrMissingElement, Element: fmt.Sprintf("DocumentReference.content[%d].attachment", i)}
		}
	}
	return nil
}

// validateReferences checks the form of every Reference.reference and that
// each #local reference names a contained resource.
func validateReferences(r *resource) error {
	local, err := containedIDs(r)
	if err != nil {
		return err
	}
	for k, raw := range r.fields {
		if !bytes.Contains(raw, []byte(`"reference"`)) {
			continue // the common case: no reference inside, nothing to decode
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return &InvalidError{Resource: r.Ref(), Kind: ErrMalformed, Element: r.Type + "." + k, Detail: err.Error()}
		}
		if err := walkReferences(v, r.Type+"."+k, local); err != nil {
			err.Resource = r.Ref()
			return err
		}
	}
	return nil
}

// containedIDs returns the ids of r's contained resources.
func containedIDs(r *resource) (map[string]bool, error) {
	raw, ok := r.fields["contained"]
	if !ok {
		return nil, nil
	}
	var contained []struct {
		ResourceType string `json:"resourceType"`
		ID           string `json:"id"`
	}
	if err := json.Unmarshal(raw, &contained); err != nil {
		return nil, &InvalidError{Resource: r.Ref(), Kind: ErrInvalidElement, Element: r.Type + ".contained", Detail: "not an array of resources"}
	}
	ids := make(map[string]bool, len(contained))
	for i, c := range contained {
		if c.ResourceType == "" || c.ID == "" {
			return nil, &InvalidError{Resource: r.Ref(), Kind: ErrMissingElement,
				Element: fmt.Sprintf("%s.contained[%d].%s", r.Type, i, map[bool]string{true: "resourceType", false: "id"}[c.ResourceType == ""])}
		}
		ids[c.ID] = true
	}
	return ids, nil
}

var (
	relativeRef = regexp.MustCompile(`^[A-Z][A-Za-z]{0,63}/[A-Za-z0-9\-.]{1,64}(/_history/[A-Za-z0-9\-.]{1,64})?$`)
	absoluteRef = regexp.MustCompile(`^(https?://[^\s]+|urn:uuid:[0-9a-fA-F-]{36}|urn:oid:[0-2](\.(0|[1-9][0-9]*))+)$`)
)

// walkReferences visits v (the value at path) and checks every "reference"
// string member of an object.
func walkReferences(v any, path string, local map[string]bool) *InvalidError {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if ref, ok := child.(string); ok && k == "reference" {
				if err := checkReference(ref, path+".reference", local); err != nil {
					return err
				}
				continue
			}
			if err := walkReferences(child, path+"."+k, local); err != nil {
				return err
			}
		}
	case []any:
		for i, child := range v {
			if err := walkReferences(child, path+"["+strconv.Itoa(i)+"]", local); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkReference validates one reference string.
func checkReference(ref, path string, local map[string]bool) *InvalidError {
	switch {
	case ref == "#": // a contained resource pointing back at its container
		return nil
	case strings.HasPrefix(ref, "#"):
		if !local[ref[1:]] {
			return &InvalidError{Kind: ErrUnresolvedLocal, Element: path, Detail: strconv.Quote(truncate(ref, 80)) + " names no contained resource"}
		}
		return nil
	case relativeRef.MatchString(ref), absoluteRef.MatchString(ref):
		return nil
	}
	return &InvalidError{Kind: ErrBadReference, Element: path, Detail: strconv.Quote(truncate(ref, 80)) + " is not Type/id, #contained or an absolute URL"}
}
