package debezium

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// member is one name/value pair of a JSON object, in document order.
type member struct {
	name  string
	value json.RawMessage
}

var errNotObject = errors.New("not a JSON object")

// members returns the pairs of the JSON object raw in document order
// (Debezium keeps a table's column order, and the key follows it), in one
// pass. raw must be valid JSON: the decoder's entry points check each input
// once (valid), and every object split here is part of such an input.
func members(raw []byte) ([]member, error) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, errNotObject
	}
	var out []member
	for i = skipSpace(raw, i+1); i < len(raw) && raw[i] != '}'; {
		if raw[i] != '"' {
			return nil, errBadJSON
		}
		end := skipString(raw, i)
		name, err := memberName(raw[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return nil, errBadJSON
		}
		i = skipSpace(raw, i+1)
		vend := skipValue(raw, i)
		if vend <= i {
			return nil, errBadJSON
		}
		out = append(out, member{name: name, value: raw[i:vend]})
		if i = skipSpace(raw, vend); i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	if i >= len(raw) {
		return nil, errBadJSON
	}
	return out, nil
}

var errBadJSON = errors.New("invalid JSON")

// memberName returns the text of the quoted name q.
func memberName(q []byte) (string, error) {
	if len(q) >= 2 && q[len(q)-1] == '"' && bytes.IndexByte(q, '\\') < 0 && utf8.Valid(q) {
		return string(q[1 : len(q)-1]), nil
	}
	var s string
	err := json.Unmarshal(q, &s)
	return s, err
}

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just after the string starting at raw[i].
func skipString(raw []byte, i int) int {
	for j := i + 1; j < len(raw); j++ {
		switch raw[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(raw)
}

// skipValue returns the index just after the value starting at raw[i].
func skipValue(raw []byte, i int) int {
	if i >= len(raw) {
		return i
	}
	switch raw[i] {
	case '"':
		return skipString(raw, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(raw); {
			switch raw[j] {
			case '"':
				j = skipString(raw, j)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
			j++
		}
		return len(raw)
	}
	j := i
	for ; j < len(raw); j++ {
		switch raw[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j
		}
	}
	return j
}

// valid checks that raw is one JSON value, and says where it is not.
func valid(raw []byte) error {
	if json.Valid(raw) {
		return nil
	}
	var v json.RawMessage
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return fmt.Errorf("%w: invalid JSON", ErrMalformed)
}

// isNull reports whether raw is absent or the JSON null.
func isNull(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

// appendString appends s as a JSON string, escaped exactly as cdw's
// PostgreSQL door escapes it (encoding/json, HTML-safe).
func appendString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a Go string always marshals
	buf.Write(b)
}

// appendRaw appends a JSON value Debezium sent without a semantic type:
// strings are re-escaped the way the PostgreSQL door escapes them, anything
// else is compacted.
func appendRaw(buf *bytes.Buffer, raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		if plainString(raw) {
			buf.Write(raw)
			return nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		appendString(buf, s)
		return nil
	}
	return json.Compact(buf, raw)
}

// plainString reports whether the JSON string raw is already written the way
// encoding/json would write it: no escapes, nothing it escapes (<, >, &,
// control characters, U+2028, U+2029) and valid UTF-8.
func plainString(raw []byte) bool {
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return false
	}
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return utf8.Valid(body) && !bytes.Contains(body, []byte("\u2028")) && !bytes.Contains(body, []byte("\u2029"))
}
