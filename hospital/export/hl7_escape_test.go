package export

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/internal/hl7v2"
)

// nasty holds every delimiter, the escape character, line breaks and CJK text.
const nasty = "a|b^c~d\\e&f\r\ng 血糖 \\.br\\ x"

func testEvent(t *testing.T, kind string, payload any) *event {
	data, err := json.Marshal(payload)
	require.NoError(t, err)
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	return &event{at: at, kind: kind, id: 9, payload: data,
		enc: encounterInfo{regID: 3, visit: "I", admit: at},
		pat: patientInfo{id: 1, mrn: "M|1", name: "张^伟", sex: "M", birth: at}}
}

// roundTrip encodes the message of ev and parses it back.
func roundTrip(t *testing.T, ev *event) *hl7v2.Message {
	r := &hl7Run{opts: HL7Options{}.withDefaults(), clock: clock{time.UTC}, sys: newLocalSystems(""), wards: map[int64]hl7v2.Field{}}
	m, err := r.message(ev)
	require.NoError(t, err)
	enc, err := hl7v2.Encode(m)
	require.NoError(t, err)
	back, err := hl7v2.Parse(enc)
	require.NoError(t, err)
	return back
}

func TestHL7EscapesResultText(t *testing.T) {
	text := nasty
	m := roundTrip(t, testEvent(t, kindLab, map[string]any{"panel": "P^1", "status": "final", "ordered": "2025-01-02T03:04:05",
		"results": []map[string]any{{"code": "X&Y", "name": "N~1", "text": text, "at": "2025-01-02T03:04:05"}}}))
	assert.Equal(t, nasty, m.Get("OBX-5"))
	assert.Equal(t, "X&Y", m.Get("OBX-3.1"))
	assert.Equal(t, "N~1", m.Get("OBX-3.2"))
	assert.Equal(t, "M|1", m.Get("PID-3.1"))
	assert.Equal(t, "张", m.Get("PID-5.1"))
	assert.Equal(t, "^伟", m.Get("PID-5.2"))
}

func TestHL7EscapesNoteText(t *testing.T) {
	m := roundTrip(t, testEvent(t, kindNote, map[string]any{"type": "progress", "title": "T|1", "language": "zh", "body": nasty}))
	f := m.Segment("OBX", 1).Field(5)
	require.Len(t, f, 2, "one repetition per line")
	assert.Equal(t, "a|b^c~d\\e&f\r", f.Value(1, 1, 1))
	assert.Equal(t, "g 血糖 \\.br\\ x", f.Value(2, 1, 1))
	assert.Equal(t, "T|1", m.Get("OBX-3.2"))
	assert.Equal(t, "zh", m.Get("MSH-19"))
}
