package hl7v2

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEscapes(t *testing.T) {
	d := DefaultDelimiters
	for _, tc := range []struct{ name, raw, value, reencoded string }{
		{"plain", "abc", "abc", "abc"},
		{"field", `a\F\b`, "a|b", `a\F\b`},
		{"component", `a\S\b`, "a^b", `a\S\b`},
		{"subcomponent", `a\T\b`, "a&b", `a\T\b`},
		{"repetition", `a\R\b`, "a~b", `a\R\b`},
		{"escape", `a\E\b`, `a\b`, `a\E\b`},
		{"hex", `\X0D0A\`, "\r\n", `\X0D\\X0A\`},
		{"hex utf-8", `\XE8A180\`, "血", "血"},
		{"line break kept", `one\.br\two`, `one\.br\two`, `one\.br\two`},
		{"highlight kept", `\H\bold\N\`, `\H\bold\N\`, `\H\bold\N\`},
		{"space command kept", `a\.sp2\b`, `a\.sp2\b`, `a\.sp2\b`},
		{"unknown kept literally", `a\Q\b`, `a\Q\b`, `a\E\Q\E\b`},
		{"unterminated kept literally", `a\b`, `a\b`, `a\E\b`},
		{"bad hex kept literally", `\XZZ\`, `\XZZ\`, `\E\XZZ\E\`},
		{"chinese", "张伟", "张伟", "张伟"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := d.UnescapeText(tc.raw)
			assert.Equal(t, tc.value, v)
			assert.Equal(t, tc.reencoded, d.EscapeText(v))
			assert.Equal(t, v, d.UnescapeText(d.EscapeText(v)))
		})
	}
}

func TestEscapesWithOtherDelimiters(t *testing.T) {
	d := Delimiters{Field: '!', Component: '@', Repetition: '*', Escape: '$', SubComponent: '%'}
	v := "a!b@c*d$e%f|g^h"
	enc := d.EscapeText(v)
	assert.Equal(t, "a$F$b$S$c$R$d$E$e$T$f|g^h", enc)
	assert.Equal(t, v, d.UnescapeText(enc))
}
