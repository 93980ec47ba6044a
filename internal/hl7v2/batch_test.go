package hl7v2

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const msg2 = "MSH|^~\\&|HIS|CDW|||20250102||ORU^R01^ORU_R01|MSG0002|P|2.5.1\rOBX|1|NM|8867-4^Heart rate^LN||72\r"

var file = "FHS|^~\\&|HIS|CDW\rBHS|^~\\&|HIS|CDW\r" + adt + msg2 + "BTS|2\rFTS|1\r"

func TestParseFile(t *testing.T) {
	f, err := ParseFile([]byte(file))
	require.NoError(t, err)
	require.NotNil(t, f.Header)
	require.NotNil(t, f.Trailer)
	require.Len(t, f.Batches, 1)
	assert.Equal(t, "HIS", f.Batches[0].Header.Field(3).Value(1, 1, 1))
	msgs := f.Messages()
	require.Len(t, msgs, 2)
	assert.Equal(t, "MSG0001", msgs[0].ControlID())
	assert.Equal(t, "72", msgs[1].Get("OBX-5"))
	enc, err := EncodeFile(f)
	require.NoError(t, err)
	assert.Equal(t, file, string(enc))
}

func TestParseFileBareMessages(t *testing.T) {
	f, err := ParseFile([]byte(strings.ReplaceAll(adt+msg2, "\r", "\n")))
	require.NoError(t, err)
	assert.Nil(t, f.Header)
	require.Len(t, f.Messages(), 2)
	assert.Nil(t, f.Batches[0].Header)
}

func TestParseFileErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, reason string }{
		{"wrong batch count", "BHS|^~\\&\r" + adt + "BTS|2\r", "does not match 1"},
		{"wrong file count", "FHS|^~\\&\rBHS|^~\\&\r" + adt + "BTS|1\rFTS|3\r", "does not match 1"},
		{"no BTS", "BHS|^~\\&\r" + adt, "no BTS"},
		{"no FTS", "FHS|^~\\&\r" + adt, "no FTS"},
		{"BTS without BHS", adt + "BTS|1\r", "BTS without BHS"},
		{"after FTS", "FHS|^~\\&\rFTS|0\r" + adt, "after FTS"},
		{"segment before MSH", "BHS|^~\\&\rPID|1\rBTS\r", "outside a message"},
		{"mixed delimiters", "FHS|^~\\&\rMSH|^~\\&#|A\rFTS\r", "differ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFile([]byte(tc.in))
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Contains(t, pe.Error(), tc.reason)
		})
	}
}

func TestWriter(t *testing.T) {
	var out bytes.Buffer
	w, err := NewWriter(&out, DefaultDelimiters, Seg("FHS", nil, nil, Text("HIS")), Seg("BHS", nil, nil, Text("HIS")), Segment{}, Segment{})
	require.NoError(t, err)
	for _, raw := range []string{adt, msg2} {
		m, err := Parse([]byte(raw))
		require.NoError(t, err)
		require.NoError(t, w.Write(m))
	}
	require.NoError(t, w.Close())
	assert.Equal(t, "FHS|^~\\&|HIS\rBHS|^~\\&|HIS\r"+adt+msg2+"BTS|2\rFTS|1\r", out.String())
	f, err := ParseFile(out.Bytes())
	require.NoError(t, err)
	assert.Len(t, f.Messages(), 2)
}
