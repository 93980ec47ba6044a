package hospital

// The hospital's local dictionaries: laboratory tests, drugs, wards and
// procedures, with their mappings onto standard vocabularies. Lab codes are
// LOINC, drug codes RxNorm ingredients and ATC; ICD-9-CM-3 procedure codes
// and their Chinese names are those of the Chinese national clinical edition
// (CHS-DRG 1.1, ../shared/reference/drg/chs-drg-1.1/ICD/SS_INFO.dat), copied
// here so that the generator reads nothing at run time.

// labItem is a row of emr.lab_item; its id is its position plus one. An
// empty LOINC code is a local test the HIS never mapped.
type labItem struct {
	code, name, zh, unit string
	lo, hi               float64
	loinc, loincName     string
}

// Keys of labItems used by the trajectories.
const (
	labCreatinine = iota
	labLactate
	labWBC
	labHemoglobin
	labGlucose
	labPotassium
	labSodium
	labTroponin
	labCRP
	labPCT
	labPlatelets
	labBUN
	labBNP
	labHbA1c
	labBloodCulture
	labBilirubin
	labDDimer
	labLipase
)

var labItems = []labItem{
	{"CR", "Creatinine", "肌酐", "mg/dL", 0.6, 1.2, "2160-0", "Creatinine [Mass/volume] in Serum or Plasma"},
	{"LAC", "Lactate", "乳酸", "mmol/L", 0.5, 2.0, "2524-7", "Lactate [Moles/volume] in Serum or Plasma"},
	{"WBC", "White blood cell count", "白细胞计数", "10*9/L", 4.0, 10.0, "6690-2", "Leukocytes [#/volume] in Blood by Automated count"},
	{"HGB", "Hemoglobin", "血红蛋白", "g/dL", 12, 16, "718-7", "Hemoglobin [Mass/volume] in Blood"},
	{"GLU", "Glucose", "葡萄糖", "mg/dL", 70, 110, "2345-7", "Glucose [Mass/volume] in Serum or Plasma"},
	{"K", "Potassium", "钾", "mmol/L", 3.5, 5.1, "2823-3", "Potassium [Moles/volume] in Serum or Plasma"},
	{"NA", "Sodium", "钠", "mmol/L", 135, 145, "2951-2", "Sodium [Moles/volume] in Serum or Plasma"},
	{"TNI", "Troponin I", "肌钙蛋白I", "ng/mL", 0, 0.04, "10839-9", "Troponin I.cardiac [Mass/volume] in Serum or Plasma"},
	{"CRP", "C-reactive protein", "C反应蛋白", "mg/L", 0, 10, "1988-5", "C reactive protein [Mass/volume] in Serum or Plasma"},
	{"PCT", "Procalcitonin", "降钙素原", "ng/mL", 0, 0.5, "33959-8", "Procalcitonin [Mass/volume] in Serum or Plasma"},
	{"PLT", "Platelet count", "血小板计数", "10*9/L", 100, 300, "777-3", "Platelets [#/volume] in Blood by Automated count"},
	{"BUN", "Urea nitrogen", "尿素氮", "mg/dL", 7, 20, "3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma"},
	{"BNP", "B-type natriuretic peptide", "B型钠尿肽", "pg/mL", 0, 100, "30934-4", "Natriuretic peptide B [Mass/volume] in Serum or Plasma"},
	{"HBA1C", "Hemoglobin A1c", "糖化血红蛋白", "%", 4, 6, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"},
	{"BCX", "Blood culture", "血培养", "", 0, 0, "600-7", "Bacteria identified in Blood by Culture"},
	{"TBIL", "Total bilirubin", "总胆红素", "mg/dL", 0.2, 1.2, "1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"},
	{"XDD", "D-dimer", "D-二聚体", "mg/L FEU", 0, 0.5, "", ""},
	{"XLIP", "Lipase", "脂肪酶", "U/L", 13, 60, "", ""},
}

// labPanels are the orderable panels (emr.lab_order.panel) and their items.
var labPanels = map[string][]int{
	"CBC":   {labWBC, labHemoglobin, labPlatelets},
	"RENAL": {labCreatinine, labBUN, labPotassium, labSodium, labGlucose},
	"TNI":   {labTroponin},
	"LAC":   {labLactate},
	"CRP":   {labCRP},
	"PCT":   {labPCT},
	"BNP":   {labBNP},
	"HBA1C": {labHbA1c},
	"BCX":   {labBloodCulture},
	"LFT":   {labBilirubin},
	"DDIM":  {labDDimer},
	"LIP":   {labLipase},
}

// drug is a row of emr.drug; its id is its position plus one. Empty RxNorm
// and ATC codes are local products the HIS never mapped.
type drug struct {
	code, name, zh, form, strength, unit string
	rxnorm, atc                          string
}

// Keys of drugs used by the trajectories.
const (
	drugCeftriaxone = iota
	drugMeropenem
	drugVancomycin
	drugLevofloxacin
	drugAspirin
	drugTicagrelor
	drugAtorvastatin
	drugHeparin
	drugEnoxaparin
	drugFurosemide
	drugMetformin
	drugInsulinGlargine
	drugAmlodipine
	drugMetoprolol
	drugMorphine
	drugParacetamol
	drugSalbutamol
	drugMethylprednisolone
	drugNorepinephrine
	drugOxytocin
	drugCefazolin
	drugOmeprazole
	drugSaline
	drugXuesaitong
	drugDanhong
)

var drugs = []drug{
	{"D0001", "Ceftriaxone", "头孢曲松钠", "injection", "1 g", "g", "2193", "J01DD04"},
	{"D0002", "Meropenem", "美罗培南", "injection", "1 g", "g", "29561", "J01DH02"},
	{"D0003", "Vancomycin", "万古霉素", "injection", "500 mg", "mg", "11124", "J01XA01"},
	{"D0004", "Levofloxacin", "左氧氟沙星", "injection", "500 mg", "mg", "82122", "J01MA12"},
	{"D0005", "Aspirin", "阿司匹林肠溶片", "tablet", "100 mg", "mg", "1191", "B01AC06"},
	{"D0006", "Ticagrelor", "替格瑞洛片", "tablet", "90 mg", "mg", "1116632", "B01AC24"},
	{"D0007", "Atorvastatin", "阿托伐他汀钙片", "tablet", "20 mg", "mg", "83367", "C10AA05"},
	{"D0008", "Heparin", "肝素钠注射液", "injection", "12500 U", "U", "5224", "B01AB01"},
	{"D0009", "Enoxaparin", "依诺肝素钠注射液", "injection", "40 mg", "mg", "67108", "B01AB05"},
	{"D0010", "Furosemide", "呋塞米注射液", "injection", "20 mg", "mg", "4603", "C03CA01"},
	{"D0011", "Metformin", "二甲双胍片", "tablet", "500 mg", "mg", "6809", "A10BA02"},
	{"D0012", "Insulin glargine", "甘精胰岛素注射液", "injection", "100 U/mL", "U", "274783", "A10AE04"},
	{"D0013", "Amlodipine", "苯磺酸氨氯地平片", "tablet", "5 mg", "mg", "17767", "C08CA01"},
	{"D0014", "Metoprolol", "酒石酸美托洛尔片", "tablet", "25 mg", "mg", "6918", "C07AB02"},
	{"D0015", "Morphine", "盐酸吗啡注射液", "injection", "10 mg", "mg", "7052", "N02AA01"},
	{"D0016", "Paracetamol", "对乙酰氨基酚片", "tablet", "500 mg", "mg", "161", "N02BE01"},
	{"D0017", "Salbutamol", "硫酸沙丁胺醇气雾剂", "inhaler", "100 ug", "ug", "435", "R03AC02"},
	{"D0018", "Methylprednisolone", "注射用甲泼尼龙琥珀酸钠", "injection", "40 mg", "mg", "6902", "H02AB04"},
	{"D0019", "Norepinephrine", "重酒石酸去甲肾上腺素注射液", "injection", "2 mg", "mg", "7512", "C01CA03"},
	{"D0020", "Oxytocin", "缩宫素注射液", "injection", "10 U", "U", "7824", "H01BB02"},
	{"D0021", "Cefazolin", "注射用头孢唑林钠", "injection", "1 g", "g", "2180", "J01DB04"},
	{"D0022", "Omeprazole", "注射用奥美拉唑钠", "injection", "40 mg", "mg", "7646", "A02BC01"},
	{"D0023", "Sodium chloride 0.9%", "0.9%氯化钠注射液", "injection", "500 mL", "mL", "9863", "B05XA03"},
	{"Z0101", "Xuesaitong injection", "注射用血塞通", "injection", "400 mg", "mg", "", ""},
	{"Z0102", "Danhong injection", "丹红注射液", "injection", "20 mL", "mL", "", ""},
}

// ward is a row of emr.ward; its id is its position plus one.
type ward struct {
	code string
	name phrase
	dept string
	beds int32
}

var wards = []ward{
	{"W-CARD", phrase{"Cardiology Ward", "心血管内科病区"}, "CARD", 40},
	{"W-CCU", phrase{"Coronary Care Unit", "冠心病监护病房"}, "CARD", 10},
	{"W-RESP", phrase{"Respiratory Ward", "呼吸与危重症医学科病区"}, "RESP", 40},
	{"W-NEUR", phrase{"Neurology Ward", "神经内科病区"}, "NEUR", 40},
	{"W-GAST", phrase{"Gastroenterology Ward", "消化内科病区"}, "GAST", 36},
	{"W-NEPH", phrase{"Nephrology Ward", "肾内科病区"}, "NEPH", 30},
	{"W-ENDO", phrase{"Endocrinology Ward", "内分泌科病区"}, "ENDO", 30},
	{"W-GSUR", phrase{"General Surgery Ward", "普通外科病区"}, "GSUR", 45},
	{"W-ORTH", phrase{"Orthopaedic Ward", "骨科病区"}, "ORTH", 45},
	{"W-OBST", phrase{"Obstetric Ward", "产科病区"}, "OBST", 35},
	{"W-ICU", phrase{"Intensive Care Unit", "重症监护病房"}, "ICU", 16},
	{"W-GENM", phrase{"General Medicine Ward", "全科医学病区"}, "GENM", 30},
}

// wardOf returns the id of the ward with the code, or of the general
// medicine ward when there is none.
func wardOf(code string) int32 {
	for i, w := range wards {
		if w.code == code {
			return int32(i + 1)
		}
	}
	return int32(len(wards))
}

// deptWard returns the id of the first ward of the department with the code.
func deptWard(dept string) int32 {
	for i, w := range wards {
		if w.dept == dept {
			return int32(i + 1)
		}
	}
	return wardOf("W-GENM")
}

// procedureDef is a procedure in both coding systems: cn is one or more
// ICD-9-CM-3 codes of the Chinese clinical edition, us one ICD-10-PCS code.
type procedureDef struct {
	cn          []codeName
	us          codeName
	anaesthesia string
	minutes     [2]int
}

// codeName is a code with its name in its own system's language.
type codeName struct{ code, name string }

// Keys of procedures.
const (
	procPCI = iota
	procHip
	procAppendectomy
	procCholecystectomy
	procDelivery
	procEGD
	procRadiusORIF
	procIntubation
	procCVC
	procDialysis
	procHerniaRepair
)

var procedures = []procedureDef{
	{[]codeName{{"00.6600", "经皮冠状动脉腔内血管成形术[PTCA]"}, {"36.0601", "冠状动脉药物涂层支架置入术"}},
		codeName{"02703DZ", "Dilation of Coronary Artery, One Artery with Intraluminal Device, Percutaneous Approach"}, "local", [2]int{45, 120}},
	{[]codeName{{"81.5100", "全髋关节置换"}},
		codeName{"0SR9019", "Replacement of Right Hip Joint with Metal Synthetic Substitute, Cemented, Open Approach"}, "spinal", [2]int{90, 180}},
	{[]codeName{{"47.0100", "腹腔镜下阑尾切除术"}},
		codeName{"0DTJ4ZZ", "Resection of Appendix, Percutaneous Endoscopic Approach"}, "general", [2]int{40, 90}},
	{[]codeName{{"51.2300", "腹腔镜下胆囊切除术"}},
		codeName{"0FT44ZZ", "Resection of Gallbladder, Percutaneous Endoscopic Approach"}, "general", [2]int{60, 120}},
	{[]codeName{{"73.5900", "其他手法助产"}},
		codeName{"10E0XZZ", "Delivery of Products of Conception, External Approach"}, "local", [2]int{20, 90}},
	{[]codeName{{"45.1300x004", "胃-十二指肠镜检查"}},
		codeName{"0DJ08ZZ", "Inspection of Upper Intestinal Tract, Via Natural or Artificial Opening Endoscopic"}, "sedation", [2]int{15, 40}},
	{[]codeName{{"79.3200", "桡骨和尺骨骨折开放性复位术伴内固定"}},
		codeName{"0PSJ04Z", "Reposition Right Radius with Internal Fixation Device, Open Approach"}, "general", [2]int{45, 100}},
	{[]codeName{{"96.0400", "气管内插管"}},
		codeName{"0BH17EZ", "Insertion of Endotracheal Airway into Trachea, Via Natural or Artificial Opening"}, "sedation", [2]int{10, 20}},
	{[]codeName{{"38.9302", "颈内静脉穿刺中心静脉置管术"}},
		codeName{"02HV33Z", "Insertion of Infusion Device into Superior Vena Cava, Percutaneous Approach"}, "local", [2]int{15, 40}},
	{[]codeName{{"39.9500", "血液透析"}},
		codeName{"5A1D70Z", "Performance of Urinary Filtration, Intermittent, Less than 6 Hours Per Day"}, "", [2]int{180, 240}},
	{[]codeName{{"53.0001", "单侧腹股沟疝修补术"}},
		codeName{"0YQ50ZZ", "Repair Right Inguinal Region, Open Approach"}, "local", [2]int{30, 90}},
}

// Columns of the dictionary tables.
var (
	wardColumns    = []string{"ward_id", "code", "name", "name_zh", "dept_id", "beds"}
	labItemColumns = []string{"item_id", "local_code", "name", "name_zh", "unit", "ref_low", "ref_high"}
	drugColumns    = []string{"drug_id", "local_code", "name", "name_zh", "form", "strength", "unit"}
	codeMapColumns = []string{"map_id", "code_system_local", "local_code", "target_vocabulary", "target_code", "target_name"}
)

// wardRows returns the rows of emr.ward.
func wardRows() [][]any {
	rows := make([][]any, len(wards))
	for i, w := range wards {
		rows[i] = []any{int32(i + 1), w.code, w.name.en, w.name.zh, deptID(w.dept), w.beds}
	}
	return rows
}

// deptID returns the id of the department with the code.
func deptID(code string) int32 {
	for i, d := range departments {
		if d.code == code {
			return int32(i + 1)
		}
	}
	return 0
}

// labItemRows returns the rows of emr.lab_item.
func labItemRows() [][]any {
	rows := make([][]any, len(labItems))
	for i, it := range labItems {
		var lo, hi any
		if it.lo != 0 || it.hi != 0 {
			lo, hi = it.lo, it.hi
		}
		rows[i] = []any{int32(i + 1), it.code, it.name, it.zh, nullText(it.unit), lo, hi}
	}
	return rows
}

// drugRows returns the rows of emr.drug.
func drugRows() [][]any {
	rows := make([][]any, len(drugs))
	for i, d := range drugs {
		rows[i] = []any{int32(i + 1), d.code, d.name, d.zh, d.form, d.strength, d.unit}
	}
	return rows
}

// codeMapRows returns the rows of emr.local_code_map: LOINC for the mapped
// lab items, RxNorm and ATC for the mapped drugs, ICD-10-CM for the
// diagnoses whose WHO code has a billable CM equivalent.
func codeMapRows() [][]any {
	var rows [][]any
	add := func(system, local, vocab, code, name string) {
		rows = append(rows, []any{int32(len(rows) + 1), system, local, vocab, code, name})
	}
	for _, it := range labItems {
		if it.loinc != "" {
			add("LAB", it.code, "LOINC", it.loinc, it.loincName)
		}
	}
	for _, d := range drugs {
		if d.rxnorm != "" {
			add("DRUG", d.code, "RxNorm", d.rxnorm, d.name)
			add("DRUG", d.code, "ATC", d.atc, d.name)
		}
	}
	for i := range conditions {
		c := &conditions[i]
		if cm := cmCode(c); cm.code != "" && cm.code != c.Code {
			add("DIAG", c.Code, "ICD10CM", cm.code, cm.name)
		}
	}
	return rows
}
