package hl7

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// The MLLP block characters: a frame is startBlock, the message, endBlock, CR.
const (
	startBlock = 0x0B
	endBlock   = 0x1C
	carriageCR = 0x0D
)

// frameReader reads MLLP frames from a stream. Bytes between frames are
// skipped. A frame longer than max is consumed to its end and reported as
// ErrFrameTooLarge with its first keep bytes, so the stream stays in sync.
type frameReader struct {
	r    *bufio.Reader
	max  int
	keep int
	// skipped counts the bytes outside frames so far.
	skipped int64
	// offset is the stream offset of the next unread byte; start that of the
	// last frame's start block.
	offset, start int64
}

func newFrameReader(r io.Reader, max, keep int) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 64<<10), max: max, keep: min(keep, max)}
}

// next returns the content of the next frame. It returns io.EOF at a clean
// end of stream; ErrFrameTruncated with the content read when a new start
// block or the end of the stream interrupts a frame; ErrFrameTooLarge with
// the frame's first bytes when it exceeds max.
func (fr *frameReader) next() ([]byte, error) {
	if err := fr.skipToStart(); err != nil {
		return nil, err
	}
	var content []byte
	size := 0
	for {
		buf, err := fr.peek()
		if len(buf) == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				err = fmt.Errorf("%w: the stream ended inside a frame (%w)", ErrFrameTruncated, io.ErrUnexpectedEOF)
			}
			return content, err
		}
		i := bytes.IndexAny(buf, "\x0b\x1c")
		chunk := buf
		if i >= 0 {
			chunk = buf[:i]
		}
		if size+len(chunk) <= fr.max {
			content = append(content, chunk...)
		} else if len(content) < fr.keep {
			content = append(content, chunk[:min(len(chunk), fr.keep-len(content))]...)
		}
		size += len(chunk)
		fr.discard(len(chunk))
		if i < 0 {
			continue
		}
		if buf[i] == startBlock {
			return content, fmt.Errorf("%w: a start block (0x0B) arrived before the end block (0x1C 0x0D)", ErrFrameTruncated)
		}
		fr.discard(1) // end block
		if b, err := fr.r.Peek(1); err == nil && b[0] == carriageCR {
			fr.discard(1)
		}
		if size > fr.max {
			return content, ErrFrameTooLarge
		}
		if content == nil {
			content = []byte{}
		}
		return content, nil
	}
}

// skipToStart discards bytes up to and including the next start block.
func (fr *frameReader) skipToStart() error {
	for {
		buf, err := fr.peek()
		if len(buf) == 0 {
			if err == nil {
				err = io.EOF
			}
			return err
		}
		i := bytes.IndexByte(buf, startBlock)
		if i >= 0 {
			fr.skipped += int64(i)
			fr.start = fr.offset + int64(i)
			fr.discard(i + 1)
			return nil
		}
		fr.skipped += int64(len(buf))
		fr.discard(len(buf))
	}
}

// discard consumes n buffered bytes.
func (fr *frameReader) discard(n int) {
	m, _ := fr.r.Discard(n)
	fr.offset += int64(m)
}

// peek returns the buffered bytes, filling the buffer when it is empty.
func (fr *frameReader) peek() ([]byte, error) {
	if fr.r.Buffered() == 0 {
		if _, err := fr.r.Peek(1); err != nil {
			return nil, err
		}
	}
	return fr.r.Peek(fr.r.Buffered())
}

// appendFrame appends msg framed for MLLP to dst.
func appendFrame(dst, msg []byte) []byte {
	dst = append(dst, startBlock)
	dst = append(dst, msg...)
	return append(dst, endBlock, carriageCR)
}
