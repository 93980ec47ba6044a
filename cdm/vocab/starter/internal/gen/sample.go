package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// sampleDir is where the shared OHDSI vocabulary sample lives under -shared.
const sampleDir = "reference/omop/vocab-sample"

// concept is one CONCEPT row, its fields in the DDL's order.
type concept struct {
	ID                                              int32
	Name, Domain, Vocabulary, Class, Standard, Code string
	ValidStart, ValidEnd, InvalidReason             string
}

// row returns c's fields as written to CONCEPT.csv.
func (c concept) row() []string {
	return []string{strconv.Itoa(int(c.ID)), c.Name, c.Domain, c.Vocabulary, c.Class, c.Standard, c.Code,
		c.ValidStart, c.ValidEnd, c.InvalidReason}
}

// relationship is one CONCEPT_RELATIONSHIP row.
type relationship struct {
	ID1, ID2                      int32
	Relationship                  string
	ValidStart, ValidEnd, Invalid string
}

func (r relationship) row() []string {
	return []string{strconv.Itoa(int(r.ID1)), strconv.Itoa(int(r.ID2)), r.Relationship, r.ValidStart, r.ValidEnd, r.Invalid}
}

// sample is the shared vocabulary shard, indexed.
type sample struct {
	byID   map[int32]concept
	byCode map[[2]string]concept // (vocabulary_id, concept_code)
	rels   []relationship
}

// readSample reads CONCEPT.csv and CONCEPT_RELATIONSHIP.csv of the sample
// under shared.
func readSample(shared string) (*sample, error) {
	dir := filepath.Join(shared, sampleDir)
	s := &sample{byID: map[int32]concept{}, byCode: map[[2]string]concept{}}
	err := readCSV(filepath.Join(dir, "CONCEPT.csv"), 10, func(f []string) error {
		id, err := strconv.ParseInt(f[0], 10, 32)
		if err != nil {
			return err
		}
		c := concept{int32(id), f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]}
		s.byID[c.ID] = c
		s.byCode[[2]string{c.Vocabulary, c.Code}] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(filepath.Join(dir, "CONCEPT_RELATIONSHIP.csv"), 6, func(f []string) error {
		a, err1 := strconv.ParseInt(f[0], 10, 32)
		b, err2 := strconv.ParseInt(f[1], 10, 32)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		s.rels = append(s.rels, relationship{int32(a), int32(b), f[2], f[3], f[4], f[5]})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// readCSV calls row with each data line of the comma-separated file at
// path, which must have n fields a line.
func readCSV(path string, n int, row func([]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = n
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return fmt.Errorf("gen: %s: header: %w", path, err)
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("gen: %s: %w", path, err)
		}
		if err := row(rec); err != nil {
			line, _ := r.FieldPos(0)
			return fmt.Errorf("gen: %s line %d: %w", path, line, err)
		}
	}
}
