package fhir_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/ingest/fhir"
)

// extended is an exported Patient with a contained Organization it
// references and an extension no profile defines.
func extended(t *testing.T, line []byte) []byte {
	var p map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(line, &p))
	p["contained"] = json.RawMessage(`[{"resourceType":"Organization","id":"org1","name":"Gemeindepraxis Süd","extension":[{"url":"https://cdw.example/x/unknown-nested","valueInteger":12345678901234567890}]}]`)
	p["managingOrganization"] = json.RawMessage(`{"reference":"#org1"}`)
	p["extension"] = json.RawMessage(`[{"url":"https://cdw.example/x/never-defined","valueDecimal":1.50,"extension":[{"url":"deep","valueString":"\u2028 <&> 平安"}]}]`)
	out, err := json.Marshal(p)
	require.NoError(t, err)
	return out
}

func TestHospitalExportIngestsCompletely(t *testing.T) {
	dir := hospitalExport(t)
	patients := lines(t, filepath.Join(dir, "Patient.ndjson"))
	patients[0] = extended(t, patients[0])
	writeLines(t, filepath.Join(dir, "Patient.ndjson"), patients...)
	want := lineCounts(t, dir)

	reg := prometheus.NewRegistry()
	bronzeDir := filepath.Join(t.TempDir(), "fhir")
	d, log := openDoor(t, bronzeDir, fhir.Options{Registerer: reg, MaxBatch: 1000})
	require.NoError(t, d.ReadDir(context.Background(), dir))

	changes, err := bronze.ReadAll(bronzeDir)
	require.NoError(t, err)
	rejects, err := bronze.ReadRejects(bronzeDir)
	require.NoError(t, err)
	require.Empty(t, rejects)
	assert.Equal(t, want, tableCounts(changes), "bronze rows per type equal NDJSON lines")
	assert.GreaterOrEqual(t, len(want), 9, "the export holds the nine clinical types")

	t.Run("every resource is stored verbatim once, as a create", func(t *testing.T) { checkVerbatim(t, dir, changes) })
	t.Run("contained resources and unknown extensions survive", func(t *testing.T) {
		var p struct{ ID string }
		require.NoError(t, json.Unmarshal(patients[0], &p))
		got := byKey(changes)[`fhir.Patient["`+p.ID+`"]`][0].Data
		assert.Contains(t, got, `"contained":[{"resourceType":"Organization","id":"org1","name":"Gemeindepraxis Süd","extension":[{"url":"https://cdw.example/x/unknown-nested","valueInteger":12345678901234567890}]}]`)
		assert.Contains(t, got, `"valueDecimal":1.50`)
		assert.Contains(t, got, `"managingOrganization":{"reference":"#org1"}`)
		assert.Equal(t, compact(t, patients[0]), got)
	})
	t.Run("note text survives byte for byte", func(t *testing.T) {
		docs := lines(t, filepath.Join(dir, "DocumentReference.ndjson"))
		keys := byKey(changes)
		for _, l := range docs {
			want := noteText(t, l)
			require.True(t, utf8.ValidString(want))
			var r struct{ ID string }
			require.NoError(t, json.Unmarshal(l, &r))
			got := noteText(t, []byte(keys[`fhir.DocumentReference["`+r.ID+`"]`][0].Data))
			require.Equal(t, want, got, r.ID)
		}
		assert.NotEmpty(t, docs)
	})
	t.Run("metrics count every resource and byte", func(t *testing.T) { checkMetrics(t, reg, dir, want) })
	t.Run("reading the directory again adds nothing", func(t *testing.T) {
		rows := log.Manifest().Rows
		require.NoError(t, d.ReadDir(context.Background(), dir))
		assert.Equal(t, rows, log.Manifest().Rows)
	})
}

// checkVerbatim checks that every line of the export dir is in changes
// once, compacted but otherwise unchanged, as a create at its lastUpdated.
func checkVerbatim(t *testing.T, dir string, changes []bronze.Change) {
	keys := byKey(changes)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	for _, p := range paths {
		for _, l := range lines(t, p) {
			var r struct{ ResourceType, ID string }
			require.NoError(t, json.Unmarshal(l, &r))
			got := keys["fhir."+r.ResourceType+`["`+r.ID+`"]`]
			require.Len(t, got, 1, r.ResourceType+"/"+r.ID)
			assert.Equal(t, compact(t, l), got[0].Data)
			assert.Equal(t, bronze.OpCreate, got[0].Op)
			assert.Equal(t, txTime, got[0].CommitTime.UTC())
			assert.Greater(t, got[0].LSN, int64(0))
		}
	}
}

// checkMetrics compares the door's metrics with the export in dir.
func checkMetrics(t *testing.T, reg *prometheus.Registry, dir string, want map[string]int) {
	accepted := gathered(t, reg, "cdw_fhir_resources_accepted_total")
	for typ, n := range want {
		assert.Equal(t, float64(n), accepted[typ], typ)
	}
	var size int64
	paths, _ := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	for _, p := range paths {
		st, err := os.Stat(p)
		require.NoError(t, err)
		size += st.Size()
	}
	assert.Equal(t, float64(size), gathered(t, reg, "cdw_fhir_read_bytes_total")[""])
}

// noteText decodes the first attachment of a DocumentReference.
func noteText(t *testing.T, line []byte) string {
	var doc struct {
		Content []struct{ Attachment struct{ Data string } }
	}
	require.NoError(t, json.Unmarshal(line, &doc))
	require.NotEmpty(t, doc.Content)
	text, err := base64.StdEncoding.DecodeString(doc.Content[0].Attachment.Data)
	require.NoError(t, err)
	require.NotEmpty(t, text)
	return string(text)
}

// gathered returns the values of a metric family by its first label's value.
func gathered(t *testing.T, reg *prometheus.Registry, name string) map[string]float64 {
	families, err := reg.Gather()
	require.NoError(t, err)
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			label := ""
			if len(m.GetLabel()) > 0 {
				label = m.GetLabel()[0].GetValue()
			}
			out[label] = m.GetCounter().GetValue()
		}
	}
	return out
}

func TestReexportUpdatesAndDeletes(t *testing.T) {
	dir := hospitalExport(t)
	bronzeDir := filepath.Join(t.TempDir(), "fhir")
	d, log := openDoor(t, bronzeDir, fhir.Options{})
	ctx := context.Background()
	require.NoError(t, d.ReadDir(ctx, dir))
	before, err := bronze.ReadAll(bronzeDir)
	require.NoError(t, err)

	next, condition, patient := nextNightExport(t, dir)
	require.NoError(t, d.ReadDir(ctx, next))
	all, err := bronze.ReadAll(bronzeDir)
	require.NoError(t, err)
	added := all[len(before):]
	ops := map[string]bronze.Op{}
	for _, c := range added {
		ops[c.Table+c.Key] = c.Op
	}
	var cond, pat struct{ ID string }
	require.NoError(t, json.Unmarshal(condition, &cond))
	require.NoError(t, json.Unmarshal(patient, &pat))
	assert.Equal(t, map[string]bronze.Op{
		`fhir.Condition["` + cond.ID + `"]`: bronze.OpUpdate,
		`fhir.Patient["` + pat.ID + `"]`:    bronze.OpUpdate,
		`fhir.Encounter["1"]`:               bronze.OpDelete,
	}, ops, "unchanged resources are not written again")
	for _, c := range added {
		if c.Op == bronze.OpDelete {
			assert.Empty(t, c.Data)
			assert.Equal(t, "2025-06-02T12:00:00Z", c.CommitTime.UTC().Format("2006-01-02T15:04:05Z"), "a delete happens at the export's transactionTime")
		}
		assert.Greater(t, c.LSN, before[len(before)-1].LSN)
	}

	t.Run("a reopened door remembers the deletion and the new versions", func(t *testing.T) {
		require.NoError(t, os.Remove(filepath.Join(next, fhir.ManifestName)))
		d2, log2 := restart(t, log, fhir.Options{})
		rows := log2.Manifest().Rows
		// Both files again, as new files: only the deleted encounter is new.
		again := t.TempDir()
		require.NoError(t, d2.ReadFiles(ctx, copyFile(t, filepath.Join(dir, "Encounter.ndjson"), again), copyFile(t, filepath.Join(next, "Patient.ndjson"), again)))
		all, err := bronze.ReadAll(bronzeDir)
		require.NoError(t, err)
		require.Equal(t, rows+1, log2.Manifest().Rows)
		last := all[len(all)-1]
		assert.Equal(t, "fhir.Encounter", last.Table)
		assert.Equal(t, `["1"]`, last.Key)
		assert.Equal(t, bronze.OpCreate, last.Op)
	})
}

// nextNightExport writes the next night's export of the export in dir:
// every resource restamped, one condition changed, one patient with a new
// version, one encounter deleted. Its manifest names three of the files;
// the others lie beside it unread. It returns the directory and the changed
// condition and patient lines.
func nextNightExport(t *testing.T, dir string) (string, []byte, []byte) {
	next := t.TempDir()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		data = []byte(strings.ReplaceAll(string(data), `"lastUpdated":"2025-06-01T12:00:00.000Z"`, `"lastUpdated":"2025-06-02T12:00:00.000Z"`))
		require.NoError(t, os.WriteFile(filepath.Join(next, filepath.Base(p)), data, 0o644))
	}
	condition := lines(t, filepath.Join(next, "Condition.ndjson"))
	condition[0] = []byte(strings.Replace(string(condition[0]), `"confirmed"`, `"refuted"`, 1))
	writeLines(t, filepath.Join(next, "Condition.ndjson"), condition...)
	patient := lines(t, filepath.Join(next, "Patient.ndjson"))
	patient[1] = []byte(strings.Replace(string(patient[1]), `"meta":{`, `"meta":{"versionId":"2",`, 1))
	writeLines(t, filepath.Join(next, "Patient.ndjson"), patient...)
	writeLines(t, filepath.Join(next, "deleted.ndjson"),
		[]byte(`{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE","url":"Encounter/1"}}]}`))
	manifest := `{"transactionTime":"2025-06-02T12:00:00Z","request":"$export?_since=2025-06-01T12:00:00Z","requiresAccessToken":false,` +
		`"output":[{"type":"Condition","url":"Condition.ndjson"},{"type":"Patient","url":"Patient.ndjson"},{"type":"Observation","url":"https://elsewhere.example/files/Observation.ndjson"}],` +
		`"deleted":[{"type":"Bundle","url":"deleted.ndjson"}],"error":[]}`
	require.NoError(t, os.WriteFile(filepath.Join(next, fhir.ManifestName), []byte(manifest), 0o644))

	return next, condition[0], patient[1]
}

// restart simulates a crash and restart: the old log is closed (its lock
// released, like a process exit) and a new log and door open the directory.
func restart(t *testing.T, old *bronze.Log, opts fhir.Options) (*fhir.Door, *bronze.Log) {
	t.Helper()
	require.NoError(t, old.Close())
	return openDoor(t, old.Dir(), opts)
}

// copyFile copies src into dir and returns the copy's path.
func copyFile(t *testing.T, src, dir string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	dst := filepath.Join(dir, filepath.Base(src))
	require.NoError(t, os.WriteFile(dst, data, 0o644))
	return dst
}
