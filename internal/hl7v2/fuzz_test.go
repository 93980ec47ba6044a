package hl7v2

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse asserts that Parse and ParseFile never panic and that every
// message they accept survives Encode and Parse unchanged.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.hl7"))
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(adt))
	f.Add([]byte(file))
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := Parse(data); err == nil {
			checkMessageRoundTrip(t, m)
		}
		if fl, err := ParseFile(data); err == nil {
			enc, err := EncodeFile(fl)
			if err != nil {
				t.Fatalf("encode parsed file: %v", err)
			}
			back, err := ParseFile(enc)
			if err != nil {
				t.Fatalf("parse encoded file %q: %v", enc, err)
			}
			again, _ := EncodeFile(back)
			if string(again) != string(enc) {
				t.Fatalf("file re-encodes differently:\n%q\n%q", enc, again)
			}
		}
	})
}

func checkMessageRoundTrip(t *testing.T, m *Message) {
	enc, err := Encode(m)
	if err != nil {
		t.Fatalf("encode parsed message: %v", err)
	}
	back, err := Parse(enc)
	if err != nil {
		t.Fatalf("parse encoded message %q: %v", enc, err)
	}
	if !equalMessages(m, back) {
		t.Fatalf("round trip changed the message:\n%#v\n%#v", m, back)
	}
}

// equalMessages compares two messages element by element.
func equalMessages(a, b *Message) bool {
	if a.Delims != b.Delims || len(a.Segments) != len(b.Segments) {
		return false
	}
	for i := range a.Segments {
		sa, sb := a.Segments[i], b.Segments[i]
		if sa.Name != sb.Name || len(sa.Fields) != len(sb.Fields) {
			return false
		}
		for j := range sa.Fields {
			if !equalField(sa.Fields[j], sb.Fields[j]) {
				return false
			}
		}
	}
	return true
}

func equalField(a, b Field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if len(a[i][j]) != len(b[i][j]) {
				return false
			}
			for k := range a[i][j] {
				if a[i][j][k] != b[i][j][k] {
					return false
				}
			}
		}
	}
	return true
}
