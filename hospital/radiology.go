package hospital

import (
	"strings"
)

// radiologyStyle is how a radiology report describes an examination kind:
// its technique and an incidental finding the radiologist may be unsure of.
type radiologyStyle struct {
	technique  phrase
	incidental phrase  // a sentence stating the uncertain finding
	mention    mention // what the sentence mentions, asserted possible
}

// radiologyStyles are keyed by examKind.code; every imaging kind has one.
var radiologyStyles = map[string]radiologyStyle{
	"XR-CHEST": {phrase{"PA and lateral views of the chest.", "胸部正侧位摄片。"},
		phrase{"A faint nodular opacity in the left upper zone may represent a granuloma; follow-up is suggested.", "左上肺野见淡薄结节影，考虑肉芽肿可能，建议随访。"},
		mention{phrase{"nodular opacity", "结节影"}, "pulmonary_nodule", assertPossible}},
	"XR-HIP": {phrase{"AP pelvis and lateral view of the hip.", "骨盆正位及髋关节侧位摄片。"},
		phrase{"Possible old healed fracture of the contralateral pubic ramus.", "对侧耻骨支陈旧性骨折可能。"},
		mention{phrase{"old healed fracture", "陈旧性骨折"}, "old_fracture", assertPossible}},
	"CT-HEAD": {phrase{"Axial images of the head without intravenous contrast.", "头颅CT平扫，轴位成像。"},
		phrase{"Periventricular low attenuation, possibly chronic small-vessel ischaemia.", "脑室旁低密度影，考虑慢性小血管缺血可能。"},
		mention{phrase{"chronic small-vessel ischaemia", "慢性小血管缺血"}, "small_vessel_disease", assertPossible}},
	"US-ECHO": {phrase{"Transthoracic two-dimensional, M-mode and Doppler echocardiography.", "经胸二维、M型及多普勒超声心动图检查。"},
		phrase{"Mild mitral regurgitation cannot be excluded.", "不除外轻度二尖瓣反流。"},
		mention{phrase{"mitral regurgitation", "二尖瓣反流"}, "mitral_regurgitation", assertPossible}},
	"US-ABD": {phrase{"Real-time ultrasound of the abdomen.", "腹部实时超声检查。"},
		phrase{"Possible mild fatty infiltration of the liver.", "肝脏轻度脂肪浸润可能。"},
		mention{phrase{"fatty infiltration of the liver", "脂肪浸润"}, "fatty_liver", assertPossible}},
}

// incidentalChance is the chance that a radiology report adds its kind's
// uncertain incidental finding.
const incidentalChance = 0.3

// Section headers of a radiology report, English then Chinese.
var radiologyHeaders = [2][6]string{
	{"Examination: ", "Clinical indication: ", "Technique: ", "Comparison: ", "Findings: ", "Impression: "},
	{"检查项目：", "临床诊断：", "检查方法：", "对比：", "检查所见：", "诊断意见："},
}

// radiologyNotes returns a radiology report note for each imaging
// examination of e (not ECGs): written in the report's language by the
// radiologist who reported it, when it was reported.
func radiologyNotes(ids *idAlloc, e *encounter, exams []examRow, seed uint64) []noteRow {
	var out []noteRow
	for i := range exams {
		x := &exams[i]
		if !x.Find.kind.imaging() {
			continue
		}
		out = append(out, radiologyNote(ids.nextNote(), e, x, mix64(seed^mix64(uint64(x.ID)))))
	}
	return out
}

// radiologyNote returns the note reporting examination x of e.
func radiologyNote(id int64, e *encounter, x *examRow, seed uint64) noteRow {
	return noteRow{ID: id, RegID: e.reg.ID, PatientID: e.reg.PatientID, Type: noteRadiology, Lang: x.Lang,
		AuthorID: x.Reporter, WrittenAt: x.Report, Seed: seed, exam: x}
}

// writeRadiology returns the title and text of radiology note n about an
// examination of encounter main condition main, and the findings it states:
// the indication (a suspected diagnosis), the examination's own findings
// as present or absent, and an uncertain incidental finding now and then.
func writeRadiology(n *noteRow, main *condition) (title, body string, fs []noteFinding) {
	x := n.exam
	k := x.Find.kind
	zh := n.Lang == "zh"
	lang := 0
	if zh {
		lang = 1
	}
	h := radiologyHeaders[lang]
	style := radiologyStyles[k.code]
	incidental := chance(seedRand(domainExam, n.Seed), incidentalChance) && style.incidental.en != ""
	text := func(p phrase) string {
		if zh {
			return p.zh
		}
		return p.en
	}
	var b strings.Builder
	b.Grow(600)
	name, indication, comparison := k.name, "suspected "+main.Short.en+".", "None available."
	title = "Radiology report: " + k.name
	if zh {
		name, indication, comparison = k.nameZh, main.Short.zh+"待排。", "无既往影像对比。"
		title = "影像学检查报告：" + k.nameZh
	}
	section(&b, h[0], "", name)
	section(&b, h[1], "", indication)
	section(&b, h[2], "", text(style.technique))
	section(&b, h[3], "", comparison)
	findings := text(x.Find.findings)
	if incidental {
		sep := " "
		if zh {
			sep = ""
		}
		findings += sep + text(style.incidental)
	}
	section(&b, h[4], "", findings)
	section(&b, h[5], "", text(x.Find.impression))
	body = b.String()
	fd := &finder{body: body}
	lo, hi := fd.section(h[1])
	fd.find(shortIn(main, zh), main.Code, assertPossible, lo, hi)
	lo, hi = fd.section(h[4])
	for _, mt := range x.Find.mentions {
		fd.find(text(mt.text), mt.concept, mt.asserted, lo, hi)
	}
	if incidental {
		fd.find(text(style.mention.text), style.mention.concept, style.mention.asserted, lo, hi)
	}
	return title, body, fd.findings
}
