package hospital

// Diagnosis codes of each condition in the Chinese national clinical edition
// of ICD-10 (codes and names from CHS-DRG 1.1,
// ../shared/reference/drg/chs-drg-1.1/ICD/ZD_INFO.dat) and in ICD-10-CM
// (billable codes, English titles), keyed by the condition's WHO code.
var diagCodes = map[string]struct{ cn, cm codeName }{
	"I21.0":  {codeName{"I21.001", "急性前壁心肌梗死"}, codeName{"I21.09", "ST elevation (STEMI) myocardial infarction involving other coronary artery of anterior wall"}},
	"I21.4":  {codeName{"I21.401", "急性非ST段抬高型心肌梗死"}, codeName{"I21.4", "Non-ST elevation (NSTEMI) myocardial infarction"}},
	"I20.0":  {codeName{"I20.000", "不稳定型心绞痛"}, codeName{"I20.0", "Unstable angina"}},
	"I25.1":  {codeName{"I25.100", "动脉硬化性心脏病"}, codeName{"I25.10", "Atherosclerotic heart disease of native coronary artery without angina pectoris"}},
	"I25.2":  {codeName{"I25.200", "陈旧性心肌梗死"}, codeName{"I25.2", "Old myocardial infarction"}},
	"I50.9":  {codeName{"I50.900", "心力衰竭"}, codeName{"I50.9", "Heart failure, unspecified"}},
	"I48.9":  {codeName{"I48.900x004", "心房颤动[心房纤颤]"}, codeName{"I48.91", "Unspecified atrial fibrillation"}},
	"I10":    {codeName{"I10.x00x002", "高血压"}, codeName{"I10", "Essential (primary) hypertension"}},
	"R07.4":  {codeName{"R07.400", "胸痛"}, codeName{"R07.9", "Chest pain, unspecified"}},
	"I26.9":  {codeName{"I26.900x001", "肺栓塞"}, codeName{"I26.99", "Other pulmonary embolism without acute cor pulmonale"}},
	"I63.9":  {codeName{"I63.900", "脑梗死"}, codeName{"I63.9", "Cerebral infarction, unspecified"}},
	"G45.9":  {codeName{"G45.900", "短暂性大脑缺血性发作"}, codeName{"G45.9", "Transient cerebral ischemic attack, unspecified"}},
	"I69.3":  {codeName{"I69.300x002", "陈旧性脑梗死"}, codeName{"I69.30", "Unspecified sequelae of cerebral infarction"}},
	"J18.9":  {codeName{"J18.900", "肺炎"}, codeName{"J18.9", "Pneumonia, unspecified organism"}},
	"J44.1":  {codeName{"J44.100", "慢性阻塞性肺病伴有急性加重"}, codeName{"J44.1", "Chronic obstructive pulmonary disease with (acute) exacerbation"}},
	"J44.9":  {codeName{"J44.900", "慢性阻塞性肺病"}, codeName{"J44.9", "Chronic obstructive pulmonary disease, unspecified"}},
	"J45.9":  {codeName{"J45.900x001", "支气管哮喘"}, codeName{"J45.909", "Unspecified asthma, uncomplicated"}},
	"J06.9":  {codeName{"J06.900", "急性上呼吸道感染"}, codeName{"J06.9", "Acute upper respiratory infection, unspecified"}},
	"J20.9":  {codeName{"J20.900", "急性支气管炎"}, codeName{"J20.9", "Acute bronchitis, unspecified"}},
	"A41.9":  {codeName{"A41.900", "脓毒症"}, codeName{"A41.9", "Sepsis, unspecified organism"}},
	"A09":    {codeName{"A09.000x001", "肠道感染"}, codeName{"A09", "Infectious gastroenteritis and colitis, unspecified"}},
	"N39.0":  {codeName{"N39.000", "泌尿道感染"}, codeName{"N39.0", "Urinary tract infection, site not specified"}},
	"N17.9":  {codeName{"N17.900x003", "急性肾功能不全"}, codeName{"N17.9", "Acute kidney failure, unspecified"}},
	"N18.9":  {codeName{"N18.900", "慢性肾脏病，未特指"}, codeName{"N18.9", "Chronic kidney disease, unspecified"}},
	"E11.9":  {codeName{"E11.900", "2型糖尿病"}, codeName{"E11.9", "Type 2 diabetes mellitus without complications"}},
	"E11.65": {codeName{"E11.800", "2型糖尿病伴有并发症"}, codeName{"E11.65", "Type 2 diabetes mellitus with hyperglycemia"}},
	"E78.5":  {codeName{"E78.500", "高脂血症"}, codeName{"E78.5", "Hyperlipidemia, unspecified"}},
	"E03.9":  {codeName{"E03.900", "甲状腺功能减退症"}, codeName{"E03.9", "Hypothyroidism, unspecified"}},
	"K35.8":  {codeName{"K35.800x001", "急性阑尾炎"}, codeName{"K35.80", "Unspecified acute appendicitis"}},
	"K81.0":  {codeName{"K81.000", "急性胆囊炎"}, codeName{"K81.0", "Acute cholecystitis"}},
	"K92.2":  {codeName{"K92.200", "胃肠出血"}, codeName{"K92.2", "Gastrointestinal hemorrhage, unspecified"}},
	"K21.9":  {codeName{"K21.900x003", "胃食管反流"}, codeName{"K21.9", "Gastro-esophageal reflux disease without esophagitis"}},
	"K85.9":  {codeName{"K85.900", "急性胰腺炎"}, codeName{"K85.90", "Acute pancreatitis without necrosis or infection, unspecified"}},
	"S72.0":  {codeName{"S72.000", "股骨颈骨折"}, codeName{"S72.001A", "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"}},
	"K40.9":  {codeName{"K40.900x002", "单侧腹股沟疝"}, codeName{"K40.90", "Unilateral inguinal hernia, without obstruction or gangrene, not specified as recurrent"}},
	"S52.5":  {codeName{"S52.500x001", "桡骨远端骨折"}, codeName{"S52.501A", "Unspecified fracture of the lower end of right radius, initial encounter for closed fracture"}},
	"M54.5":  {codeName{"M54.500", "下背痛"}, codeName{"M54.50", "Low back pain, unspecified"}},
	"M17.9":  {codeName{"M17.900", "膝关节病"}, codeName{"M17.9", "Osteoarthritis of knee, unspecified"}},
	"O80":    {codeName{"O80.000", "头位顺产"}, codeName{"O80", "Encounter for full-term uncomplicated delivery"}},
	"G43.9":  {codeName{"G43.900", "偏头痛"}, codeName{"G43.909", "Migraine, unspecified, not intractable, without status migrainosus"}},
	"G40.9":  {codeName{"G40.900", "癫痫"}, codeName{"G40.909", "Epilepsy, unspecified, not intractable, without status epilepticus"}},
	"F32.9":  {codeName{"F32.900", "抑郁发作"}, codeName{"F32.A", "Depression, unspecified"}},
	"D64.9":  {codeName{"D64.900", "贫血"}, codeName{"D64.9", "Anemia, unspecified"}},
	"C34.9":  {codeName{"C34.900x001", "肺恶性肿瘤"}, codeName{"C34.90", "Malignant neoplasm of unspecified part of unspecified bronchus or lung"}},
	"C50.9":  {codeName{"C50.900", "乳房恶性肿瘤"}, codeName{"C50.919", "Malignant neoplasm of unspecified site of unspecified female breast"}},
	"R50.9":  {codeName{"R50.900", "发热"}, codeName{"R50.9", "Fever, unspecified"}},
}

// Coding systems of emr.diagnosis.code_system.
const (
	systemWHO = "ICD-10"
	systemCN  = "ICD-10-CN"
	systemCM  = "ICD-10-CM"
)

// cnCode returns c's code and Chinese name in the Chinese clinical edition.
func cnCode(c *condition) codeName { return diagCodes[c.Code].cn }

// cmCode returns c's ICD-10-CM code and title.
func cmCode(c *condition) codeName { return diagCodes[c.Code].cm }

// codeIn returns c's code, name and coding system in the profile's coding
// ("cn", "us" or anything else for WHO ICD-10).
func codeIn(c *condition, coding string) (code, name, system string) {
	switch coding {
	case ProfileCN:
		if cn := cnCode(c); cn.code != "" {
			return cn.code, cn.name, systemCN
		}
	case ProfileUS:
		if cm := cmCode(c); cm.code != "" {
			return cm.code, cm.name, systemCM
		}
	}
	return c.Code, c.Name, systemWHO
}
