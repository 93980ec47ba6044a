package hospital

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noisyInputs are notes of several kinds, languages and conditions.
func noisyInputs() []noteInput {
	var ins []noteInput
	for seed := range uint64(200) {
		for _, code := range []string{"J18.9", "I21.4", "I50.9", "J44.1"} {
			ins = append(ins, noteInput{kind: []string{noteAdmission, noteProgress, noteDischarge, noteEmergency}[seed%4],
				lang: []string{"en", "zh"}[seed%2], seed: seed, age: 60, sex: "M", vt: 'I', main: lookup(code),
				history: []*condition{lookup("I10")}, admit: time.Unix(0, 0).UTC(), end: time.Unix(86400*3, 0).UTC(),
				written: time.Unix(3600, 0).UTC(), disposition: "home"})
		}
	}
	return ins
}

func TestNoisyNoteRateZeroChangesNothing(t *testing.T) {
	for _, in := range noisyInputs()[:40] {
		_, body, f := writeNoteFacts(&in)
		fs := noteFindings(&in, &f, body)
		want := append([]noteFinding(nil), fs...)
		got, gotFs := noisyNote(&noteRow{Seed: in.seed, Lang: in.lang, AuthorID: 1}, 0, body, fs)
		assert.Equal(t, body, got)
		assert.Equal(t, want, gotFs)
	}
}

func TestNoisyNoteTypoRateAndTruth(t *testing.T) {
	const rate = 0.03
	var enWords, enN, zhRunes, zhN, typoFindings, abbrevFindings int
	for i, in := range noisyInputs() {
		_, body, f := writeNoteFacts(&in)
		fs := noteFindings(&in, &f, body)
		n := &noteRow{Seed: in.seed, Lang: in.lang, AuthorID: int32(i)}
		out, moved := noisyNote(n, rate, body, fs)
		require.Len(t, moved, len(fs))
		for _, m := range moved {
			require.Equal(t, m.Text, out[m.Start:m.End], "note %d", i)
			require.Equal(t, m.Text, string([]rune(out)[m.CharStart:m.CharEnd]), "note %d", i)
			typoFindings += b2i(m.Typo)
			abbrevFindings += b2i(m.Abbreviation)
		}
		r := seedRand(domainNoise, n.Seed)
		if in.lang == "zh" {
			zhRunes += len([]rune(body))
			zhN += len(zhSlips(r, body, rate, nil))
			continue
		}
		enWords += len(strings.FieldsFunc(body, func(c rune) bool { return c < 'A' || c > 'z' }))
		enN += len(enTypos(r, body, rate, nil, nil))
		again, _ := noisyNote(n, rate, body, nil)
		assert.Equal(t, out, again, "the same note gets the same slips")
	}
	enShare := float64(enN) / float64(enWords)
	zhShare := float64(zhN) / (float64(zhRunes) / 2)
	t.Logf("en: %d typos in %d words (%.4f); zh: %d slips in %d runes (%.4f); findings: %d typo, %d abbreviation",
		enN, enWords, enShare, zhN, zhRunes, zhShare, typoFindings, abbrevFindings)
	assert.InDelta(t, rate*0.6, enShare, rate*0.45, "English typo share of all words")
	assert.InDelta(t, rate, zhShare, rate*0.6, "Chinese slip share of two-character words")
	assert.Positive(t, typoFindings)
	assert.Positive(t, abbrevFindings)
}

func TestAbbreviations(t *testing.T) {
	body := "Patient with a history of hypertension complains of chest pain and shortness of breath."
	fs := []noteFinding{{Text: "chest pain", Start: 52, End: 62, CharStart: 52, CharEnd: 62, Concept: "chest_pain", Assertion: assertPresent}}
	var author int32
	for !abbreviates(author) {
		author++
	}
	for seed := range uint64(20) {
		out, moved := noisyNote(&noteRow{Seed: seed, Lang: "en", AuthorID: author}, 1e-9, body, fs)
		if !strings.Contains(out, "CP") {
			continue
		}
		assert.Equal(t, "CP", moved[0].Text)
		assert.True(t, moved[0].Abbreviation)
		assert.Equal(t, "CP", out[moved[0].Start:moved[0].End])
		return
	}
	t.Fatal("no seed abbreviated chest pain")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
