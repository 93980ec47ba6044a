package hl7

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scanAll returns every unit of input.
func scanAll(t testing.TB, input []byte, start int64, max int) []*unit {
	s := newScanner(bytes.NewReader(input[start:]), start, max, max/2)
	var out []*unit
	for i := 0; ; i++ {
		require.LessOrEqual(t, i, len(input)+1, "the scanner makes progress")
		u, err := s.next()
		if errors.Is(err, io.EOF) {
			require.EqualValues(t, len(input), s.offset, "the whole input is consumed")
			return out
		}
		require.NoError(t, err)
		out = append(out, u)
	}
}

func TestScannerUnits(t *testing.T) {
	in := []byte("FHS|^~\\&\r\nBHS|^~\\&\r\nMSH|^~\\&|A\r\nPID|1\r\n\r\nMSH|^~\\&|B\nOBX|1\x1c\r\x0bMSH|^~\\&|C\rBTS|3\rFTS|1\r")
	units := scanAll(t, in, 0, 1<<10)
	require.Len(t, units, 3)
	for i, want := range []string{"MSH|^~\\&|A\r\nPID|1\r\n", "MSH|^~\\&|B\nOBX|1\x1c", "MSH|^~\\&|C\r"} {
		assert.Equal(t, want, string(units[i].raw))
		assert.Empty(t, units[i].problem)
		assert.True(t, bytes.HasPrefix(in[units[i].offset:], []byte(want[:5])))
	}
	// Resuming at a unit's end yields exactly the units after it.
	rest := scanAll(t, in, units[0].end, 1<<10)
	require.Len(t, rest, 2)
	assert.Equal(t, units[1].raw, rest[0].raw)
}

// FuzzScanner checks the archive scanner on any input: it ends, consumes
// everything, yields units in order that never exceed max bytes, and
// resuming at any unit's end yields exactly the units after it.
func FuzzScanner(f *testing.F) {
	f.Add([]byte("FHS|^~\\&\rBHS|^~\\&\rMSH|^~\\&|A\rPID|1\rBTS|1\rFTS|1\r"))
	f.Add([]byte("\x0bMSH|^~\\&|A\r\x1c\r\x0bMSH|^~\\&|B\r\nZZZ|\n\x1c\r"))
	f.Add([]byte("PID|orphan\nMSH|^~\\&|A\nBTS|7\n"))
	f.Fuzz(func(t *testing.T, input []byte) {
		const max = 64
		units := scanAll(t, input, 0, max)
		var last int64 = -1
		for i, u := range units {
			require.Greater(t, u.offset, last)
			require.LessOrEqual(t, u.end, int64(len(input)))
			require.LessOrEqual(t, len(u.raw), max)
			last = u.offset
			if i > 0 {
				require.GreaterOrEqual(t, u.offset, units[i-1].end, "units do not overlap")
			}
		}
		if len(units) > 1 {
			// BTS-1 is only checked when its batch started in the same
			// read, so count problems are left out of the comparison.
			want := withoutCountChecks(units[1:])
			rest := withoutCountChecks(scanAll(t, input, units[0].end, max))
			require.Len(t, rest, len(want))
			for i, u := range rest {
				require.Equal(t, want[i].offset, u.offset)
				require.Equal(t, want[i].raw, u.raw)
			}
		}
	})
}

func withoutCountChecks(units []*unit) []*unit {
	var out []*unit
	for _, u := range units {
		if !strings.Contains(u.problem, "BTS-1 count") {
			out = append(out, u)
		}
	}
	return out
}
