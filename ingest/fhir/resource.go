package fhir

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/maphash"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"
)

// resource is one decoded, validated NDJSON line.
type resource struct {
	Type        string
	ID          string
	VersionID   string
	LastUpdated time.Time // zero when meta.lastUpdated is absent
	Data        []byte    // the line, compacted
	fields      map[string]json.RawMessage
}

// Ref returns "Type/id".
func (r *resource) Ref() string { return r.Type + "/" + r.ID }

var idPattern = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)

// parseResource decodes one NDJSON line into a resource and validates it
// structurally; the error is an *InvalidError.
func parseResource(line []byte) (*resource, error) {
	if !utf8.Valid(line) {
		return nil, &InvalidError{Kind: ErrMalformed, Detail: "not UTF-8"}
	}
	var compact bytes.Buffer
	compact.Grow(len(line))
	if err := json.Compact(&compact, line); err != nil {
		return nil, &InvalidError{Kind: ErrMalformed, Detail: err.Error()}
	}
	r := &resource{Data: compact.Bytes()}
	if err := json.Unmarshal(r.Data, &r.fields); err != nil || r.fields == nil {
		return nil, &InvalidError{Kind: ErrMalformed, Detail: "not a JSON object"}
	}
	if err := r.identify(); err != nil {
		return nil, err
	}
	if err := r.readMeta(); err != nil {
		return nil, err
	}
	if err := validate(r); err != nil {
		return nil, err
	}
	return r, nil
}

// identify reads resourceType and id.
func (r *resource) identify() error {
	if !stringField(r.fields, "resourceType", &r.Type) || !typePattern.MatchString(r.Type) {
		return &InvalidError{Kind: ErrMissingElement, Element: "resourceType", Detail: "a JSON string naming the type"}
	}
	if !stringField(r.fields, "id", &r.ID) {
		return &InvalidError{Resource: r.Type + "/?", Kind: ErrMissingElement, Element: r.Type + ".id"}
	}
	if !idPattern.MatchString(r.ID) {
		return &InvalidError{Resource: r.Type + "/" + truncate(r.ID, 64), Kind: ErrInvalidElement, Element: r.Type + ".id",
			Detail: "an id is 1-64 of A-Z a-z 0-9 - ."}
	}
	return nil
}

// readMeta reads meta.versionId and meta.lastUpdated.
func (r *resource) readMeta() error {
	raw, ok := r.fields["meta"]
	if !ok {
		return nil
	}
	var meta struct {
		VersionID   *string `json:"versionId"`
		LastUpdated *string `json:"lastUpdated"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return &InvalidError{Resource: r.Ref(), Kind: ErrInvalidElement, Element: r.Type + ".meta", Detail: err.Error()}
	}
	if meta.VersionID != nil {
		r.VersionID = *meta.VersionID
	}
	if meta.LastUpdated != nil {
		t, err := time.Parse(time.RFC3339Nano, *meta.LastUpdated)
		if err != nil {
			return &InvalidError{Resource: r.Ref(), Kind: ErrInvalidElement, Element: r.Type + ".meta.lastUpdated", Detail: "not an instant"}
		}
		r.LastUpdated = t.UTC()
	}
	return nil
}

// contentHash hashes the resource without meta.lastUpdated, which every
// re-export restamps: equal hashes mean an unchanged resource.
func contentHash(seed maphash.Seed, fields map[string]json.RawMessage) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := fields[k]
		if k == "meta" {
			var meta map[string]json.RawMessage
			if json.Unmarshal(v, &meta) == nil {
				delete(meta, "lastUpdated")
				h.WriteString("meta\x00")
				h.Write(binary.LittleEndian.AppendUint64(nil, contentHash(seed, meta)))
				continue
			}
		}
		h.WriteString(k)
		h.WriteByte(0)
		h.Write(v)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// stringField stores fields[name] in dst when it is a non-empty JSON string.
func stringField(fields map[string]json.RawMessage, name string, dst *string) bool {
	raw, ok := fields[name]
	if !ok || len(raw) == 0 || raw[0] != '"' {
		return false
	}
	return json.Unmarshal(raw, dst) == nil && *dst != ""
}

// truncate cuts s to at most n bytes for use in a message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
