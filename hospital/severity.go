package hospital

// Complication/comorbidity status of the secondary diagnoses the hospital
// can code, for admissions.jsonl.
//
// Chinese profile: CHS-DRG 1.1 as OpenDRG/DRG_Python ships it (commit
// 5d523a26b110082fee8d6e324e2e527ad0b87ee5, Apache-2.0), copied from
// ../shared/reference/drg/chs-drg-1.1/{MCC,CC,CCE}.dat for exactly the
// Chinese clinical-edition codes of diagCodes, so that the binary needs
// nothing from /work/shared. TestCHSSeverityTable re-derives this table
// from those files so that it cannot drift from them. A secondary
// diagnosis listed in MCC.dat or CC.dat with exclusion table T does not
// count when the principal diagnosis is listed in CCE.dat with the same T
// (table 999 is never excluded); this is OpenDRG's Base.has_mcc/has_cc.

// Severity levels of a secondary diagnosis (admissions.jsonl "cc_mcc").
const (
	ccMCC  = "MCC"
	ccCC   = "CC"
	ccNone = "none"
)

// chsCode is a Chinese clinical-edition code's CHS-DRG 1.1 status: its
// level as a secondary diagnosis ("" when neither MCC nor CC), the
// exclusion table it belongs to as one (0 when neither), and the exclusion
// table it belongs to as a principal diagnosis (CCE.dat; 0 when none).
type chsCode struct {
	level     string
	table     int
	principal int
}

// chsSeverity maps each Chinese code of diagCodes to its CHS-DRG 1.1 status.
var chsSeverity = map[string]chsCode{
	"I21.001":     {ccMCC, 93, 93},
	"I21.401":     {ccMCC, 93, 93},
	"I20.000":     {"", 0, 93},
	"I25.100":     {"", 0, 0},
	"I25.200":     {ccCC, 93, 0},
	"I50.900":     {ccMCC, 95, 95},
	"I48.900x004": {"", 0, 95},
	"I10.x00x002": {"", 0, 92},
	"R07.400":     {"", 0, 183},
	"I26.900x001": {ccMCC, 94, 94},
	"I63.900":     {"", 0, 96},
	"G45.900":     {"", 0, 69},
	"I69.300x002": {ccCC, 96, 96},
	"J18.900":     {ccCC, 101, 101},
	"J44.100":     {ccMCC, 104, 104},
	"J44.900":     {ccCC, 104, 104},
	"J45.900x001": {"", 0, 104},
	"J06.900":     {"", 0, 100},
	"J20.900":     {"", 0, 102},
	"A41.900":     {ccMCC, 4, 4},
	"A09.000x001": {ccCC, 1, 1},
	"N39.000":     {"", 0, 148},
	"N17.900x003": {ccMCC, 145, 145},
	"N18.900":     {ccCC, 145, 0},
	"E11.900":     {"", 0, 46},
	"E11.800":     {"", 0, 46},
	"E78.500":     {"", 0, 52},
	"E03.900":     {"", 0, 45},
	"K35.800x001": {"", 0, 112},
	"K81.000":     {ccCC, 118, 118},
	"K92.200":     {ccCC, 119, 0},
	"K21.900x003": {"", 0, 111},
	"K85.900":     {ccMCC, 118, 118},
	"S72.000":     {ccCC, 203, 203},
	"K40.900x002": {"", 0, 113},
	"S52.500x001": {ccCC, 201, 201},
	"M54.500":     {"", 0, 135},
	"M17.900":     {"", 0, 130},
	"O80.000":     {"", 0, 159},
	"G43.900":     {"", 0, 69},
	"G40.900":     {"", 0, 69},
	"F32.900":     {ccCC, 56, 56},
	"D64.900":     {"", 0, 41},
	"C34.900x001": {ccCC, 23, 23},
	"C50.900":     {ccCC, 27, 27},
	"R50.900":     {ccCC, 191, 191},
}

// msdrgSeverity is the MS-DRG CC/MCC status of the ICD-10-CM codes of
// diagCodes whose status is certain. The shipped MS-DRG data
// (../shared/reference/drg/msdrg) has only Appendix A (the DRG list), not
// Appendix C (the CC/MCC list), so it cannot be derived from shipped data.
// These are the statuses CMS's MS-DRG CC/MCC lists (Definitions Manual,
// Appendix C, unchanged for these codes from v37 to v43) give the codes
// most often cited in coding guidance: sepsis, pneumonia, acute MI and
// stroke and pulmonary embolism as MCCs; acute kidney failure, COPD
// exacerbation, UTI, GI haemorrhage, unstable angina, acute cholecystitis
// and malignant neoplasms as CCs; unspecified heart failure, unspecified
// CKD, uncomplicated diabetes, hypertension, hyperlipidaemia, CAD, old MI,
// unspecified anaemia and COPD as neither. Codes not listed here (A09,
// G40.909, G45.9, I69.30, K35.80, K85.90, S52.501A, S72.001A, among
// others whose status this table does not claim) are left unmarked in
// admissions.jsonl, and MS-DRG's principal-diagnosis CC exclusions are not
// applied: no secondary code the hospital writes excludes itself against
// a principal of the same condition, as a stay never has the same
// condition twice.
var msdrgSeverity = map[string]string{
	"A41.9": ccMCC, "J18.9": ccMCC, "I21.09": ccMCC, "I21.4": ccMCC, "I63.9": ccMCC, "I26.99": ccMCC,
	"N17.9": ccCC, "J44.1": ccCC, "N39.0": ccCC, "K92.2": ccCC, "I20.0": ccCC, "K81.0": ccCC,
	"C34.90": ccCC, "C50.919": ccCC,
	"I50.9": ccNone, "N18.9": ccNone, "E11.9": ccNone, "E11.65": ccNone, "I10": ccNone, "E78.5": ccNone,
	"I25.10": ccNone, "I25.2": ccNone, "D64.9": ccNone, "J44.9": ccNone, "I48.91": ccNone, "E03.9": ccNone,
	"F32.A": ccNone, "M17.9": ccNone, "M54.50": ccNone, "J45.909": ccNone, "K21.9": ccNone, "R50.9": ccNone,
}

// secondarySeverity returns the CC/MCC status ("MCC", "CC" or "none") of
// secondary diagnosis code beside principal diagnosis principal, both in
// coding system, or "" when it is not known: CHS-DRG 1.1 with its
// exclusions for the Chinese clinical edition, msdrgSeverity for
// ICD-10-CM, nothing for WHO ICD-10.
func secondarySeverity(system, principal, code string) string {
	switch system {
	case systemCN:
		s, ok := chsSeverity[code]
		if !ok {
			return ""
		}
		if s.level == "" || (s.table != 999 && chsSeverity[principal].principal == s.table) {
			return ccNone
		}
		return s.level
	case systemCM:
		return msdrgSeverity[code]
	}
	return ""
}

// stayClass returns the highest status among the secondary diagnoses:
// "MCC" when any is one, else "CC" when any is one and none is unknown
// (an unknown one might be an MCC), else "none" when all are known, else "".
func stayClass(principal codedDiagnosis, secondary []codedDiagnosis) string {
	level, known := ccNone, true
	for _, s := range secondary {
		switch s.Severity {
		case ccMCC:
			return ccMCC
		case ccCC:
			level = ccCC
		case "":
			known = false
		}
	}
	if !known || principal.Code == "" {
		return ""
	}
	return level
}
