package debezium

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Semantic type names Debezium and Kafka Connect put in a field's schema.
const (
	typeDate           = "io.debezium.time.Date"
	typeTimestamp      = "io.debezium.time.Timestamp"
	typeMicroTimestamp = "io.debezium.time.MicroTimestamp"
	typeNanoTimestamp  = "io.debezium.time.NanoTimestamp"
	typeZonedTimestamp = "io.debezium.time.ZonedTimestamp"
	typeTime           = "io.debezium.time.Time"
	typeMicroTime      = "io.debezium.time.MicroTime"
	typeNanoTime       = "io.debezium.time.NanoTime"
	typeVarDecimal     = "io.debezium.data.VariableScaleDecimal"
	typeJSON           = "io.debezium.data.Json"
	typeConnectDecimal = "org.apache.kafka.connect.data.Decimal"
	typeConnectDate    = "org.apache.kafka.connect.data.Date"
	typeConnectTime    = "org.apache.kafka.connect.data.Time"
	typeConnectTS      = "org.apache.kafka.connect.data.Timestamp"
)

// Text layouts of PostgreSQL's output for the same values: fractional
// seconds only when present, trailing zeros cut.
const (
	layoutDate      = "2006-01-02"
	layoutTimestamp = "2006-01-02 15:04:05.999999"
	layoutNanoTS    = "2006-01-02 15:04:05.999999999"
	layoutTime      = "15:04:05.999999"
	layoutNanoTime  = "15:04:05.999999999"
)

var errType = errors.New("wrong JSON type")

// appendValue appends the bronze JSON text of one field value whose Kafka
// Connect schema is s (nil when the event has no schema wrapper).
func appendValue(buf *bytes.Buffer, s *connectSchema, raw json.RawMessage) error {
	if isNull(raw) {
		buf.WriteString("null")
		return nil
	}
	if s == nil {
		return appendRaw(buf, raw)
	}
	switch s.Name {
	case typeDate, typeConnectDate:
		return appendEpoch(buf, raw, 24*int64(time.Hour), layoutDate)
	case typeTimestamp, typeConnectTS:
		return appendEpoch(buf, raw, int64(time.Millisecond), layoutTimestamp)
	case typeMicroTimestamp:
		return appendEpoch(buf, raw, int64(time.Microsecond), layoutTimestamp)
	case typeNanoTimestamp:
		return appendEpoch(buf, raw, 1, layoutNanoTS)
	case typeTime, typeConnectTime:
		return appendTimeOfDay(buf, raw, int64(time.Millisecond), layoutTime)
	case typeMicroTime:
		return appendTimeOfDay(buf, raw, int64(time.Microsecond), layoutTime)
	case typeNanoTime:
		return appendTimeOfDay(buf, raw, 1, layoutNanoTime)
	case typeZonedTimestamp:
		return appendZoned(buf, raw)
	case typeConnectDecimal:
		scale, ok := s.intParam("scale")
		if !ok {
			return errors.New("decimal schema without a scale parameter")
		}
		return appendDecimal(buf, raw, scale)
	case typeVarDecimal:
		return appendVariableDecimal(buf, raw)
	case typeJSON:
		return appendJSON(buf, raw)
	}
	return appendPlain(buf, s.Type, raw)
}

// appendPlain appends a value of a Kafka Connect primitive type after
// checking the JSON matches the type the schema declares.
func appendPlain(buf *bytes.Buffer, typ string, raw json.RawMessage) error {
	var want byte
	switch typ {
	case "int8", "int16", "int32", "int64", "float", "float32", "float64", "double":
		want = 'n'
	case "boolean":
		want = 'b'
	case "string", "bytes": // bytes stay base64, as Debezium sent them
		want = '"'
	default: // struct, array, map: kept as sent
		return appendRaw(buf, raw)
	}
	if kind(raw) != want {
		return fmt.Errorf("%w: %s value %s", errType, typ, abbreviate(raw))
	}
	if want == 'n' && strings.HasPrefix(typ, "int") && bytes.ContainsAny(raw, ".eE") {
		return fmt.Errorf("%w: %s value %s is not an integer", errType, typ, abbreviate(raw))
	}
	return appendRaw(buf, raw)
}

// kind classifies a JSON value by its first byte: 'n' number, 'b' boolean,
// '"' string, '{' object, '[' array.
func kind(raw []byte) byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	switch c := raw[0]; {
	case c == '-' || (c >= '0' && c <= '9'):
		return 'n'
	case c == 't' || c == 'f':
		return 'b'
	default:
		return c
	}
}

// The instants the text layouts can write: years 1 to 9999.
const (
	minSeconds = -62135596800 // 0001-01-01 00:00:00
	maxSeconds = 253402300799 // 9999-12-31 23:59:59
)

// appendEpoch appends an integer count of unit nanoseconds since the epoch
// in layout, in UTC.
func appendEpoch(buf *bytes.Buffer, raw json.RawMessage, unit int64, layout string) error {
	v, err := integer(raw)
	if err != nil {
		return err
	}
	var t time.Time
	if unit >= int64(time.Second) {
		per := unit / int64(time.Second)
		if v < minSeconds/per || v > maxSeconds/per {
			return fmt.Errorf("value %d out of range", v)
		}
		t = time.Unix(v*per, 0)
	} else {
		per := int64(time.Second) / unit
		whole, frac := v/per, v%per
		if frac < 0 {
			whole, frac = whole-1, frac+per
		}
		if whole < minSeconds || whole > maxSeconds {
			return fmt.Errorf("value %d out of range", v)
		}
		t = time.Unix(whole, frac*unit)
	}
	appendString(buf, t.UTC().Format(layout))
	return nil
}

// appendTimeOfDay appends an integer count of unit nanoseconds since
// midnight as a time of day.
func appendTimeOfDay(buf *bytes.Buffer, raw json.RawMessage, unit int64, layout string) error {
	v, err := integer(raw)
	if err != nil {
		return err
	}
	if v < 0 || v > int64(24*time.Hour)/unit {
		return fmt.Errorf("value %d out of range for a time of day", v)
	}
	if v == int64(24*time.Hour)/unit {
		appendString(buf, "24:00:00")
		return nil
	}
	appendString(buf, time.Unix(0, v*unit).UTC().Format(layout))
	return nil
}

// integer reads a JSON integer.
func integer(raw json.RawMessage) (int64, error) {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("%w: want an integer, got %s", errType, abbreviate(raw))
	}
	v, err := n.Int64()
	if err != nil {
		return 0, fmt.Errorf("%w: want an integer, got %s", errType, abbreviate(raw))
	}
	return v, nil
}

// appendZoned appends a ZonedTimestamp (ISO-8601 text with offset) as the
// same instant in RFC 3339, UTC.
func appendZoned(buf *bytes.Buffer, raw json.RawMessage) error {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("%w: want a string, got %s", errType, abbreviate(raw))
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("zoned timestamp %q: %w", s, err)
	}
	appendString(buf, t.UTC().Format(time.RFC3339Nano))
	return nil
}

// appendDecimal appends a Connect Decimal (base64 of the big-endian two's
// complement unscaled value) as a JSON number with every digit, as the
// PostgreSQL door writes numerics. A decimal Debezium already sent as a
// number or numeric string (decimal.handling.mode) is kept.
func appendDecimal(buf *bytes.Buffer, raw json.RawMessage, scale int) error {
	if kind(raw) == 'n' {
		return appendRaw(buf, raw)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("%w: decimal %s", errType, abbreviate(raw))
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return fmt.Errorf("decimal %q is not base64 of an unscaled integer", s)
	}
	return appendDecimalText(buf, unscaled(b), scale)
}

// appendVariableDecimal appends a VariableScaleDecimal {"scale", "value"}.
func appendVariableDecimal(buf *bytes.Buffer, raw json.RawMessage) error {
	var v struct {
		Scale *int    `json:"scale"`
		Value *string `json:"value"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Scale == nil || v.Value == nil {
		return fmt.Errorf("variable scale decimal %s lacks scale or value", abbreviate(raw))
	}
	b, err := base64.StdEncoding.DecodeString(*v.Value)
	if err != nil || len(b) == 0 {
		return fmt.Errorf("variable scale decimal value %q is not base64", *v.Value)
	}
	return appendDecimalText(buf, unscaled(b), *v.Scale)
}

// unscaled reads a big-endian two's complement integer.
func unscaled(b []byte) *big.Int {
	n := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return n
}

// maxScale bounds the digits a decimal's scale may add or move: PostgreSQL's
// numeric allows 16,383 digits after the point, no database more.
const maxScale = 16383

// appendDecimalText writes n × 10^-scale in plain notation, keeping scale
// digits after the point (12.50 stays 12.50, as in PostgreSQL's numeric
// output).
func appendDecimalText(buf *bytes.Buffer, n *big.Int, scale int) error {
	if scale > maxScale || scale < -maxScale {
		return fmt.Errorf("decimal scale %d out of range", scale)
	}
	if scale <= 0 {
		buf.WriteString(new(big.Int).Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-scale)), nil)).String())
		return nil
	}
	digits := new(big.Int).Abs(n).String()
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	if n.Sign() < 0 {
		buf.WriteByte('-')
	}
	cut := len(digits) - scale
	buf.WriteString(digits[:cut])
	buf.WriteByte('.')
	buf.WriteString(digits[cut:])
	return nil
}

// appendJSON embeds an io.debezium.data.Json value (JSON text in a string)
// as JSON, as the PostgreSQL door embeds json and jsonb.
func appendJSON(buf *bytes.Buffer, raw json.RawMessage) error {
	if kind(raw) != '"' {
		return appendRaw(buf, raw)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	if !json.Valid([]byte(s)) {
		return fmt.Errorf("json column value %s is not valid JSON", abbreviate([]byte(s)))
	}
	return json.Compact(buf, []byte(s))
}

// abbreviate quotes at most 40 bytes of a value for an error message.
func abbreviate(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 40 {
		return string(raw[:40]) + "…"
	}
	return string(raw)
}
