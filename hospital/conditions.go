package hospital

import (
	"slices"
	"strings"
)

// phrase is a text in English and in Chinese.
type phrase struct{ en, zh string }

// condition is one ICD-10 diagnosis the hospital treats, with what it takes
// to make encounters and notes for it clinically coherent.
type condition struct {
	Code, Name string // ICD-10 code and English title (emr.diagnosis.diag_name)
	Zh         string // Chinese title
	Short      phrase // how notes refer to it ("MI", "心肌梗死")
	Dept       string // code of the department that admits it
	// W weighs it as the main diagnosis of an outpatient, emergency and
	// inpatient encounter.
	W              [3]float64
	MinAge, MaxAge int    // eligible ages; MaxAge 0 means no limit
	Sex            string // "F" or "M" when sex-specific
	AgeTrend       int    // +1 commoner with age, -1 commoner in the young
	Chronic        float64
	Then           string // code that enters the history after an encounter
	Death          float64
	LOS            [2]int // inpatient length of stay in days
	DaySurgery     bool   // admitted for a planned operation and discharged the same day
	Onset          string // h, d, w, m, y: time scale of the complaint
	Vitals         string // F fever, T tachycardia, H hypotension, B hypertension, O hypoxia
	Detail         phrase // optional sentence characterising the complaint
	Sym            []string
	Neg            []string
	Exam           []string
	Plan           []string
	Comorb         []string // typical secondary diagnoses
	Alt            []string // differentials; also what a corrected diagnosis becomes
}

// keys splits a space-separated list of vocabulary keys.
func keys(s string) []string { return strings.Fields(s) }

// w returns the outpatient, emergency and inpatient weights.
func w(o, e, i float64) [3]float64 { return [3]float64{o, e, i} }

// conditions are ordered by clinical area; Chronic is the prevalence of a
// long-standing condition at age 70, Death the chance that an emergency or
// inpatient encounter for it ends in death at ages 50 to 69.
var conditions = []condition{
	{Code: "I21.0", Name: "Acute transmural myocardial infarction of anterior wall", Zh: "急性前壁心肌梗死", Short: phrase{"acute anterior STEMI", "急性前壁心肌梗死"},
		Dept: "CARD", W: w(0, 3, 4), MinAge: 35, AgeTrend: 1, Then: "I25.2", Death: 0.07, LOS: [2]int{3, 9}, Onset: "h", Vitals: "T", Sym: keys("chest_pain diaphoresis nausea dyspnea"), Neg: keys("fever cough syncope"),
		Detail: phrase{"The pain is substernal and crushing, radiating to the left arm.", "疼痛位于胸骨后，呈压榨样，向左上肢放射。"}, Exam: keys("diaphoretic"), Plan: keys("ecg aspirin_ticagrelor pci troponin statin echo"), Comorb: keys("I10 E11.9 E78.5 I25.1"), Alt: keys("I21.4 I20.0")},
	{Code: "I21.4", Name: "Acute subendocardial myocardial infarction", Zh: "急性非ST段抬高型心肌梗死", Short: phrase{"NSTEMI", "非ST段抬高型心肌梗死"},
		Dept: "CARD", W: w(0, 3, 4), MinAge: 35, AgeTrend: 1, Then: "I25.2", Death: 0.04, LOS: [2]int{3, 8}, Onset: "h", Vitals: "T", Sym: keys("chest_pain dyspnea diaphoresis"), Neg: keys("fever syncope"),
		Detail: phrase{"The chest pain is pressure-like and began at rest.", "胸痛呈压迫感，静息时发作。"}, Exam: keys("diaphoretic"), Plan: keys("ecg troponin aspirin_ticagrelor statin echo"), Comorb: keys("I10 E11.9 E78.5 N18.9"), Alt: keys("I21.0 I20.0 R07.4")},
	{Code: "I20.0", Name: "Unstable angina", Zh: "不稳定型心绞痛", Short: phrase{"unstable angina", "不稳定型心绞痛"},
		Dept: "CARD", W: w(1, 3, 3), MinAge: 35, AgeTrend: 1, Death: 0.005, LOS: [2]int{2, 6}, Onset: "d", Vitals: "B", Sym: keys("chest_pain chest_tightness dyspnea"), Neg: keys("fever syncope diaphoresis"),
		Detail: phrase{"Episodes of chest pain now occur with minimal exertion and last up to 15 minutes.", "轻微活动即诱发胸痛，每次持续约15分钟。"}, Plan: keys("ecg troponin aspirin statin echo"), Comorb: keys("I10 E11.9 E78.5"), Alt: keys("I21.4 R07.4")},
	{Code: "I25.1", Name: "Atherosclerotic heart disease", Zh: "冠状动脉粥样硬化性心脏病", Short: phrase{"coronary artery disease", "冠心病"},
		Dept: "CARD", W: w(4, 0, 1), MinAge: 40, AgeTrend: 1, Chronic: 0.12, LOS: [2]int{2, 5}, Onset: "m", Sym: keys("chest_tightness fatigue"), Neg: keys("chest_pain syncope"), Plan: keys("aspirin statin ecg lifestyle"), Comorb: keys("I10 E78.5"), Alt: keys("I20.0")},
	{Code: "I25.2", Name: "Old myocardial infarction", Zh: "陈旧性心肌梗死", Short: phrase{"MI", "心肌梗死"},
		Dept: "CARD", W: w(1, 0, 0), MinAge: 40, AgeTrend: 1, Chronic: 0.05, Onset: "y", Sym: keys("fatigue"), Neg: keys("chest_pain dyspnea"), Plan: keys("aspirin statin echo"), Comorb: keys("I25.1 I10")},
	{Code: "I50.9", Name: "Heart failure, unspecified", Zh: "心力衰竭", Short: phrase{"heart failure", "心力衰竭"},
		Dept: "CARD", W: w(2, 3, 4), MinAge: 45, AgeTrend: 1, Chronic: 0.05, Death: 0.04, LOS: [2]int{4, 12}, Onset: "d", Vitals: "TO", Sym: keys("dyspnea orthopnea edema fatigue"), Neg: keys("chest_pain fever"),
		Exam: keys("crackles_bibasal jvd leg_edema"), Plan: keys("furosemide bnp echo fluid_restriction"), Comorb: keys("I10 I48.9 N18.9 E11.9 I25.1"), Alt: keys("J44.1 J18.9")},
	{Code: "I48.9", Name: "Atrial fibrillation and atrial flutter, unspecified", Zh: "心房颤动", Short: phrase{"atrial fibrillation", "心房颤动"},
		Dept: "CARD", W: w(3, 2, 2), MinAge: 40, AgeTrend: 1, Chronic: 0.08, Death: 0.005, LOS: [2]int{2, 6}, Onset: "d", Vitals: "T", Sym: keys("palpitations dizziness dyspnea"), Neg: keys("chest_pain syncope"),
		Exam: keys("irregular"), Plan: keys("ecg rate_control anticoag echo"), Comorb: keys("I10 I50.9"), Alt: keys("I50.9")},
	{Code: "I10", Name: "Essential (primary) hypertension", Zh: "原发性高血压", Short: phrase{"hypertension", "高血压"},
		Dept: "CARD", W: w(8, 1, 0), MinAge: 25, AgeTrend: 1, Chronic: 0.45, Onset: "y", Vitals: "B", Sym: keys("headache dizziness"), Neg: keys("blurred_vision palpitations"), Plan: keys("amlodipine lifestyle bp_monitor"), Comorb: keys("E11.9 E78.5")},
	{Code: "R07.4", Name: "Chest pain, unspecified", Zh: "胸痛", Short: phrase{"chest pain", "胸痛"},
		Dept: "CARD", W: w(3, 5, 1), MinAge: 18, LOS: [2]int{1, 2}, Onset: "h", Sym: keys("chest_pain"), Neg: keys("diaphoresis dyspnea fever"),
		Detail: phrase{"The chest pain is sharp and worse on deep inspiration.", "胸痛为刺痛，深吸气时加重。"}, Plan: keys("ecg troponin observe"), Alt: keys("I20.0 K21.9")},
	{Code: "I26.9", Name: "Pulmonary embolism without mention of acute cor pulmonale", Zh: "肺栓塞", Short: phrase{"pulmonary embolism", "肺栓塞"},
		Dept: "RESP", W: w(0, 2, 2), MinAge: 25, AgeTrend: 1, Death: 0.05, LOS: [2]int{4, 10}, Onset: "h", Vitals: "TO", Sym: keys("dyspnea chest_pain hemoptysis"), Neg: keys("fever"),
		Detail: phrase{"The chest pain is pleuritic.", "胸痛与呼吸相关。"}, Plan: keys("ddimer ctpa anticoag oxygen"), Alt: keys("J18.9 I21.4")},
	{Code: "I63.9", Name: "Cerebral infarction, unspecified", Zh: "脑梗死", Short: phrase{"acute ischaemic stroke", "急性脑梗死"},
		Dept: "NEUR", W: w(0, 3, 4), MinAge: 40, AgeTrend: 1, Then: "I69.3", Death: 0.06, LOS: [2]int{5, 14}, Onset: "h", Vitals: "B", Sym: keys("weakness slurred"), Neg: keys("headache seizure"),
		Exam: keys("hemiparesis"), Plan: keys("ct_head thrombolysis aspirin statin rehab"), Comorb: keys("I10 I48.9 E11.9 E78.5"), Alt: keys("G45.9")},
	{Code: "G45.9", Name: "Transient cerebral ischaemic attack, unspecified", Zh: "短暂性脑缺血发作", Short: phrase{"TIA", "短暂性脑缺血发作"},
		Dept: "NEUR", W: w(1, 3, 2), MinAge: 45, AgeTrend: 1, LOS: [2]int{2, 4}, Onset: "h", Vitals: "B", Sym: keys("weakness slurred"), Neg: keys("headache loc"),
		Detail: phrase{"Symptoms lasted about 20 minutes and have fully resolved.", "症状持续约20分钟后完全缓解。"}, Exam: keys("neuro_normal"), Plan: keys("ct_head aspirin carotid_us statin"), Comorb: keys("I10 E78.5"), Alt: keys("I63.9")},
	{Code: "I69.3", Name: "Sequelae of cerebral infarction", Zh: "脑梗死后遗症", Short: phrase{"stroke", "脑梗死"},
		Dept: "NEUR", W: w(1, 0, 0), MinAge: 50, AgeTrend: 1, Chronic: 0.03, Onset: "y", Sym: keys("weakness"), Neg: keys("headache"), Exam: keys("hemiparesis"), Plan: keys("rehab aspirin statin"), Comorb: keys("I10")},
	{Code: "J18.9", Name: "Pneumonia, unspecified", Zh: "肺炎", Short: phrase{"pneumonia", "肺炎"},
		Dept: "RESP", W: w(2, 4, 5), AgeTrend: 1, Death: 0.03, LOS: [2]int{3, 10}, Onset: "d", Vitals: "FTO", Sym: keys("fever cough sputum dyspnea"), Neg: keys("chest_pain hemoptysis"),
		Exam: keys("crackles_right"), Plan: keys("cxr cultures antibiotics oxygen"), Comorb: keys("J44.9 E11.9 I50.9"), Alt: keys("J20.9 I50.9 J44.1")},
	{Code: "J44.1", Name: "Chronic obstructive pulmonary disease with acute exacerbation, unspecified", Zh: "慢性阻塞性肺疾病急性加重", Short: phrase{"COPD exacerbation", "慢阻肺急性加重"},
		Dept: "RESP", W: w(1, 3, 4), MinAge: 45, AgeTrend: 1, Then: "J44.9", Death: 0.03, LOS: [2]int{4, 10}, Onset: "d", Vitals: "TO", Sym: keys("dyspnea wheeze cough sputum"), Neg: keys("chest_pain fever"),
		Exam: keys("wheezes"), Plan: keys("nebulizer steroids antibiotics oxygen"), Comorb: keys("I10 I50.9"), Alt: keys("J18.9 I50.9")},
	{Code: "J44.9", Name: "Chronic obstructive pulmonary disease, unspecified", Zh: "慢性阻塞性肺疾病", Short: phrase{"COPD", "慢阻肺"},
		Dept: "RESP", W: w(3, 0, 0), MinAge: 45, AgeTrend: 1, Chronic: 0.08, Onset: "y", Sym: keys("dyspnea cough"), Neg: keys("fever"), Exam: keys("wheezes"), Plan: keys("inhaler smoking_cessation"), Alt: keys("J44.1")},
	{Code: "J45.9", Name: "Asthma, unspecified", Zh: "支气管哮喘", Short: phrase{"asthma", "哮喘"},
		Dept: "RESP", W: w(3, 2, 1), MinAge: 5, AgeTrend: -1, Chronic: 0.06, LOS: [2]int{2, 5}, Onset: "d", Vitals: "T", Sym: keys("wheeze dyspnea cough"), Neg: keys("fever"), Exam: keys("wheezes"), Plan: keys("nebulizer steroids inhaler"), Alt: keys("J44.1 J20.9")},
	{Code: "J06.9", Name: "Acute upper respiratory infection, unspecified", Zh: "急性上呼吸道感染", Short: phrase{"upper respiratory infection", "上呼吸道感染"},
		Dept: "GENM", W: w(8, 2, 0), AgeTrend: -1, Onset: "d", Vitals: "F", Sym: keys("sore_throat rhinorrhea cough fever"), Neg: keys("dyspnea"), Exam: keys("pharynx"), Plan: keys("symptomatic"), Alt: keys("J20.9")},
	{Code: "J20.9", Name: "Acute bronchitis, unspecified", Zh: "急性支气管炎", Short: phrase{"acute bronchitis", "急性支气管炎"},
		Dept: "RESP", W: w(5, 1, 0), Onset: "d", Sym: keys("cough sputum"), Neg: keys("fever dyspnea hemoptysis"), Plan: keys("symptomatic cxr"), Alt: keys("J18.9 J06.9")},
	{Code: "A41.9", Name: "Sepsis, unspecified", Zh: "脓毒症", Short: phrase{"sepsis", "脓毒症"},
		Dept: "ICU", W: w(0, 2, 4), AgeTrend: 1, Death: 0.15, LOS: [2]int{6, 15}, Onset: "d", Vitals: "FTH", Sym: keys("fever chills confusion"), Neg: keys("cough dysuria"),
		Exam: keys("cool_extremities"), Plan: keys("cultures antibiotics fluids lactate icu"), Comorb: keys("N17.9 D64.9 E11.9 N39.0"), Alt: keys("J18.9 N39.0")},
	{Code: "A09", Name: "Other gastroenteritis and colitis of infectious and unspecified origin", Zh: "感染性腹泻", Short: phrase{"gastroenteritis", "急性胃肠炎"},
		Dept: "GAST", W: w(4, 4, 1), AgeTrend: -1, LOS: [2]int{1, 4}, Onset: "d", Vitals: "T", Sym: keys("diarrhea vomiting abd_pain"), Neg: keys("melena fever"), Exam: keys("dry_mucosa"), Plan: keys("oral_rehydration stool_test fluids"), Alt: keys("K35.8")},
	{Code: "N39.0", Name: "Urinary tract infection, site not specified", Zh: "尿路感染", Short: phrase{"urinary tract infection", "尿路感染"},
		Dept: "NEPH", W: w(5, 2, 1), LOS: [2]int{2, 5}, Onset: "d", Sym: keys("dysuria frequency"), Neg: keys("fever flank_pain"), Exam: keys("suprapubic"), Plan: keys("urinalysis oral_antibiotics"), Alt: keys("A41.9")},
	{Code: "N17.9", Name: "Acute renal failure, unspecified", Zh: "急性肾损伤", Short: phrase{"acute kidney injury", "急性肾损伤"},
		Dept: "NEPH", W: w(0, 1, 3), MinAge: 18, AgeTrend: 1, Death: 0.04, LOS: [2]int{4, 12}, Onset: "d", Sym: keys("oliguria fatigue nausea"), Neg: keys("fever"), Exam: keys("dry_mucosa"),
		Plan: keys("renal_labs fluids hold_nephrotoxins"), Comorb: keys("N18.9 E11.9 I10 I50.9"), Alt: keys("N18.9")},
	{Code: "N18.9", Name: "Chronic kidney disease, unspecified", Zh: "慢性肾脏病", Short: phrase{"chronic kidney disease", "慢性肾脏病"},
		Dept: "NEPH", W: w(3, 0, 1), MinAge: 30, AgeTrend: 1, Chronic: 0.08, LOS: [2]int{3, 7}, Onset: "y", Sym: keys("fatigue edema"), Neg: keys("dyspnea"), Plan: keys("renal_labs"), Comorb: keys("I10 E11.9 D64.9"), Alt: keys("N17.9")},
	{Code: "E11.9", Name: "Type 2 diabetes mellitus without complications", Zh: "2型糖尿病", Short: phrase{"type 2 diabetes", "2型糖尿病"},
		Dept: "ENDO", W: w(7, 0, 0), MinAge: 25, AgeTrend: 1, Chronic: 0.18, Onset: "y", Sym: keys("polyuria fatigue"), Neg: keys("weight_loss"), Plan: keys("hba1c metformin diet"), Comorb: keys("I10 E78.5"), Alt: keys("E11.65")},
	{Code: "E11.65", Name: "Type 2 diabetes mellitus with hyperglycemia", Zh: "2型糖尿病伴高血糖", Short: phrase{"uncontrolled type 2 diabetes", "血糖控制不佳的2型糖尿病"},
		Dept: "ENDO", W: w(2, 2, 2), MinAge: 25, AgeTrend: 1, Then: "E11.9", LOS: [2]int{3, 8}, Onset: "w", Vitals: "T", Sym: keys("polyuria fatigue weight_loss"), Neg: keys("confusion"), Exam: keys("dry_mucosa"),
		Plan: keys("insulin glucose_monitor hba1c"), Comorb: keys("I10 E78.5 N18.9"), Alt: keys("E11.9")},
	{Code: "E78.5", Name: "Hyperlipidaemia, unspecified", Zh: "高脂血症", Short: phrase{"hyperlipidemia", "高脂血症"},
		Dept: "ENDO", W: w(3, 0, 0), MinAge: 30, AgeTrend: 1, Chronic: 0.28, Onset: "y", Sym: keys("fatigue"), Neg: keys("myalgia"), Plan: keys("statin lipid_panel diet"), Comorb: keys("I10")},
	{Code: "E03.9", Name: "Hypothyroidism, unspecified", Zh: "甲状腺功能减退症", Short: phrase{"hypothyroidism", "甲状腺功能减退"},
		Dept: "ENDO", W: w(3, 0, 0), MinAge: 20, Chronic: 0.05, Onset: "m", Sym: keys("fatigue cold_intolerance"), Neg: keys("palpitations"), Exam: keys("dry_skin"), Plan: keys("tsh levothyroxine")},
	{Code: "K35.8", Name: "Acute appendicitis, other and unspecified", Zh: "急性阑尾炎", Short: phrase{"acute appendicitis", "急性阑尾炎"},
		Dept: "GSUR", W: w(0, 3, 4), MinAge: 5, MaxAge: 75, AgeTrend: -1, LOS: [2]int{2, 5}, Onset: "h", Vitals: "F", Sym: keys("rlq_pain nausea fever"), Neg: keys("diarrhea"),
		Detail: phrase{"The pain began around the umbilicus and migrated to the right lower quadrant.", "腹痛起于脐周，后转移至右下腹。"}, Exam: keys("mcburney"), Plan: keys("ct_abdomen appendectomy antibiotics"), Alt: keys("A09 K81.0")},
	{Code: "K81.0", Name: "Acute cholecystitis", Zh: "急性胆囊炎", Short: phrase{"acute cholecystitis", "急性胆囊炎"},
		Dept: "GSUR", W: w(0, 3, 3), MinAge: 25, AgeTrend: 1, Death: 0.005, LOS: [2]int{3, 7}, Onset: "h", Vitals: "F", Sym: keys("ruq_pain nausea vomiting fever"), Neg: keys("jaundice"),
		Exam: keys("murphy"), Plan: keys("ultrasound_abd antibiotics cholecystectomy"), Alt: keys("K85.9 K35.8")},
	{Code: "K40.9", Name: "Unilateral or unspecified inguinal hernia, without obstruction or gangrene", Zh: "单侧腹股沟疝", Short: phrase{"inguinal hernia", "腹股沟疝"},
		Dept: "GSUR", W: w(2, 0, 5), MinAge: 30, Sex: "M", AgeTrend: 1, DaySurgery: true, Onset: "m", Sym: keys("groin_lump"), Neg: keys("abd_pain vomiting"),
		Detail: phrase{"The lump appears on standing and straining and disappears when lying down.", "站立及用力时肿物出现，平卧后消失。"}, Exam: keys("groin_bulge"), Plan: keys("hernia_repair"), Comorb: keys("I10 J44.9")},
	{Code: "K92.2", Name: "Gastrointestinal haemorrhage, unspecified", Zh: "消化道出血", Short: phrase{"GI bleeding", "消化道出血"},
		Dept: "GAST", W: w(0, 2, 3), MinAge: 30, AgeTrend: 1, Death: 0.04, LOS: [2]int{3, 8}, Onset: "d", Vitals: "TH", Sym: keys("melena hematemesis dizziness"), Neg: keys("abd_pain"),
		Exam: keys("pale melena_pr"), Plan: keys("endoscopy ppi transfusion"), Comorb: keys("D64.9"), Alt: keys("D64.9")},
	{Code: "K21.9", Name: "Gastro-oesophageal reflux disease without oesophagitis", Zh: "胃食管反流病", Short: phrase{"GERD", "胃食管反流病"},
		Dept: "GAST", W: w(5, 1, 0), MinAge: 18, Onset: "w", Sym: keys("heartburn chest_pain"), Neg: keys("dyspnea dysphagia"),
		Detail: phrase{"The chest pain is burning, worse after meals and when lying flat.", "胸骨后烧灼样疼痛，餐后及平卧时加重。"}, Exam: keys("epigastric_tender"), Plan: keys("ppi lifestyle"), Alt: keys("R07.4")},
	{Code: "K85.9", Name: "Acute pancreatitis, unspecified", Zh: "急性胰腺炎", Short: phrase{"acute pancreatitis", "急性胰腺炎"},
		Dept: "GAST", W: w(0, 2, 3), MinAge: 20, Death: 0.03, LOS: [2]int{4, 12}, Onset: "h", Vitals: "T", Sym: keys("epigastric_pain vomiting"), Neg: keys("diarrhea"),
		Detail: phrase{"The pain radiates to the back.", "疼痛向腰背部放射。"}, Exam: keys("epigastric_tender"), Plan: keys("lipase npo fluids ct_abdomen"), Comorb: keys("E78.5"), Alt: keys("K81.0")},
	{Code: "S72.0", Name: "Fracture of neck of femur", Zh: "股骨颈骨折", Short: phrase{"hip fracture", "股骨颈骨折"},
		Dept: "ORTH", W: w(0, 2, 5), MinAge: 60, AgeTrend: 1, Death: 0.03, LOS: [2]int{5, 15}, Onset: "h", Sym: keys("hip_pain"), Neg: keys("loc"),
		Exam: keys("shortened_leg"), Plan: keys("xray_hip hip_surgery dvt_prophylaxis analgesia"), Comorb: keys("I10 D64.9 E11.9")},
	{Code: "S52.5", Name: "Fracture of lower end of radius", Zh: "桡骨远端骨折", Short: phrase{"distal radius fracture", "桡骨远端骨折"},
		Dept: "ORTH", W: w(2, 4, 1), LOS: [2]int{1, 3}, Onset: "h", Sym: keys("wrist_pain"), Neg: keys("loc numbness"), Exam: keys("wrist_deformity"), Plan: keys("xray_wrist cast analgesia")},
	{Code: "M54.5", Name: "Low back pain", Zh: "腰痛", Short: phrase{"low back pain", "腰痛"},
		Dept: "ORTH", W: w(6, 1, 0), MinAge: 18, Onset: "w", Sym: keys("back_pain"), Neg: keys("incontinence fever numbness"), Exam: keys("lumbar_tender"), Plan: keys("nsaid physio")},
	{Code: "M17.9", Name: "Gonarthrosis, unspecified", Zh: "膝关节骨关节炎", Short: phrase{"knee osteoarthritis", "膝骨关节炎"},
		Dept: "ORTH", W: w(4, 0, 1), MinAge: 50, AgeTrend: 1, Chronic: 0.12, LOS: [2]int{3, 6}, Onset: "y", Sym: keys("knee_pain"), Neg: keys("fever"), Exam: keys("knee_crepitus"), Plan: keys("xray_knee nsaid physio")},
	{Code: "O80", Name: "Single spontaneous delivery", Zh: "单胎顺产", Short: phrase{"spontaneous vaginal delivery", "单胎顺产"},
		Dept: "OBST", W: w(0, 1, 6), MinAge: 18, MaxAge: 44, Sex: "F", LOS: [2]int{1, 3}, Onset: "h", Sym: keys("contractions"), Neg: keys("vaginal_bleeding fever headache"), Exam: keys("cervix"), Plan: keys("fetal_monitoring")},
	{Code: "G43.9", Name: "Migraine, unspecified", Zh: "偏头痛", Short: phrase{"migraine", "偏头痛"},
		Dept: "NEUR", W: w(5, 2, 0), MinAge: 12, MaxAge: 65, Onset: "h", Sym: keys("headache photophobia nausea"), Neg: keys("weakness fever"), Exam: keys("neuro_normal"), Plan: keys("nsaid triptan")},
	{Code: "G40.9", Name: "Epilepsy, unspecified", Zh: "癫痫", Short: phrase{"epilepsy", "癫痫"},
		Dept: "NEUR", W: w(3, 2, 1), Chronic: 0.01, LOS: [2]int{2, 5}, Onset: "h", Sym: keys("seizure"), Neg: keys("fever headache"), Exam: keys("neuro_normal"), Plan: keys("eeg levetiracetam")},
	{Code: "F32.9", Name: "Depressive episode, unspecified", Zh: "抑郁发作", Short: phrase{"depression", "抑郁症"},
		Dept: "PSYC", W: w(4, 0, 0), MinAge: 16, Chronic: 0.04, Onset: "m", Sym: keys("low_mood insomnia fatigue"), Neg: keys("suicidal"), Exam: keys("flat_affect"), Plan: keys("ssri psych_followup")},
	{Code: "D64.9", Name: "Anaemia, unspecified", Zh: "贫血", Short: phrase{"anaemia", "贫血"},
		Dept: "GAST", W: w(2, 0, 1), LOS: [2]int{2, 5}, Onset: "w", Sym: keys("fatigue dizziness"), Neg: keys("melena"), Exam: keys("pale"), Plan: keys("cbc iron")},
	{Code: "C34.9", Name: "Malignant neoplasm of bronchus or lung, unspecified", Zh: "肺恶性肿瘤", Short: phrase{"lung cancer", "肺癌"},
		Dept: "RESP", W: w(2, 0, 2), MinAge: 45, AgeTrend: 1, Then: "C34.9", Death: 0.05, LOS: [2]int{4, 12}, Onset: "m", Sym: keys("cough weight_loss hemoptysis"), Neg: keys("fever"), Plan: keys("ct_chest biopsy oncology"), Alt: keys("J18.9")},
	{Code: "C50.9", Name: "Malignant neoplasm of breast, unspecified", Zh: "乳腺恶性肿瘤", Short: phrase{"breast cancer", "乳腺癌"},
		Dept: "GSUR", W: w(2, 0, 2), MinAge: 30, Sex: "F", AgeTrend: 1, Then: "C50.9", LOS: [2]int{3, 7}, Onset: "m", Sym: keys("breast_lump"), Neg: keys("weight_loss"), Exam: keys("breast_mass"), Plan: keys("mammogram biopsy oncology")},
	{Code: "R50.9", Name: "Fever, unspecified", Zh: "发热", Short: phrase{"fever of unclear origin", "发热待查"},
		Dept: "GENM", W: w(3, 3, 0), Onset: "d", Vitals: "F", Sym: keys("fever"), Neg: keys("cough dysuria"), Plan: keys("fever_workup symptomatic"), Alt: keys("J06.9 J18.9")},
}

// conditionIndex maps a condition's WHO ICD-10, Chinese clinical edition and
// ICD-10-CM codes to its position in conditions.
var conditionIndex = func() map[string]int {
	m := make(map[string]int, 3*len(conditions))
	for i := range conditions {
		c := &conditions[i]
		m[c.Code] = i
		if cn := cnCode(c); cn.code != "" {
			m[cn.code] = i
		}
		if cm := cmCode(c); cm.code != "" {
			m[cm.code] = i
		}
	}
	return m
}()

// lookup returns the condition with the code in any of the three coding
// systems, or nil.
func lookup(code string) *condition {
	i, ok := conditionIndex[code]
	if !ok {
		return nil
	}
	return &conditions[i]
}

// eligible reports whether a patient of the age and sex can have c.
func (c *condition) eligible(age int, sex string) bool {
	if age < c.MinAge || (c.MaxAge > 0 && age > c.MaxAge) {
		return false
	}
	return c.Sex == "" || c.Sex == sex
}

// ageFactor scales c's weight for a patient of the age.
func (c *condition) ageFactor(age int) float64 {
	switch c.AgeTrend {
	case 1:
		return max(0.15, float64(age)/60)
	case -1:
		return max(0.3, float64(90-age)/60)
	}
	return 1
}

// chestPain reports whether chest pain is how c presents.
func (c *condition) chestPain() bool {
	return slices.Contains(c.Sym, "chest_pain")
}
