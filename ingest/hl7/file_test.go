package hl7

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// archive describes how a test file is written.
type archive struct {
	ending   string // segment terminator
	mllp     bool   // each message framed
	envelope bool   // FHS/BHS … BTS/FTS around the messages
}

// testMessages returns n messages with control ids prefix0…, alternating
// versions 2.5.1 and 2.3, segments ended by CR.
func testMessages(t testing.TB, prefix string, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		src := "adt_a01_v251.hl7"
		if i%2 == 1 {
			src = "oru_r01_v23.hl7"
		}
		out[i] = withControlID(t, readTestdata(t, src), prefix+strconv.Itoa(i))
	}
	return out
}

// build writes msgs (CR-terminated) in the archive's form.
func (a archive) build(msgs [][]byte) []byte {
	var b bytes.Buffer
	seg := func(s string) { b.WriteString(s + a.ending) }
	if a.envelope {
		seg(`FHS|^~\&|EPIC|NORTH|CDW|CDW|20250301`)
		seg(`BHS|^~\&|EPIC|NORTH|CDW|CDW|20250301`)
	}
	for _, m := range msgs {
		body := strings.ReplaceAll(strings.TrimSuffix(string(m), "\r"), "\r", a.ending) + a.ending
		if a.mllp {
			b.Write(appendFrame(nil, []byte(body)))
		} else {
			b.WriteString(body)
		}
	}
	if a.envelope {
		seg("BTS|" + strconv.Itoa(len(msgs)))
		seg("FTS|1")
	}
	return b.Bytes()
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// controlIDs returns the control id of every stored message.
func controlIDs(t testing.TB, dir string) map[string]int {
	out := map[string]int{}
	for k, n := range keysOf(t, dir) {
		var fac, id string
		_, err := fmt.Sscanf(strings.NewReplacer(`["`, "", `","`, " ", `"]`, "").Replace(k), "%s %s", &fac, &id)
		require.NoError(t, err, k)
		out[id] += n
	}
	return out
}

func TestReadFileFormats(t *testing.T) {
	tests := []struct {
		name string
		a    archive
	}{
		{"CR", archive{ending: "\r"}},
		{"LF", archive{ending: "\n"}},
		{"CRLF", archive{ending: "\r\n"}},
		{"MLLP framed", archive{ending: "\r", mllp: true}},
		{"MLLP framed CRLF", archive{ending: "\r\n", mllp: true}},
		{"FHS/BHS envelope", archive{ending: "\r", envelope: true}},
		{"FHS/BHS envelope LF", archive{ending: "\n", envelope: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, in := t.TempDir(), t.TempDir()
			d := openDoor(t, openLog(t, dir), Options{})
			msgs := testMessages(t, "F", 7)
			path := writeFile(t, in, "in.hl7", tt.a.build(msgs))
			require.NoError(t, d.ReadFile(t.Context(), path))
			require.NoError(t, d.ReadFile(t.Context(), path), "a second read resumes at the end")
			ids := controlIDs(t, dir)
			require.Len(t, ids, len(msgs))
			for id, n := range ids {
				assert.Equal(t, 1, n, id)
			}
			rejects, err := bronze.ReadRejects(dir)
			require.NoError(t, err)
			assert.Empty(t, rejects)
			s := d.Stats()
			assert.EqualValues(t, len(msgs), s.Accepted)
			assert.Zero(t, s.Duplicates, "the second read started after the last message")

			cs, err := bronze.ReadAll(dir)
			require.NoError(t, err)
			tables := map[string]int{}
			for _, c := range cs {
				tables[c.Table]++
				var doc Document
				require.NoError(t, jsonUnmarshal(c.Data, &doc))
				assert.True(t, strings.HasPrefix(doc.Raw, "MSH|"), "raw starts at MSH: %q", doc.Raw[:10])
				assert.Contains(t, doc.Source, path+":")
			}
			assert.Equal(t, map[string]int{"hl7.ADT": 4, "hl7.ORU": 3}, tables)
		})
	}
}

func TestReadFileBadRecords(t *testing.T) {
	dir, in := t.TempDir(), t.TempDir()
	d := openDoor(t, openLog(t, dir), Options{MaxMessageBytes: 2048})
	good := testMessages(t, "B", 3)
	badSegment := []byte(strings.Replace(string(good[0]), "PID|", "pid|", 1))
	badSegment = withControlIDText(badSegment, "B0", "BAD")
	big := append(withControlIDText(append([]byte{}, good[0]...), "B0", "BIG"), []byte("NTE|1||"+strings.Repeat("y", 3000)+"\r")...)
	var b bytes.Buffer
	b.WriteString("FHS|^~\\&|EPIC\rBHS|^~\\&|EPIC\rNTE|orphan\r")
	for _, m := range [][]byte{good[0], badSegment, good[1], big, good[2]} {
		b.Write(m)
	}
	b.WriteString("BTS|4\rFTS|1\r")
	path := writeFile(t, in, "bad.hl7", b.Bytes())
	require.NoError(t, d.ReadFile(t.Context(), path))

	assert.Equal(t, map[string]int{"B0": 1, "B1": 1, "B2": 1}, controlIDs(t, dir))
	rejects, err := bronze.ReadRejects(dir)
	require.NoError(t, err)
	require.Len(t, rejects, 4)
	data := b.Bytes()
	for i, want := range []struct{ start, reason string }{
		{"NTE|orphan", "outside a message"},
		{"MSH|", `MSH-10 "BAD"`},
		{"MSH|", "MaxMessageBytes"},
		{"BTS|4", "does not match the 5 messages"},
	} {
		r := rejects[i]
		assert.Equal(t, "hl7:file", r.Source)
		assert.Contains(t, r.Reason, want.reason)
		p, off, ok := strings.Cut(r.Position, ".hl7:")
		require.True(t, ok, r.Position)
		assert.Equal(t, path, p+".hl7")
		n, err := strconv.Atoi(off)
		require.NoError(t, err)
		assert.True(t, bytes.HasPrefix(data[n:], []byte(want.start)), "reject %d position %d points at %q", i, n, want.start)
		assert.True(t, bytes.HasPrefix([]byte(r.Payload), []byte(want.start)))
	}
}

// withControlIDText replaces the control id old by id in raw text.
func withControlIDText(raw []byte, old, id string) []byte {
	return []byte(strings.Replace(string(raw), "|"+old+"|", "|"+id+"|", 1))
}

func TestReadFileResumesAfterCrash(t *testing.T) {
	for _, crash := range []string{"cancelled mid-file", "write durable but reported failed", "write failed"} {
		t.Run(crash, func(t *testing.T) {
			dir, in := t.TempDir(), t.TempDir()
			msgs := testMessages(t, "X", 200)
			path := writeFile(t, in, "big.hl7", archive{ending: "\r\n", envelope: true}.build(msgs))
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			log := &gatedLog{Log: openLog(t, dir)}
			if crash == "cancelled mid-file" {
				log.after = func(n int64) {
					if n == 3 {
						cancel()
					}
				}
			} else if crash == "write failed" {
				// The batch after the failed one is already queued; it
				// must not be written, or the position would pass the
				// failed batch's messages.
				log.failFirst.Store(1)
			} else {
				log.crashAfter.Store(1)
			}
			d := openDoor(t, log, Options{MaxBatchMessages: 10})
			require.Error(t, d.ReadFile(ctx, path))
			require.NoError(t, d.Close())
			require.NoError(t, log.Close())
			stored := len(controlIDs(t, dir))
			require.Less(t, stored, len(msgs), "the first run stopped mid-file")

			d2 := openDoor(t, openLog(t, dir), Options{MaxBatchMessages: 10})
			require.NoError(t, d2.ReadFile(t.Context(), path))
			ids := controlIDs(t, dir)
			require.Len(t, ids, len(msgs))
			for id, n := range ids {
				require.Equal(t, 1, n, id)
			}
			s := d2.Stats()
			assert.EqualValues(t, len(msgs)-stored, s.Accepted)
			assert.Zero(t, s.Duplicates, "the second run resumed exactly after the last durable message")
		})
	}
}

func TestReadFileReplacedIsReadFromStart(t *testing.T) {
	dir, in := t.TempDir(), t.TempDir()
	d := openDoor(t, openLog(t, dir), Options{})
	a := archive{ending: "\r"}
	path := writeFile(t, in, "daily.hl7", a.build(testMessages(t, "MON", 4)))
	require.NoError(t, d.ReadFile(t.Context(), path))
	writeFile(t, in, "daily.hl7", a.build(testMessages(t, "TUE", 3)))
	require.NoError(t, d.ReadFile(t.Context(), path))
	assert.Len(t, controlIDs(t, dir), 7)

	// A file that grew is read from where it stopped.
	grown := append(a.build(testMessages(t, "TUE", 3)), a.build(testMessages(t, "WED", 2))...)
	writeFile(t, in, "daily.hl7", grown)
	require.NoError(t, d.ReadFile(t.Context(), path))
	assert.Len(t, controlIDs(t, dir), 9)
	assert.Zero(t, d.Stats().Duplicates)
}

func TestReadFilesContinuesPastMissingFile(t *testing.T) {
	dir, in := t.TempDir(), t.TempDir()
	d := openDoor(t, openLog(t, dir), Options{})
	a := writeFile(t, in, "a.hl7", archive{ending: "\n"}.build(testMessages(t, "A", 2)))
	b := writeFile(t, in, "b.hl7", archive{ending: "\r"}.build(testMessages(t, "B", 2)))
	err := d.ReadFiles(t.Context(), a, filepath.Join(in, "missing.hl7"), b)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing.hl7")
	assert.Len(t, controlIDs(t, dir), 4)
	m, err := bronze.ReadManifest(dir)
	require.NoError(t, err)
	pos, err := parsePositions(m.Position)
	require.NoError(t, err)
	assert.Len(t, pos.Files, 2)
	assert.Equal(t, "hl7", m.Source)
}
