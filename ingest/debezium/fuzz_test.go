package debezium

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// FuzzDecode feeds arbitrary key/value pairs to the decoder (both as a Kafka
// record and as a file line). It must never panic; it returns either a
// change that bronze can hold or an error.
func FuzzDecode(f *testing.F) {
	raw, err := os.ReadFile(fixture("events.ndjson"))
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f.Add([]byte(nil), append([]byte(nil), sc.Bytes()...))
	}
	decimal := []map[string]any{fieldSchema("id", "int64", "", nil), fieldSchema("v", "bytes", typeConnectDecimal, map[string]string{"scale": "3"})}
	f.Add([]byte(`{"patient_id":1}`), wrappedEvent("t", "u", decimal, obj("id", 1, "v", "AA=="), obj("id", 1, "v", "/w=="), t0))
	f.Add([]byte(`{"schema":{"type":"struct"},"payload":{"a":1,"b":"x"}}`), bare("t", "d", obj("a", 1), nil, t0))
	f.Add([]byte(nil), []byte(`{"key":5,"value":{"op":"t","source":{"db":"d","table":"x"}}}`))
	f.Add([]byte(nil), []byte(`null`))
	f.Add([]byte(nil), []byte(`{"op":"c","after":{`))
	f.Add([]byte(`[1]`), []byte(`{"schema":{"fields":[{"field":"after","fields":[{"field":"x","name":"io.debezium.data.VariableScaleDecimal"}]}]},"payload":{"op":"c","source":{"table":"t"},"after":{"x":{"scale":-40,"value":"gA=="}}}}`))
	f.Fuzz(func(t *testing.T, key, value []byte) {
		dec := NewDecoder(map[string]string{"emr.t": "emr.renamed"}, map[string][]string{"emr.x": {"a"}})
		check := func(ch bronze.Change, err error) {
			if err != nil {
				var de *DecodeError
				if !errors.Is(err, ErrTombstone) && !errors.As(err, &de) {
					t.Fatalf("error %T is neither a tombstone nor a *DecodeError: %v", err, err)
				}
				return
			}
			if ch.Table == "" {
				t.Fatal("change without a table")
			}
			if _, ok := ops[string(ch.Op)]; !ok {
				t.Fatalf("op %q", ch.Op)
			}
			var k []json.RawMessage
			if json.Unmarshal([]byte(ch.Key), &k) != nil {
				t.Fatalf("key %q is not a JSON array", ch.Key)
			}
			for _, img := range []string{ch.Data, ch.Before} {
				var m map[string]json.RawMessage
				if img != "" && json.Unmarshal([]byte(img), &m) != nil {
					t.Fatalf("image %q is not a JSON object", img)
				}
			}
		}
		check(dec.Decode(key, value))
		check(dec.DecodeLine(value))
	})
}

// FuzzMembers checks the one-pass object splitter against encoding/json on
// every valid JSON object: same names, same values, same order.
func FuzzMembers(f *testing.F) {
	for _, seed := range []string{`{}`, `{"a":1}`, ` { "a" : [1,{"b":"}"}] , "c\u0022d":"x\"y", "e":null,"f":true,"g":-1.5e3 } `,
		`{"a":{"b":{"c":[[],{}]}},"a":2}`, `{"\\":"\\"}`, `[1]`, `"s"`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		want, wantErr := membersReference(raw)
		got, err := members(raw)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("members(%q): error %v, reference error %v", raw, err, wantErr)
		}
		if len(got) != len(want) {
			t.Fatalf("members(%q): %d members, reference %d", raw, len(got), len(want))
		}
		for i := range got {
			if got[i].name != want[i].name || !bytes.Equal(bytes.TrimSpace(got[i].value), bytes.TrimSpace(want[i].value)) {
				t.Fatalf("members(%q)[%d] = %q:%s, reference %q:%s", raw, i, got[i].name, got[i].value, want[i].name, want[i].value)
			}
		}
	})
}

// membersReference is members written with encoding/json's tokenizer: the
// oracle FuzzMembers compares the one-pass splitter with.
func membersReference(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errNotObject
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key %v is not a string", tok)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("member %q: %w", name, err)
		}
		out = append(out, member{name: name, value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return out, nil
}
