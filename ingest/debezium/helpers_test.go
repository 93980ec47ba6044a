package debezium

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// openDoor opens the bronze log in dir and a door on it; both are closed
// when the test ends (or earlier through the returned close function).
func openDoor(t testing.TB, dir string, opts Options) (*Door, func()) {
	t.Helper()
	log, err := bronze.Open(dir)
	require.NoError(t, err)
	d, err := New(log, opts)
	require.NoError(t, err)
	closed := false
	closeAll := func() {
		if !closed {
			closed = true
			require.NoError(t, d.Close())
			require.NoError(t, log.Close())
		}
	}
	t.Cleanup(closeAll)
	return d, closeAll
}

// changes returns every change in the bronze log in dir in (lsn, seq) order,
// the order transform replays them in.
func changes(t *testing.T, dir string) []bronze.Change {
	t.Helper()
	all, err := bronze.ReadAll(dir)
	require.NoError(t, err)
	slices.SortStableFunc(all, func(a, b bronze.Change) int {
		if a.LSN != b.LSN {
			return int(a.LSN - b.LSN)
		}
		return int(a.Seq - b.Seq)
	})
	return all
}

// rejects returns every reject in the bronze log in dir.
func rejects(t *testing.T, dir string) []bronze.Reject {
	t.Helper()
	r, err := bronze.ReadRejects(dir)
	require.NoError(t, err)
	return r
}

// column returns the JSON text of column name in a change's data.
func column(t *testing.T, data, name string) string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(data), &m), data)
	return string(m[name])
}

// mustJSON marshals v.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// pgSource is a PostgreSQL connector's source block.
func pgSource(table string, tsMs int64) map[string]any {
	return map[string]any{"version": "2.7.3.Final", "connector": "postgresql", "name": "dbserver1",
		"ts_ms": tsMs, "snapshot": "false", "db": "hospital", "schema": "emr", "table": table, "lsn": 1234}
}

// bare returns a bare envelope line.
func bare(table, op string, before, after any, tsMs int64) []byte {
	b, _ := json.Marshal(map[string]any{"before": before, "after": after, "source": pgSource(table, tsMs), "op": op, "ts_ms": tsMs + 5})
	return b
}

// fieldSchema is one Kafka Connect field schema.
func fieldSchema(field, typ, name string, params map[string]string) map[string]any {
	s := map[string]any{"type": typ, "optional": true, "field": field}
	if name != "" {
		s["name"] = name
	}
	if params != nil {
		s["parameters"] = params
	}
	return s
}

// wrappedEvent returns a schema-wrapped event whose row images have fields.
func wrappedEvent(table, op string, fields []map[string]any, before, after any, tsMs int64) []byte {
	row := func(f string) map[string]any {
		return map[string]any{"type": "struct", "optional": true, "fields": fields, "field": f, "name": "dbserver1.emr." + table + ".Value"}
	}
	schema := map[string]any{"type": "struct", "name": "dbserver1.emr." + table + ".Envelope", "fields": []any{
		row("before"), row("after"),
		map[string]any{"type": "struct", "field": "source", "fields": []any{fieldSchema("ts_ms", "int64", "", nil)}},
		fieldSchema("op", "string", "", nil), fieldSchema("ts_ms", "int64", "", nil),
	}}
	b, _ := json.Marshal(map[string]any{"schema": schema, "payload": map[string]any{
		"before": before, "after": after, "source": pgSource(table, tsMs), "op": op, "ts_ms": tsMs + 5}})
	return b
}

// fixture is the path of a file under testdata.
func fixture(name string) string { return filepath.Join("testdata", name) }

// obj returns the JSON object of name/value pairs in the order given, as
// Debezium writes row images (in column order).
func obj(pairs ...any) json.RawMessage {
	var b []byte
	b = append(b, '{')
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(pairs[i])
		v, _ := json.Marshal(pairs[i+1])
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}')
}
