package hospital

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// enNote writes an English note and returns its title.
func enNote(b *strings.Builder, in *noteInput, f *facts) string {
	switch in.kind {
	case noteProgress:
		enProgress(b, in, f)
		return "Progress Note"
	case noteDischarge:
		enDischarge(b, in, f)
		if in.died() {
			return "Death Summary"
		}
		return "Discharge Summary"
	case noteOperative:
		enOperative(b, in)
		return "Operative Note"
	}
	section(b, "Chief Complaint", ": ", enComplaint(in, f))
	section(b, "History of Present Illness", ": ", enHPI(in, f))
	section(b, "Past Medical History", ": ", enPMH(in, f))
	section(b, "Family History", ": ", enFamily(in, f))
	section(b, "Physical Exam", ": ", f.vitals.en()+" "+examText(in.main, false, true))
	numbered(b, "Assessment:", enAssessment(in, f))
	numbered(b, "Plan:", enPlan(in, f))
	switch in.kind {
	case noteAdmission:
		return "Admission Note"
	case noteEmergency:
		return "Emergency Department Note"
	}
	return "Outpatient Clinic Note"
}

func enComplaint(in *noteInput, f *facts) string {
	if in.followUp() {
		return "Follow-up of " + in.main.Short.en + "."
	}
	return capitalize(symptoms[f.affirmed[0]].en) + " for " + enOnset(in.main.Onset, f.onset) + "."
}

func enHPI(in *noteInput, f *facts) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d-year-old %s ", in.age, enPerson(in.age, in.sex))
	if len(in.history) > 0 {
		b.WriteString("with a history of " + enList(shorts(in.history, false), "and"))
	} else {
		b.WriteString("with no significant past medical history")
	}
	syms := enSymptoms(f.affirmed)
	if in.followUp() {
		fmt.Fprintf(&b, " presents for follow-up of %s. Reports occasional %s. Adherent to medication.", in.main.Short.en, enList(syms, "and"))
	} else {
		fmt.Fprintf(&b, " presents with %s for %s", syms[0], enOnset(in.main.Onset, f.onset))
		if len(syms) > 1 {
			b.WriteString(", associated with " + enList(syms[1:], "and"))
		}
		b.WriteString(".")
		if in.main.Detail.en != "" {
			b.WriteString(" " + in.main.Detail.en)
		}
	}
	if n := enNegation(f.negated, f.negStyle); n != "" {
		b.WriteString(" " + n)
	}
	return b.String()
}

// enNegation states the pertinent negatives: "Denies chest pain. No fever or cough."
func enNegation(neg []string, style int) string {
	if len(neg) == 0 {
		return ""
	}
	syms := enSymptoms(neg)
	switch {
	case style == 1:
		return "No " + enList(syms, "or") + "."
	case style == 2 && len(syms) > 1:
		return "Denies " + syms[0] + ". No " + enList(syms[1:], "or") + "."
	}
	return "Denies " + enList(syms, "or") + "."
}

func enPMH(in *noteInput, f *facts) string {
	s := "No significant past medical history."
	if len(in.history) > 0 {
		s = "History of " + enList(shorts(in.history, false), "and") + "."
	}
	return s + " " + []string{"No known drug allergies.", "Allergic to penicillin.", "Allergic to sulfonamides."}[f.allergy]
}

func enFamily(in *noteInput, f *facts) string {
	if len(in.family) == 0 {
		return noFamilyHistory[f.noFamily].en
	}
	parts := make([]string, len(in.family))
	for i, p := range in.family {
		parts[i] = p.en
	}
	return strings.Join(parts, " ")
}

func enAssessment(in *noteInput, f *facts) []string {
	m := in.main
	first := capitalize(m.Short.en) + "."
	switch {
	case in.followUp():
		first = capitalize(m.Short.en) + ", stable on current treatment."
	case f.uncertain == 1:
		first = "Possible " + m.Short.en + "."
	case f.uncertain == 2 && f.alt != nil:
		first = "Suspected " + m.Short.en + "; rule out " + f.alt.Short.en + "."
	case f.uncertain == 2:
		first = "Suspected " + m.Short.en + "."
	case f.uncertain == 3 && f.alt != nil:
		first = capitalize(m.Short.en) + " is likely; cannot exclude " + f.alt.Short.en + "."
	}
	items := []string{first}
	for _, o := range in.others {
		items = append(items, capitalize(o.Short.en)+".")
	}
	return items
}

func enPlan(in *noteInput, f *facts) []string {
	var items []string
	for _, k := range f.plan {
		items = append(items, plans[k].en)
	}
	if len(in.others) > 0 {
		items = append(items, "Continue home medications.")
	}
	switch in.kind {
	case noteAdmission:
		items = append(items, "Admit to "+deptName(in.main.Dept).en+".")
	case noteEmergency:
		switch in.disposition {
		case "transfer":
			items = append(items, "Transfer to a tertiary centre.")
		case "died":
			items = append(items, "Resuscitation in progress.")
		default:
			items = append(items, enHome(in.main))
		}
	default:
		items = append(items, fmt.Sprintf("Follow-up in %s clinic in %d weeks.", deptName(in.main.Dept).en, f.weeks))
	}
	return items
}

func enProgress(b *strings.Builder, in *noteInput, f *facts) {
	fmt.Fprintf(b, "Hospital day %d.\n", hospitalDay(in.admit, in.written))
	s := []string{"Feels better today.", "No change overnight.", "Symptoms slowly improving."}[f.course]
	if in.main.chestPain() {
		s += []string{" No recurrence of chest pain.", " Chest pain resolved.", " Mild chest pain overnight, relieved by nitroglycerin."}[f.course]
	}
	if n := enNegation(f.negated, f.negStyle); n != "" {
		s += " " + n
	}
	section(b, "Subjective", ": ", s)
	section(b, "Objective", ": ", f.vitals.en()+" "+examText(in.main, false, f.course == 2))
	section(b, "Assessment", ": ", capitalize(in.main.Short.en)+", "+[]string{"improving", "stable", "slowly improving"}[f.course]+".")
	section(b, "Plan", ": ", "Continue current management. "+plans[f.plan[0]].en)
}

func enDischarge(b *strings.Builder, in *noteInput, f *facts) {
	section(b, "Admission Date", ": ", in.admit.Format("2006-01-02"))
	section(b, "Discharge Date", ": ", in.end.Format("2006-01-02"))
	course := fmt.Sprintf("Admitted with %s for %s and treated for %s.", symptoms[f.affirmed[0]].en, enOnset(in.main.Onset, f.onset), in.main.Short.en)
	course += " Management:"
	for _, k := range f.plan {
		course += " " + plans[k].en
	}
	switch {
	case in.died():
		course += fmt.Sprintf(" Despite treatment the patient deteriorated and died on hospital day %d.", hospitalDay(in.admit, in.end))
	case in.main.chestPain():
		course += " Chest pain resolved and the patient was mobilised without symptoms."
	default:
		course += " Recovery was uneventful."
	}
	section(b, "Hospital Course", ": ", course)
	diags := []string{in.main.Name}
	for _, o := range in.others {
		diags = append(diags, o.Name)
	}
	numbered(b, "Discharge Diagnoses:", diags)
	if in.died() {
		section(b, "Cause of Death", ": ", in.main.Name+".")
		return
	}
	section(b, "Condition at Discharge", ": ", []string{"Improved.", "Stable.", "Improved."}[f.course])
	dispo := map[string]string{"home": "Discharged home.", "transfer": "Transferred to a rehabilitation facility.",
		"against advice": "Left against medical advice."}[in.disposition]
	section(b, "Discharge Plan", ": ", fmt.Sprintf("%s Follow-up in %s clinic in %d weeks.", dispo, deptName(in.main.Dept).en, f.weeks))
}

// enPerson names a patient by age and sex.
func enPerson(age int, sex string) string {
	switch {
	case sex == "M" && age < 18:
		return "boy"
	case sex == "F" && age < 18:
		return "girl"
	case sex == "M":
		return "man"
	case sex == "F":
		return "woman"
	}
	return "patient"
}

// enOnset returns "3 days" and the like.
func enOnset(unit string, n int) string {
	word := map[string]string{"h": "hour", "d": "day", "w": "week", "m": "month", "y": "year"}[unit]
	if n != 1 {
		word += "s"
	}
	return fmt.Sprintf("%d %s", n, word)
}

// enList joins items as "a, b and c".
func enList(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

func enSymptoms(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = symptoms[k].en
	}
	return out
}

// shorts returns how notes refer to the conditions.
func shorts(cs []*condition, zh bool) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Short.en
		if zh {
			out[i] = c.Short.zh
		}
	}
	return out
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// enHome is the plan of an emergency visit that ends at home: referral when
// the condition usually needs admission.
func enHome(c *condition) string {
	if c.W[2] > c.W[0] {
		return "Referred to " + deptName(c.Dept).en + " for further management."
	}
	return "Discharge home with return precautions."
}
