package debezium

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// ErrTombstone is returned for a Kafka tombstone (a null value after a
// delete): there is nothing to store, and the record counts as consumed.
var ErrTombstone = errors.New("debezium: tombstone")

// ErrMalformed is wrapped by every error about an event that is not a
// readable Debezium change event.
var ErrMalformed = errors.New("malformed event")

// DecodeError says which record and field an event could not be converted
// at. Table and Key are empty when the event did not get that far.
type DecodeError struct {
	Table string
	Key   string
	Field string
	Err   error
}

func (e *DecodeError) Error() string {
	var b bytes.Buffer
	if e.Table != "" {
		b.WriteString(e.Table)
		if e.Key != "" {
			b.WriteString(" " + e.Key)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %s: ", e.Field)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ops maps Debezium's op codes to bronze's.
var ops = map[string]bronze.Op{
	"c": bronze.OpCreate, "u": bronze.OpUpdate, "d": bronze.OpDelete,
	"r": bronze.OpRead, "t": bronze.OpTruncate,
}

// Decoder turns Debezium change events into bronze changes. It is safe for
// concurrent use; its only state is a cache of parsed schemas.
type Decoder struct {
	tables  map[string]string
	keys    map[string][]string
	schemas schemaCache
}

// NewDecoder returns a decoder that renames tables by tableMap (source name
// → bronze name) and takes the key columns of tables without a message key
// from keys (bronze name → columns).
func NewDecoder(tableMap map[string]string, keys map[string][]string) *Decoder {
	return &Decoder{tables: tableMap, keys: keys}
}

// source is the part of Debezium's source block the door reads.
type source struct {
	TsMs   *int64 `json:"ts_ms"`
	DB     string `json:"db"`
	Schema string `json:"schema"`
	Table  string `json:"table"`
}

// envelope is Debezium's change event payload.
type envelope struct {
	Before json.RawMessage
	After  json.RawMessage
	Source *source
	Op     *string
	TsMs   *int64
}

// object splits a JSON object into its members (the last of a repeated
// name wins, as in encoding/json). raw must be valid JSON.
func object(raw []byte) (map[string]json.RawMessage, error) {
	ms, err := members(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	m := make(map[string]json.RawMessage, len(ms))
	for _, mb := range ms {
		m[mb.name] = mb.value
	}
	return m, nil
}

// DecodeLine decodes one line of an event file: a bare or schema-wrapped
// event, or a Kafka dump record {"key": …, "value": …} (key and value as JSON
// or as strings holding JSON; kcat -J's {"topic", "key", "payload"} too). A
// null value or the line "null" is ErrTombstone.
func (d *Decoder) DecodeLine(line []byte) (bronze.Change, error) {
	if err := valid(line); err != nil {
		return bronze.Change{}, &DecodeError{Err: err}
	}
	if isNull(line) {
		return bronze.Change{}, ErrTombstone
	}
	m, err := object(line)
	if err != nil {
		return bronze.Change{}, &DecodeError{Err: err}
	}
	// A JSON null is the text "null": nil means absent.
	switch {
	case m["value"] != nil && m["op"] == nil && m["payload"] == nil && m["source"] == nil:
		return d.dumped(m["key"], m["value"])
	case m["topic"] != nil && kind(m["payload"]) == '"': // kcat -J
		return d.dumped(m["key"], m["payload"])
	}
	return d.decode(nil, m)
}

// dumped decodes the key and value of a dumped Kafka record, each JSON or a
// string holding JSON.
func (d *Decoder) dumped(key, value json.RawMessage) (bronze.Change, error) {
	if kind(key) == '"' || kind(value) == '"' {
		return d.Decode(unquote(key), unquote(value))
	}
	return d.record(key, value)
}

// unquote returns the text of a JSON string, or raw itself when it is not
// a string.
func unquote(raw json.RawMessage) []byte {
	var s string
	if kind(raw) != '"' || json.Unmarshal(raw, &s) != nil {
		return raw
	}
	return []byte(s)
}

// Decode decodes one Kafka record: key is the message key (nil when
// unknown), value the event. Every error is a *DecodeError naming the table,
// key and field when known; a null value is ErrTombstone.
func (d *Decoder) Decode(key, value []byte) (bronze.Change, error) {
	if isNull(value) {
		return bronze.Change{}, ErrTombstone
	}
	if err := valid(value); err != nil {
		return bronze.Change{}, &DecodeError{Err: err}
	}
	if len(key) > 0 {
		if err := valid(key); err != nil {
			return bronze.Change{}, &DecodeError{Field: "key", Err: err}
		}
	}
	return d.record(key, value)
}

// record decodes a key and value already known to be valid JSON.
func (d *Decoder) record(key, value []byte) (bronze.Change, error) {
	if isNull(value) {
		return bronze.Change{}, ErrTombstone
	}
	m, err := object(value)
	if err != nil {
		return bronze.Change{}, &DecodeError{Err: err}
	}
	return d.decode(key, m)
}

// decode decodes the top-level members m of an event.
func (d *Decoder) decode(key []byte, m map[string]json.RawMessage) (bronze.Change, error) {
	var schema *connectSchema
	if payload, ok := m["payload"]; ok {
		if isNull(payload) {
			return bronze.Change{}, ErrTombstone
		}
		var err error
		if schema, err = d.schemas.parse(m["schema"]); err != nil {
			return bronze.Change{}, &DecodeError{Field: "schema", Err: err}
		}
		if m, err = object(payload); err != nil {
			return bronze.Change{}, &DecodeError{Field: "payload", Err: err}
		}
	}
	env, err := readEnvelope(m)
	if err != nil {
		return bronze.Change{}, &DecodeError{Err: err}
	}
	ch, err := d.header(env)
	if err != nil {
		return bronze.Change{}, err
	}
	if ch.Op == bronze.OpTruncate {
		ch.Key = "[]"
		return ch, nil
	}
	return d.rows(ch, env, schema, key)
}

// readEnvelope reads the envelope members of an event.
func readEnvelope(m map[string]json.RawMessage) (*envelope, error) {
	env := &envelope{Before: m["before"], After: m["after"]}
	for name, dst := range map[string]any{"source": &env.Source, "op": &env.Op, "ts_ms": &env.TsMs} {
		if raw, ok := m[name]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, name, err)
			}
		}
	}
	return env, nil
}

// unwrap splits a schema-wrapped value (a message key) into its schema and
// payload; anything else is its own payload.
func (d *Decoder) unwrap(value []byte) (*connectSchema, json.RawMessage, error) {
	if kind(value) != '{' {
		return nil, value, nil
	}
	m, err := object(value)
	if err != nil {
		return nil, nil, err
	}
	payload, ok := m["payload"]
	if !ok {
		return nil, value, nil
	}
	schema, err := d.schemas.parse(m["schema"])
	return schema, payload, err
}

// header fills table, op and commit time from the envelope.
func (d *Decoder) header(env *envelope) (bronze.Change, error) {
	var ch bronze.Change
	if env.Source == nil || env.Source.Table == "" {
		return ch, &DecodeError{Field: "source.table", Err: fmt.Errorf("%w: missing source table", ErrMalformed)}
	}
	ns := env.Source.Schema
	if ns == "" {
		ns = env.Source.DB
	}
	ch.Table = env.Source.Table
	if ns != "" {
		ch.Table = ns + "." + env.Source.Table
	}
	if mapped, ok := d.tables[ch.Table]; ok {
		ch.Table = mapped
	}
	if env.Op == nil {
		return ch, &DecodeError{Table: ch.Table, Field: "op", Err: fmt.Errorf("%w: missing op", ErrMalformed)}
	}
	op, ok := ops[*env.Op]
	if !ok {
		return ch, &DecodeError{Table: ch.Table, Field: "op", Err: fmt.Errorf("%w: unknown op %q", ErrMalformed, *env.Op)}
	}
	ch.Op = op
	switch {
	case env.Source.TsMs != nil:
		ch.CommitTime = time.UnixMilli(*env.Source.TsMs).UTC()
	case env.TsMs != nil:
		ch.CommitTime = time.UnixMilli(*env.TsMs).UTC()
	}
	return ch, nil
}
