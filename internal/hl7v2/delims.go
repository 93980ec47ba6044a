package hl7v2

import "fmt"

// Delimiters are a message's encoding characters: MSH-1 and MSH-2.
type Delimiters struct {
	Field        byte // MSH-1, usually '|'
	Component    byte // usually '^'
	Repetition   byte // usually '~'
	Escape       byte // usually '\'
	SubComponent byte // usually '&'
	Truncation   byte // v2.7 truncation character ('#'); 0 when MSH-2 has four characters
}

// DefaultDelimiters are the encoding characters the standard recommends: |^~\&.
var DefaultDelimiters = Delimiters{Field: '|', Component: '^', Repetition: '~', Escape: '\\', SubComponent: '&'}

// EncodingCharacters returns the MSH-2 value for d.
func (d Delimiters) EncodingCharacters() string {
	s := string([]byte{d.Component, d.Repetition, d.Escape, d.SubComponent})
	if d.Truncation != 0 {
		s += string(d.Truncation)
	}
	return s
}

// parseDelimiters reads the field separator and encoding characters from the
// start of a header segment line (MSH, FHS or BHS) and returns them with the
// rest of the line after MSH-2.
func parseDelimiters(line string) (Delimiters, string, error) {
	if len(line) < 4 {
		return Delimiters{}, "", fmt.Errorf("header segment has no field separator")
	}
	d := Delimiters{Field: line[3]}
	rest := line[4:]
	enc := rest
	end := len(rest)
	for i := 0; i < len(rest); i++ {
		if rest[i] == d.Field {
			enc, end = rest[:i], i
			break
		}
	}
	if len(enc) != 4 && len(enc) != 5 {
		return d, "", fmt.Errorf("encoding characters %q: want 4 or 5 characters", enc)
	}
	d.Component, d.Repetition, d.Escape, d.SubComponent = enc[0], enc[1], enc[2], enc[3]
	if len(enc) == 5 {
		if enc[4] == 0 { // 0 means "no truncation character"; a NUL is no delimiter either
			return d, "", fmt.Errorf("encoding character %q is not a printable non-alphanumeric ASCII character", enc[4])
		}
		d.Truncation = enc[4]
	}
	if err := d.validate(); err != nil {
		return d, "", err
	}
	return d, rest[end:], nil
}

// validate reports delimiters that are not distinct, printable non-alphanumeric
// ASCII characters.
func (d Delimiters) validate() error {
	all := []byte{d.Field, d.Component, d.Repetition, d.Escape, d.SubComponent}
	if d.Truncation != 0 {
		all = append(all, d.Truncation)
	}
	seen := map[byte]bool{}
	for _, c := range all {
		if c <= ' ' || c >= 0x7f || isAlnum(c) {
			return fmt.Errorf("encoding character %q is not a printable non-alphanumeric ASCII character", c)
		}
		if seen[c] {
			return fmt.Errorf("encoding character %q is used twice", c)
		}
		seen[c] = true
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
