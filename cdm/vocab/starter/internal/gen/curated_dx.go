package main

// The hospital's diagnoses and their reviewed 'Maps to' targets.
//
// Codes and names are copied from package hospital (conditions.go: the
// WHO ICD-10 code, English title and Chinese name of each condition;
// codes.go: its Chinese national clinical edition code and name and its
// ICD-10-CM code and title); hospital/vocab_starter_coverage_test.go checks
// that this list still holds every code the hospital writes.
//
// Each target is a standard SNOMED concept of the shared sample whose
// concept_name the generator checks against Name, so a comment here cannot
// drift from the concept it names. A pair is listed only when the target is
// clinically right for the code: either the same idea, or ("uphill") a
// broader concept that is still true of every patient with the code, used
// where the sample lacks the exact one, as OHDSI itself maps uphill when
// SNOMED has no equivalent. A code with no right target in the sample maps
// to none and stays unmapped (concept_id 0 in a build).

// target is a standard concept of the sample; Name must be its concept_name.
type target struct {
	ID   int32
	Name string
}

// none marks a code left unmapped: the sample has no right target.
var none = target{}

// SNOMED condition (and one observation) targets.
var (
	// I21.0 acute transmural MI of anterior wall, I21.4 NSTEMI: uphill, the
	// sample has neither STEMI nor NSTEMI nor acute MI.
	snMI = target{4329847, "Myocardial infarction"}
	// I25.1 atherosclerotic heart disease: the same idea.
	snCoronaryArteriosclerosis = target{317576, "Coronary arteriosclerosis"}
	// I25.2 old myocardial infarction: the history of an MI, a context-
	// dependent concept in the Observation domain, so the diagnosis is
	// routed to OBSERVATION.
	snHistoryOfMI  = target{4163874, "History of myocardial infarction"}
	snHeartFailure = target{316139, "Heart failure"}
	// Only the Chinese code (心房颤动) and I48.91 say fibrillation; WHO I48.9
	// is "atrial fibrillation and atrial flutter, unspecified" and stays
	// unmapped.
	snAtrialFibrillation    = target{313217, "Atrial fibrillation"}
	snEssentialHypertension = target{320128, "Essential hypertension"}
	// I63.9 cerebral infarction: uphill, a cerebral infarction is a stroke.
	snCVA             = target{381316, "Cerebrovascular accident"}
	snPneumonia       = target{255848, "Pneumonia"}
	snAsthma          = target{317009, "Asthma"}
	snAcuteBronchitis = target{260139, "Acute bronchitis"}
	snSepsis          = target{132797, "Sepsis"}
	snUTI             = target{81902, "Urinary tract infectious disease"}
	// E11.9, and uphill E11.65 (with hyperglycaemia) and the Chinese
	// E11.800 (with complications).
	snType2DM        = target{201826, "Type 2 diabetes mellitus"}
	snHyperlipidemia = target{432867, "Hyperlipidemia"}
	// K35.8 acute appendicitis: uphill, the sample lacks acute appendicitis.
	snAppendicitis       = target{440448, "Appendicitis"}
	snAcuteCholecystitis = target{198809, "Acute cholecystitis"}
	// K21.9 GERD without oesophagitis: uphill to GERD.
	snGERD = target{318800, "Gastroesophageal reflux disease"}
	// Only S72.001A says closed; the WHO and Chinese codes of a femoral
	// neck fracture do not, and stay unmapped.
	snClosedFractureOfHip = target{4230399, "Closed fracture of hip"}
	// S52.5 fracture of the lower end of the radius: uphill, a forearm fracture.
	snFractureOfForearm      = target{4278672, "Fracture of forearm"}
	snOsteoarthritisOfKnee   = target{4079750, "Osteoarthritis of knee"}
	snEpilepsy               = target{380378, "Epilepsy"}
	snAnemia                 = target{439777, "Anemia"}
	snMalignantTumorOfBreast = target{4112853, "Malignant tumor of breast"}
	snFever                  = target{437663, "Fever"}
)

// code is a source code with its English and Chinese names (either may be
// empty: the Chinese edition's codes have Chinese names only).
type code struct{ Code, Name, Zh string }

// diagnosis is one condition of the hospital in its three codings and the
// target of each: To[0] for the WHO code, To[1] the Chinese, To[2] ICD-10-CM.
type diagnosis struct {
	WHO, CN, CM code
	To          [3]target
}

// Unmapped, for want of a right concept in the sample: unstable angina,
// chest pain, pulmonary embolism (the sample has only acute PE), TIA,
// sequelae of stroke, COPD, acute URI, gastroenteritis, acute kidney injury,
// CKD (only staged CKD), hypothyroidism (only idiopathic atrophic), GI
// haemorrhage, acute pancreatitis, inguinal hernia, low back pain (only
// chronic), delivery, migraine (only specific kinds), depression (only major
// depressive disorder), lung cancer (only its histological types).
var diagnoses = []diagnosis{
	{WHO: code{"I21.0", "Acute transmural myocardial infarction of anterior wall", "急性前壁心肌梗死"},
		CN: code{"I21.001", "", "急性前壁心肌梗死"},
		CM: code{"I21.09", "ST elevation (STEMI) myocardial infarction involving other coronary artery of anterior wall", ""},
		To: [3]target{snMI, snMI, snMI}},
	{WHO: code{"I21.4", "Acute subendocardial myocardial infarction", "急性非ST段抬高型心肌梗死"},
		CN: code{"I21.401", "", "急性非ST段抬高型心肌梗死"},
		CM: code{"I21.4", "Non-ST elevation (NSTEMI) myocardial infarction", ""},
		To: [3]target{snMI, snMI, snMI}},
	{WHO: code{"I20.0", "Unstable angina", "不稳定型心绞痛"},
		CN: code{"I20.000", "", "不稳定型心绞痛"},
		CM: code{"I20.0", "Unstable angina", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"I25.1", "Atherosclerotic heart disease", "冠状动脉粥样硬化性心脏病"},
		CN: code{"I25.100", "", "动脉硬化性心脏病"},
		CM: code{"I25.10", "Atherosclerotic heart disease of native coronary artery without angina pectoris", ""},
		To: [3]target{snCoronaryArteriosclerosis, snCoronaryArteriosclerosis, snCoronaryArteriosclerosis}},
	{WHO: code{"I25.2", "Old myocardial infarction", "陈旧性心肌梗死"},
		CN: code{"I25.200", "", "陈旧性心肌梗死"},
		CM: code{"I25.2", "Old myocardial infarction", ""},
		To: [3]target{snHistoryOfMI, snHistoryOfMI, snHistoryOfMI}},
	{WHO: code{"I50.9", "Heart failure, unspecified", "心力衰竭"},
		CN: code{"I50.900", "", "心力衰竭"},
		CM: code{"I50.9", "Heart failure, unspecified", ""},
		To: [3]target{snHeartFailure, snHeartFailure, snHeartFailure}},
	{WHO: code{"I48.9", "Atrial fibrillation and atrial flutter, unspecified", "心房颤动"},
		CN: code{"I48.900x004", "", "心房颤动[心房纤颤]"},
		CM: code{"I48.91", "Unspecified atrial fibrillation", ""},
		To: [3]target{none, snAtrialFibrillation, snAtrialFibrillation}},
	{WHO: code{"I10", "Essential (primary) hypertension", "原发性高血压"},
		CN: code{"I10.x00x002", "", "高血压"},
		CM: code{"I10", "Essential (primary) hypertension", ""},
		To: [3]target{snEssentialHypertension, snEssentialHypertension, snEssentialHypertension}},
	{WHO: code{"R07.4", "Chest pain, unspecified", "胸痛"},
		CN: code{"R07.400", "", "胸痛"},
		CM: code{"R07.9", "Chest pain, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"I26.9", "Pulmonary embolism without mention of acute cor pulmonale", "肺栓塞"},
		CN: code{"I26.900x001", "", "肺栓塞"},
		CM: code{"I26.99", "Other pulmonary embolism without acute cor pulmonale", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"I63.9", "Cerebral infarction, unspecified", "脑梗死"},
		CN: code{"I63.900", "", "脑梗死"},
		CM: code{"I63.9", "Cerebral infarction, unspecified", ""},
		To: [3]target{snCVA, snCVA, snCVA}},
	{WHO: code{"G45.9", "Transient cerebral ischaemic attack, unspecified", "短暂性脑缺血发作"},
		CN: code{"G45.900", "", "短暂性大脑缺血性发作"},
		CM: code{"G45.9", "Transient cerebral ischemic attack, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"I69.3", "Sequelae of cerebral infarction", "脑梗死后遗症"},
		CN: code{"I69.300x002", "", "陈旧性脑梗死"},
		CM: code{"I69.30", "Unspecified sequelae of cerebral infarction", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"J18.9", "Pneumonia, unspecified", "肺炎"},
		CN: code{"J18.900", "", "肺炎"},
		CM: code{"J18.9", "Pneumonia, unspecified organism", ""},
		To: [3]target{snPneumonia, snPneumonia, snPneumonia}},
	{WHO: code{"J44.1", "Chronic obstructive pulmonary disease with acute exacerbation, unspecified", "慢性阻塞性肺疾病急性加重"},
		CN: code{"J44.100", "", "慢性阻塞性肺病伴有急性加重"},
		CM: code{"J44.1", "Chronic obstructive pulmonary disease with (acute) exacerbation", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"J44.9", "Chronic obstructive pulmonary disease, unspecified", "慢性阻塞性肺疾病"},
		CN: code{"J44.900", "", "慢性阻塞性肺病"},
		CM: code{"J44.9", "Chronic obstructive pulmonary disease, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"J45.9", "Asthma, unspecified", "支气管哮喘"},
		CN: code{"J45.900x001", "", "支气管哮喘"},
		CM: code{"J45.909", "Unspecified asthma, uncomplicated", ""},
		To: [3]target{snAsthma, snAsthma, snAsthma}},
	{WHO: code{"J06.9", "Acute upper respiratory infection, unspecified", "急性上呼吸道感染"},
		CN: code{"J06.900", "", "急性上呼吸道感染"},
		CM: code{"J06.9", "Acute upper respiratory infection, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"J20.9", "Acute bronchitis, unspecified", "急性支气管炎"},
		CN: code{"J20.900", "", "急性支气管炎"},
		CM: code{"J20.9", "Acute bronchitis, unspecified", ""},
		To: [3]target{snAcuteBronchitis, snAcuteBronchitis, snAcuteBronchitis}},
	{WHO: code{"A41.9", "Sepsis, unspecified", "脓毒症"},
		CN: code{"A41.900", "", "脓毒症"},
		CM: code{"A41.9", "Sepsis, unspecified organism", ""},
		To: [3]target{snSepsis, snSepsis, snSepsis}},
	{WHO: code{"A09", "Other gastroenteritis and colitis of infectious and unspecified origin", "感染性腹泻"},
		CN: code{"A09.000x001", "", "肠道感染"},
		CM: code{"A09", "Infectious gastroenteritis and colitis, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"N39.0", "Urinary tract infection, site not specified", "尿路感染"},
		CN: code{"N39.000", "", "泌尿道感染"},
		CM: code{"N39.0", "Urinary tract infection, site not specified", ""},
		To: [3]target{snUTI, snUTI, snUTI}},
	{WHO: code{"N17.9", "Acute renal failure, unspecified", "急性肾损伤"},
		CN: code{"N17.900x003", "", "急性肾功能不全"},
		CM: code{"N17.9", "Acute kidney failure, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"N18.9", "Chronic kidney disease, unspecified", "慢性肾脏病"},
		CN: code{"N18.900", "", "慢性肾脏病，未特指"},
		CM: code{"N18.9", "Chronic kidney disease, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"E11.9", "Type 2 diabetes mellitus without complications", "2型糖尿病"},
		CN: code{"E11.900", "", "2型糖尿病"},
		CM: code{"E11.9", "Type 2 diabetes mellitus without complications", ""},
		To: [3]target{snType2DM, snType2DM, snType2DM}},
	{WHO: code{"E11.65", "Type 2 diabetes mellitus with hyperglycemia", "2型糖尿病伴高血糖"},
		CN: code{"E11.800", "", "2型糖尿病伴有并发症"},
		CM: code{"E11.65", "Type 2 diabetes mellitus with hyperglycemia", ""},
		To: [3]target{snType2DM, snType2DM, snType2DM}},
	{WHO: code{"E78.5", "Hyperlipidaemia, unspecified", "高脂血症"},
		CN: code{"E78.500", "", "高脂血症"},
		CM: code{"E78.5", "Hyperlipidemia, unspecified", ""},
		To: [3]target{snHyperlipidemia, snHyperlipidemia, snHyperlipidemia}},
	{WHO: code{"E03.9", "Hypothyroidism, unspecified", "甲状腺功能减退症"},
		CN: code{"E03.900", "", "甲状腺功能减退症"},
		CM: code{"E03.9", "Hypothyroidism, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"K35.8", "Acute appendicitis, other and unspecified", "急性阑尾炎"},
		CN: code{"K35.800x001", "", "急性阑尾炎"},
		CM: code{"K35.80", "Unspecified acute appendicitis", ""},
		To: [3]target{snAppendicitis, snAppendicitis, snAppendicitis}},
	{WHO: code{"K81.0", "Acute cholecystitis", "急性胆囊炎"},
		CN: code{"K81.000", "", "急性胆囊炎"},
		CM: code{"K81.0", "Acute cholecystitis", ""},
		To: [3]target{snAcuteCholecystitis, snAcuteCholecystitis, snAcuteCholecystitis}},
	{WHO: code{"K40.9", "Unilateral or unspecified inguinal hernia, without obstruction or gangrene", "单侧腹股沟疝"},
		CN: code{"K40.900x002", "", "单侧腹股沟疝"},
		CM: code{"K40.90", "Unilateral inguinal hernia, without obstruction or gangrene, not specified as recurrent", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"K92.2", "Gastrointestinal haemorrhage, unspecified", "消化道出血"},
		CN: code{"K92.200", "", "胃肠出血"},
		CM: code{"K92.2", "Gastrointestinal hemorrhage, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"K21.9", "Gastro-oesophageal reflux disease without oesophagitis", "胃食管反流病"},
		CN: code{"K21.900x003", "", "胃食管反流"},
		CM: code{"K21.9", "Gastro-esophageal reflux disease without esophagitis", ""},
		To: [3]target{snGERD, snGERD, snGERD}},
	{WHO: code{"K85.9", "Acute pancreatitis, unspecified", "急性胰腺炎"},
		CN: code{"K85.900", "", "急性胰腺炎"},
		CM: code{"K85.90", "Acute pancreatitis without necrosis or infection, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"S72.0", "Fracture of neck of femur", "股骨颈骨折"},
		CN: code{"S72.000", "", "股骨颈骨折"},
		CM: code{"S72.001A", "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture", ""},
		To: [3]target{none, none, snClosedFractureOfHip}},
	{WHO: code{"S52.5", "Fracture of lower end of radius", "桡骨远端骨折"},
		CN: code{"S52.500x001", "", "桡骨远端骨折"},
		CM: code{"S52.501A", "Unspecified fracture of the lower end of right radius, initial encounter for closed fracture", ""},
		To: [3]target{snFractureOfForearm, snFractureOfForearm, snFractureOfForearm}},
	{WHO: code{"M54.5", "Low back pain", "腰痛"},
		CN: code{"M54.500", "", "下背痛"},
		CM: code{"M54.50", "Low back pain, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"M17.9", "Gonarthrosis, unspecified", "膝关节骨关节炎"},
		CN: code{"M17.900", "", "膝关节病"},
		CM: code{"M17.9", "Osteoarthritis of knee, unspecified", ""},
		To: [3]target{snOsteoarthritisOfKnee, snOsteoarthritisOfKnee, snOsteoarthritisOfKnee}},
	{WHO: code{"O80", "Single spontaneous delivery", "单胎顺产"},
		CN: code{"O80.000", "", "头位顺产"},
		CM: code{"O80", "Encounter for full-term uncomplicated delivery", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"G43.9", "Migraine, unspecified", "偏头痛"},
		CN: code{"G43.900", "", "偏头痛"},
		CM: code{"G43.909", "Migraine, unspecified, not intractable, without status migrainosus", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"G40.9", "Epilepsy, unspecified", "癫痫"},
		CN: code{"G40.900", "", "癫痫"},
		CM: code{"G40.909", "Epilepsy, unspecified, not intractable, without status epilepticus", ""},
		To: [3]target{snEpilepsy, snEpilepsy, snEpilepsy}},
	{WHO: code{"F32.9", "Depressive episode, unspecified", "抑郁发作"},
		CN: code{"F32.900", "", "抑郁发作"},
		CM: code{"F32.A", "Depression, unspecified", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"D64.9", "Anaemia, unspecified", "贫血"},
		CN: code{"D64.900", "", "贫血"},
		CM: code{"D64.9", "Anemia, unspecified", ""},
		To: [3]target{snAnemia, snAnemia, snAnemia}},
	{WHO: code{"C34.9", "Malignant neoplasm of bronchus or lung, unspecified", "肺恶性肿瘤"},
		CN: code{"C34.900x001", "", "肺恶性肿瘤"},
		CM: code{"C34.90", "Malignant neoplasm of unspecified part of unspecified bronchus or lung", ""},
		To: [3]target{none, none, none}},
	{WHO: code{"C50.9", "Malignant neoplasm of breast, unspecified", "乳腺恶性肿瘤"},
		CN: code{"C50.900", "", "乳房恶性肿瘤"},
		CM: code{"C50.919", "Malignant neoplasm of unspecified site of unspecified female breast", ""},
		To: [3]target{snMalignantTumorOfBreast, snMalignantTumorOfBreast, snMalignantTumorOfBreast}},
	{WHO: code{"R50.9", "Fever, unspecified", "发热"},
		CN: code{"R50.900", "", "发热"},
		CM: code{"R50.9", "Fever, unspecified", ""},
		To: [3]target{snFever, snFever, snFever}},
}
