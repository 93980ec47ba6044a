package hospital

import (
	"math/rand/v2"
	"time"
)

// allergen is an allergy a patient may have.
type allergen struct {
	name               phrase
	reaction, severity string
}

var allergens = []allergen{
	{phrase{"Penicillin", "青霉素"}, "rash", "moderate"},
	{phrase{"Sulfonamides", "磺胺类药物"}, "urticaria", "mild"},
	{phrase{"Iodinated contrast", "碘造影剂"}, "urticaria", "moderate"},
	{phrase{"Aspirin", "阿司匹林"}, "bronchospasm", "severe"},
	{phrase{"Shellfish", "海鲜"}, "angioedema", "severe"},
	{phrase{"Pollen", "花粉"}, "rhinitis", "mild"},
	{phrase{"Cephalosporins", "头孢菌素类"}, "rash", "mild"},
}

// vaccine is an immunization with its CVX code.
type vaccine struct{ cvx, name string }

var (
	vaccineFlu   = vaccine{"140", "Influenza, seasonal, injectable, preservative free"}
	vaccinePPV23 = vaccine{"33", "Pneumococcal polysaccharide vaccine, 23 valent"}
	vaccineCovid = vaccine{"208", "COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose"}
	vaccineHepB  = vaccine{"08", "Hepatitis B vaccine, pediatric or pediatric/adolescent dosage"}
	vaccineMMR   = vaccine{"03", "Measles, mumps and rubella virus vaccine"}
	vaccineTdap  = vaccine{"115", "Tetanus toxoid, reduced diphtheria toxoid, and acellular pertussis vaccine, adsorbed"}
)

// patientExtras are the allergies and immunizations of a patient.
type patientExtras struct {
	allergies []allergyRow
	immuns    []immunRow
}

// planExtras draws p's allergies, recorded at their first encounter, and
// immunizations given between birth and until. Ids come from ids.
func planExtras(r *rand.Rand, ids *idAlloc, p *profile, first, until time.Time) patientExtras {
	var x patientExtras
	if chance(r, 0.15) {
		a := pick(r, allergens)
		x.allergies = append(x.allergies, allergyRow{ID: ids.next(&ids.allergy), PatientID: p.row.ID, Allergen: a, At: first})
		if b := pick(r, allergens); b != a && chance(r, 0.25) {
			x.allergies = append(x.allergies, allergyRow{ID: ids.next(&ids.allergy), PatientID: p.row.ID, Allergen: b, At: first})
		}
	}
	birth := p.row.Birth
	give := func(v vaccine, at time.Time, dose int32) {
		if at.After(birth) && !at.After(until) {
			x.immuns = append(x.immuns, immunRow{ID: ids.next(&ids.immun), PatientID: p.row.ID, Vaccine: v, At: at, Dose: dose})
		}
	}
	age := p.ageAt(until)
	at := func(days int) time.Time {
		return until.AddDate(0, 0, -days).Truncate(24 * time.Hour).Add(9*time.Hour + minutes(r, 0, 480))
	}
	switch {
	case age < 18:
		give(vaccineHepB, birth.Add(24*time.Hour), 1)
		give(vaccineMMR, birth.AddDate(1, 0, between(r, 0, 60)), 1)
	case age >= 65:
		if chance(r, 0.45) {
			give(vaccineFlu, at(between(r, 30, 330)), 1)
		}
		if chance(r, 0.2) {
			give(vaccinePPV23, at(between(r, 30, 1500)), 1)
		}
	default:
		if chance(r, 0.1) {
			give(vaccineTdap, at(between(r, 30, 2000)), 1)
		}
	}
	if age >= 18 && chance(r, 0.3) {
		give(vaccineCovid, at(between(r, 60, 900)), int32(between(r, 1, 3)))
	}
	return x
}
