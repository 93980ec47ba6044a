package main

import (
	"fmt"
	"strings"
)

// Local concept ids: OHDSI reserves concept_id >= 2,000,000,000 for
// site-specific concepts. Each vocabulary has a block; ids within it follow
// the curated lists' order, so lists are extended by appending.
var localBase = map[string]int32{
	"ICD10":    2_000_100_000,
	"ICD10CN":  2_000_200_000,
	"ICD10CM":  2_000_300_000,
	"ICD9Proc": 2_000_400_000,
	"ICD10PCS": 2_000_500_000,
	"CVX":      2_000_600_000,
	"LAB":      2_000_700_000,
	"DRUG":     2_000_800_000,
}

// Validity of the starter's own concepts and relationships.
const (
	validStart = "1970-01-01"
	validEnd   = "2099-12-31"
)

// languageChinese is OHDSI's 'Chinese language' concept, the language of
// the Chinese synonyms.
const languageChinese = 4182948

// synonym is one CONCEPT_SYNONYM row.
type synonym struct {
	ID       int32
	Name     string
	Language int32
}

// starter is the vocabulary being assembled.
type starter struct {
	s        *sample
	concepts map[int32]concept
	local    map[[2]string]int32 // (vocabulary, code) of local concepts → id
	next     map[string]int32    // next id per local vocabulary
	rels     map[relationship]bool
	synonyms []synonym
	// mapped counts the local codes of each vocabulary, and those with a
	// 'Maps to', for the generator's summary.
	codes, mapped map[string]int
}

func newStarter(s *sample) *starter {
	return &starter{s: s, concepts: map[int32]concept{}, local: map[[2]string]int32{},
		next: map[string]int32{}, rels: map[relationship]bool{}, codes: map[string]int{}, mapped: map[string]int{}}
}

// standard adds the sample's concept with the id, which must be a valid
// standard concept named name (when name is not empty).
func (b *starter) standard(id int32, name string) (concept, error) {
	c, ok := b.s.byID[id]
	switch {
	case !ok:
		return c, fmt.Errorf("gen: concept %d (%s) is not in the sample", id, name)
	case name != "" && c.Name != name:
		return c, fmt.Errorf("gen: concept %d is %q in the sample, the curated table says %q", id, c.Name, name)
	case c.Standard != "S" || c.InvalidReason != "":
		return c, fmt.Errorf("gen: concept %d %q is not a valid standard concept (standard %q, invalid %q)",
			id, c.Name, c.Standard, c.InvalidReason)
	}
	b.concepts[id] = c
	return c, nil
}

// standardCode adds the sample's standard concept with the vocabulary and
// code; ok is false when the sample lacks it.
func (b *starter) standardCode(vocabulary, code string) (concept, bool, error) {
	c, ok := b.s.byCode[[2]string{vocabulary, code}]
	if !ok {
		return c, false, nil
	}
	c, err := b.standard(c.ID, "")
	return c, err == nil, err
}

// addLocal adds a non-standard local concept for code in vocabulary, with
// its 'Maps to' (and reverse 'Mapped from') to the target when there is one,
// and a Chinese synonym when zh is set. The concept takes its target's
// domain (a source code lands where its standard concept belongs), or
// domain when unmapped. Adding the same code twice returns the first id and
// fails if the targets differ.
func (b *starter) addLocal(vocabulary, class, domain string, c code, to target) (int32, error) {
	key := [2]string{vocabulary, c.Code}
	if id, dup := b.local[key]; dup {
		if old := b.mapsTo(id); old != to.ID {
			return 0, fmt.Errorf("gen: %s %s listed twice, mapping to %d and %d", vocabulary, c.Code, old, to.ID)
		}
		return id, nil
	}
	if to.ID != 0 {
		t, err := b.standard(to.ID, to.Name)
		if err != nil {
			return 0, fmt.Errorf("%s %s: %w", vocabulary, c.Code, err)
		}
		domain = t.Domain
	}
	b.next[vocabulary]++
	id := localBase[vocabulary] + b.next[vocabulary]
	name := c.Name
	if name == "" {
		name = c.Zh
	}
	b.local[key] = id
	b.concepts[id] = concept{id, truncate(name, 255), domain, vocabulary, class, "", c.Code, validStart, validEnd, ""}
	b.codes[vocabulary]++
	if to.ID != 0 {
		b.link(id, to.ID, "Maps to", "Mapped from")
		b.mapped[vocabulary]++
	}
	if c.Zh != "" {
		b.synonyms = append(b.synonyms, synonym{id, c.Zh, languageChinese})
	}
	return id, nil
}

// mapsTo returns the 'Maps to' target of id, or 0.
func (b *starter) mapsTo(id int32) int32 {
	for r := range b.rels {
		if r.ID1 == id && r.Relationship == "Maps to" {
			return r.ID2
		}
	}
	return 0
}

// link adds the relationship from a to b and its reverse.
func (b *starter) link(from, to int32, rel, reverse string) {
	b.rels[relationship{from, to, rel, validStart, validEnd, ""}] = true
	b.rels[relationship{to, from, reverse, validStart, validEnd, ""}] = true
}

// truncate cuts s to at most n characters (concept_name is VARCHAR(255)).
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// cnParent returns the WHO category a Chinese clinical edition code
// extends: the code up to one digit after the dot (K22.301 → K22.3), or
// its three-character category when that digit is the placeholder x
// (I10.x00x002 → I10); ok is false when code is already a category.
func cnParent(code string) (string, bool) {
	dot := strings.IndexByte(code, '.')
	if dot < 0 || len(code) <= dot+2 {
		return "", false
	}
	if code[dot+1] == 'x' {
		return code[:dot], true
	}
	return code[:dot+2], true
}

// icd10cmClass is OHDSI's concept class of a billable ICD-10-CM code: its
// length without the dot.
func icd10cmClass(code string) string {
	return fmt.Sprintf("%d-char billing code", len(strings.ReplaceAll(code, ".", "")))
}
