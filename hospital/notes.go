package hospital

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// noteInput is everything a note may say: the encounter, its own diagnoses
// and the patient's history. The same input always gives the same text.
type noteInput struct {
	kind, lang  string
	seed        uint64
	regID       int64 // notes of one encounter agree on when it began
	age         int
	sex         string
	vt          byte
	main        *condition
	others      []*condition // the encounter's secondary diagnoses
	history     []*condition // the patient's history when the encounter began
	family      []phrase
	admit, end  time.Time // end is zero while the patient is in hospital
	written     time.Time
	disposition string
}

// newNoteInput collects what note n of encounter e of patient p may say.
func newNoteInput(p *profile, e *encounter, n *noteRow) noteInput {
	return noteInput{
		kind: n.Type, lang: n.Lang, seed: n.Seed, regID: e.reg.ID,
		age: p.ageAt(e.reg.Admit), sex: p.row.Sex, vt: e.reg.VisitType,
		main: e.main, others: e.others(), history: e.history, family: p.family,
		admit: e.reg.Admit, end: e.reg.Discharge, written: n.WrittenAt, disposition: e.reg.Disposition,
	}
}

// followUp reports whether the note is about a routine outpatient follow-up
// of a condition the patient already had.
func (in *noteInput) followUp() bool { return in.vt == 'O' && slices.Contains(in.history, in.main) }

// initial reports whether the note is an admission, outpatient or
// emergency note, written from the history and examination.
func (in *noteInput) initial() bool {
	return in.kind != noteProgress && in.kind != noteDischarge && in.kind != noteOperative
}

// died reports whether the encounter ended in death.
func (in *noteInput) died() bool { return in.disposition == "died" }

// facts are the random choices a note makes, drawn once so that the English
// and Chinese renderings of a note say the same thing.
type facts struct {
	affirmed, negated []string // symptom keys
	negStyle          int
	onset             int
	uncertain         int // 0: certain; 1-3: how the doubt is phrased
	alt               *condition
	vitals            vitals
	plan              []string // plan keys
	allergy, noFamily int
	course            int // 0 better, 1 stable, 2 slowly better
	weeks             int // until follow-up
}

// drawFacts makes a note's random choices.
func drawFacts(r *rand.Rand, in *noteInput) facts {
	m := in.main
	f := facts{
		affirmed: subset(r, m.Sym, 0.7, true),
		negated:  subset(r, m.Neg, 0.8, false),
		negStyle: r.IntN(3),
		onset:    onsetAmount(seedRand(domainOnset, uint64(in.regID)), m.Onset),
		plan:     subset(r, m.Plan, 0.75, true),
		allergy:  weighted(r, []float64{80, 12, 8}),
		noFamily: r.IntN(len(noFamilyHistory)),
		course:   r.IntN(3),
		weeks:    between(r, 2, 8),
	}
	if in.vt != 'O' && !slices.Contains(m.Sym, "chest_pain") && !slices.Contains(f.negated, "chest_pain") && chance(r, 0.15) {
		f.negated = append([]string{"chest_pain"}, f.negated...)
	}
	initial := in.initial()
	if initial && !in.followUp() && chance(r, 0.35) {
		f.uncertain = between(r, 1, 3)
		if len(m.Alt) > 0 {
			f.alt = lookup(pick(r, m.Alt))
		}
	}
	sick := initial || (in.kind == noteProgress && chance(r, 0.4))
	f.vitals = drawVitals(r, m.Vitals, in.age, sick)
	return f
}

// onsetAmount draws how many units of the condition's onset scale ago the
// complaint began.
func onsetAmount(r *rand.Rand, unit string) int {
	switch unit {
	case "h":
		return between(r, 1, 12)
	case "d":
		return between(r, 1, 7)
	case "w":
		return between(r, 1, 4)
	case "m":
		return between(r, 1, 6)
	}
	return between(r, 1, 10)
}

// writeNote returns the title and text of the note described by in.
func writeNote(in *noteInput) (title, body string) {
	title, body, _ = writeNoteFacts(in)
	return title, body
}

// writeNoteFacts returns the title and text of the note described by in,
// and the facts it states.
func writeNoteFacts(in *noteInput) (title, body string, f facts) {
	r := seedRand(domainNote, in.seed)
	f = drawFacts(r, in)
	var b strings.Builder
	b.Grow(1200)
	if in.lang == "zh" {
		title = zhNote(&b, in, &f)
	} else {
		title = enNote(&b, in, &f)
	}
	return title, b.String(), f
}

// vitals are a set of vital signs.
type vitals struct {
	temp                   float64
	hr, sbp, dbp, rr, spo2 int
	gcs                    int // Glasgow coma scale; 0 when not assessed
}

// drawVitals draws vital signs, abnormal as flags say when sick.
func drawVitals(r *rand.Rand, flags string, age int, sick bool) vitals {
	v := vitals{temp: 36.3 + float64(r.IntN(9))/10, hr: between(r, 62, 92), sbp: between(r, 110, 138),
		dbp: between(r, 65, 85), rr: between(r, 14, 18), spo2: between(r, 96, 99)}
	if age < 12 {
		v.hr += 20
		v.sbp -= 15
	}
	if !sick {
		return v
	}
	for _, c := range flags {
		switch c {
		case 'F':
			v.temp = 38.1 + float64(r.IntN(16))/10
		case 'T':
			v.hr = between(r, 102, 128)
		case 'H':
			v.sbp, v.dbp = between(r, 78, 92), between(r, 42, 55)
		case 'B':
			v.sbp, v.dbp = between(r, 150, 182), between(r, 90, 108)
		case 'O':
			v.spo2, v.rr = between(r, 86, 92), between(r, 22, 30)
		}
	}
	return v
}

func (v vitals) en() string {
	return fmt.Sprintf("T %.1f C, HR %d, BP %d/%d, RR %d, SpO2 %d%% on room air.", v.temp, v.hr, v.sbp, v.dbp, v.rr, v.spo2)
}

func (v vitals) zh() string {
	return fmt.Sprintf("T %.1f℃，P %d次/分，R %d次/分，BP %d/%dmmHg，SpO2 %d%%。", v.temp, v.hr, v.rr, v.sbp, v.dbp, v.spo2)
}

// examText returns the physical examination for c in the language: the
// normal finding of each system unless c names an abnormal one, then the
// neurological and other findings.
func examText(c *condition, zh bool, sick bool) string {
	var found []exam
	if sick {
		for _, k := range c.Exam {
			found = append(found, exams[k])
		}
	}
	var parts []string
	text := func(p phrase) string {
		if zh {
			return p.zh
		}
		return p.en
	}
	for _, n := range normalExam {
		i := slices.IndexFunc(found, func(e exam) bool { return e.sys == n.sys })
		if i >= 0 {
			parts = append(parts, text(found[i].text))
			continue
		}
		parts = append(parts, text(n.text))
	}
	for _, e := range found {
		if e.sys == 'N' || e.sys == 'X' {
			parts = append(parts, text(e.text))
		}
	}
	sep := " "
	if zh {
		sep = ""
	}
	return strings.Join(parts, sep)
}

// deptName returns the name of the department with the code.
func deptName(code string) phrase {
	for _, d := range departments {
		if d.code == code {
			return d.name
		}
	}
	return phrase{"outpatient", "门诊"}
}

// section writes "Header: text" on a line of its own.
func section(b *strings.Builder, header, sep, text string) {
	b.WriteString(header)
	b.WriteString(sep)
	b.WriteString(text)
	b.WriteByte('\n')
}

// numbered writes the header on a line and the items as a numbered list.
func numbered(b *strings.Builder, header string, items []string) {
	b.WriteString(header)
	b.WriteByte('\n')
	for i, it := range items {
		fmt.Fprintf(b, "%d. %s\n", i+1, it)
	}
}

// hospitalDay returns the day of the stay at t, the admission day being 1.
func hospitalDay(admit, t time.Time) int {
	return int(t.Truncate(24*time.Hour).Sub(admit.Truncate(24*time.Hour)).Hours()/24) + 1
}
