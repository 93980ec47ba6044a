package hospital

import (
	"math/rand/v2"
	"strings"
	"time"
)

// sourceDaySurgery is the admit source of a day-surgery admission: an
// inpatient registration for a planned operation, discharged the same day.
const sourceDaySurgery = "day surgery"

// plannedStart returns when a planned visit on t's day begins: outpatient
// clinics and planned admissions between 08:00 and 17:00, day-surgery
// admissions between 07:00 and 08:30 so that the patient goes home the same
// evening. It reports false for unplanned (emergency) visits.
func plannedStart(r *rand.Rand, vt byte, source string, t time.Time) (time.Time, bool) {
	day := t.Truncate(24 * time.Hour)
	switch {
	case vt == 'I' && source == sourceDaySurgery:
		return day.Add(7*time.Hour + minutes(r, 0, 90)), true
	case vt == 'O' || (vt == 'I' && source == "outpatient"):
		return day.Add(8*time.Hour + minutes(r, 0, 9*60)), true
	}
	return time.Time{}, false
}

// operation is what an operative note says about the operation a
// day-surgery condition is admitted for.
type operation struct {
	name, anaesthesia, findings phrase
}

// operations are keyed by the WHO code of the day-surgery condition.
var operations = map[string]operation{
	"K40.9": {
		name:        phrase{"Open repair of right inguinal hernia", "右侧腹股沟疝修补术"},
		anaesthesia: phrase{"Local anaesthesia with sedation", "局部麻醉加镇静"},
		findings: phrase{"An indirect hernia sac was found in the right inguinal canal; it was reduced and the posterior wall repaired.",
			"术中见右侧腹股沟管内斜疝疝囊，予以还纳，修补腹股沟管后壁。"},
	},
}

// enOperative writes an English operative note for in's operation.
func enOperative(b *strings.Builder, in *noteInput) {
	op := operations[in.main.Code]
	section(b, "Date of Operation", ": ", in.admit.Format("2006-01-02"))
	section(b, "Preoperative Diagnosis", ": ", in.main.Name)
	section(b, "Postoperative Diagnosis", ": ", "Same")
	section(b, "Procedure", ": ", op.name.en)
	section(b, "Anesthesia", ": ", op.anaesthesia.en)
	section(b, "Findings", ": ", op.findings.en)
	section(b, "Estimated Blood Loss", ": ", "Minimal.")
	section(b, "Complications", ": ", "None.")
	section(b, "Disposition", ": ", "To the day-surgery unit in stable condition; discharge home today is planned.")
}

// zhOperative writes a Chinese operative note for in's operation.
func zhOperative(b *strings.Builder, in *noteInput) {
	op := operations[in.main.Code]
	section(b, "手术日期", "：", in.admit.Format("2006-01-02"))
	section(b, "术前诊断", "：", in.main.Zh)
	section(b, "术后诊断", "：", "同术前")
	section(b, "手术名称", "：", op.name.zh)
	section(b, "麻醉方式", "：", op.anaesthesia.zh)
	section(b, "术中所见", "：", op.findings.zh)
	section(b, "出血量", "：", "少量。")
	section(b, "并发症", "：", "无。")
	section(b, "术后去向", "：", "安返日间病房，生命体征平稳，拟今日出院。")
}
