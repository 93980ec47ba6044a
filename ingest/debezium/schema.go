package debezium

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
)

// connectSchema is a Kafka Connect JSON schema, as Debezium's JsonConverter
// writes it with schemas.enable=true.
type connectSchema struct {
	Type       string                     `json:"type"`
	Name       string                     `json:"name,omitempty"`
	Field      string                     `json:"field,omitempty"`
	Optional   bool                       `json:"optional,omitempty"`
	Parameters map[string]json.RawMessage `json:"parameters,omitempty"`
	Fields     []connectSchema            `json:"fields,omitempty"`
}

// field returns the schema of the struct field named name, or nil.
func (s *connectSchema) field(name string) *connectSchema {
	if s == nil {
		return nil
	}
	for i := range s.Fields {
		if s.Fields[i].Field == name {
			return &s.Fields[i]
		}
	}
	return nil
}

// intParam returns the integer parameter name ("scale"), which Kafka Connect
// writes as a string and some producers as a number.
func (s *connectSchema) intParam(name string) (int, bool) {
	if s == nil {
		return 0, false
	}
	raw, ok := s.Parameters[name]
	if !ok {
		return 0, false
	}
	var str string
	if err := json.Unmarshal(raw, &str); err != nil {
		str = string(raw)
	}
	n, err := strconv.Atoi(str)
	return n, err == nil
}

// schemaCacheSize bounds the distinct schemas a Decoder keeps parsed: one
// per table and schema version in practice.
const schemaCacheSize = 1024

// schemaCache keeps parsed schemas by their JSON text: Debezium repeats the
// same schema in every event of a table, and parsing it is most of the cost
// of decoding a schema-wrapped event.
type schemaCache struct {
	mu sync.Mutex
	m  map[string]*connectSchema
}

// parse returns the schema raw describes (nil for none or null).
func (c *schemaCache) parse(raw json.RawMessage) (*connectSchema, error) {
	if isNull(raw) {
		return nil, nil
	}
	c.mu.Lock()
	s, ok := c.m[string(raw)]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	s = new(connectSchema)
	if err := json.Unmarshal(raw, s); err != nil {
		return nil, fmt.Errorf("%w: schema: %w", ErrMalformed, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= schemaCacheSize {
		c.m = make(map[string]*connectSchema)
	}
	c.m[string(raw)] = s
	return s, nil
}
