package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// ancestor is one CONCEPT_ANCESTOR row.
type ancestor struct {
	Ancestor, Descendant int32
	Min, Max             int
}

// ancestors returns CONCEPT_ANCESTOR: every standard concept is its own
// ancestor at level 0, and above it every standard concept it reaches
// through 'Is a' among the starter's concepts, at the shortest and longest
// path's length. The levels are those of the starter's part of the
// hierarchy, which may be shorter than Athena's.
func (b *starter) ancestors() []ancestor {
	parents := map[int32][]int32{}
	for r := range b.rels {
		if r.Relationship == "Is a" && b.concepts[r.ID1].Standard == "S" && b.concepts[r.ID2].Standard == "S" {
			parents[r.ID1] = append(parents[r.ID1], r.ID2)
		}
	}
	var out []ancestor
	for id, c := range b.concepts {
		if c.Standard != "S" {
			continue
		}
		levels := map[int32][2]int{id: {0, 0}}
		walkUp(parents, id, 0, levels)
		for a, l := range levels {
			out = append(out, ancestor{a, id, l[0], l[1]})
		}
	}
	slices.SortFunc(out, func(x, y ancestor) int {
		return cmp.Or(cmp.Compare(x.Ancestor, y.Ancestor), cmp.Compare(x.Descendant, y.Descendant))
	})
	return out
}

// walkUp records in levels the shortest and longest distance from the
// start to each ancestor of id, id being depth steps above the start.
func walkUp(parents map[int32][]int32, id int32, depth int, levels map[int32][2]int) {
	for _, p := range parents[id] {
		l, seen := levels[p]
		switch {
		case !seen:
			l = [2]int{depth + 1, depth + 1}
		case depth+1 < l[0]:
			l[0] = depth + 1
		case depth+1 > l[1]:
			l[1] = depth + 1
		default:
			continue
		}
		levels[p] = l
		walkUp(parents, p, depth+1, levels)
	}
}

// sortedConcepts returns the concepts ordered by id.
func (b *starter) sortedConcepts() []concept {
	ids := slices.Sorted(maps.Keys(b.concepts))
	out := make([]concept, len(ids))
	for i, id := range ids {
		out[i] = b.concepts[id]
	}
	return out
}

// sortedRelationships returns the relationships ordered by their ids and
// relationship.
func (b *starter) sortedRelationships() []relationship {
	out := slices.Collect(maps.Keys(b.rels))
	slices.SortFunc(out, func(x, y relationship) int {
		return cmp.Or(cmp.Compare(x.ID1, y.ID1), cmp.Compare(x.ID2, y.ID2), cmp.Compare(x.Relationship, y.Relationship))
	})
	return out
}

// vocabularyInfo names a vocabulary, its reference and version.
type vocabularyInfo struct{ name, reference, version string }

const (
	shardVersion = "Eunomia Synthea27Nj shard of v5.0 09-APR-22"
	standIn      = "cdw starter stand-in until an Athena download is loaded"
)

var vocabularyInfos = map[string]vocabularyInfo{
	"SNOMED":   {"Systematic Nomenclature of Medicine - Clinical Terms (IHTSDO)", "http://www.snomed.org/", shardVersion},
	"LOINC":    {"Logical Observation Identifiers Names and Codes (Regenstrief Institute)", "http://loinc.org/", shardVersion},
	"RxNorm":   {"RxNorm (NLM)", "http://www.nlm.nih.gov/research/umls/rxnorm/", shardVersion},
	"UCUM":     {"Unified Code for Units of Measure (Regenstrief Institute)", "http://unitsofmeasure.org/", shardVersion},
	"Visit":    {"OMOP Visit", "OMOP generated", shardVersion},
	"ICD10":    {"International Classification of Diseases, Tenth Revision (WHO)", "http://www.who.int/classifications/icd/", standIn},
	"ICD10CN":  {"International Classification of Diseases, Tenth Revision, Chinese Edition (national clinical edition)", "CHS-DRG 1.1 ICD dictionary", standIn},
	"ICD10CM":  {"International Classification of Diseases, Tenth Revision, Clinical Modification (NCHS)", "http://www.cdc.gov/nchs/icd/icd10cm.htm", standIn},
	"ICD9Proc": {"International Classification of Diseases, Ninth Revision, Clinical Modification, Volume 3 (Chinese clinical edition codes)", "CHS-DRG 1.1 ICD dictionary", standIn},
	"ICD10PCS": {"ICD-10 Procedure Coding System (CMS)", "http://www.cms.gov/Medicare/Coding/ICD10/", standIn},
	"CVX":      {"CDC Vaccine Administered CVX (NCIRD)", "https://www2a.cdc.gov/vaccines/iis/iisstandards/vaccines.asp?rpt=cvx", standIn},
	"LAB":      {"cdw synthetic hospital local laboratory codes (emr.lab_item)", "cdw hospital", "cdw starter"},
	"DRUG":     {"cdw synthetic hospital local drug codes (emr.drug)", "cdw hospital", "cdw starter"},
}

// relationshipInfo is a RELATIONSHIP row's name, flags and reverse.
type relationshipInfo struct{ name, hierarchical, ancestry, reverse string }

var relationshipInfos = map[string]relationshipInfo{
	"Maps to":     {"Non-standard to Standard map (OMOP)", "0", "0", "Mapped from"},
	"Mapped from": {"Standard to Non-standard map (OMOP)", "0", "0", "Maps to"},
	"Is a":        {"Is a", "1", "1", "Subsumes"},
	"Subsumes":    {"Subsumes", "1", "1", "Is a"},
}

// metadata returns the VOCABULARY, DOMAIN, CONCEPT_CLASS and RELATIONSHIP
// rows of every vocabulary, domain, class and relationship the starter
// uses. Their *_concept_id is 0: the sample holds none of OHDSI's metadata
// concepts, and an id is never invented; an Athena download brings them.
func (b *starter) metadata() (map[string][][]string, error) {
	vocabs, domains, classes, rels := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range b.concepts {
		vocabs[c.Vocabulary], domains[c.Domain], classes[c.Class] = true, true, true
	}
	for r := range b.rels {
		rels[r.Relationship] = true
	}
	out := map[string][][]string{}
	for _, v := range slices.Sorted(maps.Keys(vocabs)) {
		info, ok := vocabularyInfos[v]
		if !ok {
			return nil, fmt.Errorf("gen: no VOCABULARY row for %s", v)
		}
		out["vocabulary"] = append(out["vocabulary"], []string{v, info.name, info.reference, info.version, "0"})
	}
	for _, d := range slices.Sorted(maps.Keys(domains)) {
		out["domain"] = append(out["domain"], []string{d, d, "0"})
	}
	for _, c := range slices.Sorted(maps.Keys(classes)) {
		out["concept_class"] = append(out["concept_class"], []string{c, c, "0"})
	}
	for _, r := range slices.Sorted(maps.Keys(rels)) {
		info, ok := relationshipInfos[r]
		if !ok {
			return nil, fmt.Errorf("gen: no RELATIONSHIP row for %s", r)
		}
		out["relationship"] = append(out["relationship"], []string{r, info.name, info.hierarchical, info.ancestry, info.reverse, "0"})
	}
	return out, nil
}

// tables returns every file's rows, keyed by OMOP table name.
func (b *starter) tables() (map[string][][]string, error) {
	out, err := b.metadata()
	if err != nil {
		return nil, err
	}
	for _, c := range b.sortedConcepts() {
		out["concept"] = append(out["concept"], c.row())
	}
	for _, r := range b.sortedRelationships() {
		out["concept_relationship"] = append(out["concept_relationship"], r.row())
	}
	for _, a := range b.ancestors() {
		out["concept_ancestor"] = append(out["concept_ancestor"], []string{
			itoa(a.Ancestor), itoa(a.Descendant), strconv.Itoa(a.Min), strconv.Itoa(a.Max)})
	}
	syn := slices.Clone(b.synonyms)
	slices.SortStableFunc(syn, func(x, y synonym) int { return cmp.Compare(x.ID, y.ID) })
	for _, s := range syn {
		out["concept_synonym"] = append(out["concept_synonym"], []string{itoa(s.ID), s.Name, itoa(s.Language)})
	}
	return out, nil
}

func itoa(i int32) string { return strconv.Itoa(int(i)) }
