package nlp

import (
	"sort"
	"unicode/utf8"
)

// label is one way a section header is written.
type label struct {
	text  string
	name  string
	ascii bool // English: must end at a word boundary
}

// headerNames maps each recognised header label to its canonical section.
// English labels match case-insensitively. A combined "Assessment and Plan"
// section is reported as assessment.
var headerNames = map[string]string{
	// English
	"Chief Complaint":            SectionChiefComplaint,
	"CC":                         SectionChiefComplaint,
	"Reason for Visit":           SectionChiefComplaint,
	"Reason for Admission":       SectionChiefComplaint,
	"HPI":                        SectionHPI,
	"History of Present Illness": SectionHPI,
	"Past Medical History":       SectionPMH,
	"PMH":                        SectionPMH,
	"PMHx":                       SectionPMH,
	"Family History":             SectionFamilyHistory,
	"FH":                         SectionFamilyHistory,
	"FHx":                        SectionFamilyHistory,
	"Social History":             SectionSocialHistory,
	"SH":                         SectionSocialHistory,
	"SHx":                        SectionSocialHistory,
	"Physical Exam":              SectionExam,
	"Physical Examination":       SectionExam,
	"Exam":                       SectionExam,
	"Examination":                SectionExam,
	"Assessment":                 SectionAssessment,
	"Impression":                 SectionAssessment,
	"Diagnosis":                  SectionAssessment,
	"Diagnoses":                  SectionAssessment,
	"Discharge Diagnosis":        SectionAssessment,
	"Discharge Diagnoses":        SectionAssessment,
	"Assessment and Plan":        SectionAssessment,
	"Assessment & Plan":          SectionAssessment,
	"Assessment/Plan":            SectionAssessment,
	"A/P":                        SectionAssessment,
	"Plan":                       SectionPlan,
	"Plan of Care":               SectionPlan,
	"Hospital Course":            SectionHospitalCourse,
	"Brief Hospital Course":      SectionHospitalCourse,
	"Medications":                SectionMedications,
	"Meds":                       SectionMedications,
	"Current Medications":        SectionMedications,
	"Home Medications":           SectionMedications,
	"Discharge Medications":      SectionMedications,
	"Allergies":                  SectionAllergies,
	"Drug Allergies":             SectionAllergies,
	// Chinese
	"主诉":   SectionChiefComplaint,
	"现病史":  SectionHPI,
	"既往史":  SectionPMH,
	"家族史":  SectionFamilyHistory,
	"个人史":  SectionSocialHistory,
	"婚育史":  SectionSocialHistory,
	"体格检查": SectionExam,
	"查体":   SectionExam,
	"诊断":   SectionAssessment,
	"初步诊断": SectionAssessment,
	"入院诊断": SectionAssessment,
	"出院诊断": SectionAssessment,
	"诊疗计划": SectionPlan,
	"治疗计划": SectionPlan,
	"处理":   SectionPlan,
	"住院经过": SectionHospitalCourse,
	"诊疗经过": SectionHospitalCourse,
	"用药":   SectionMedications,
	"出院带药": SectionMedications,
	"过敏史":  SectionAllergies,
}

// labels holds headerNames longest first, so that "Assessment and Plan"
// wins over "Assessment" and "Physical Examination" over "Physical Exam".
var labels = func() []label {
	out := make([]label, 0, len(headerNames))
	for text, name := range headerNames {
		out = append(out, label{text: text, name: name, ascii: isASCII(text)})
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].text) != len(out[j].text) {
			return len(out[i].text) > len(out[j].text)
		}
		return out[i].text < out[j].text
	})
	return out
}()

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
