package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cmd/internal/cli"
	"github.com/cdw-dev/cdw/internal/hl7v2"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, data string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := func(k string) string {
		if k == "CDW_DATA" {
			return data
		}
		return ""
	}
	code := cli.Main(context.Background(), args, &out, &errb, env)
	return result{code, out.String(), errb.String()}
}

// TestVerbsOnADataDirectory runs the CLI as a user would: simulate, ingest,
// build, then sql and search on the result, with every output format.
func TestVerbsOnADataDirectory(t *testing.T) {
	data := pgtest.TraversableTempDir(t)
	fhir, hl7 := filepath.Join(data, "fhir"), filepath.Join(data, "hospital.hl7")
	if r := run(t, data, "simulate", "--patients", "30", "--seed", "3", "--fault-rate", "0", "--fhir", fhir, "--hl7", hl7); !assert.Zero(t, r.code, r.stderr) {
		return
	}
	patients, err := os.ReadFile(filepath.Join(fhir, "Patient.ndjson"))
	require.NoError(t, err)
	assert.Equal(t, 30, bytes.Count(patients, []byte("\n")), "one Patient resource a line")
	raw, err := os.ReadFile(hl7)
	require.NoError(t, err)
	file, err := hl7v2.ParseFile(raw)
	require.NoError(t, err)
	assert.NotEmpty(t, file.Messages())
	assert.DirExists(t, filepath.Join(data, "truth"), "the ground truth is written beside the data")

	r := run(t, data, "ingest", "--once")
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stderr, "ingest: bronze at")
	r = run(t, data, "ingest", "status", "--format", "json")
	require.Zero(t, r.code, r.stderr)
	var status []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &status), r.stdout)
	require.Len(t, status, 1)
	assert.Equal(t, "postgres", status[0]["source"])
	assert.NotEmpty(t, status[0]["position"])
	r = run(t, data, "build")
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stdout, "person")

	r = run(t, data, "sql", "--format", "json", "SELECT count(*) AS n FROM person")
	require.Zero(t, r.code, r.stderr)
	var rows []map[string]int
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows), r.stdout)
	assert.Equal(t, []map[string]int{{"n": 30}}, rows)

	r = run(t, data, "sql", "--format", "csv", "SELECT gender_concept_id, count(*) AS n FROM person GROUP BY 1 ORDER BY 1")
	require.Zero(t, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "gender_concept_id,n\n"), r.stdout)

	r = run(t, data, "sql", "SELECT min(visit_start_date) AS first FROM visit_occurrence")
	require.Zero(t, r.code, r.stderr)
	assert.Regexp(t, `first\n-+\n\d{4}-\d{2}-\d{2}\n\(1 row\)`, r.stdout)

	r = run(t, data, "search", "--format", "json", "--limit", "3", "pain")
	require.Zero(t, r.code, r.stderr)
	var hits []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &hits), r.stdout)
	require.NotEmpty(t, hits, "the synthetic notes mention pain")
	assert.Contains(t, hits[0]["snippet"], "<mark>")

	r = run(t, data, "search", "pain")
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stdout, "[pain]")

	ingestOtherDoors(t, data, fhir, hl7)
}

// ingestOtherDoors feeds the same hospital's HL7 archive through the HL7
// door (twice: nothing is taken twice) and its FHIR export through the FHIR
// door, plus a file with a broken line, and checks that the FHIR patients
// and notes reach the CDM and the broken line the dead-letter store.
func ingestOtherDoors(t *testing.T, data, fhir, hl7 string) {
	r := run(t, data, "ingest", "hl7", "--in", hl7)
	require.Zero(t, r.code, r.stderr)
	assert.Regexp(t, `hl7: [1-9]\d* messages taken, 0 duplicates, 0 refused`, r.stderr)
	r = run(t, data, "ingest", "hl7", hl7)
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stderr, "hl7: 0 messages taken", "a second read of the archive takes nothing twice")

	r = run(t, data, "ingest", "fhir", "--in", fhir)
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stderr, "0 refused")
	bad := filepath.Join(data, "bad.ndjson")
	require.NoError(t, os.WriteFile(bad, []byte(`{"resourceType":"Patient","id":"z1","gender":"female","birthDate":"1970-01-01"}`+"\n"+`{"resourceType":"Patient","gender":`+"\n"), 0o644))
	r = run(t, data, "ingest", "fhir", "--in", bad)
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stderr, "1 resources taken, 1 refused")

	r = run(t, data, "ingest", "errors", "--format", "json")
	require.Zero(t, r.code, r.stderr)
	var rejects []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rejects), r.stdout)
	require.Len(t, rejects, 1)
	assert.Equal(t, "bad.ndjson:2", rejects[0]["position"])
	assert.NotEmpty(t, rejects[0]["reason"])

	r = run(t, data, "ingest", "status", "--format", "csv")
	require.Zero(t, r.code, r.stderr)
	assert.Regexp(t, `(?m)^fhir,.*,1,`, r.stdout, "the FHIR door shows its one error")
	assert.Regexp(t, `(?m)^hl7,.*,0,`, r.stdout)

	r = run(t, data, "build")
	require.Zero(t, r.code, r.stderr)
	r = run(t, data, "sql", "--format", "csv", "SELECT count(*) AS n FROM person WHERE person_id >= 1000000000")
	require.Zero(t, r.code, r.stderr)
	assert.Equal(t, "n\n31\n", r.stdout, "the export's 30 patients and z1 arrive through the FHIR door")
	r = run(t, data, "sql", "--format", "csv", "SELECT (SELECT count(*) FROM note WHERE note_id >= 1000000000) = (SELECT count(*) FROM note WHERE note_id < 1000000000) AS same")
	require.Zero(t, r.code, r.stderr)
	assert.Equal(t, "same\ntrue\n", r.stdout, "every note arrives through both doors")
	r = run(t, data, "sql", "--format", "csv", `SELECT (SELECT count(*) > 0 FROM measurement) AND (SELECT count(*) > 0 FROM drug_exposure)
		AND (SELECT count(*) > 0 FROM procedure_occurrence) AND (SELECT count(*) > 0 FROM observation) AS filled`)
	require.Zero(t, r.code, r.stderr)
	assert.Equal(t, "filled\ntrue\n", r.stdout, "FHIR observations, medications, procedures and allergies reach the CDM")
}

func TestErrorsAndUsage(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"unknown verb", []string{"bogus"}, 2, `unknown verb "bogus"`},
		{"bad format", []string{"sql", "--format", "xml", "SELECT 1"}, 2, "unknown format"},
		{"no statement", []string{"sql"}, 2, "want one SQL statement"},
		{"no snapshot yet", []string{"sql", "SELECT 1"}, 1, "no CDM snapshot"},
		{"no search words", []string{"search"}, 2, "want the words"},
		{"unknown flag", []string{"build", "--nope"}, 2, "flag provided but not defined"},
		{"unknown door", []string{"ingest", "oracle"}, 2, `unknown door or command "oracle"`},
		{"door flag", []string{"ingest", "status", "--nope"}, 2, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, data, tc.args...)
			assert.Equal(t, tc.code, r.code)
			assert.Contains(t, r.stderr, tc.err)
		})
	}
	r := run(t, data, "help", "search")
	assert.Zero(t, r.code)
	for _, flag := range []string{"-data", "-format", "-limit", "-person"} {
		assert.Contains(t, r.stdout, flag)
	}
	r = run(t, data)
	assert.Contains(t, r.stdout, "demo")
}

// TestDebeziumDoorFeedsTheCDM feeds a hospital's Debezium events (inserts,
// updates, a delete, a tombstone, a truncate) through cdw ingest debezium
// into a data directory of their own and builds the CDM from them alone; a
// second run takes nothing twice.
func TestDebeziumDoorFeedsTheCDM(t *testing.T) {
	data := t.TempDir()
	events, err := os.ReadFile(filepath.Join("..", "..", "..", "ingest", "debezium", "testdata", "events.ndjson"))
	require.NoError(t, err)
	in := filepath.Join(data, "cdc.ndjson")
	require.NoError(t, os.WriteFile(in, events, 0o644))

	r := run(t, data, "ingest", "debezium", "--in", in)
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stderr, "debezium: 9 events taken, 0 refused")
	r = run(t, data, "ingest", "debezium", "--in", in)
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stderr, "debezium: 0 events taken, 0 refused; bronze holds 9 changes")

	r = run(t, data, "build")
	require.Zero(t, r.code, r.stderr)
	r = run(t, data, "sql", "--format", "csv", `SELECT (SELECT string_agg(person_source_value, ',') FROM person) AS persons,
		(SELECT count(*) FROM visit_occurrence) AS visits, (SELECT string_agg(condition_source_value, ',') FROM condition_occurrence) AS conditions`)
	require.Zero(t, r.code, r.stderr)
	assert.Equal(t, "persons,visits,conditions\nMRN000101,1,I21.9\n", r.stdout, "patient 102 was deleted")
}

// TestVocabLoad loads the shared vocabulary sample with cdw vocab load and
// reads it back; cdw vocab without a sub-command is a usage error.
func TestVocabLoad(t *testing.T) {
	sample := filepath.Join("..", "..", "..", "..", "shared", "reference", "omop", "vocab-sample")
	if _, err := os.Stat(sample); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the shared vocabulary sample is missing: %v", err)
		}
		t.Skip("../shared is not beside the project")
	}
	data := t.TempDir()
	r := run(t, data, "vocab")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "want a sub-command: load")
	r = run(t, data, "vocab", "load", "--format", "csv", sample)
	require.Zero(t, r.code, r.stderr)
	assert.Regexp(t, `(?m)^concept,2294,0,`, r.stdout, "every concept of the sample, none rejected")
	assert.FileExists(t, filepath.Join(data, "vocab", "concept.parquet"))
}
