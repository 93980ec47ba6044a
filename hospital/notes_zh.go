package hospital

import (
	"fmt"
	"strings"
)

// zhNote writes a Chinese note and returns its title.
func zhNote(b *strings.Builder, in *noteInput, f *facts) string {
	switch in.kind {
	case noteProgress:
		zhProgress(b, in, f)
		return "病程记录"
	case noteDischarge:
		zhDischarge(b, in, f)
		if in.died() {
			return "死亡记录"
		}
		return "出院小结"
	case noteOperative:
		zhOperative(b, in)
		return "手术记录"
	}
	section(b, "主诉", "：", zhComplaint(in, f))
	section(b, "现病史", "：", zhHPI(in, f))
	section(b, "既往史", "：", zhPMH(in, f))
	section(b, "家族史", "：", zhFamily(in, f))
	section(b, "体格检查", "：", f.vitals.zh()+examText(in.main, true, true))
	numbered(b, "诊断：", zhAssessment(in, f))
	numbered(b, "诊疗计划：", zhPlan(in, f))
	switch in.kind {
	case noteAdmission:
		return "入院记录"
	case noteEmergency:
		return "急诊病历"
	}
	return "门诊病历"
}

func zhComplaint(in *noteInput, f *facts) string {
	if in.followUp() {
		return in.main.Short.zh + "复诊。"
	}
	s := symptoms[f.affirmed[0]].zh
	if len(f.affirmed) > 1 {
		s += "伴" + symptoms[f.affirmed[1]].zh
	}
	return s + zhOnset(in.main.Onset, f.onset) + "。"
}

func zhHPI(in *noteInput, f *facts) string {
	var b strings.Builder
	b.WriteString(zhPerson(in.age, in.sex))
	syms := zhSymptoms(f.affirmed)
	if in.followUp() {
		fmt.Fprintf(&b, "，%s前诊断为%s，规律服药，今来复诊。近来偶有%s。", zhOnset(in.main.Onset, f.onset), in.main.Short.zh, strings.Join(syms, "、"))
	} else {
		fmt.Fprintf(&b, "，于%s前无明显诱因出现%s", zhOnset(in.main.Onset, f.onset), syms[0])
		if len(syms) > 1 {
			b.WriteString("，伴" + strings.Join(syms[1:], "、"))
		}
		b.WriteString("。" + in.main.Detail.zh)
	}
	b.WriteString(zhNegation(f.negated, f.negStyle))
	return b.String()
}

// zhNegation states the pertinent negatives: "否认胸痛，无发热、咳嗽。"
func zhNegation(neg []string, style int) string {
	if len(neg) == 0 {
		return ""
	}
	syms := zhSymptoms(neg)
	switch {
	case style == 1:
		return "无" + strings.Join(syms, "、") + "。"
	case style == 2 && len(syms) > 1:
		return "否认" + syms[0] + "，无" + strings.Join(syms[1:], "、") + "。"
	}
	return "否认" + strings.Join(syms, "、") + "。"
}

func zhPMH(in *noteInput, f *facts) string {
	s := "既往体健，否认高血压、糖尿病、冠心病病史。"
	if len(in.history) > 0 {
		s = "既往" + strings.Join(shorts(in.history, true), "、") + "病史。否认肝炎、结核等传染病史。"
	}
	return s + []string{"否认药物过敏史。", "青霉素过敏。", "磺胺类药物过敏。"}[f.allergy]
}

func zhFamily(in *noteInput, f *facts) string {
	if len(in.family) == 0 {
		return noFamilyHistory[f.noFamily].zh
	}
	var b strings.Builder
	for _, p := range in.family {
		b.WriteString(p.zh)
	}
	return b.String()
}

func zhAssessment(in *noteInput, f *facts) []string {
	m := in.main
	first := m.Zh
	switch {
	case in.followUp():
		first = m.Zh + "（病情稳定）"
	case f.uncertain == 1:
		first = "考虑" + m.Short.zh + "可能"
	case f.uncertain == 2:
		first = m.Short.zh + "？"
	case f.uncertain == 3 && f.alt != nil:
		first = m.Short.zh + "，不除外" + f.alt.Short.zh
	}
	items := []string{first}
	for _, o := range in.others {
		items = append(items, o.Zh)
	}
	return items
}

func zhPlan(in *noteInput, f *facts) []string {
	var items []string
	for _, k := range f.plan {
		items = append(items, plans[k].zh)
	}
	if len(in.others) > 0 {
		items = append(items, "继续基础疾病治疗。")
	}
	switch in.kind {
	case noteAdmission:
		items = append(items, "收入"+deptName(in.main.Dept).zh+"。")
	case noteEmergency:
		switch {
		case in.disposition == "transfer":
			items = append(items, "转上级医院进一步诊治。")
		case in.disposition == "died":
			items = append(items, "积极抢救。")
		case in.main.W[2] > in.main.W[0]:
			items = append(items, "建议"+deptName(in.main.Dept).zh+"进一步诊治。")
		default:
			items = append(items, "离院观察，病情变化随诊。")
		}
	default:
		items = append(items, fmt.Sprintf("%d周后%s门诊复诊。", f.weeks, deptName(in.main.Dept).zh))
	}
	return items
}

func zhProgress(b *strings.Builder, in *noteInput, f *facts) {
	fmt.Fprintf(b, "住院第%d天。\n", hospitalDay(in.admit, in.written))
	s := []string{"患者诉症状较前好转。", "患者病情平稳，无明显变化。", "患者症状逐渐缓解。"}[f.course]
	if in.main.chestPain() {
		s += []string{"无胸痛发作。", "胸痛已缓解。", "夜间偶有胸痛，含服硝酸甘油后缓解。"}[f.course]
	}
	s += zhNegation(f.negated, f.negStyle)
	section(b, "病情", "：", s)
	section(b, "查体", "：", f.vitals.zh()+examText(in.main, true, f.course == 2))
	section(b, "诊断", "：", in.main.Short.zh+"，"+[]string{"好转", "病情稳定", "逐渐好转"}[f.course]+"。")
	section(b, "诊疗计划", "：", "继续当前治疗。"+plans[f.plan[0]].zh)
}

func zhDischarge(b *strings.Builder, in *noteInput, f *facts) {
	section(b, "入院日期", "：", in.admit.Format("2006-01-02"))
	section(b, "出院日期", "：", in.end.Format("2006-01-02"))
	section(b, "入院情况", "：", "患者因“"+strings.TrimSuffix(zhComplaint(in, f), "。")+"”入院。")
	course := "入院后诊断为" + in.main.Short.zh + "，处理："
	for _, k := range f.plan {
		course += plans[k].zh
	}
	switch {
	case in.died():
		course += fmt.Sprintf("经积极抢救无效，于住院第%d天死亡。", hospitalDay(in.admit, in.end))
	case in.main.chestPain():
		course += "胸痛缓解，下床活动无不适。"
	default:
		course += "恢复顺利。"
	}
	section(b, "诊疗经过", "：", course)
	diags := []string{in.main.Zh}
	for _, o := range in.others {
		diags = append(diags, o.Zh)
	}
	numbered(b, "出院诊断：", diags)
	if in.died() {
		section(b, "死亡原因", "：", in.main.Zh+"。")
		return
	}
	section(b, "出院情况", "：", []string{"好转。", "病情稳定。", "好转。"}[f.course])
	dispo := map[string]string{"home": "出院回家。", "transfer": "转康复医院继续治疗。", "against advice": "患者及家属要求自动出院。"}[in.disposition]
	section(b, "出院医嘱", "：", fmt.Sprintf("%s%d周后%s门诊复诊。", dispo, f.weeks, deptName(in.main.Dept).zh))
}

// zhPerson introduces the patient: "患者男，67岁".
func zhPerson(age int, sex string) string {
	who := "患者"
	if age < 18 {
		who = "患儿"
	}
	s := map[string]string{"M": "男", "F": "女"}[sex]
	if s == "" {
		return fmt.Sprintf("%s，%d岁", who, age)
	}
	return fmt.Sprintf("%s%s，%d岁", who, s, age)
}

// zhOnset returns "3天" and the like.
func zhOnset(unit string, n int) string {
	return fmt.Sprintf("%d%s", n, map[string]string{"h": "小时", "d": "天", "w": "周", "m": "个月", "y": "年"}[unit])
}

func zhSymptoms(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = symptoms[k].zh
	}
	return out
}
