package debezium

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// ErrPosition is returned when the manifest holds a position this door did
// not write.
var ErrPosition = errors.New("debezium: unreadable position in the bronze manifest")

// Position is the door's resume point, stored as JSON in the bronze
// manifest in the same atomic swap as the changes it covers.
type Position struct {
	// Version is the format version (1).
	Version int `json:"v"`
	// Files maps each event file's absolute path to how much of it is consumed.
	Files map[string]FilePosition `json:"files,omitempty"`
	// Kafka maps topic → partition → the next offset to consume.
	Kafka map[string]map[int32]int64 `json:"kafka,omitempty"`
	// Requests holds the Idempotency-Keys of the latest HTTP requests made
	// durable (at most MaxRequestKeys, oldest first): a request sent again
	// with the same key is answered without being stored twice.
	Requests []string `json:"requests,omitempty"`
}

// MaxRequestKeys bounds Position.Requests.
const MaxRequestKeys = 4096

// hasRequest reports whether the request key is among the durable ones.
func (p Position) hasRequest(key string) bool { return slices.Contains(p.Requests, key) }

// addRequests records keys as durable, forgetting the oldest past MaxRequestKeys.
func (p *Position) addRequests(keys []string) {
	p.Requests = append(p.Requests, keys...)
	if extra := len(p.Requests) - MaxRequestKeys; extra > 0 {
		p.Requests = slices.Delete(p.Requests, 0, extra)
	}
}

// FilePosition is how far one event file is consumed, and a fingerprint of
// its head so that a file replaced under the same name is read afresh.
type FilePosition struct {
	// Offset is the number of bytes consumed (always at a line boundary).
	Offset int64 `json:"offset"`
	// Line is the number of lines consumed.
	Line int64 `json:"line"`
	// HeadLen and HeadSHA256 fingerprint the file's first bytes.
	HeadLen    int64  `json:"head_len"`
	HeadSHA256 string `json:"head_sha256"`
}

// ParsePosition reads a position the door wrote; "" is the empty position.
func ParsePosition(s string) (Position, error) {
	p := Position{Version: 1}
	if s == "" {
		return p, nil
	}
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return Position{}, fmt.Errorf("%w: %w", ErrPosition, err)
	}
	if p.Version != 1 {
		return Position{}, fmt.Errorf("%w: version %d", ErrPosition, p.Version)
	}
	return p, nil
}

// String returns the position as the JSON stored in the manifest; map keys
// are sorted, so equal positions give equal text.
func (p Position) String() string {
	b, _ := json.Marshal(p) // maps of strings and integers always marshal
	return string(b)
}

// clone returns a deep copy of p.
func (p Position) clone() Position {
	c := Position{Version: 1, Files: maps.Clone(p.Files), Requests: slices.Clone(p.Requests)}
	if p.Kafka != nil {
		c.Kafka = make(map[string]map[int32]int64, len(p.Kafka))
		for t, parts := range p.Kafka {
			c.Kafka[t] = maps.Clone(parts)
		}
	}
	return c
}

// kafkaOffset returns the stored next offset of a partition.
func (p Position) kafkaOffset(topic string, partition int32) (int64, bool) {
	off, ok := p.Kafka[topic][partition]
	return off, ok
}

// setKafka records next as the next offset to consume of a partition.
func (p *Position) setKafka(topic string, partition int32, next int64) {
	if p.Kafka == nil {
		p.Kafka = map[string]map[int32]int64{}
	}
	if p.Kafka[topic] == nil {
		p.Kafka[topic] = map[int32]int64{}
	}
	p.Kafka[topic][partition] = next
}

// setFile records how far the file at path is consumed.
func (p *Position) setFile(path string, fp FilePosition) {
	if p.Files == nil {
		p.Files = map[string]FilePosition{}
	}
	p.Files[path] = fp
}
