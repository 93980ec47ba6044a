package hospital

import (
	"strings"
	"unicode/utf8"
)

// Assertions of a finding in notes.jsonl.
const (
	assertPresent    = "present"
	assertAbsent     = "absent"
	assertPossible   = "possible"
	assertHistorical = "historical"
	assertFamily     = "family"
)

// noteFinding is a mention in a note: its text, where it is (byte offsets
// into the UTF-8 body and character offsets), what it is (a WHO ICD-10
// code or a symptom name) and how it is asserted.
type noteFinding struct {
	Text      string `json:"text"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	CharStart int    `json:"char_start"`
	CharEnd   int    `json:"char_end"`
	Concept   string `json:"concept"`
	Assertion string `json:"assertion"`
	// Typo and Abbreviation mark a finding whose text a typo or an
	// abbreviation altered; Text is then what the note says.
	Typo         bool `json:"typo,omitempty"`
	Abbreviation bool `json:"abbreviation,omitempty"`
}

// noteTruth is a line of notes.jsonl.
type noteTruth struct {
	NoteID   int64         `json:"note_id"`
	Language string        `json:"language"`
	Findings []noteFinding `json:"findings"`
}

// familyConcepts are the ICD-10 codes of familyHistories, in order.
var familyConcepts = []string{"C50.9", "I21.9", "I10", "E11.9", "I63.9", "E11.9", "C18.9", "C34.9", "E03.9", "J44.9"}

// finder locates findings in a note body.
type finder struct {
	body     string
	findings []noteFinding
}

// find records the first occurrence of text in body[from:to] and returns
// the offset after it, or from when there is none.
func (fd *finder) find(text, concept, assertion string, from, to int) int {
	if text == "" || from >= to {
		return from
	}
	i := strings.Index(fd.body[from:to], text)
	if i < 0 {
		return from
	}
	start := from + i
	end := start + len(text)
	cs := utf8.RuneCountInString(fd.body[:start])
	fd.findings = append(fd.findings, noteFinding{Text: text, Start: start, End: end, CharStart: cs,
		CharEnd: cs + utf8.RuneCountInString(text), Concept: concept, Assertion: assertion})
	return end
}

// findAny records the earliest occurrence of any of texts in body[from:to].
func (fd *finder) findAny(texts []string, concept, assertion string, from, to int) {
	best, bestText := -1, ""
	for _, t := range texts {
		if i := strings.Index(fd.body[from:to], t); t != "" && i >= 0 && (best < 0 || i < best) {
			best, bestText = i, t
		}
	}
	if best >= 0 {
		fd.find(bestText, concept, assertion, from+best, to)
	}
}

// section returns the bounds of the text after header up to the next line.
func (fd *finder) section(header string) (int, int) {
	i := strings.Index(fd.body, header)
	if i < 0 {
		return 0, 0
	}
	start := i + len(header)
	end := strings.IndexByte(fd.body[start:], '\n')
	if end < 0 {
		return start, len(fd.body)
	}
	return start, start + end
}

// noteFindings returns what note in, with facts f and text body, mentions.
func noteFindings(in *noteInput, f *facts, body string) []noteFinding {
	fd := &finder{body: body}
	zh := in.lang == "zh"
	if in.initial() {
		fd.initialFindings(in, f, zh)
	} else {
		fd.findAny(conditionTexts(in.main, zh), in.main.Code, assertPresent, 0, len(body))
		for _, o := range in.others {
			fd.findAny(conditionTexts(o, zh), o.Code, assertPresent, 0, len(body))
		}
	}
	fd.negations(f, zh)
	return fd.findings
}

// conditionTexts are the ways notes name c, longest first.
func conditionTexts(c *condition, zh bool) []string {
	if zh {
		return []string{c.Zh, c.Short.zh}
	}
	return []string{c.Name, capitalize(c.Short.en), c.Short.en}
}

// initialFindings locates the findings of an admission, outpatient or
// emergency note: history, complaints, family history and assessment.
func (fd *finder) initialFindings(in *noteInput, f *facts, zh bool) {
	h := map[bool][]string{false: {"History of Present Illness: ", "Past Medical History: ", "Family History: ", "Assessment:"},
		true: {"现病史：", "既往史：", "家族史：", "诊断："}}[zh]
	lo, hi := fd.section(h[0])
	at := lo
	if !zh {
		for _, c := range in.history {
			at = fd.find(c.Short.en, c.Code, assertHistorical, at, hi)
		}
	}
	if in.followUp() {
		at = fd.find(shortIn(in.main, zh), in.main.Code, assertPresent, at, hi)
	}
	for _, k := range f.affirmed {
		at = fd.find(symptomIn(k, zh), k, assertPresent, at, hi)
	}
	lo, hi = fd.section(h[1])
	for _, c := range in.history {
		lo = fd.find(shortIn(c, zh), c.Code, assertHistorical, lo, hi)
	}
	lo, hi = fd.section(h[2])
	for _, p := range in.family {
		i := indexOf(familyHistories, p)
		lo = fd.find(map[bool]string{false: p.en, true: p.zh}[zh], familyConcepts[i], assertFamily, lo, hi)
	}
	fd.assessment(in, f, zh)
}

// assessment locates the diagnoses of the numbered assessment list.
func (fd *finder) assessment(in *noteInput, f *facts, zh bool) {
	header := map[bool]string{false: "\nAssessment:\n", true: "\n诊断：\n"}[zh]
	lo := strings.Index(fd.body, header)
	if lo < 0 {
		return
	}
	lo += len(header)
	end := strings.Index(fd.body[lo:], map[bool]string{false: "\nPlan:", true: "\n诊疗计划："}[zh])
	hi := lo + end
	if end < 0 {
		hi = len(fd.body)
	}
	main := assertPresent
	if !in.followUp() && (f.uncertain == 1 || f.uncertain == 2 || (f.uncertain == 3 && f.alt != nil)) {
		main = assertPossible
	}
	at := lo
	fd.findAny(conditionTexts(in.main, zh), in.main.Code, main, at, hi)
	if n := len(fd.findings); n > 0 && fd.findings[n-1].Concept == in.main.Code {
		at = fd.findings[n-1].End
	}
	if f.alt != nil && !in.followUp() && (f.uncertain == 3 || (f.uncertain == 2 && !zh)) {
		at = fd.find(shortIn(f.alt, zh), f.alt.Code, assertPossible, at, hi)
	}
	for _, o := range in.others {
		fd.findAny(conditionTexts(o, zh), o.Code, assertPresent, at, hi)
	}
}

// negations locates the negated symptoms in the statement of pertinent
// negatives, wherever the note makes it.
func (fd *finder) negations(f *facts, zh bool) {
	text := enNegation(f.negated, f.negStyle)
	if zh {
		text = zhNegation(f.negated, f.negStyle)
	}
	lo := strings.LastIndex(fd.body, text)
	if text == "" || lo < 0 {
		return
	}
	hi := lo + len(text)
	for _, k := range f.negated {
		lo = fd.find(symptomIn(k, zh), k, assertAbsent, lo, hi)
	}
}

func shortIn(c *condition, zh bool) string {
	if zh {
		return c.Short.zh
	}
	return c.Short.en
}

func symptomIn(key string, zh bool) string {
	if zh {
		return symptoms[key].zh
	}
	return symptoms[key].en
}

func indexOf(ps []phrase, p phrase) int {
	for i, q := range ps {
		if q == p {
			return i
		}
	}
	return 0
}
