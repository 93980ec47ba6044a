package hospital

import (
	"math/rand/v2"
	"slices"
	"strings"
	"unicode/utf8"
)

// noteEdit replaces body[start:end] with text.
type noteEdit struct {
	start, end int
	text       string
	abbrev     bool // an abbreviation rather than a typo
}

// enAbbreviations are the clinical abbreviations an abbreviating author
// writes instead of the phrase, longest phrase first within a concept.
var enAbbreviations = [][2]string{
	{"chronic obstructive pulmonary disease", "COPD"}, {"Chronic obstructive pulmonary disease", "COPD"},
	{"congestive heart failure", "CHF"}, {"Congestive heart failure", "CHF"},
	{"heart failure", "CHF"}, {"Heart failure", "CHF"},
	{"myocardial infarction", "MI"}, {"Myocardial infarction", "MI"},
	{"shortness of breath", "SOB"}, {"Shortness of breath", "SOB"},
	{"chest pain", "CP"}, {"Chest pain", "CP"},
	{"hypertension", "HTN"}, {"Hypertension", "HTN"},
	{"diabetes mellitus", "DM"}, {"Diabetes mellitus", "DM"},
	{"blood pressure", "BP"}, {"Blood pressure", "BP"},
	{"heart rate", "HR"}, {"Heart rate", "HR"},
	{"respiratory rate", "RR"}, {"Respiratory rate", "RR"},
	{"history of", "h/o"}, {"History of", "H/o"},
	{"complains of", "c/o"}, {"Complains of", "C/o"},
	{"patient", "pt"}, {"Patient", "Pt"},
	{"follow-up", "f/u"}, {"Follow-up", "F/u"},
	{"without", "w/o"}, {"with", "w/"},
	{"year-old", "yo"}, {"emergency department", "ED"},
	{"twice daily", "BID"}, {"as needed", "PRN"}, {"by mouth", "PO"},
}

// zhHomophones are input-method slips: a character or word and the
// homophone a pinyin IME offers beside it.
var zhHomophones = [][2]string{
	{"已经", "以经"}, {"症状", "证状"}, {"咳嗽", "咳漱"}, {"伴有", "半有"}, {"疼痛", "疼通"},
	{"患者", "换者"}, {"治疗", "治了"}, {"检查", "检察"}, {"明显", "名显"}, {"再", "在"},
	{"做", "作"}, {"即", "既"}, {"的", "地"}, {"好转", "好赚"},
}

// qwertyRows give each letter its neighbouring keys.
var qwertyRows = []string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}

// abbreviates reports whether author writes abbreviations: a fixed habit of
// about half the staff.
func abbreviates(author int32) bool { return mix64(uint64(author)^0x5bd1e995)%100 < 55 }

// noisyNote returns body as a hurried author types it at typo rate rate:
// English abbreviations when the author abbreviates, character-level typos
// in about rate of words, and Chinese homophone slips at the same rate.
// Findings are moved to where their text now is and marked when altered;
// no edit crosses a finding's boundary.
func noisyNote(n *noteRow, rate float64, body string, fs []noteFinding) (string, []noteFinding) {
	if rate <= 0 {
		return body, fs
	}
	r := seedRand(domainNoise, n.Seed)
	var edits []noteEdit
	if n.Lang == "zh" {
		edits = zhSlips(r, body, rate, fs)
	} else {
		if abbreviates(n.AuthorID) {
			edits = enAbbrevEdits(r, body, fs)
		}
		edits = enTypos(r, body, rate, fs, edits)
	}
	slices.SortFunc(edits, func(a, b noteEdit) int { return a.start - b.start })
	return applyEdits(body, edits, fs)
}

// enAbbrevEdits abbreviates most occurrences of the phrases an author
// abbreviates, on word boundaries.
func enAbbrevEdits(r *rand.Rand, body string, fs []noteFinding) []noteEdit {
	var edits []noteEdit
	for _, a := range enAbbreviations {
		for from := 0; ; {
			i := strings.Index(body[from:], a[0])
			if i < 0 {
				break
			}
			s, e := from+i, from+i+len(a[0])
			from = e
			if !wordBounded(body, s, e) || chance(r, 0.2) {
				continue
			}
			if ed := (noteEdit{start: s, end: e, text: a[1], abbrev: true}); fits(ed, edits, fs) {
				edits = append(edits, ed)
			}
		}
	}
	return edits
}

// wordBounded reports whether body[s:e] is neither preceded nor followed
// by a letter.
func wordBounded(body string, s, e int) bool {
	return (s == 0 || !isLetter(body[s-1])) && (e == len(body) || !isLetter(body[e]))
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// fits reports whether ed overlaps no edit and lies inside or outside
// every finding.
func fits(ed noteEdit, edits []noteEdit, fs []noteFinding) bool {
	for _, o := range edits {
		if ed.start < o.end && o.start < ed.end {
			return false
		}
	}
	for _, f := range fs {
		inside := ed.start >= f.Start && ed.end <= f.End
		outside := ed.end <= f.Start || ed.start >= f.End
		if !inside && !outside {
			return false
		}
	}
	return true
}

// enTypos adds a character-level typo to about rate of the words of four
// or more lower-case letters.
func enTypos(r *rand.Rand, body string, rate float64, fs []noteFinding, edits []noteEdit) []noteEdit {
	for i := 0; i < len(body); {
		if !isLetter(body[i]) {
			i++
			continue
		}
		j := i
		for j < len(body) && isLetter(body[j]) {
			j++
		}
		if j-i >= 4 && body[i+1] >= 'a' && chance(r, rate) {
			ed := noteEdit{start: i, end: j, text: typo(r, body[i:j])}
			if ed.text != body[i:j] && fits(ed, edits, fs) {
				edits = append(edits, ed)
			}
		}
		i = j
	}
	return edits
}

// typo returns w with one slip: two letters swapped, one dropped, one
// doubled or one replaced by a neighbouring key. The first letter stays.
func typo(r *rand.Rand, w string) string {
	k := between(r, 1, len(w)-2)
	switch r.IntN(4) {
	case 0:
		return w[:k] + w[k+1:k+2] + w[k:k+1] + w[k+2:]
	case 1:
		return w[:k] + w[k+1:]
	case 2:
		return w[:k+1] + w[k:]
	}
	return w[:k] + string(neighbourKey(r, w[k])) + w[k+1:]
}

// neighbourKey returns a key beside c on a QWERTY keyboard.
func neighbourKey(r *rand.Rand, c byte) byte {
	for _, row := range qwertyRows {
		if i := strings.IndexByte(row, c|0x20); i >= 0 {
			var near []byte
			if i > 0 {
				near = append(near, row[i-1])
			}
			if i < len(row)-1 {
				near = append(near, row[i+1])
			}
			return pick(r, near)
		}
	}
	return c
}

// zhSlips replaces homophone candidates so that about rate of two-character
// words carry a slip.
func zhSlips(r *rand.Rand, body string, rate float64, fs []noteFinding) []noteEdit {
	var cands []noteEdit
	for _, h := range zhHomophones {
		for from := 0; ; {
			i := strings.Index(body[from:], h[0])
			if i < 0 {
				break
			}
			cands = append(cands, noteEdit{start: from + i, end: from + i + len(h[0]), text: h[1]})
			from += i + len(h[0])
		}
	}
	if len(cands) == 0 {
		return nil
	}
	p := min(1, rate*float64(utf8.RuneCountInString(body))/2/float64(len(cands)))
	var edits []noteEdit
	for _, ed := range cands {
		if chance(r, p) && fits(ed, edits, fs) {
			edits = append(edits, ed)
		}
	}
	return edits
}

// applyEdits returns body with edits, sorted and disjoint, applied and the
// findings moved and re-read, marked typo or abbreviation when an edit fell
// inside them.
func applyEdits(body string, edits []noteEdit, fs []noteFinding) (string, []noteFinding) {
	if len(edits) == 0 {
		return body, fs
	}
	var b strings.Builder
	b.Grow(len(body))
	last := 0
	for _, ed := range edits {
		b.WriteString(body[last:ed.start])
		b.WriteString(ed.text)
		last = ed.end
	}
	b.WriteString(body[last:])
	out := b.String()
	for i := range fs {
		fs[i] = moveFinding(fs[i], edits, out)
	}
	return out, fs
}

// moveFinding returns f as it reads in out, the body after edits.
func moveFinding(f noteFinding, edits []noteEdit, out string) noteFinding {
	shiftStart, shiftEnd := 0, 0
	for _, ed := range edits {
		d := len(ed.text) - (ed.end - ed.start)
		switch {
		case ed.end <= f.Start:
			shiftStart += d
			shiftEnd += d
		case ed.start >= f.Start && ed.end <= f.End:
			shiftEnd += d
			f.Abbreviation = f.Abbreviation || ed.abbrev
			f.Typo = f.Typo || !ed.abbrev
		}
	}
	f.Start += shiftStart
	f.End += shiftEnd
	f.Text = out[f.Start:f.End]
	f.CharStart = utf8.RuneCountInString(out[:f.Start])
	f.CharEnd = f.CharStart + utf8.RuneCountInString(f.Text)
	return f
}
