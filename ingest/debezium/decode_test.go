package debezium

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

const t0 = int64(1772359200000) // 2026-03-01 10:00:00 UTC

func TestDecodeLine(t *testing.T) {
	patient := obj("patient_id", 101, "mrn", "MRN101", "name", "王伟 <&>")
	patientNew := obj("patient_id", 101, "mrn", "MRN101", "name", "王伟")
	cols := []map[string]any{fieldSchema("patient_id", "int64", "", nil), fieldSchema("mrn", "string", "", nil), fieldSchema("name", "string", "", nil)}
	keyed := func(key any, value json.RawMessage) []byte {
		b, _ := json.Marshal(map[string]any{"key": key, "value": value})
		return b
	}
	tests := []struct {
		name  string
		line  []byte
		opts  Options
		want  bronze.Change
		check func(t *testing.T, ch bronze.Change)
	}{
		{
			name: "bare create, key is the first column",
			line: bare("patient", "c", nil, patient, t0),
			want: bronze.Change{Op: bronze.OpCreate, Table: "emr.patient", Key: `[101]`,
				Data: `{"patient_id":101,"mrn":"MRN101","name":"王伟 \u003c\u0026\u003e"}`, CommitTime: time.UnixMilli(t0).UTC()},
		},
		{
			name: "wrapped update carries before",
			line: wrappedEvent("patient", "u", cols, patient, patientNew, t0),
			want: bronze.Change{Op: bronze.OpUpdate, Table: "emr.patient", Key: `[101]`, CommitTime: time.UnixMilli(t0).UTC(),
				Data:   `{"patient_id":101,"mrn":"MRN101","name":"王伟"}`,
				Before: `{"patient_id":101,"mrn":"MRN101","name":"王伟 \u003c\u0026\u003e"}`},
		},
		{
			name: "snapshot read",
			line: bare("patient", "r", nil, patient, t0),
			check: func(t *testing.T, ch bronze.Change) {
				assert.Equal(t, bronze.OpRead, ch.Op)
				assert.Equal(t, `[101]`, ch.Key)
			},
		},
		{
			name: "delete keyed by its before image, no data",
			line: bare("patient", "d", patient, nil, t0),
			want: bronze.Change{Op: bronze.OpDelete, Table: "emr.patient", Key: `[101]`, CommitTime: time.UnixMilli(t0).UTC(),
				Before: `{"patient_id":101,"mrn":"MRN101","name":"王伟 \u003c\u0026\u003e"}`},
		},
		{
			name: "delete without before keyed by the message key",
			line: keyed(map[string]any{"patient_id": 7}, bare("patient", "d", nil, nil, t0)),
			want: bronze.Change{Op: bronze.OpDelete, Table: "emr.patient", Key: `[7]`, CommitTime: time.UnixMilli(t0).UTC()},
		},
		{
			name: "truncate",
			line: bare("patient", "t", nil, nil, t0),
			want: bronze.Change{Op: bronze.OpTruncate, Table: "emr.patient", Key: `[]`, CommitTime: time.UnixMilli(t0).UTC()},
		},
		{
			name: "composite message key keeps key order, schema-wrapped key",
			line: keyed(map[string]any{
				"schema":  map[string]any{"type": "struct", "fields": []any{fieldSchema("visit", "string", "", nil), fieldSchema("seq", "int32", "", nil)}},
				"payload": json.RawMessage(`{"visit":"V-9","seq":2}`),
			}, bare("orders", "c", nil, obj("seq", 2, "visit", "V-9"), t0)),
			check: func(t *testing.T, ch bronze.Change) { assert.Equal(t, `["V-9",2]`, ch.Key) },
		},
		{
			name:  "configured key columns",
			line:  bare("orders", "c", nil, obj("id", 1, "visit", "V-9", "seq", 3), t0),
			opts:  Options{Keys: map[string][]string{"emr.orders": {"visit", "seq"}}},
			check: func(t *testing.T, ch bronze.Change) { assert.Equal(t, `["V-9",3]`, ch.Key) },
		},
		{
			name: "table map renames a SQL Server table",
			line: mustJSON(t, map[string]any{"op": "c", "after": map[string]any{"ID": 5},
				"source": map[string]any{"connector": "sqlserver", "db": "HIS", "schema": "dbo", "table": "PATIENTS", "ts_ms": t0}}),
			opts:  Options{TableMap: map[string]string{"dbo.PATIENTS": "emr.patient"}},
			check: func(t *testing.T, ch bronze.Change) { assert.Equal(t, "emr.patient", ch.Table) },
		},
		{
			name: "MySQL: no schema, the database qualifies the table; ts_ms fallback",
			line: mustJSON(t, map[string]any{"op": "c", "after": map[string]any{"staff_id": 42}, "ts_ms": t0,
				"source": map[string]any{"connector": "mysql", "db": "emr", "table": "staff"}}),
			check: func(t *testing.T, ch bronze.Change) {
				assert.Equal(t, "emr.staff", ch.Table)
				assert.Equal(t, time.UnixMilli(t0).UTC(), ch.CommitTime)
			},
		},
		{
			name: "Kafka dump with key and value as strings",
			line: mustJSON(t, map[string]any{"key": `{"patient_id":8}`, "value": string(bare("patient", "c", nil, obj("id", 1), t0))}),
			check: func(t *testing.T, ch bronze.Change) {
				assert.Equal(t, `[8]`, ch.Key)
				assert.Equal(t, `{"id":1}`, ch.Data)
			},
		},
		{
			name: "kcat -J line",
			line: mustJSON(t, map[string]any{"topic": "dbserver1.emr.patient", "partition": 0, "offset": 17, "key": `{"patient_id":9}`,
				"payload": string(bare("patient", "u", nil, obj("id", 2), t0))}),
			check: func(t *testing.T, ch bronze.Change) {
				assert.Equal(t, bronze.OpUpdate, ch.Op)
				assert.Equal(t, `[9]`, ch.Key)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts.withDefaults()
			ch, err := NewDecoder(o.TableMap, o.Keys).DecodeLine(tc.line)
			require.NoError(t, err)
			if tc.check != nil {
				tc.check(t, ch)
				return
			}
			assert.Equal(t, tc.want, ch)
		})
	}
}

func TestDecodeTombstones(t *testing.T) {
	for _, line := range []string{
		`null`,
		`{"key":{"patient_id":102},"value":null}`,
		`{"schema":null,"payload":null}`,
		`{"key":{"schema":{"type":"struct"},"payload":{"patient_id":102}},"value":{"schema":null,"payload":null}}`,
	} {
		t.Run(line, func(t *testing.T) {
			_, err := NewDecoder(nil, nil).DecodeLine([]byte(line))
			assert.ErrorIs(t, err, ErrTombstone)
		})
	}
}

func TestDecodeSemanticTypes(t *testing.T) {
	tests := []struct {
		name, typ, semantic string
		params              map[string]string
		value               any
		want                string
	}{
		{"debezium date", "int32", typeDate, nil, 20513, `"2026-03-01"`},
		{"date before 1970", "int32", typeDate, nil, -4, `"1969-12-28"`},
		{"connect date", "int32", typeConnectDate, nil, 20513, `"2026-03-01"`},
		{"timestamp ms", "int64", typeTimestamp, nil, t0 + 250, `"2026-03-01 10:00:00.25"`},
		{"timestamp whole second", "int64", typeTimestamp, nil, t0, `"2026-03-01 10:00:00"`},
		{"connect timestamp", "int64", typeConnectTS, nil, t0, `"2026-03-01 10:00:00"`},
		{"micro timestamp", "int64", typeMicroTimestamp, nil, t0*1000 + 1, `"2026-03-01 10:00:00.000001"`},
		{"micro timestamp before 1970", "int64", typeMicroTimestamp, nil, -1, `"1969-12-31 23:59:59.999999"`},
		{"nano timestamp", "int64", typeNanoTimestamp, nil, t0*1000000 + 123456789, `"2026-03-01 10:00:00.123456789"`},
		{"zoned timestamp", "string", typeZonedTimestamp, nil, "2026-03-01T18:00:00.5+08:00", `"2026-03-01T10:00:00.5Z"`},
		{"time ms", "int32", typeTime, nil, 36000000, `"10:00:00"`},
		{"micro time", "int64", typeMicroTime, nil, 36000000001, `"10:00:00.000001"`},
		{"nano time", "int64", typeNanoTime, nil, 36000000000001, `"10:00:00.000000001"`},
		{"decimal", "bytes", typeConnectDecimal, map[string]string{"scale": "2"}, "BOI=", `12.50`},
		{"negative decimal", "bytes", typeConnectDecimal, map[string]string{"scale": "2"}, "+x4=", `-12.50`},
		{"small decimal", "bytes", typeConnectDecimal, map[string]string{"scale": "3"}, "BQ==", `0.005`},
		{"decimal scale 0", "bytes", typeConnectDecimal, map[string]string{"scale": "0"}, "/w==", `-1`},
		{"wide decimal", "bytes", typeConnectDecimal, map[string]string{"scale": "10", "connect.decimal.precision": "38"}, "AY7pD/bDc+DuTj8K0g==", `12345678901234567890.1234567890`},
		{"decimal as string mode", "string", "", nil, "12.50", `"12.50"`},
		{"variable scale decimal", "struct", typeVarDecimal, nil, map[string]any{"scale": 1, "value": "BOI="}, `125.0`},
		{"json", "string", typeJSON, nil, `{"a": [1, 2]}`, `{"a":[1,2]}`},
		{"bytes stay base64", "bytes", "", nil, "AQID", `"AQID"`},
		{"boolean", "boolean", "", nil, true, `true`},
		{"float", "double", "", nil, 36.6, `36.6`},
		{"null", "int64", typeMicroTimestamp, nil, nil, `null`},
		{"uuid", "string", "io.debezium.data.Uuid", nil, "0e4f2a7c-9d9a-4cb2-8b53-6f3a0d5b5c11", `"0e4f2a7c-9d9a-4cb2-8b53-6f3a0d5b5c11"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fields := []map[string]any{fieldSchema("id", "int64", "", nil), fieldSchema("v", tc.typ, tc.semantic, tc.params)}
			line := wrappedEvent("t", "c", fields, nil, obj("id", 1, "v", tc.value), t0)
			ch, err := NewDecoder(nil, nil).DecodeLine(line)
			require.NoError(t, err)
			assert.Equal(t, tc.want, column(t, ch.Data, "v"))
			assert.Equal(t, `{"id":1,"v":`+tc.want+`}`, ch.Data)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	decimal := []map[string]any{fieldSchema("id", "int64", "", nil), fieldSchema("price", "bytes", typeConnectDecimal, map[string]string{"scale": "2"})}
	tests := []struct {
		name   string
		line   string
		opts   Options
		reason string // substring of the error
		field  string
	}{
		{"malformed JSON", `{"op":"c","after":{`, Options{}, "malformed event", ""},
		{"not an object", `[1,2]`, Options{}, "malformed event", ""},
		{"missing op", string(mustJSON(t, map[string]any{"after": map[string]any{"id": 1}, "source": pgSource("patient", t0)})), Options{}, "emr.patient: field op: malformed event: missing op", "op"},
		{"unknown op", string(bare("patient", "x", nil, map[string]any{"id": 1}, t0)), Options{}, `unknown op "x"`, "op"},
		{"missing source", `{"op":"c","after":{"id":1}}`, Options{}, "missing source table", "source.table"},
		{"create without after", string(bare("patient", "c", nil, nil, t0)), Options{}, "c event without an after image", "after"},
		{"delete without key", string(bare("patient", "d", nil, nil, t0)), Options{}, "no key", "key"},
		{"after not an object", string(bare("patient", "c", nil, 5, t0)), Options{}, "not a JSON object", "after"},
		{"key column missing", string(bare("orders", "c", nil, map[string]any{"id": 1}, t0)), Options{Keys: map[string][]string{"emr.orders": {"visit"}}}, "key column missing", "visit"},
		{"undecodable decimal", string(wrappedEvent("price", "c", decimal, nil, obj("id", 7, "price", "not base64!"), t0)), Options{}, `emr.price [7]: field after.price: decimal "not base64!"`, "after.price"},
		{"decimal without scale", string(wrappedEvent("price", "c", []map[string]any{fieldSchema("id", "int64", "", nil), fieldSchema("price", "bytes", typeConnectDecimal, nil)}, nil, obj("id", 7, "price", "BOI="), t0)), Options{}, "without a scale", "after.price"},
		{"string where int32", string(wrappedEvent("t", "c", []map[string]any{fieldSchema("id", "int32", "", nil)}, nil, map[string]any{"id": "seven"}, t0)), Options{}, "wrong JSON type", "id"},
		{"invalid json column", string(wrappedEvent("t", "c", []map[string]any{fieldSchema("id", "int32", "", nil), fieldSchema("doc", "string", typeJSON, nil)}, nil, obj("id", 1, "doc", "{nope"), t0)), Options{}, "not valid JSON", "after.doc"},
		{"date out of range", string(wrappedEvent("t", "c", []map[string]any{fieldSchema("id", "int32", "", nil), fieldSchema("d", "int32", typeDate, nil)}, nil, obj("id", 1, "d", 99999999), t0)), Options{}, "out of range", "after.d"},
		{"zoned timestamp not a time", string(wrappedEvent("t", "c", []map[string]any{fieldSchema("id", "int32", "", nil), fieldSchema("z", "string", typeZonedTimestamp, nil)}, nil, obj("id", 1, "z", "yesterday"), t0)), Options{}, "zoned timestamp", "after.z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts.withDefaults()
			_, err := NewDecoder(o.TableMap, o.Keys).DecodeLine([]byte(tc.line))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.reason)
			var de *DecodeError
			require.True(t, errors.As(err, &de), "error %T is not a *DecodeError", err)
			assert.Equal(t, tc.field, de.Field)
			assert.NotErrorIs(t, err, ErrTombstone)
		})
	}
}

func TestDecodeUnavailableValueIsLeftOut(t *testing.T) {
	line := bare("clinical_note", "u", nil, obj("note_id", 4, "body", "__debezium_unavailable_value", "blob", "X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==", "title", "ward round"), t0)
	ch, err := NewDecoder(nil, nil).DecodeLine(line)
	require.NoError(t, err)
	assert.Equal(t, `{"note_id":4,"title":"ward round"}`, ch.Data)
}
