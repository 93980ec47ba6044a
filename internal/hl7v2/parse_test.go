package hl7v2

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const adt = "MSH|^~\\&|HIS|CDW|RCV|FAC|20250101120000||ADT^A01^ADT_A01|MSG0001|P|2.5.1|||||CHN|UNICODE UTF-8\r" +
	"EVN|A01|20250101120000\r" +
	"PID|1||M000123^^^CDW&urn:oid:1.2.3&ISO^MR~ID42^^^GOV^NI||张^伟||19600101|M\r" +
	"PV1|1|I|CARD^^^CDW||||D001^Wang^Li||||||||||||V9\r" +
	"NTE|1||Pain \\F\\ fever\\.br\\second line \\E\\ done\r"

func TestParseMessage(t *testing.T) {
	m, err := Parse([]byte(adt))
	require.NoError(t, err)
	assert.Equal(t, DefaultDelimiters, m.Delims)
	assert.Len(t, m.Segments, 5)
	assert.Equal(t, MessageType{"ADT", "A01", "ADT_A01"}, m.Type())
	assert.Equal(t, "MSG0001", m.ControlID())
	assert.Equal(t, "2.5.1", m.Version())
	for path, want := range map[string]string{
		"MSH-1": "|", "MSH-2": `^~\&`, "MSH-3": "HIS", "MSH-18": "UNICODE UTF-8",
		"PID-3.1": "M000123", "PID-3.4.2": "urn:oid:1.2.3", "PID-3.5": "MR",
		"PID-3(2).1": "ID42", "PID-3(2).5": "NI", "PID-5.1": "张", "PID-5.2": "伟",
		"PV1-2": "I", "PV1-7.2": "Wang", "PV1-19": "V9",
		"NTE-3":  `Pain | fever\.br\second line \ done`,
		"PID-99": "", "ZZZ-1": "", "PID-3(3).1": "",
	} {
		assert.Equal(t, want, m.Get(path), path)
	}
}

func TestRoundTrip(t *testing.T) {
	m, err := Parse([]byte(adt))
	require.NoError(t, err)
	enc, err := Encode(m)
	require.NoError(t, err)
	assert.Equal(t, adt, string(enc), "a message in canonical form is re-encoded byte for byte")
	m2, err := Parse(enc)
	require.NoError(t, err)
	assert.Equal(t, m, m2)
}

func TestLineEndings(t *testing.T) {
	want, err := Parse([]byte(adt))
	require.NoError(t, err)
	for name, sep := range map[string]string{"CR": "\r", "LF": "\n", "CRLF": "\r\n", "blank lines": "\r\n\r\n"} {
		t.Run(name, func(t *testing.T) {
			m, err := Parse([]byte(strings.ReplaceAll(adt, "\r", sep)))
			require.NoError(t, err)
			assert.Equal(t, want, m)
		})
	}
}

func TestRepetitionsAndComponents(t *testing.T) {
	m, err := Parse([]byte("MSH|^~\\&|A\rPID|||a^b&c^^d~~e\r"))
	require.NoError(t, err)
	f := m.Segment("PID", 1).Field(3)
	assert.Equal(t, Field{
		{{"a"}, {"b", "c"}, {""}, {"d"}},
		{{""}},
		{{"e"}},
	}, f)
	assert.Equal(t, "c", m.Get("PID-3.2.2"))
	assert.Equal(t, "e", m.Get("PID-3(3)"))
}

func TestBuildAndSet(t *testing.T) {
	m := NewMessage(DefaultDelimiters, Text("HIS"), nil, nil, nil, Text("20250101"), nil, Comp("ORU", "R01", "ORU_R01"), Text("1"))
	m.Add(Seg("OBX", Text("1"), Text("NM"), Comp("8867-4", "Heart rate", "LN", "HR", "Pulse", "L")))
	require.NoError(t, m.Set("OBX-5", "72"))
	require.NoError(t, m.Set("OBX(2)-3.1", "x^y"))
	require.NoError(t, m.Set("PID-5(2).1.2", "b"))
	enc, err := Encode(m)
	require.NoError(t, err)
	assert.Equal(t, "MSH|^~\\&|HIS||||20250101||ORU^R01^ORU_R01|1\r"+
		"OBX|1|NM|8867-4^Heart rate^LN^HR^Pulse^L||72\r"+
		"OBX|||x\\S\\y\r"+
		"PID|||||~&b\r", string(enc))
	back, err := Parse(enc)
	require.NoError(t, err)
	assert.Equal(t, "x^y", back.Get("OBX(2)-3"))
	assert.Equal(t, "b", back.Get("PID-5(2).1.2"))
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		seg      int
		field    int
		reason   string
	}{
		{"empty", "", 1, 0, "no segments"},
		{"no MSH", "PID|1\r", 1, 0, "expected a header segment"},
		{"short encoding characters", "MSH|^~\r", 1, 2, "want 4 or 5"},
		{"repeated encoding character", "MSH|^^\\&\r", 1, 2, "used twice"},
		{"alphanumeric delimiter", "MSH|^~\\A\r", 1, 2, "not a printable"},
		{"NUL truncation character", "MSH|^~\\&\x00|\r", 1, 2, "not a printable"},
		{"bad segment name", "MSH|^~\\&\rpid|1\r", 2, 0, "segment name"},
		{"long segment name", "MSH|^~\\&\rPIDX|1\r", 2, 0, "segment name"},
		{"second message", "MSH|^~\\&\rMSH|^~\\&\r", 2, 0, "header segment inside a message"},
		{"MSH alone", "MSH\r", 1, 2, "no field separator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Equal(t, tc.seg, pe.Segment)
			assert.Equal(t, tc.field, pe.Field)
			assert.Contains(t, pe.Error(), tc.reason)
		})
	}
}

func TestParsePath(t *testing.T) {
	p, err := ParsePath("OBX(3)-5(2).1.4")
	require.NoError(t, err)
	assert.Equal(t, Path{Segment: "OBX", Occurrence: 3, Field: 5, Rep: 2, Comp: 1, SubComp: 4}, p)
	for _, bad := range []string{"PID", "PID-", "PID-0", "PI-1", "PID-1.2.3.4", "PID(0)-1", "PID-1(x)", "PID-a"} {
		_, err := ParsePath(bad)
		assert.Error(t, err, bad)
	}
}
