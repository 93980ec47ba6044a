package hl7v2

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Writer streams messages into a file with one batch: FHS and BHS first,
// then each message as it is written, then BTS and FTS with the counts on
// Close. It never holds more than one message.
type Writer struct {
	w      *bufio.Writer
	d      Delimiters
	bts    Segment
	fts    Segment
	buf    strings.Builder
	n      int
	closed bool
}

// NewWriter writes the file header fhs and batch header bhs (their fields 1
// and 2 come from d) to w and returns a Writer for the messages. bts and fts
// fields 1 are set to the counts on Close; their other fields are kept.
func NewWriter(w io.Writer, d Delimiters, fhs, bhs, bts, fts Segment) (*Writer, error) {
	if err := d.validate(); err != nil {
		return nil, fmt.Errorf("hl7v2: new writer: %w", err)
	}
	wr := &Writer{w: bufio.NewWriterSize(w, 64<<10), d: d, bts: bts, fts: fts}
	fhs.Name, bhs.Name, wr.bts.Name, wr.fts.Name = "FHS", "BHS", "BTS", "FTS"
	for _, s := range []*Segment{&fhs, &bhs} {
		if err := wr.segment(s); err != nil {
			return nil, err
		}
	}
	return wr, nil
}

// segment encodes s and writes it.
func (wr *Writer) segment(s *Segment) error {
	wr.buf.Reset()
	if err := encodeSegment(&wr.buf, s, wr.d); err != nil {
		return fmt.Errorf("hl7v2: write %s: %w", s.Name, err)
	}
	if _, err := wr.w.WriteString(wr.buf.String()); err != nil {
		return fmt.Errorf("hl7v2: write %s: %w", s.Name, err)
	}
	return nil
}

// Write encodes and writes one message, which must use the Writer's delimiters.
func (wr *Writer) Write(m *Message) error {
	if m.Delims != wr.d {
		return fmt.Errorf("hl7v2: write message %q: delimiters differ from the file's", m.ControlID())
	}
	wr.buf.Reset()
	if err := encodeTo(&wr.buf, m); err != nil {
		return fmt.Errorf("hl7v2: write message %q: %w", m.ControlID(), err)
	}
	if _, err := wr.w.WriteString(wr.buf.String()); err != nil {
		return fmt.Errorf("hl7v2: write message %q: %w", m.ControlID(), err)
	}
	wr.n++
	return nil
}

// Count returns the number of messages written so far.
func (wr *Writer) Count() int { return wr.n }

// Close writes BTS (BTS-1 = message count) and FTS (FTS-1 = 1) and flushes.
// It does not close the underlying writer.
func (wr *Writer) Close() error {
	if wr.closed {
		return nil
	}
	wr.closed = true
	wr.bts.SetField(1, Text(strconv.Itoa(wr.n)))
	wr.fts.SetField(1, Text("1"))
	for _, s := range []*Segment{&wr.bts, &wr.fts} {
		if err := wr.segment(s); err != nil {
			return err
		}
	}
	if err := wr.w.Flush(); err != nil {
		return fmt.Errorf("hl7v2: flush: %w", err)
	}
	return nil
}
