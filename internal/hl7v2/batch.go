package hl7v2

import (
	"fmt"
	"strconv"
	"strings"
)

// File is a sequence of messages, optionally in a file envelope (FHS … FTS)
// holding batches (BHS … BTS). Bare messages without envelopes form one
// Batch with nil Header and Trailer.
type File struct {
	Delims  Delimiters // of the file's header segments
	Header  *Segment   // FHS, nil when absent
	Batches []Batch
	Trailer *Segment // FTS, nil when absent
}

// Batch is a BHS … BTS group of messages.
type Batch struct {
	Header   *Segment // BHS, nil for bare messages
	Messages []*Message
	Trailer  *Segment // BTS
}

// Messages returns every message of f in order.
func (f *File) Messages() []*Message {
	var out []*Message
	for _, b := range f.Batches {
		out = append(out, b.Messages...)
	}
	return out
}

// fileParser is the state of ParseFile.
type fileParser struct {
	f       *File
	delims  *Delimiters // of the first header segment; all must agree
	msg     *Message
	batch   *Batch
	closed  bool // FTS seen
	segment int
}

// ParseFile decodes a file of messages: FHS/BHS envelopes are optional, but
// when present they must nest properly, BTS-1 and FTS-1 (when not empty) must
// equal the number of messages and batches they close, and every header
// segment must declare the same delimiters.
func ParseFile(data []byte) (*File, error) {
	p := &fileParser{f: &File{}}
	var err error
	forEachLine(string(data), func(line string) bool {
		p.segment++
		err = p.line(line)
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	if p.segment == 0 {
		return nil, &ParseError{Segment: 1, Reason: "no segments"}
	}
	if p.f.Header != nil && !p.closed {
		return nil, &ParseError{Segment: p.segment, Reason: "file has FHS but no FTS"}
	}
	if p.batch != nil && p.batch.Header != nil {
		return nil, &ParseError{Segment: p.segment, Reason: "batch has BHS but no BTS"}
	}
	return p.f, nil
}

// line handles one segment line.
func (p *fileParser) line(line string) error {
	if p.closed {
		return &ParseError{Segment: p.segment, Reason: "segment after FTS"}
	}
	name := line[:min(3, len(line))]
	if p.delims == nil || isHeader(name) {
		seg, d, err := parseHeader(line, p.segment)
		if err != nil {
			return err
		}
		if p.delims == nil {
			p.delims, p.f.Delims = &d, d
		} else if d != *p.delims {
			return &ParseError{Segment: p.segment, Name: name, Field: 2, Reason: "delimiters differ from the first header segment's"}
		}
		return p.header(seg)
	}
	seg, err := parseSegment(line, p.segment, *p.delims)
	if err != nil {
		return err
	}
	switch seg.Name {
	case "BTS":
		return p.closeBatch(seg)
	case "FTS":
		return p.closeFile(seg)
	}
	if p.msg == nil {
		return &ParseError{Segment: p.segment, Name: seg.Name, Reason: "segment outside a message"}
	}
	p.msg.Segments = append(p.msg.Segments, seg)
	return nil
}

// header handles an MSH, BHS or FHS segment.
func (p *fileParser) header(seg Segment) error {
	switch seg.Name {
	case "FHS":
		if p.segment != 1 {
			return &ParseError{Segment: p.segment, Name: "FHS", Reason: "FHS must be the first segment"}
		}
		p.f.Header = &seg
	case "BHS":
		if p.batch != nil && p.batch.Header != nil {
			return &ParseError{Segment: p.segment, Name: "BHS", Reason: "BHS before the previous batch's BTS"}
		}
		p.f.Batches = append(p.f.Batches, Batch{Header: &seg})
		p.batch, p.msg = &p.f.Batches[len(p.f.Batches)-1], nil
	default: // MSH
		if p.batch == nil {
			p.f.Batches = append(p.f.Batches, Batch{})
			p.batch = &p.f.Batches[len(p.f.Batches)-1]
		}
		p.msg = &Message{Delims: *p.delims, Segments: []Segment{seg}}
		p.batch.Messages = append(p.batch.Messages, p.msg)
	}
	return nil
}

// closeBatch handles BTS, checking BTS-1 against the batch's message count.
func (p *fileParser) closeBatch(seg Segment) error {
	if p.batch == nil || p.batch.Header == nil {
		return &ParseError{Segment: p.segment, Name: "BTS", Reason: "BTS without BHS"}
	}
	if err := checkCount(seg, len(p.batch.Messages), p.segment); err != nil {
		return err
	}
	p.batch.Trailer = &seg
	p.batch, p.msg = nil, nil
	return nil
}

// closeFile handles FTS, checking FTS-1 against the file's batch count.
func (p *fileParser) closeFile(seg Segment) error {
	if p.f.Header == nil {
		return &ParseError{Segment: p.segment, Name: "FTS", Reason: "FTS without FHS"}
	}
	if p.batch != nil && p.batch.Header != nil {
		return &ParseError{Segment: p.segment, Name: "FTS", Reason: "FTS before the open batch's BTS"}
	}
	if err := checkCount(seg, len(p.f.Batches), p.segment); err != nil {
		return err
	}
	p.f.Trailer, p.closed, p.msg = &seg, true, nil
	return nil
}

// checkCount compares field 1 of a trailer segment, when set, with want.
func checkCount(seg Segment, want, n int) error {
	v := strings.TrimSpace(seg.Field(1).Value(1, 1, 1))
	if v == "" {
		return nil
	}
	got, err := strconv.Atoi(v)
	if err != nil || got != want {
		return &ParseError{Segment: n, Name: seg.Name, Field: 1, Reason: "count " + strconv.Quote(v) + " does not match " + strconv.Itoa(want)}
	}
	return nil
}

// EncodeFile returns f in wire form, every segment ended by CR.
func EncodeFile(f *File) ([]byte, error) {
	var b strings.Builder
	if err := f.Delims.validate(); err != nil && f.hasEnvelope() {
		return nil, fmt.Errorf("hl7v2: encode file: %w", err)
	}
	seg := func(s *Segment) error {
		if s == nil {
			return nil
		}
		return encodeSegment(&b, s, f.Delims)
	}
	if err := seg(f.Header); err != nil {
		return nil, err
	}
	for _, bt := range f.Batches {
		if err := seg(bt.Header); err != nil {
			return nil, err
		}
		for _, m := range bt.Messages {
			if err := encodeTo(&b, m); err != nil {
				return nil, err
			}
		}
		if err := seg(bt.Trailer); err != nil {
			return nil, err
		}
	}
	if err := seg(f.Trailer); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// hasEnvelope reports whether f has an FHS or any BHS segment.
func (f *File) hasEnvelope() bool {
	for _, b := range f.Batches {
		if b.Header != nil || b.Trailer != nil {
			return true
		}
	}
	return f.Header != nil || f.Trailer != nil
}
