package bronze

import (
	"fmt"
	"path/filepath"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
)

// MaxRejectPayload bounds the raw record a Reject keeps; longer payloads are
// cut (the position still finds the original in its source).
const MaxRejectPayload = 64 << 10

// Reject is an input record a door could not accept: the dead-letter store.
// A door writes it in the same Batch as the changes around it, so that the
// record counts as consumed exactly when its reason is durable.
type Reject struct {
	// Source names the door and input, e.g. "hl7:mllp", "fhir:Patient.ndjson".
	Source string `parquet:"source"`
	// Position locates the record in its source: "file.ndjson:17", a Kafka
	// offset, an HL7 control id.
	Position string `parquet:"position"`
	// Reason says why it was refused, naming the field at fault.
	Reason string `parquet:"reason"`
	// Payload is the raw record, at most MaxRejectPayload bytes.
	Payload string `parquet:"payload,optional"`
	// At is when the door refused it.
	At time.Time `parquet:"at,timestamp(microsecond)"`
}

// NewReject returns a Reject stamped now, its payload cut to MaxRejectPayload
// bytes on a UTF-8 boundary.
func NewReject(source, position, reason string, payload []byte) Reject {
	if len(payload) > MaxRejectPayload {
		cut := MaxRejectPayload
		for cut > 0 && !utf8.RuneStart(payload[cut]) {
			cut--
		}
		payload = payload[:cut]
	}
	return Reject{Source: source, Position: position, Reason: reason, Payload: string(payload), At: time.Now().UTC()}
}

// ReadRejects returns every reject the manifest of dir names, oldest first.
func ReadRejects(dir string) ([]Reject, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	var out []Reject
	for _, f := range m.Rejects {
		rows, err := parquet.ReadFile[Reject](filepath.Join(dir, f.Path))
		if err != nil {
			return nil, fmt.Errorf("bronze: read rejects %s: %w", f.Path, err)
		}
		out = append(out, rows...)
	}
	return out, nil
}
