package fhir

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// record is one line of an NDJSON stream.
type record struct {
	data      []byte // the line without its end; valid until the next call
	start     int64  // offset of its first byte
	end       int64  // offset after its line end
	line      int64  // 1-based line number
	oversized bool   // longer than the limit: data holds only its head
}

// lineReader splits a stream into lines, never holding more than max bytes
// of one line: a longer line is skipped to its end and reported oversized.
type lineReader struct {
	r    *bufio.Reader
	max  int
	buf  []byte
	off  int64
	line int64
}

// newLineReader reads r, whose first byte is at offset off and follows line
// number line.
func newLineReader(r io.Reader, off, line int64, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max, off: off, line: line}
}

// next returns the next non-blank line; io.EOF after the last. A last line
// without a line end is returned as a line.
func (lr *lineReader) next() (record, error) {
	for {
		rec, err := lr.read()
		if err != nil {
			return rec, err
		}
		if rec.oversized || len(bytes.TrimSpace(rec.data)) > 0 {
			return rec, nil
		}
	}
}

// read returns the next line, blank or not.
func (lr *lineReader) read() (record, error) {
	rec := record{start: lr.off}
	lr.buf = lr.buf[:0]
	for {
		frag, err := lr.r.ReadSlice('\n')
		lr.off += int64(len(frag))
		lr.keep(&rec, frag)
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if lr.off == rec.start {
				return rec, io.EOF
			}
			break
		}
		return rec, err
	}
	lr.line++
	rec.end, rec.line = lr.off, lr.line
	rec.data = bytes.TrimRight(lr.buf, "\r\n")
	return rec, nil
}

// keep appends frag to the line unless it grew over the limit, after which
// only a reject payload's worth of its head is kept.
func (lr *lineReader) keep(rec *record, frag []byte) {
	content := bytes.TrimRight(frag, "\r\n")
	if !rec.oversized && len(lr.buf)+len(content) > lr.max {
		rec.oversized = true
	}
	if !rec.oversized {
		lr.buf = append(lr.buf, frag...)
		return
	}
	if room := bronze.MaxRejectPayload - len(lr.buf); room > 0 {
		lr.buf = append(lr.buf, frag[:min(room, len(frag))]...)
	}
}
