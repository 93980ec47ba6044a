package ingest_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// typeCases are the columns of types.t: the type, and how PostgreSQL reads
// the column back from its bronze JSON value $1 (a jsonb scalar, array or
// object), which is how the round trip is checked.
var typeCases = []struct{ col, typ, back string }{
	{"i2", "int2", "($1::jsonb #>> '{}')::int2"},
	{"i4", "int4", "($1::jsonb #>> '{}')::int4"},
	{"i8", "int8", "($1::jsonb #>> '{}')::int8"},
	{"f4", "float4", "($1::jsonb #>> '{}')::float4"},
	{"f8", "float8", "($1::jsonb #>> '{}')::float8"},
	{"num", "numeric", "($1::jsonb #>> '{}')::numeric"},
	{"num_s", "numeric(12,4)", "($1::jsonb #>> '{}')::numeric(12,4)"},
	{"ok", "boolean", "($1::jsonb #>> '{}')::boolean"},
	{"txt", "text", "$1::jsonb #>> '{}'"},
	{"vc", "varchar(40)", "($1::jsonb #>> '{}')::varchar(40)"},
	{"d", "date", "($1::jsonb #>> '{}')::date"},
	{"tm", "time", "($1::jsonb #>> '{}')::time"},
	{"ts", "timestamp", "($1::jsonb #>> '{}')::timestamp"},
	{"tstz", "timestamptz", "($1::jsonb #>> '{}')::timestamptz"},
	{"iv", "interval", "($1::jsonb #>> '{}')::interval"},
	{"u", "uuid", "($1::jsonb #>> '{}')::uuid"},
	{"b", "bytea", "decode($1::jsonb #>> '{}', 'base64')"},
	{"jb", "jsonb", "$1::jsonb"},
	{"tags", "text[]", "ARRAY(SELECT jsonb_array_elements_text($1::jsonb))"},
	{"nums", "int[]", "ARRAY(SELECT jsonb_array_elements_text($1::jsonb))::int[]"},
	{"grid", "int[]", "(SELECT array_agg(ARRAY(SELECT jsonb_array_elements_text(r))::int[]) FROM jsonb_array_elements($1::jsonb) r)"},
}

// typeRows are the rows of types.t beyond id: ordinary values, extremes,
// the awkward (NaN, infinities, quotes and commas inside array elements,
// every byte value) and NULL in every column.
var typeRows = []string{
	`1, 32767, 2147483647, 9223372036854775807, 3.4028235e38, 1.7976931348623157e308,
	 123456789012345678901234567890.123456789012345678901234567890, 12345678.1234, true,
	 'plain', 'varchar', '2024-02-29', '23:59:59.999999', '2024-01-01 03:00:00.123456', '2024-06-30 22:15:00.5+02',
	 '1 year 2 mons 3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x00ff10'::bytea,
	 '{"a": [1, 2.50, null], "b": {"c": "d"}}', ARRAY['a', 'b c', 'd,e', 'f"g', 'h\i', NULL, ''], ARRAY[1, NULL, -3], '{{1,2},{3,4}}', '{"x": 1}'`,
	`2, -32768, -2147483648, -9223372036854775808, '-Infinity', 'Infinity', 'NaN', -0.0001, false,
	 E'quote " backslash \\ newline \n tab \t unicode 漢字 😀', '', '0044-03-15 BC', '00:00', 'infinity', '-infinity',
	 '-3 days -00:00:01', '00000000-0000-0000-0000-000000000000', (SELECT string_agg(set_byte('\x00'::bytea, 0, b), ''::bytea) FROM generate_series(0, 255) b),
	 '"null"', '{}', '{}', '{{NULL,2}}', '[1, "two", {"three": 3}]'`,
	`3, 0, 0, 0, 'NaN', -0.0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL`,
	`4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL`,
}

// TestTypesRoundTrip writes rows of every mapped type before the door starts
// (reaching bronze through the snapshot) and again while it streams, and
// checks that each column's bronze JSON reads back to the very value in
// PostgreSQL, NULLs as JSON null, and json text byte for byte.
func TestTypesRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := sourceDB(t)
	db := src.connect(t)
	create := "CREATE SCHEMA types; CREATE TABLE types.t (id int PRIMARY KEY"
	for _, tc := range typeCases {
		create += ", " + tc.col + " " + tc.typ
	}
	_, err := db.Exec(ctx, create+", js json)")
	require.NoError(t, err)
	insert := func(offset int) {
		for _, r := range typeRows {
			_, err := db.Exec(ctx, "INSERT INTO types.t VALUES ("+r+")")
			require.NoError(t, err)
		}
		_, err := db.Exec(ctx, "UPDATE types.t SET id = id + $1 WHERE id < 100", offset)
		require.NoError(t, err)
	}
	insert(100) // rows 101..104: snapshot
	dir := filepath.Join(t.TempDir(), "bronze")
	r := start(t, src, dir)
	defer r.stop(t)
	waitRows(t, dir, "types.t", len(typeRows))
	insert(200) // rows 201..204: stream
	waitRows(t, dir, "types.t", 2*len(typeRows))

	changes, err := bronze.ReadAll(dir)
	require.NoError(t, err)
	latest := map[string]bronze.Change{}
	sort.SliceStable(changes, func(i, j int) bool {
		return changes[i].LSN < changes[j].LSN || changes[i].LSN == changes[j].LSN && changes[i].Seq < changes[j].Seq
	})
	for _, ch := range changes {
		switch {
		case ch.Table != "types.t":
		case ch.Op == bronze.OpDelete:
			delete(latest, ch.Key)
		default:
			latest[ch.Key] = ch
		}
	}
	require.Len(t, latest, 2*len(typeRows))
	for key, ch := range latest {
		var id []int
		require.NoError(t, json.Unmarshal([]byte(key), &id))
		var row map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(ch.Data), &row), "row %d: Data is one JSON object", id[0])
		require.Len(t, row, len(typeCases)+2, "row %d: every column is in Data", id[0])
		for _, tc := range typeCases {
			raw := string(row[tc.col])
			var same bool
			q := "SELECT (CASE WHEN $1::jsonb = 'null'::jsonb THEN NULL ELSE " + tc.back + " END) IS NOT DISTINCT FROM " + tc.col + " FROM types.t WHERE id = $2"
			require.NoError(t, db.QueryRow(ctx, q, raw, id[0]).Scan(&same), "row %d %s (%s): %s", id[0], tc.col, tc.typ, raw)
			assert.True(t, same, "row %d %s (%s): bronze holds %s, which does not read back to the source value", id[0], tc.col, tc.typ, raw)
		}
		var js *string
		require.NoError(t, db.QueryRow(ctx, "SELECT js::text FROM types.t WHERE id = $1", id[0]).Scan(&js))
		if js == nil {
			assert.Equal(t, "null", string(row["js"]), "row %d js", id[0])
		} else {
			assert.Equal(t, *js, string(row["js"]), "row %d: json is embedded byte for byte", id[0])
		}
	}
}
