package main

import (
	"fmt"
)

// assemble builds the starter vocabulary from the curated lists and the
// sample.
func assemble(s *sample) (*starter, error) {
	b := newStarter(s)
	steps := []func() error{b.addDiagnoses, b.addProcedures, b.addLabs, b.addDrugs, b.addVaccines, b.addStandards}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	b.addSNOMEDParents()
	b.copySampleRelationships()
	return b, nil
}

// addDiagnoses adds each diagnosis in WHO ICD-10, the Chinese clinical
// edition (ICD10CN, with the WHO category it extends, linked by 'Is a') and
// ICD-10-CM.
func (b *starter) addDiagnoses() error {
	for _, d := range diagnoses {
		if _, err := b.addLocal("ICD10", "ICD10 code", "Condition", d.WHO, d.To[0]); err != nil {
			return err
		}
		child, err := b.addLocal("ICD10CN", "ICD10 code", "Condition", d.CN, d.To[1])
		if err != nil {
			return err
		}
		if parent, ok := cnParent(d.CN.Code); ok {
			// The category is the condition's WHO code when they agree (and
			// maps as that code does); otherwise it is named by the Chinese
			// code and left unmapped.
			cat, to := code{parent, "", d.CN.Zh}, none
			if parent == d.WHO.Code {
				cat, to = d.WHO, d.To[0]
			}
			pid, err := b.addLocal("ICD10CN", "ICD10 Hierarchy", "Condition", cat, to)
			if err != nil {
				return err
			}
			b.link(child, pid, "Is a", "Subsumes")
		}
		if _, err := b.addLocal("ICD10CM", icd10cmClass(d.CM.Code), "Condition", d.CM, d.To[2]); err != nil {
			return err
		}
	}
	return nil
}

// addProcedures adds the Chinese clinical edition ICD-9-CM-3 codes (under
// OHDSI's ICD9Proc) and the ICD-10-PCS codes of each procedure.
func (b *starter) addProcedures() error {
	for _, p := range procedures {
		for _, c := range p.CN {
			if _, err := b.addLocal("ICD9Proc", "ICD9Proc CN code", "Procedure", c, p.To); err != nil {
				return err
			}
		}
		if _, err := b.addLocal("ICD10PCS", "ICD10PCS", "Procedure", p.US, p.To); err != nil {
			return err
		}
	}
	return nil
}

// addLabs adds the local laboratory codes, mapped to their LOINC concept
// when the sample has it.
func (b *starter) addLabs() error {
	return b.addLocals("LAB", "Lab Test", "Measurement", "LOINC", labs)
}

// addDrugs adds the local drug codes, mapped to their RxNorm ingredient
// when the sample has it.
func (b *starter) addDrugs() error {
	return b.addLocals("DRUG", "Drug Product", "Drug", "RxNorm", drugs)
}

func (b *starter) addLocals(vocabulary, class, domain, targetVocabulary string, list []local) error {
	for _, l := range list {
		to := none
		if l.Target != "" {
			c, ok, err := b.standardCode(targetVocabulary, l.Target)
			if err != nil {
				return fmt.Errorf("%s %s: %w", vocabulary, l.Code, err)
			}
			if ok {
				to = target{c.ID, c.Name}
			}
		}
		if _, err := b.addLocal(vocabulary, class, domain, code{l.Code, l.Name, l.Zh}, to); err != nil {
			return err
		}
	}
	return nil
}

// addVaccines adds the CVX codes, unmapped (the sample has no vaccines).
func (b *starter) addVaccines() error {
	for _, v := range vaccines {
		if _, err := b.addLocal("CVX", "CVX", "Drug", v, none); err != nil {
			return err
		}
	}
	return nil
}

// addStandards adds the vital signs' LOINC concepts, the units and the
// visit concepts, all of which the sample must have.
func (b *starter) addStandards() error {
	for _, l := range []struct {
		vocabulary string
		codes      []string
	}{{"LOINC", vitalLOINC}, {"UCUM", units}, {"Visit", visits}} {
		for _, c := range l.codes {
			if _, ok, err := b.standardCode(l.vocabulary, c); err != nil || !ok {
				return fmt.Errorf("gen: %s %s is not a standard concept of the sample (%v)", l.vocabulary, c, err)
			}
		}
	}
	return nil
}

// addSNOMEDParents adds, until none is left, the valid standard concepts of
// the sample that a starter concept 'Is a', so CONCEPT_ANCESTOR has the
// hierarchy the sample knows above the starter's targets.
func (b *starter) addSNOMEDParents() {
	for added := true; added; {
		added = false
		for _, r := range b.s.rels {
			if r.Relationship != "Is a" || r.Invalid != "" {
				continue
			}
			if _, in := b.concepts[r.ID1]; !in || b.concepts[r.ID1].Standard != "S" {
				continue
			}
			if _, in := b.concepts[r.ID2]; in {
				continue
			}
			if p, ok := b.s.byID[r.ID2]; ok && p.Standard == "S" && p.InvalidReason == "" {
				b.concepts[p.ID] = p
				added = true
			}
		}
	}
}

// copiedRelationships are the relationships copied from the sample between
// two starter concepts.
var copiedRelationships = map[string]bool{"Maps to": true, "Mapped from": true, "Is a": true, "Subsumes": true}

// copySampleRelationships copies the sample's rows of copiedRelationships
// whose two concepts are both in the starter.
func (b *starter) copySampleRelationships() {
	for _, r := range b.s.rels {
		if !copiedRelationships[r.Relationship] {
			continue
		}
		_, in1 := b.concepts[r.ID1]
		_, in2 := b.concepts[r.ID2]
		if in1 && in2 {
			b.rels[r] = true
		}
	}
}
