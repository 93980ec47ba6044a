package nlp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// got is a section as the tests compare it: name, title and body text.
type got struct{ Name, Title, Body string }

func bodies(text string, secs []Section) []got {
	out := make([]got, 0, len(secs))
	for _, s := range secs {
		out = append(out, got{s.Name, s.Title, text[s.Start:s.End]})
	}
	return out
}

func TestSections(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []got
	}{
		{
			name: "english headers alone on their lines",
			text: "Chief Complaint:\nChest pain.\n\nHistory of Present Illness:\n55M with 2 days of chest pain.\n\nPast Medical History:\nHTN, DM2\n\nAssessment and Plan:\nACS rule-out.\n",
			want: []got{
				{"chief_complaint", "Chief Complaint", "Chest pain."},
				{"hpi", "History of Present Illness", "55M with 2 days of chest pain."},
				{"pmh", "Past Medical History", "HTN, DM2"},
				{"assessment", "Assessment and Plan", "ACS rule-out."},
			},
		},
		{
			name: "header with inline text, case-insensitive",
			text: "HPI: cough for 3 days\nPMH: asthma\nFAMILY HISTORY: father MI at 50\nphysical exam: clear lungs\nAssessment: viral URI\nPlan: fluids\n  Rest.\nMedications: none\nAllergies: NKDA\nHospital Course: uneventful",
			want: []got{
				{"hpi", "HPI", "cough for 3 days"},
				{"pmh", "PMH", "asthma"},
				{"family_history", "FAMILY HISTORY", "father MI at 50"},
				{"exam", "physical exam", "clear lungs"},
				{"assessment", "Assessment", "viral URI"},
				{"plan", "Plan", "fluids\n  Rest."},
				{"medications", "Medications", "none"},
				{"allergies", "Allergies", "NKDA"},
				{"hospital_course", "Hospital Course", "uneventful"},
			},
		},
		{
			name: "chinese with full-width and ascii colons",
			text: "主诉：胸痛3天。\n现病史：患者3天前出现胸痛。\n既往史:高血压10年\n家族史：无\n个人史：吸烟20年\n查体：BP 150/90\n初步诊断：急性冠脉综合征\n诊疗计划：冠脉造影\n用药：阿司匹林\n过敏史：青霉素过敏",
			want: []got{
				{"chief_complaint", "主诉", "胸痛3天。"},
				{"hpi", "现病史", "患者3天前出现胸痛。"},
				{"pmh", "既往史", "高血压10年"},
				{"family_history", "家族史", "无"},
				{"social_history", "个人史", "吸烟20年"},
				{"exam", "查体", "BP 150/90"},
				{"assessment", "初步诊断", "急性冠脉综合征"},
				{"plan", "诊疗计划", "冠脉造影"},
				{"medications", "用药", "阿司匹林"},
				{"allergies", "过敏史", "青霉素过敏"},
			},
		},
		{
			name: "chinese alternatives and brackets",
			text: "【主诉】 发热2天\n体格检查：\nT 38.5℃\n出院诊断：肺炎\n住院经过：抗感染治疗\n处理：出院\n诊断：肺炎",
			want: []got{
				{"chief_complaint", "主诉", "发热2天"},
				{"exam", "体格检查", "T 38.5℃"},
				{"assessment", "出院诊断", "肺炎"},
				{"hospital_course", "住院经过", "抗感染治疗"},
				{"plan", "处理", "出院"},
				{"assessment", "诊断", "肺炎"},
			},
		},
		{
			name: "mixed languages with a preamble",
			text: "Discharge summary, ward 5\n\nChief Complaint: chest pain\n现病史：胸痛2小时\nPlan:\n",
			want: []got{
				{"other", "", "Discharge summary, ward 5"},
				{"chief_complaint", "Chief Complaint", "chest pain"},
				{"hpi", "现病史", "胸痛2小时"},
				{"plan", "Plan", ""},
			},
		},
		{
			name: "no headers",
			text: "  Patient seen and examined.\nPlan to discharge tomorrow.\n",
			want: []got{{"other", "", "Patient seen and examined.\nPlan to discharge tomorrow."}},
		},
		{
			name: "label words inside prose are not headers",
			text: "Planning discharge. Exams: none pending\nAllergies none known\n诊断明确",
			want: []got{{"other", "", "Planning discharge. Exams: none pending\nAllergies none known\n诊断明确"}},
		},
		{
			name: "CRLF line endings and indented headers",
			text: "\tHPI:\r\nfever\r\n  Plan:\r\nrest\r\n",
			want: []got{
				{"hpi", "HPI", "fever"},
				{"plan", "Plan", "rest"},
			},
		},
		{name: "empty", text: "", want: []got{}},
		{name: "blank", text: " \n\t\n", want: []got{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secs := Sections(tt.text)
			assert.Equal(t, tt.want, bodies(tt.text, secs))
		})
	}
}

func TestSectionsOffsetsAreOrderedAndInBounds(t *testing.T) {
	text := "前言\n主诉：头痛\nHPI: x\nPlan:"
	secs := Sections(text)
	require.Len(t, secs, 4)
	prev := 0
	for _, s := range secs {
		assert.LessOrEqual(t, prev, s.Start)
		assert.LessOrEqual(t, s.Start, s.End)
		assert.LessOrEqual(t, s.End, len(text))
		prev = s.End
	}
	assert.Equal(t, Section{Name: SectionPlan, Title: "Plan", Start: len(text), End: len(text)}, secs[3])
}
