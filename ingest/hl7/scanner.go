package hl7

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// scanner splits an HL7 archive into messages as it streams: segments may
// end with CR, LF or CRLF; MLLP block characters are dropped (0x1C also ends
// a message); FHS/BHS/BTS/FTS envelopes are consumed, and BTS-1 is checked
// against the messages of its batch when the batch started in this read.
// Memory is bounded by one message of at most max bytes.
type scanner struct {
	r       *bufio.Reader
	offset  int64 // of the next unread byte
	max     int
	keep    int
	pending *line // read but not consumed: it starts the next unit

	batchOpen  bool // a BHS was read in this read and its BTS not yet
	batchCount int
}

// line is one segment line.
type line struct {
	text     []byte // without terminator and block characters (cut at keep when longer than max)
	term     []byte // the terminator as read
	size     int    // length of the text as read
	offset   int64  // of the line's first byte
	end      int64  // just after its terminator
	frameEnd bool   // ended by 0x1C
}

// unit is what the scanner yields: a message, or records that are not one.
type unit struct {
	raw      []byte
	size     int
	offset   int64 // of the first byte
	end      int64 // where reading resumes after the unit
	problem  string
	tooLarge bool
}

func newScanner(r io.Reader, offset int64, max, keep int) *scanner {
	return &scanner{r: bufio.NewReaderSize(r, 64<<10), offset: offset, max: max, keep: min(keep, max)}
}

// next returns the next unit, or io.EOF after the last.
func (s *scanner) next() (*unit, error) {
	var u *unit
	for {
		ln, err := s.line()
		if errors.Is(err, io.EOF) && u != nil {
			return u, nil
		}
		if err != nil {
			return nil, err
		}
		name := segmentName(ln.text)
		switch {
		case len(ln.text) == 0:
			s.pending = nil
			if u != nil {
				u.end = ln.end
				if ln.frameEnd {
					return u, nil
				}
			}
		case name == "MSH" || isEnvelope(name):
			if u != nil {
				return u, nil // ln stays pending
			}
			s.pending = nil
			if name == "MSH" {
				u = s.start(ln, "")
				s.batchCount++
				if ln.frameEnd {
					return u, nil
				}
			} else if p := s.envelope(name, ln); p != "" {
				return s.start(ln, p), nil
			}
		default:
			s.pending = nil
			if u == nil {
				u = s.start(ln, fmt.Sprintf("segment %q at byte %d is outside a message (no MSH before it)", truncate(string(ln.text), 8), ln.offset))
			} else {
				s.add(u, ln)
			}
			if ln.frameEnd {
				return u, nil
			}
		}
	}
}

// start begins a unit with its first line.
func (s *scanner) start(ln *line, problem string) *unit {
	u := &unit{offset: ln.offset, problem: problem}
	s.add(u, ln)
	return u
}

// add appends a line to a unit, keeping at most keep bytes of a unit that
// grows beyond max.
func (s *scanner) add(u *unit, ln *line) {
	u.size += ln.size + len(ln.term)
	u.end = ln.end
	if u.size > s.max {
		u.tooLarge = true
	}
	room := s.max
	if u.tooLarge {
		room = s.keep
	}
	for _, part := range [][]byte{ln.text, ln.term} {
		if n := min(len(part), room-len(u.raw)); n > 0 {
			u.raw = append(u.raw, part[:n]...)
		}
	}
	if u.tooLarge && len(u.raw) > s.keep {
		u.raw = u.raw[:s.keep]
	}
}

// envelope handles a batch or file header or trailer and returns a problem
// when BTS-1 does not match the batch's message count.
func (s *scanner) envelope(name string, ln *line) string {
	switch name {
	case "BHS":
		s.batchOpen, s.batchCount = true, 0
	case "BTS":
		defer func() { s.batchOpen = false }()
		if !s.batchOpen {
			return ""
		}
		v := string(envelopeField1(ln.text))
		if n, err := strconv.Atoi(v); v != "" && (err != nil || n != s.batchCount) {
			return fmt.Sprintf("BTS at byte %d: BTS-1 count %q does not match the %d messages of the batch", ln.offset, v, s.batchCount)
		}
	}
	return ""
}

// envelopeField1 returns field 1 of a trailer segment (BTS|3 → "3").
func envelopeField1(text []byte) []byte {
	if len(text) < 4 {
		return nil
	}
	f := text[4:]
	if i := bytes.IndexByte(f, text[3]); i >= 0 {
		f = f[:i]
	}
	if i := bytes.IndexAny(f, "^~&"); i >= 0 {
		f = f[:i]
	}
	return bytes.TrimSpace(f)
}

func isEnvelope(name string) bool {
	return name == "FHS" || name == "BHS" || name == "BTS" || name == "FTS"
}

func segmentName(text []byte) string {
	if len(text) < 3 || (len(text) > 3 && !isDelimiterByte(text[3])) {
		return ""
	}
	return string(text[:3])
}

// isDelimiterByte reports whether c can be a field separator.
func isDelimiterByte(c byte) bool {
	return c > ' ' && c < 0x7f && !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')
}

// line returns the pending line or reads the next one.
func (s *scanner) line() (*line, error) {
	if s.pending == nil {
		ln, err := s.readLine()
		if err != nil {
			return nil, err
		}
		s.pending = ln
	}
	return s.pending, nil
}

// readLine reads one line ended by CR, LF, CRLF or 0x1C (or the end of the
// input), without its terminator and leading 0x0B block characters.
func (s *scanner) readLine() (*line, error) {
	ln := &line{offset: s.offset}
	for {
		buf, err := s.peek()
		if len(buf) == 0 {
			if errors.Is(err, io.EOF) && ln.size > 0 {
				ln.end = s.offset
				return ln.trim(), nil
			}
			return nil, err
		}
		i := bytes.IndexAny(buf, "\r\n\x1c")
		chunk := buf
		if i >= 0 {
			chunk = buf[:i]
		}
		if n := min(len(chunk), s.limit(ln)); n > 0 {
			ln.text = append(ln.text, chunk[:n]...)
		}
		ln.size += len(chunk)
		s.discard(len(chunk))
		if i < 0 {
			continue
		}
		switch buf[i] {
		case endBlock:
			ln.term, ln.frameEnd = []byte{endBlock}, true
			s.discard(1)
		case '\n':
			ln.term = []byte{'\n'}
			s.discard(1)
		default:
			ln.term = []byte{'\r'}
			s.discard(1)
			if b, err := s.r.Peek(1); err == nil && b[0] == '\n' {
				ln.term = []byte{'\r', '\n'}
				s.discard(1)
			}
		}
		ln.end = s.offset
		return ln.trim(), nil
	}
}

// limit is how many more bytes of a line are kept.
func (s *scanner) limit(ln *line) int {
	if ln.size > s.max {
		return s.keep - len(ln.text)
	}
	return s.max + 1 - len(ln.text)
}

// trim drops leading start-block characters; offset then points at the
// segment itself.
func (ln *line) trim() *line {
	n := len(ln.text)
	ln.text = bytes.TrimLeft(ln.text, "\x0b")
	ln.offset += int64(n - len(ln.text))
	return ln
}

func (s *scanner) discard(n int) {
	m, _ := s.r.Discard(n)
	s.offset += int64(m)
}

func (s *scanner) peek() ([]byte, error) {
	if s.r.Buffered() == 0 {
		if _, err := s.r.Peek(1); err != nil {
			return nil, err
		}
	}
	return s.r.Peek(s.r.Buffered())
}
