package main

// The hospital's procedures, laboratory tests, drugs and vaccines, copied
// from package hospital (dictionary.go, patient_extras.go), with their
// reviewed targets; and the standard concepts its other data needs (units,
// vital signs, visits). hospital/vocab_starter_coverage_test.go checks these
// lists against the hospital's own dictionaries.

// SNOMED procedure targets.
var (
	// PTCA and coronary stent insertion: uphill, both are PCIs.
	snPCI = target{4216130, "Percutaneous coronary intervention"}
	// 0SR9019 replaces the whole right hip joint: a total replacement.
	snTotalHip = target{4203771, "Total replacement of hip"}
	// Laparoscopic appendectomy: uphill to appendectomy.
	snAppendectomy = target{4198190, "Appendectomy"}
	snLapChole     = target{4163971, "Laparoscopic cholecystectomy"}
	snEndotracheal = target{4013354, "Insertion of endotracheal tube"}
	// 5A1D70Z is how ICD-10-PCS codes intermittent haemodialysis.
	snHemodialysis = target{4120120, "Hemodialysis"}
)

// procedure is one procedure of the hospital: its Chinese clinical edition
// ICD-9-CM-3 codes (Chinese names) and its ICD-10-PCS code, and the target
// they all share.
type procedure struct {
	CN []code
	US code
	To target
}

// Unmapped, for want of a right concept in the sample: manually assisted
// delivery, oesophagogastroduodenoscopy, open reduction and internal
// fixation of the radius, central venous catheter insertion, inguinal
// hernia repair.
var procedures = []procedure{
	{[]code{{"00.6600", "", "经皮冠状动脉腔内血管成形术[PTCA]"}, {"36.0601", "", "冠状动脉药物涂层支架置入术"}},
		code{"02703DZ", "Dilation of Coronary Artery, One Artery with Intraluminal Device, Percutaneous Approach", ""}, snPCI},
	{[]code{{"81.5100", "", "全髋关节置换"}},
		code{"0SR9019", "Replacement of Right Hip Joint with Metal Synthetic Substitute, Cemented, Open Approach", ""}, snTotalHip},
	{[]code{{"47.0100", "", "腹腔镜下阑尾切除术"}},
		code{"0DTJ4ZZ", "Resection of Appendix, Percutaneous Endoscopic Approach", ""}, snAppendectomy},
	{[]code{{"51.2300", "", "腹腔镜下胆囊切除术"}},
		code{"0FT44ZZ", "Resection of Gallbladder, Percutaneous Endoscopic Approach", ""}, snLapChole},
	{[]code{{"73.5900", "", "其他手法助产"}},
		code{"10E0XZZ", "Delivery of Products of Conception, External Approach", ""}, none},
	{[]code{{"45.1300x004", "", "胃-十二指肠镜检查"}},
		code{"0DJ08ZZ", "Inspection of Upper Intestinal Tract, Via Natural or Artificial Opening Endoscopic", ""}, none},
	{[]code{{"79.3200", "", "桡骨和尺骨骨折开放性复位术伴内固定"}},
		code{"0PSJ04Z", "Reposition Right Radius with Internal Fixation Device, Open Approach", ""}, none},
	{[]code{{"96.0400", "", "气管内插管"}},
		code{"0BH17EZ", "Insertion of Endotracheal Airway into Trachea, Via Natural or Artificial Opening", ""}, snEndotracheal},
	{[]code{{"38.9302", "", "颈内静脉穿刺中心静脉置管术"}},
		code{"02HV33Z", "Insertion of Infusion Device into Superior Vena Cava, Percutaneous Approach", ""}, none},
	{[]code{{"39.9500", "", "血液透析"}},
		code{"5A1D70Z", "Performance of Urinary Filtration, Intermittent, Less than 6 Hours Per Day", ""}, snHemodialysis},
	{[]code{{"53.0001", "", "单侧腹股沟疝修补术"}},
		code{"0YQ50ZZ", "Repair Right Inguinal Region, Open Approach", ""}, none},
}

// local is a local laboratory or drug code and the standard code it maps
// to (LOINC or an RxNorm ingredient, looked up in the sample by code; empty
// when the hospital never mapped it). Hospital is the code the hospital's
// own emr.local_code_map gives, kept to check Target against it.
type local struct {
	Code, Name, Zh   string
	Hospital, Target string
}

// labs are emr.lab_item. Target is the hospital's LOINC code, except XDD
// (D-dimer in mg/L FEU), which the hospital left unmapped and the starter
// maps to LOINC 48065-7 "Fibrin D-dimer FEU [Mass/volume] in Platelet poor
// plasma". LAC (2524-7), TNI (10839-9) and BNP (30934-4) map to LOINC codes
// the sample lacks; its nearest concepts measure something else (lactate by
// mass, high-sensitivity troponin, NT-proBNP), so they stay unmapped.
var labs = []local{
	{"CR", "Creatinine", "肌酐", "2160-0", "2160-0"},
	{"LAC", "Lactate", "乳酸", "2524-7", "2524-7"},
	{"WBC", "White blood cell count", "白细胞计数", "6690-2", "6690-2"},
	{"HGB", "Hemoglobin", "血红蛋白", "718-7", "718-7"},
	{"GLU", "Glucose", "葡萄糖", "2345-7", "2345-7"},
	{"K", "Potassium", "钾", "2823-3", "2823-3"},
	{"NA", "Sodium", "钠", "2951-2", "2951-2"},
	{"TNI", "Troponin I", "肌钙蛋白I", "10839-9", "10839-9"},
	{"CRP", "C-reactive protein", "C反应蛋白", "1988-5", "1988-5"},
	{"PCT", "Procalcitonin", "降钙素原", "33959-8", "33959-8"},
	{"PLT", "Platelet count", "血小板计数", "777-3", "777-3"},
	{"BUN", "Urea nitrogen", "尿素氮", "3094-0", "3094-0"},
	{"BNP", "B-type natriuretic peptide", "B型钠尿肽", "30934-4", "30934-4"},
	{"HBA1C", "Hemoglobin A1c", "糖化血红蛋白", "4548-4", "4548-4"},
	{"BCX", "Blood culture", "血培养", "600-7", "600-7"},
	{"TBIL", "Total bilirubin", "总胆红素", "1975-2", "1975-2"},
	{"XDD", "D-dimer", "D-二聚体", "", "48065-7"},
	{"XLIP", "Lipase", "脂肪酶", "", ""},
}

// drugs are emr.drug with their RxNorm ingredient codes; only ceftriaxone,
// aspirin and cefazolin are in the sample, the others stay unmapped until
// an Athena download is loaded.
var drugs = []local{
	{"D0001", "Ceftriaxone", "头孢曲松钠", "2193", "2193"},
	{"D0002", "Meropenem", "美罗培南", "29561", "29561"},
	{"D0003", "Vancomycin", "万古霉素", "11124", "11124"},
	{"D0004", "Levofloxacin", "左氧氟沙星", "82122", "82122"},
	{"D0005", "Aspirin", "阿司匹林肠溶片", "1191", "1191"},
	{"D0006", "Ticagrelor", "替格瑞洛片", "1116632", "1116632"},
	{"D0007", "Atorvastatin", "阿托伐他汀钙片", "83367", "83367"},
	{"D0008", "Heparin", "肝素钠注射液", "5224", "5224"},
	{"D0009", "Enoxaparin", "依诺肝素钠注射液", "67108", "67108"},
	{"D0010", "Furosemide", "呋塞米注射液", "4603", "4603"},
	{"D0011", "Metformin", "二甲双胍片", "6809", "6809"},
	{"D0012", "Insulin glargine", "甘精胰岛素注射液", "274783", "274783"},
	{"D0013", "Amlodipine", "苯磺酸氨氯地平片", "17767", "17767"},
	{"D0014", "Metoprolol", "酒石酸美托洛尔片", "6918", "6918"},
	{"D0015", "Morphine", "盐酸吗啡注射液", "7052", "7052"},
	{"D0016", "Paracetamol", "对乙酰氨基酚片", "161", "161"},
	{"D0017", "Salbutamol", "硫酸沙丁胺醇气雾剂", "435", "435"},
	{"D0018", "Methylprednisolone", "注射用甲泼尼龙琥珀酸钠", "6902", "6902"},
	{"D0019", "Norepinephrine", "重酒石酸去甲肾上腺素注射液", "7512", "7512"},
	{"D0020", "Oxytocin", "缩宫素注射液", "7824", "7824"},
	{"D0021", "Cefazolin", "注射用头孢唑林钠", "2180", "2180"},
	{"D0022", "Omeprazole", "注射用奥美拉唑钠", "7646", "7646"},
	{"D0023", "Sodium chloride 0.9%", "0.9%氯化钠注射液", "9863", "9863"},
	{"Z0101", "Xuesaitong injection", "注射用血塞通", "", ""},
	{"Z0102", "Danhong injection", "丹红注射液", "", ""},
}

// vaccines are the CVX codes of emr.immunization; the sample has no CVX
// concepts and no vaccine drugs, so they stay unmapped.
var vaccines = []code{
	{"140", "Influenza, seasonal, injectable, preservative free", ""},
	{"33", "Pneumococcal polysaccharide vaccine, 23 valent", ""},
	{"208", "COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose", ""},
	{"08", "Hepatitis B vaccine, pediatric or pediatric/adolescent dosage", ""},
	{"03", "Measles, mumps and rubella virus vaccine", ""},
	{"115", "Tetanus toxoid, reduced diphtheria toxoid, and acellular pertussis vaccine, adsorbed", ""},
}

// vitalLOINC are the LOINC codes of the vital signs emr.vital_sign charts
// (heart rate, respiratory rate, systolic and diastolic pressure, body
// temperature, SpO2 by pulse oximetry, height, weight) and BMI, derived
// from them. The sample lacks the Glasgow coma score total (9269-2).
var vitalLOINC = []string{"8867-4", "9279-1", "8480-6", "8462-4", "8310-5", "59408-5", "8302-2", "29463-7", "39156-5"}

// units are the UCUM codes of the units the hospital writes: lab units
// (mg/dL, mmol/L, 10*9/L, g/dL, ng/mL, mg/L, pg/mL, %, U/L as [U]/L,
// "mg/L FEU" as mg{FEU}/L), vital-sign units (/min, mm[Hg], Cel, %, cm, kg,
// kg/m2) and drug dose units (g, mg, U as [U], ug, mL).
var units = []string{
	"mg/dL", "mmol/L", "10*9/L", "g/dL", "ng/mL", "mg/L", "pg/mL", "%", "[U]/L", "mg{FEU}/L",
	"/min", "mm[Hg]", "Cel", "cm", "kg", "kg/m2",
	"g", "mg", "[U]", "ug", "mL",
}

// visits are the Visit concepts of registrations: inpatient, outpatient,
// emergency room.
var visits = []string{"IP", "OP", "ER"}
