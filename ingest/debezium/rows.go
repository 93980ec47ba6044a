package debezium

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// image is one decoded row image: its columns in Debezium's order and the
// schema of each (nil without a schema wrapper).
type image struct {
	cols   []member
	schema *connectSchema
}

// readImage parses the row image raw (nil when absent or null).
func readImage(raw json.RawMessage, schema *connectSchema) (*image, error) {
	if isNull(raw) {
		return nil, nil
	}
	cols, err := members(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return &image{cols: cols, schema: schema}, nil
}

// column returns the value of the column name and its schema.
func (im *image) column(name string) (json.RawMessage, *connectSchema, bool) {
	for _, c := range im.cols {
		if c.name == name {
			return c.value, im.schema.field(name), true
		}
	}
	return nil, nil, false
}

// unavailable are the JSON texts of Debezium's default placeholder for a
// TOASTed column the server did not resend (as a string, and as bytes).
var unavailable = [][]byte{
	[]byte(`"__debezium_unavailable_value"`),
	[]byte(`"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ=="`),
}

// encode returns the image as one JSON object of converted values; a value
// that cannot be converted is an error naming its column. A column holding
// Debezium's unavailable-value placeholder is left out, as the PostgreSQL
// door leaves out an unchanged TOASTed column, so that transform keeps the
// column's previous value.
func (im *image) encode() (string, string, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	n := 0
	for _, c := range im.cols {
		if slices.ContainsFunc(unavailable, func(u []byte) bool { return bytes.Equal(c.value, u) }) {
			continue
		}
		if n++; n > 1 {
			buf.WriteByte(',')
		}
		appendString(&buf, c.name)
		buf.WriteByte(':')
		if err := appendValue(&buf, im.schema.field(c.name), c.value); err != nil {
			return "", c.name, err
		}
	}
	buf.WriteByte('}')
	return buf.String(), "", nil
}

// rows fills Key, Data and Before of a create, update, delete or read.
func (d *Decoder) rows(ch bronze.Change, env *envelope, schema *connectSchema, key []byte) (bronze.Change, error) {
	fail := func(field string, err error) (bronze.Change, error) {
		return bronze.Change{}, &DecodeError{Table: ch.Table, Key: ch.Key, Field: field, Err: err}
	}
	after, err := readImage(env.After, schema.field("after"))
	if err != nil {
		return fail("after", err)
	}
	before, err := readImage(env.Before, schema.field("before"))
	if err != nil {
		return fail("before", err)
	}
	row := after
	if ch.Op == bronze.OpDelete {
		row = before
	} else if after == nil {
		return fail("after", fmt.Errorf("%w: %s event without an after image", ErrMalformed, ch.Op))
	}
	var field string
	ch.Key, field, err = d.key(ch.Table, key, row)
	if err != nil {
		return fail(field, err)
	}
	if after != nil && ch.Op != bronze.OpDelete {
		if ch.Data, field, err = after.encode(); err != nil {
			return fail("after."+field, err)
		}
	}
	if before != nil {
		if ch.Before, field, err = before.encode(); err != nil {
			return fail("before."+field, err)
		}
	}
	return ch, nil
}

var errNoKey = errors.New("no key: no message key, no before image and no key columns configured")

// key returns the change's key as a JSON array: the message key's fields
// in key order, else the configured key columns of row, else row's first
// column.
func (d *Decoder) key(table string, msgKey []byte, row *image) (string, string, error) {
	if !isNull(msgKey) {
		return d.messageKey(msgKey)
	}
	if row == nil || len(row.cols) == 0 {
		return "", "key", errNoKey
	}
	names := d.keys[table]
	if len(names) == 0 {
		names = []string{row.cols[0].name}
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, name := range names {
		v, s, ok := row.column(name)
		if !ok {
			return "", name, fmt.Errorf("%w: key column missing from the row image", ErrMalformed)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := appendValue(&buf, s, v); err != nil {
			return "", name, err
		}
	}
	buf.WriteByte(']')
	return buf.String(), "", nil
}

// messageKey converts a Kafka message key (a struct of the key columns,
// bare or schema-wrapped) to the JSON array of its values in key order.
func (d *Decoder) messageKey(raw []byte) (string, string, error) {
	schema, payload, err := d.unwrap(raw)
	if err != nil {
		return "", "key", err
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	if kind(payload) != '{' {
		if err := appendValue(&buf, schema, payload); err != nil {
			return "", "key", err
		}
		buf.WriteByte(']')
		return buf.String(), "", nil
	}
	cols, err := members(payload)
	if err != nil {
		return "", "key", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if len(cols) == 0 {
		return "", "key", fmt.Errorf("%w: message key has no fields", ErrMalformed)
	}
	for i, c := range cols {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := appendValue(&buf, schema.field(c.name), c.value); err != nil {
			return "", "key." + c.name, err
		}
	}
	buf.WriteByte(']')
	return buf.String(), "", nil
}
