package fhir_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/ingest/fhir"
)

var update = flag.Bool("update", false, "rewrite golden files")

// badLines are refused lines, each with the reason it must be refused for.
var badLines = []struct{ name, line string }{
	{"malformed", `{"resourceType":"Patient","id":"bad1",`},
	{"not an object", `["Patient","1"]`},
	{"not UTF-8", "{\"resourceType\":\"Patient\",\"id\":\"bad2\",\"name\":[{\"text\":\"\xff\xfe\"}]}"},
	{"no resourceType", `{"id":"bad3","status":"final"}`},
	{"missing id", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/1"}}`},
	{"bad id", `{"resourceType":"Patient","id":"has space"}`},
	{"missing Observation.status", `{"resourceType":"Observation","id":"bad4","code":{"text":"x"},"subject":{"reference":"Patient/1"}}`},
	{"empty Encounter.class", `{"resourceType":"Encounter","id":"bad5","status":"finished","class":{}}`},
	{"missing medication[x]", `{"resourceType":"MedicationRequest","id":"bad6","status":"active","intent":"order","subject":{"reference":"Patient/1"}}`},
	{"missing occurrence[x]", `{"resourceType":"Immunization","id":"bad7","status":"completed","vaccineCode":{"text":"x"},"patient":{"reference":"Patient/1"}}`},
	{"content without attachment", `{"resourceType":"DocumentReference","id":"bad8","status":"current","content":[{"format":{"code":"x"}}]}`},
	{"broken #contained", `{"resourceType":"Condition","id":"bad9","subject":{"reference":"Patient/1"},"contained":[{"resourceType":"Practitioner","id":"p1"}],"asserter":{"reference":"#p2"}}`},
	{"malformed reference", `{"resourceType":"AllergyIntolerance","id":"bad10","patient":{"reference":"Patient 1"}}`},
	{"bad lastUpdated", `{"resourceType":"Patient","id":"bad11","meta":{"lastUpdated":"yesterday"}}`},
	{"oversized", `{"resourceType":"Patient","id":"big","text":{"div":"` + strings.Repeat("x", 5000) + `"}}`},
}

func TestBadInputBecomesRejectsBesideGoodResources(t *testing.T) {
	good := lines(t, filepath.Join("testdata", "resources.ndjson"))
	var file [][]byte
	for i, bad := range badLines {
		file = append(file, good[i%len(good)], []byte(bad.line))
	}
	file = append(file, good[len(badLines)%len(good):]...)
	dir := t.TempDir()
	path := filepath.Join(dir, "mixed.ndjson")
	writeLines(t, path, file...)

	bronzeDir := filepath.Join(t.TempDir(), "fhir")
	d, _ := openDoor(t, bronzeDir, fhir.Options{MaxRecordBytes: 4096, MaxBatch: 7})
	require.NoError(t, d.ReadFiles(context.Background(), path))

	changes, err := bronze.ReadAll(bronzeDir)
	require.NoError(t, err)
	assert.Len(t, changes, len(good), "every good resource lands")
	keys := byKey(changes)
	for _, l := range good {
		found := false
		for _, cs := range keys {
			found = found || cs[0].Data == compact(t, l)
		}
		assert.True(t, found, string(l[:60]))
	}

	rejects, err := bronze.ReadRejects(bronzeDir)
	require.NoError(t, err)
	require.Len(t, rejects, len(badLines))
	var got strings.Builder
	for i, r := range rejects {
		assert.Equal(t, "fhir:mixed.ndjson", r.Source)
		assert.Equal(t, fmt.Sprintf("mixed.ndjson:%d", 2*i+2), r.Position, badLines[i].name)
		if badLines[i].name != "oversized" {
			assert.Equal(t, badLines[i].line, r.Payload, "the payload is the raw line")
		} else {
			assert.True(t, strings.HasPrefix(badLines[i].line, r.Payload))
		}
		fmt.Fprintf(&got, "%-28s %s %s\n", badLines[i].name, r.Position, r.Reason)
	}
	golden := filepath.Join("testdata", "rejects.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got.String()), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), got.String())
}

func TestOptionsAreValidated(t *testing.T) {
	log, err := bronze.Open(t.TempDir())
	require.NoError(t, err)
	defer log.Close()
	for name, o := range map[string]fhir.Options{
		"negative batch": {MaxBatch: -1},
		"bad type":       {Types: []string{"patient"}},
	} {
		_, err := fhir.New(log, o)
		assert.ErrorIs(t, err, fhir.ErrInvalidOptions, name)
	}
	_, err = fhir.New(nil, fhir.Options{})
	assert.ErrorIs(t, err, fhir.ErrInvalidOptions)
}

func TestTypesRestrictsAndUnknownTypesAreKept(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "any.ndjson")
	writeLines(t, path,
		[]byte(`{"resourceType":"Patient","id":"1"}`),
		[]byte(`{"resourceType":"Basic","id":"b1","code":{"text":"x"}}`),
		[]byte(`{"resourceType":"FutureThing","id":"f1","modifierExtension":[{"url":"urn:oid:1.2.3","valueBoolean":true}]}`))
	for name, tc := range map[string]struct {
		types []string
		want  map[string]int
	}{
		"all":          {nil, map[string]int{"Patient": 1, "Basic": 1, "FutureThing": 1}},
		"only Patient": {[]string{"Patient"}, map[string]int{"Patient": 1}},
	} {
		t.Run(name, func(t *testing.T) {
			bronzeDir := filepath.Join(t.TempDir(), "fhir")
			d, _ := openDoor(t, bronzeDir, fhir.Options{Types: tc.types})
			require.NoError(t, d.ReadFiles(context.Background(), path))
			changes, err := bronze.ReadAll(bronzeDir)
			require.NoError(t, err)
			assert.Equal(t, tc.want, tableCounts(changes))
		})
	}
}

func TestDefaultRecordLimitIs16MiB(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.ndjson")
	note := func(n int) []byte {
		return []byte(`{"resourceType":"Basic","id":"b` + fmt.Sprint(n) + `","code":{"text":"` + strings.Repeat("n", n) + `"}}`)
	}
	writeLines(t, path, note(2<<20), note(16<<20), note(10))
	bronzeDir := filepath.Join(t.TempDir(), "fhir")
	d, _ := openDoor(t, bronzeDir, fhir.Options{})
	require.NoError(t, d.ReadFiles(context.Background(), path))
	changes, err := bronze.ReadAll(bronzeDir)
	require.NoError(t, err)
	require.Len(t, changes, 2, "the 2 MiB and the small resource land")
	rejects, err := bronze.ReadRejects(bronzeDir)
	require.NoError(t, err)
	require.Len(t, rejects, 1)
	assert.Equal(t, "big.ndjson:2", rejects[0].Position)
	assert.Contains(t, rejects[0].Reason, "Basic/b16777216: oversized")
	assert.LessOrEqual(t, len(rejects[0].Payload), bronze.MaxRejectPayload)
}
