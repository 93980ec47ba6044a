package hospital

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVocabularyIsConsistent(t *testing.T) {
	require.GreaterOrEqual(t, len(conditions), 40)
	depts := staticDeptTable()
	for i := range conditions {
		c := &conditions[i]
		t.Run(c.Code, func(t *testing.T) {
			assert.Same(t, c, lookup(c.Code), "codes are unique")
			assert.NotEmpty(t, c.Name)
			assert.NotEmpty(t, c.Zh)
			assert.NotEmpty(t, c.Short.en)
			assert.NotEmpty(t, c.Short.zh)
			assert.Contains(t, depts.ids, c.Dept)
			assert.NotEmpty(t, c.Sym)
			assert.NotEmpty(t, c.Plan)
			assert.Contains(t, "hdwmy", c.Onset)
			for _, k := range append(append([]string{}, c.Sym...), c.Neg...) {
				assert.Contains(t, symptoms, k)
			}
			for _, k := range c.Neg {
				assert.NotContains(t, c.Sym, k, "a symptom is not both affirmed and negated")
			}
			for _, k := range c.Exam {
				assert.Contains(t, exams, k)
			}
			for _, k := range c.Plan {
				assert.Contains(t, plans, k)
			}
			for _, code := range append(append([]string{c.Then}, c.Comorb...), c.Alt...) {
				if code != "" {
					assert.NotNil(t, lookup(code), code)
				}
			}
			if c.W[2] > 0 && !c.DaySurgery {
				assert.Positive(t, c.LOS[1], "an inpatient condition has a length of stay")
			}
		})
	}
}

func TestNotesAreWrittenFromTheirEncounter(t *testing.T) {
	admit := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	base := noteInput{
		seed: 7, age: 67, sex: "M", vt: 'I', main: lookup("I21.4"),
		others:  []*condition{lookup("I10"), lookup("E11.9")},
		history: []*condition{lookup("I10"), lookup("E11.9"), lookup("I25.2")},
		family:  []phrase{familyHistories[0]},
		admit:   admit, end: admit.Add(96 * time.Hour), written: admit.Add(2 * time.Hour), disposition: "home",
	}
	tests := []struct {
		kind, lang, title string
		want              []string
	}{
		{noteAdmission, "en", "Admission Note", []string{"Chief Complaint: ", "History of Present Illness: ", "Past Medical History: ", "Physical Exam: ", "Assessment:\n", "Plan:\n", "chest pain", "history of hypertension", "MI", "Mother had breast cancer."}},
		{noteAdmission, "zh", "入院记录", []string{"主诉：", "现病史：", "既往史：", "体格检查：", "诊断：\n", "诊疗计划：\n", "胸痛", "高血压", "母亲患乳腺癌"}},
		{noteProgress, "en", "Progress Note", []string{"Hospital day 1.", "Subjective: ", "Assessment: NSTEMI", "chest pain"}},
		{noteProgress, "zh", "病程记录", []string{"住院第1天", "病情：", "胸痛"}},
		{noteDischarge, "en", "Discharge Summary", []string{"Discharge Date: 2025-03-05", "Discharge Diagnoses:\n1. Acute subendocardial myocardial infarction\n2. Essential (primary) hypertension", "Chest pain resolved"}},
		{noteDischarge, "zh", "出院小结", []string{"出院日期：2025-03-05", "出院诊断：\n1. 急性非ST段抬高型心肌梗死\n2. 原发性高血压"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.lang, func(t *testing.T) {
			in := base
			in.kind, in.lang = tt.kind, tt.lang
			title, body := writeNote(&in)
			assert.Equal(t, tt.title, title)
			for _, w := range tt.want {
				if strings.ToLower(w) == w {
					assert.Contains(t, strings.ToLower(body), w)
					continue
				}
				assert.Contains(t, body, w)
			}
			_, again := writeNote(&in)
			assert.Equal(t, body, again, "the same input writes the same text")
			t.Log("\n" + body)
		})
	}
}

func TestNotesNegateAndHedge(t *testing.T) {
	in := noteInput{kind: noteEmergency, lang: "en", age: 40, sex: "F", vt: 'E', main: lookup("J18.9"),
		admit: time.Unix(0, 0).UTC(), end: time.Unix(3600, 0).UTC(), disposition: "home"}
	var negated, hedged, zhNegated, zhHedged int
	for seed := range uint64(300) {
		in.seed, in.lang = seed, "en"
		_, body := writeNote(&in)
		if strings.Contains(body, "Denies chest pain") || strings.Contains(body, "No chest pain") {
			negated++
		}
		if strings.Contains(body, "Possible pneumonia") || strings.Contains(body, "Suspected pneumonia") {
			hedged++
		}
		in.lang = "zh"
		_, body = writeNote(&in)
		if strings.Contains(body, "否认胸痛") || strings.Contains(body, "无胸痛") {
			zhNegated++
		}
		if strings.Contains(body, "考虑肺炎可能") {
			zhHedged++
		}
	}
	for name, n := range map[string]int{"negated": negated, "hedged": hedged, "zh negated": zhNegated, "zh hedged": zhHedged} {
		assert.Positive(t, n, name)
		assert.Less(t, n, 300, name)
	}
}

func TestBatchesDoNotDependOnBatchBoundaries(t *testing.T) {
	opts, err := Options{Patients: 120, Seed: 5, Until: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}.withDefaults()
	require.NoError(t, err)
	rows := func(bounds ...int) [][]any {
		g := &generator{opts: opts, start: opts.Until.AddDate(0, 0, -opts.Days), depts: staticDeptTable()}
		var out [][]any
		for i := 1; i < len(bounds); i++ {
			for _, p := range g.planBatch(bounds[i-1], bounds[i]) {
				out = append(out, p.row.values())
				for j := range p.encounters {
					e := &p.encounters[j]
					out = append(out, e.reg.values())
					for k := range e.diags {
						out = append(out, e.diags[k].values())
					}
					for k := range e.notes {
						out = append(out, noteRef{p: &p.profile, e: e, n: &e.notes[k]}.values())
					}
				}
			}
		}
		return out
	}
	whole := rows(0, 120)
	assert.Equal(t, whole, rows(0, 7, 64, 65, 120))
	assert.Len(t, whole[0], len(patientColumns))
}

func TestCorrectionChangesTheCode(t *testing.T) {
	r := seedRand(1)
	for i := range conditions {
		c := &conditions[i]
		for range 20 {
			got := correction(r, c, 50, "F", []string{c.Code, "I10"})
			assert.NotEqual(t, c.Code, got.Code)
			assert.NotEqual(t, "I10", got.Code)
			assert.True(t, got.eligible(50, "F"))
		}
	}
}

func TestEveryPatientHasAnEncounterWithinTheWindow(t *testing.T) {
	tests := []struct {
		name  string
		until time.Time
		days  int
	}{
		{"a year up to midnight", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 365},
		{"one day up to the afternoon", time.Date(2025, 6, 1, 15, 30, 0, 0, time.UTC), 1},
		{"three days up to the morning", time.Date(2025, 6, 1, 7, 5, 9, 0, time.UTC), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := Options{Patients: 500, Seed: 9, Until: tt.until, Days: tt.days}.withDefaults()
			require.NoError(t, err)
			g := &generator{opts: opts, start: opts.Until.AddDate(0, 0, -opts.Days), depts: staticDeptTable()}
			for _, p := range g.planBatch(0, 500) {
				require.NotEmpty(t, p.encounters)
				assert.LessOrEqual(t, len(p.encounters), 6)
				for _, e := range p.encounters {
					assert.False(t, e.reg.Admit.After(tt.until))
					assert.False(t, e.reg.Discharge.After(tt.until))
					for _, n := range e.notes {
						assert.False(t, n.WrittenAt.After(tt.until))
					}
				}
			}
		})
	}
}
