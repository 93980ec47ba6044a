package fhir

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"hash/maphash"
	"os"
	"path/filepath"
	"testing"
)

// FuzzResource decodes and validates one NDJSON line: it never panics, a
// refused line yields an *InvalidError of a known kind, and an accepted
// one is compact valid JSON that parses again to the same resource.
func FuzzResource(f *testing.F) {
	seeds, err := os.Open(filepath.Join("testdata", "resources.ndjson"))
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(seeds)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f.Add(append([]byte(nil), sc.Bytes()...))
	}
	seeds.Close()
	for _, s := range []string{
		`{"resourceType":"Patient","id":"1"}`,
		`{"resourceType":"Patient","id":"1",`,
		`[]`, `null`, `"x"`, `{}`,
		`{"resourceType":"Condition","id":"c","subject":{"reference":"#p"},"contained":[{"resourceType":"Patient","id":"p"}]}`,
		`{"resourceType":"Condition","id":"c","subject":{"reference":"#q"},"contained":[{"resourceType":"Patient","id":"p"}]}`,
		`{"resourceType":"Observation","id":"o","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:123e4567-e89b-12d3-a456-426614174000"}}`,
		`{"resourceType":"MedicationRequest","id":"m","status":"active","intent":"order","subject":{"reference":"Patient/1/_history/2"},"medicationReference":{"reference":"#med"},"contained":[{"resourceType":"Medication","id":"med"}]}`,
		`{"resourceType":"Patient","id":"1","meta":{"lastUpdated":"2025-06-01T12:00:00.000+02:00","versionId":"3"}}`,
		"{\"resourceType\":\"Patient\",\"id\":\"1\",\"name\":[{\"text\":\"\xc3\"}]}",
		`{"resourceType":"DocumentReference","id":"d","status":"current","content":[{"attachment":{"data":"aGk="}}]}`,
	} {
		f.Add([]byte(s))
	}
	seed := maphash.MakeSeed()
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := parseResource(line)
		if err != nil {
			var ie *InvalidError
			if !errors.As(err, &ie) || err.Error() == "" {
				t.Fatalf("error %v is not an *InvalidError", err)
			}
			for _, kind := range []error{ErrMalformed, ErrOversized, ErrMissingElement, ErrInvalidElement, ErrBadReference, ErrUnresolvedLocal} {
				if errors.Is(err, kind) {
					return
				}
			}
			t.Fatalf("error %v has no known kind", err)
		}
		if !typePattern.MatchString(r.Type) || !idPattern.MatchString(r.ID) {
			t.Fatalf("accepted %q/%q", r.Type, r.ID)
		}
		var again bytes.Buffer
		if err := json.Compact(&again, r.Data); err != nil || !bytes.Equal(again.Bytes(), r.Data) {
			t.Fatalf("stored data is not compact JSON: %v", err)
		}
		r2, err := parseResource(r.Data)
		if err != nil {
			t.Fatalf("stored data does not parse again: %v", err)
		}
		if r2.Ref() != r.Ref() || !bytes.Equal(r2.Data, r.Data) || contentHash(seed, r.fields) != contentHash(seed, r2.fields) {
			t.Fatalf("parsing is not stable: %s vs %s", r.Ref(), r2.Ref())
		}
	})
}
