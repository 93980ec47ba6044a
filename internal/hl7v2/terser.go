package hl7v2

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a parsed terser-style location: SEG(occurrence)-FIELD(repetition).COMPONENT.SUBCOMPONENT,
// every index 1-based, e.g. "PID-5.1", "OBX(2)-5", "PID-3(2).4.2".
type Path struct {
	Segment                   string
	Occurrence                int
	Field, Rep, Comp, SubComp int
}

// ParsePath parses a terser-style path; omitted indexes default to 1.
func ParsePath(p string) (Path, error) {
	out := Path{Occurrence: 1, Rep: 1, Comp: 1, SubComp: 1}
	seg, rest, ok := strings.Cut(p, "-")
	if !ok {
		return out, fmt.Errorf("hl7v2: path %q: want SEG-FIELD", p)
	}
	var err error
	if out.Segment, out.Occurrence, err = nameIndex(seg); err != nil || len(out.Segment) != 3 {
		return out, fmt.Errorf("hl7v2: path %q: bad segment %q", p, seg)
	}
	parts := strings.Split(rest, ".")
	if len(parts) > 3 {
		return out, fmt.Errorf("hl7v2: path %q: too many components", p)
	}
	var field string
	if field, out.Rep, err = nameIndex(parts[0]); err != nil {
		return out, fmt.Errorf("hl7v2: path %q: %w", p, err)
	}
	if out.Field, err = positive(field); err != nil {
		return out, fmt.Errorf("hl7v2: path %q: field: %w", p, err)
	}
	for i, dst := range []*int{&out.Comp, &out.SubComp}[:len(parts)-1] {
		if *dst, err = positive(parts[i+1]); err != nil {
			return out, fmt.Errorf("hl7v2: path %q: %w", p, err)
		}
	}
	return out, nil
}

// nameIndex splits "NAME(3)" into NAME and 3; a missing index is 1.
func nameIndex(s string) (string, int, error) {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return s, 1, nil
	}
	if !strings.HasSuffix(s, ")") {
		return "", 0, fmt.Errorf("unclosed index in %q", s)
	}
	n, err := positive(s[open+1 : len(s)-1])
	return s[:open], n, err
}

func positive(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("index %q is not a positive number", s)
	}
	return n, nil
}

// Get returns the value at path, or "" when the path is malformed or the
// value absent. Use Lookup to tell those apart.
func (m *Message) Get(path string) string {
	v, _ := m.Lookup(path)
	return v
}

// Lookup returns the value at path, "" when the segment or value is absent;
// it fails only for a malformed path.
func (m *Message) Lookup(path string) (string, error) {
	p, err := ParsePath(path)
	if err != nil {
		return "", err
	}
	s := m.Segment(p.Segment, p.Occurrence)
	if s == nil {
		return "", nil
	}
	return s.Field(p.Field).Value(p.Rep, p.Comp, p.SubComp), nil
}

// Set stores value at path, creating the segment (appended) and any missing
// field, repetition, component or sub-component on the way.
func (m *Message) Set(path, value string) error {
	p, err := ParsePath(path)
	if err != nil {
		return err
	}
	s := m.Segment(p.Segment, p.Occurrence)
	for s == nil {
		m.Segments = append(m.Segments, Segment{Name: p.Segment})
		s = m.Segment(p.Segment, p.Occurrence)
	}
	f := s.Field(p.Field)
	for len(f) < p.Rep {
		f = append(f, nil)
	}
	r := f[p.Rep-1]
	for len(r) < p.Comp {
		r = append(r, nil)
	}
	c := r[p.Comp-1]
	for len(c) < p.SubComp {
		c = append(c, "")
	}
	c[p.SubComp-1] = value
	r[p.Comp-1] = c
	f[p.Rep-1] = r
	s.SetField(p.Field, f)
	return nil
}
