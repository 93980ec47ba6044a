package hospital

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Column lists of the examination tables.
var (
	examOrderColumns  = []string{"exam_id", "reg_id", "exam_code", "modality", "name", "body_part", "ordered_at", "doctor_id"}
	examResultColumns = []string{"exam_id", "language", "findings", "impression", "abnormal", "reported_by", "reported_at"}
)

// examKind is an examination of the department of imaging or of
// electrophysiology, with its list price in cents.
type examKind struct {
	code, modality, name, bodyPart string
	nameZh                         string
	price                          int64
	wait                           [2]int // minutes from admission to the order
}

var (
	examCXR     = examKind{"XR-CHEST", "XR", "Chest X-ray", "chest", "胸部X线摄影", 9000, [2]int{20, 180}}
	examHipXR   = examKind{"XR-HIP", "XR", "Pelvis and hip X-ray", "hip", "骨盆及髋关节X线摄影", 9000, [2]int{20, 120}}
	examCTHead  = examKind{"CT-HEAD", "CT", "CT head without contrast", "head", "头颅CT平扫", 30000, [2]int{10, 40}}
	examECG     = examKind{"ECG-12", "ECG", "12-lead electrocardiogram", "heart", "十二导联心电图", 2500, [2]int{5, 20}}
	examEcho    = examKind{"US-ECHO", "US", "Transthoracic echocardiogram", "heart", "经胸超声心动图", 25000, [2]int{240, 1440}}
	examUSAbdom = examKind{"US-ABD", "US", "Abdominal ultrasound", "abdomen", "腹部超声", 12000, [2]int{30, 240}}
)

// imaging reports whether the examination is read by a radiologist (an
// ECG is read by a doctor of the department that ordered it).
func (k *examKind) imaging() bool { return k.modality != "ECG" }

// examFinding is what an examination shows in a condition.
type examFinding struct {
	kind                 *examKind
	findings, impression phrase
	abnormal             bool
	mentions             []mention // what the findings say, for exam_reports.jsonl
}

// mention is a finding an examination report states, in both languages
// exactly as the findings text has it.
type mention struct {
	text              phrase
	concept, asserted string
}

// m returns a mention asserted present, or absent when neg.
func m(en, zh, concept string, neg bool) mention {
	a := assertPresent
	if neg {
		a = assertAbsent
	}
	return mention{phrase{en, zh}, concept, a}
}

// conditionExams are the examinations a condition's stay or emergency
// visit gets, with what they show.
var conditionExams = map[string][]examFinding{
	"J18.9": {{&examCXR, phrase{"Patchy consolidation in the right lower lobe. No pleural effusion. No pneumothorax.", "右下肺野见斑片状实变影。未见胸腔积液。未见气胸。"},
		phrase{"Right lower lobe pneumonia.", "右下肺炎。"}, true, []mention{m("consolidation", "实变", "consolidation", false), m("pleural effusion", "胸腔积液", "pleural_effusion", true), m("pneumothorax", "气胸", "pneumothorax", true)}}},
	"I63.9": {{&examCTHead, phrase{"Hypodense area in the left middle cerebral artery territory. No intracranial haemorrhage. No midline shift.", "左侧大脑中动脉供血区见低密度影。未见颅内出血。中线结构无移位。"},
		phrase{"Acute ischaemic infarct, left MCA territory.", "左侧大脑中动脉区急性脑梗死。"}, true, []mention{m("Hypodense area", "低密度影", "infarct", false), m("intracranial haemorrhage", "颅内出血", "intracranial_haemorrhage", true), m("midline shift", "中线结构无移位", "midline_shift", true)}}},
	"I21.0": {{&examECG, phrase{"Sinus tachycardia. ST elevation in V1-V4 with reciprocal ST depression in II, III and aVF.", "窦性心动过速。V1-V4导联ST段抬高，II、III、aVF导联ST段对应性压低。"},
		phrase{"Acute anterior ST-elevation myocardial infarction.", "急性前壁ST段抬高型心肌梗死。"}, true, []mention{m("ST elevation", "ST段抬高", "st_elevation", false), m("reciprocal ST depression", "ST段对应性压低", "st_depression", false)}}},
	"I21.4": {{&examECG, phrase{"Sinus rhythm. ST depression in V4-V6. No ST elevation.", "窦性心律。V4-V6导联ST段压低。未见ST段抬高。"},
		phrase{"Ischaemic ST depression, consistent with NSTEMI.", "缺血性ST段压低，符合非ST段抬高型心肌梗死。"}, true, []mention{m("ST depression", "ST段压低", "st_depression", false), m("No ST elevation", "未见ST段抬高", "st_elevation", true)}}},
	"I20.0": {{&examECG, phrase{"Sinus rhythm. No acute ST changes.", "窦性心律。未见急性ST段改变。"}, phrase{"No acute ischaemic changes.", "未见急性缺血改变。"}, false, []mention{m("No acute ST changes", "未见急性ST段改变", "st_changes", true)}}},
	"I48.9": {{&examECG, phrase{"Atrial fibrillation with a rapid ventricular response. No ST elevation.", "心房颤动伴快速心室率。未见ST段抬高。"},
		phrase{"Atrial fibrillation.", "心房颤动。"}, true, []mention{m("Atrial fibrillation", "心房颤动", "atrial_fibrillation", false), m("No ST elevation", "未见ST段抬高", "st_elevation", true)}}},
	"I50.9": {{&examCXR, phrase{"Cardiomegaly with pulmonary venous congestion and small bilateral pleural effusions.", "心影增大，肺淤血，双侧少量胸腔积液。"},
		phrase{"Congestive heart failure.", "充血性心力衰竭。"}, true, []mention{m("Cardiomegaly", "心影增大", "cardiomegaly", false),
			m("pulmonary venous congestion", "肺淤血", "pulmonary_congestion", false), m("pleural effusions", "胸腔积液", "pleural_effusion", false)}},
		{&examEcho, phrase{"Dilated left ventricle with global hypokinesis; ejection fraction about 35%. No pericardial effusion.", "左心室扩大，室壁运动普遍减弱，射血分数约35%。未见心包积液。"},
			phrase{"Reduced left ventricular systolic function.", "左心室收缩功能减低。"}, true,
			[]mention{m("global hypokinesis", "室壁运动普遍减弱", "hypokinesis", false), m("No pericardial effusion", "未见心包积液", "pericardial_effusion", true)}}},
	"J44.1": {{&examCXR, phrase{"Hyperinflated lungs with flattened diaphragms. No consolidation. No pneumothorax.", "双肺过度充气，膈肌低平。未见实变影。未见气胸。"},
		phrase{"Emphysematous changes without pneumonia.", "肺气肿改变，未见肺炎征象。"}, true, []mention{m("Hyperinflated lungs", "双肺过度充气", "hyperinflation", false), m("No consolidation", "未见实变影", "consolidation", true), m("No pneumothorax", "未见气胸", "pneumothorax", true)}}},
	"S72.0": {{&examHipXR, phrase{"Displaced fracture of the femoral neck. No dislocation.", "股骨颈骨折，断端移位。未见关节脱位。"},
		phrase{"Displaced femoral neck fracture.", "股骨颈移位骨折。"}, true, []mention{m("fracture of the femoral neck", "股骨颈骨折", "femoral_neck_fracture", false), m("No dislocation", "未见关节脱位", "dislocation", true)}}},
	"K81.0": {{&examUSAbdom, phrase{"Distended gallbladder with a thickened wall and gallstones. No bile duct dilatation.", "胆囊增大，壁增厚，腔内见结石。胆管未见扩张。"},
		phrase{"Acute calculous cholecystitis.", "急性结石性胆囊炎。"}, true, []mention{m("gallstones", "结石", "gallstones", false), m("No bile duct dilatation", "胆管未见扩张", "bile_duct_dilatation", true)}}},
	"K35.8": {{&examUSAbdom, phrase{"Dilated non-compressible appendix with periappendiceal fluid. No free air.", "阑尾增粗、不可压缩，周围少量积液。未见游离气体。"},
		phrase{"Acute appendicitis.", "急性阑尾炎。"}, true, []mention{m("Dilated non-compressible appendix", "阑尾增粗、不可压缩", "dilated_appendix", false), m("No free air", "未见游离气体", "free_air", true)}}},
}

// examRow is a row of emr.exam_order with its result (emr.exam_result,
// same exam_id).
type examRow struct {
	ID, RegID        int64
	Find             *examFinding
	Ordered, Report  time.Time
	Doctor, Reporter int32
	Lang             string
}

func (x *examRow) orderValues() []any {
	k := x.Find.kind
	return []any{x.ID, x.RegID, k.code, k.modality, k.name, k.bodyPart, x.Ordered, x.Doctor}
}

func (x *examRow) resultValues() []any {
	f, im := x.Find.findings.en, x.Find.impression.en
	if x.Lang == "zh" {
		f, im = x.Find.findings.zh, x.Find.impression.zh
	}
	return []any{x.ID, x.Lang, f, im, x.Find.abnormal, x.Reporter, x.Report}
}

// planExams returns the examinations of a stay or emergency visit that its
// main condition calls for, ordered by its doctor and reported, in the
// patient's language before the encounter ends (or limit), by the
// radiologist on duty for imaging or by a doctor of the department for an
// ECG.
func planExams(r *rand.Rand, last *idAlloc, p *profile, e *encounter, limit time.Time) []examRow {
	g := &e.reg
	if e.stay == nil || e.duplicate {
		return nil
	}
	end := limit
	if !g.open() {
		end = g.Discharge
	}
	lang := "en"
	if p.chinese {
		lang = "zh"
	}
	var out []examRow
	for i := range conditionExams[e.main.Code] {
		f := &conditionExams[e.main.Code][i]
		ordered := g.Admit.Add(minutes(r, f.kind.wait[0], f.kind.wait[1])).Truncate(time.Second)
		report := ordered.Add(minutes(r, 20, 120)).Truncate(time.Second)
		if report.After(end) {
			continue
		}
		reporter := (g.DeptID-1)*int32(len(staffTitles)) + 1 + int32(r.IntN(len(staffTitles)))
		if f.kind.imaging() {
			reporter = onDuty(hospitalStaff.radiologists, report, g.ID)
		}
		out = append(out, examRow{ID: last.next(&last.exam), RegID: g.ID, Find: f, Ordered: ordered, Report: report,
			Doctor: g.DoctorID, Reporter: reporter, Lang: lang})
	}
	return out
}

// examTruth is a line of exam_reports.jsonl: what an examination report's
// findings text (emr.exam_result.findings) states, with spans as in
// notes.jsonl.
type examTruth struct {
	ExamID   int64         `json:"exam_id"`
	Language string        `json:"language"`
	Findings []noteFinding `json:"findings"`
}

// truth returns what the report of x states.
func (x *examRow) truth() examTruth {
	body := x.Find.findings.en
	if x.Lang == "zh" {
		body = x.Find.findings.zh
	}
	fd := &finder{body: body}
	for _, mt := range x.Find.mentions {
		text := mt.text.en
		if x.Lang == "zh" {
			text = mt.text.zh
		}
		fd.find(text, mt.concept, mt.asserted, 0, len(body))
	}
	return examTruth{ExamID: x.ID, Language: x.Lang, Findings: fd.findings}
}

// writeExams appends the ground truth of a committed batch's examination
// reports to exam_reports.jsonl.
func (t *truthWriter) writeExams(exams []*examRow) error {
	if t == nil {
		return nil
	}
	for _, x := range exams {
		if err := t.enc[4].Encode(x.truth()); err != nil {
			return fmt.Errorf("write exam_reports.jsonl: %w", err)
		}
	}
	return nil
}
