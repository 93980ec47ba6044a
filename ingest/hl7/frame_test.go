package hl7

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readFrames reads every frame of input, returning each frame's content (or
// "!"+error class) in order.
func readFrames(t testing.TB, input []byte, max int) []string {
	fr := newFrameReader(bytes.NewReader(input), max, 4)
	var out []string
	for i := 0; ; i++ {
		require.Less(t, i, len(input)+2, "the reader makes progress")
		b, err := fr.next()
		switch {
		case errors.Is(err, io.EOF):
			return out
		case errors.Is(err, ErrFrameTooLarge):
			out = append(out, "!large:"+string(b))
		case errors.Is(err, io.ErrUnexpectedEOF):
			out = append(out, "!eof:"+string(b))
		case errors.Is(err, ErrFrameTruncated):
			out = append(out, "!cut:"+string(b))
		case err != nil:
			t.Fatalf("unexpected error %v", err)
		default:
			out = append(out, string(b))
		}
	}
}

func TestFrameReader(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"one frame", "\x0bMSH|a\r\x1c\r", []string{"MSH|a\r"}},
		{"two frames, junk between", "xx\x0bA\x1c\r\n\n\x0bB\x1c\r", []string{"A", "B"}},
		{"end block without CR", "\x0bA\x1c\x0bB\x1c", []string{"A", "B"}},
		{"empty frame", "\x0b\x1c\r", []string{""}},
		{"start block inside a frame", "\x0bAB\x0bC\x1c\r", []string{"!cut:AB", "C"}},
		{"stream ends inside a frame", "\x0bA\x1c\r\x0bBC", []string{"A", "!eof:BC"}},
		{"too large, then in sync", "\x0b0123456789abcdef\x1c\r\x0bok\x1c\r", []string{"!large:0123", "ok"}},
		{"exactly max", "\x0b01234567\x1c\r", []string{"01234567"}},
		{"no frames", "just text\r", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, readFrames(t, []byte(tt.input), 8))
		})
	}
}

func TestFrameReaderOffsets(t *testing.T) {
	in := []byte("ab\x0bA\x1c\r\x0bBB\x1c\r")
	fr := newFrameReader(bytes.NewReader(in), 100, 100)
	_, err := fr.next()
	require.NoError(t, err)
	assert.EqualValues(t, 2, fr.start)
	_, err = fr.next()
	require.NoError(t, err)
	assert.EqualValues(t, 6, fr.start)
	assert.EqualValues(t, len(in), fr.offset)
}

// FuzzFrame checks the MLLP frame reader on any byte stream: it always ends,
// never returns more than max bytes or a block character inside a frame,
// and returns exactly the messages that were framed when they hold none.
func FuzzFrame(f *testing.F) {
	f.Add([]byte("\x0bMSH|^~\\&|A\rPID|1\r\x1c\r"), 16)
	f.Add([]byte("\x0bA\x0bB\x1c\x1c\r\x0b"), 2)
	f.Add([]byte("junk\x1c\r\x0b\x1c\r\x0b0123456789\x1c\r"), 4)
	f.Add([]byte{}, 1)
	f.Fuzz(func(t *testing.T, input []byte, max int) {
		if max <= 0 || max > 1<<16 {
			max = 64
		}
		fr := newFrameReader(bytes.NewReader(input), max, max)
		for i := 0; ; i++ {
			require.LessOrEqual(t, i, len(input), "a frame consumes at least its start block")
			b, err := fr.next()
			if errors.Is(err, io.EOF) {
				break
			}
			require.LessOrEqual(t, len(b), max)
			require.False(t, bytes.ContainsAny(b, "\x0b\x1c"), "no block character inside a frame")
		}
		require.EqualValues(t, len(input), fr.offset, "the whole stream is consumed")

		// Framing the input's CR-separated parts and reading them back
		// returns them unchanged.
		parts := bytes.Split(bytes.ReplaceAll(bytes.ReplaceAll(input, []byte{0x0b}, nil), []byte{0x1c}, nil), []byte{'\r'})
		var stream []byte
		for _, p := range parts {
			stream = appendFrame(stream, p)
		}
		got := newFrameReader(bytes.NewReader(stream), len(input)+1, 0)
		for _, p := range parts {
			b, err := got.next()
			require.NoError(t, err)
			require.Equal(t, string(p), string(b))
		}
		_, err := got.next()
		require.ErrorIs(t, err, io.EOF)
	})
}
