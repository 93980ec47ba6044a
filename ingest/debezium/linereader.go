package debezium

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// line is one line of an event file.
type line struct {
	// text is the line without its ending; for an oversized line, its first
	// bronze.MaxRejectPayload bytes.
	text []byte
	// size is the number of bytes the line takes in the file, ending included.
	size int64
	// terminated reports a newline ended the line (else the file did).
	terminated bool
	// oversized reports the line is longer than the reader's limit.
	oversized bool
}

// lineReader reads lines of at most max bytes, holding at most max bytes of
// one line in memory however long the line is.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line; io.EOF when the input has no more bytes.
func (lr *lineReader) next() (line, error) {
	lr.buf = lr.buf[:0]
	var ln line
	for {
		frag, err := lr.r.ReadSlice('\n')
		ln.size += int64(len(frag))
		if !ln.oversized {
			if len(lr.buf)+len(frag) > lr.max+2 { // +2: the line ending
				ln.oversized = true
				keep := min(len(frag), max(0, bronze.MaxRejectPayload-len(lr.buf)))
				lr.buf = append(lr.buf, frag[:keep]...)
			} else {
				lr.buf = append(lr.buf, frag...)
			}
		}
		switch {
		case err == nil:
			ln.terminated = true
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if ln.size == 0 {
				return line{}, io.EOF
			}
		default:
			return line{}, err
		}
		ln.text = bytes.TrimRight(lr.buf, "\r\n")
		if !ln.oversized && len(ln.text) > lr.max {
			ln.oversized = true
		}
		if ln.oversized && len(ln.text) > bronze.MaxRejectPayload {
			ln.text = ln.text[:bronze.MaxRejectPayload]
		}
		return ln, nil
	}
}
