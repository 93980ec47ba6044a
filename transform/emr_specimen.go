package transform

import "strings"

// conceptBloodSpecimen is the specimen concept "Blood specimen".
const conceptBloodSpecimen = "4001225"

// bloodPanels are the lab panels (emr.lab_order.panel) of the hospital that
// are drawn from blood (whole blood, serum or plasma): all of them.
var bloodPanels = []string{"CBC", "RENAL", "TNI", "LAC", "CRP", "PCT", "BNP", "HBA1C", "BCX", "LFT", "DDIM", "LIP"}

// labSpecimens are the lab orders whose sample was collected.
var labSpecimens = emrSource{
	table:  "emr.lab_order",
	from:   "(SELECT * FROM src_lab_order WHERE collected_at IS NOT NULL AND coalesce(status, '') <> 'cancelled') s LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = s.reg_id",
	checks: []check{rawIDCheck("s.order_id"), visitCheck("s.reg_id")},
}

// specimenMappings fill SPECIMEN with one sample per collected (not
// cancelled) lab order, with the order's id, taken when it was collected:
// a Blood specimen for the blood panels, concept 0 for any other; the panel
// is the source value, the order id the specimen's source id.
var specimenMappings = []mapping{{table: "specimen", insert: `
INSERT INTO specimen (specimen_id, person_id, specimen_concept_id, specimen_type_concept_id, specimen_date, specimen_datetime,
       specimen_source_id, specimen_source_value)
SELECT s.order_id, v.person_id, CASE WHEN upper(s.panel) IN (` + quotedList(bloodPanels) + `) THEN ` + conceptBloodSpecimen + ` ELSE 0 END, 32817,
       s.collected_at::DATE, s.collected_at, s.order_id::VARCHAR, left(s.panel, 50)
FROM ` + labSpecimens.from + `
WHERE ` + labSpecimens.where(),
	quarantine: labSpecimens.quarantine()}}

// quotedList is the SQL list of the quoted strings.
func quotedList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = quote(s)
	}
	return strings.Join(quoted, ", ")
}
