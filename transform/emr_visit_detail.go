package transform

// wardTransfers are the moves between wards: each starts a ward stay.
var wardTransfers = emrSource{
	table: "emr.ward_transfer",
	from:  "src_ward_transfer s LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = s.reg_id",
	checks: []check{
		rawIDCheck("s.transfer_id"),
		visitCheck("s.reg_id"),
		nullCheck("s.transfer_time", "no transfer time"),
	},
}

// icuWard is true for a ward (w, of department d) that is an intensive
// care unit: an ICU or CCU (RICU, NICU, ...) by its code, an intensive,
// critical or coronary care unit by its name (not a "respiratory and
// critical care medicine" ward), a monitoring ward (监护病房) by its Chinese
// name, or a ward of the ICU department.
const icuWard = `(regexp_matches(upper(coalesce(w.code, '')), '(^|[^A-Z])[A-Z]?(ICU|CCU)([^A-Z]|$)')
   OR regexp_matches(lower(coalesce(w.name, '')), '(intensive|critical|coronary) care unit')
   OR coalesce(w.name_zh, '') LIKE '%监护%' OR coalesce(d.code, '') = 'ICU')`

// visitDetailMappings fill VISIT_DETAIL with one row per ward stay: the id
// is the transfer's; it starts at the transfer into the ward and ends at
// the next transfer of the visit or, for the last, when the visit ends (on
// the build date while it is open). Intensive care wards get the concept
// 32037 Intensive Care (Visit domain), other wards their visit's concept;
// the care site is the ward's department; each stay points at the one
// before it, and names the ward it came from and went to (the visit's
// admission source and disposition at either end).
var visitDetailMappings = []mapping{{table: "visit_detail", insert: `
INSERT INTO visit_detail (visit_detail_id, person_id, visit_detail_concept_id, visit_detail_start_date, visit_detail_start_datetime,
       visit_detail_end_date, visit_detail_end_datetime, visit_detail_type_concept_id, provider_id, care_site_id,
       visit_detail_source_value, visit_detail_source_concept_id, admitted_from_concept_id, admitted_from_source_value,
       discharged_to_source_value, discharged_to_concept_id, preceding_visit_detail_id, parent_visit_detail_id, visit_occurrence_id)
SELECT t.transfer_id, t.person_id, CASE WHEN ` + icuWard + ` THEN 32037 ELSE t.visit_concept_id END,
       t.transfer_time::DATE, t.transfer_time,
       greatest(coalesce(t.next_time::DATE, t.visit_end_date), t.transfer_time::DATE), coalesce(t.next_time, t.visit_end_datetime),
       32817, t.provider_id, w.dept_id, left(coalesce(w.code, t.to_ward_id::VARCHAR), 50), 0,
       0, left(coalesce(fw.code, t.from_ward_id::VARCHAR, t.admitted_from_source_value), 50),
       left(coalesce(nw.code, t.next_ward::VARCHAR, t.discharged_to_source_value), 50), 0,
       t.prev_id, NULL, t.visit_occurrence_id
FROM (SELECT s.transfer_id, s.from_ward_id, s.to_ward_id, s.transfer_time, v.visit_occurrence_id, v.person_id, v.visit_concept_id,
             v.visit_end_date, v.visit_end_datetime, v.provider_id, v.admitted_from_source_value, v.discharged_to_source_value,
             lead(s.transfer_time) OVER stays AS next_time, lead(s.to_ward_id) OVER stays AS next_ward,
             lag(s.transfer_id) OVER stays AS prev_id
      FROM ` + wardTransfers.from + `
      WHERE ` + wardTransfers.where() + `
      WINDOW stays AS (PARTITION BY s.reg_id ORDER BY s.transfer_time, s.transfer_id)) t
LEFT JOIN src_ward w ON w.ward_id = t.to_ward_id
LEFT JOIN src_department d ON d.dept_id = w.dept_id
LEFT JOIN src_ward fw ON fw.ward_id = t.from_ward_id
LEFT JOIN src_ward nw ON nw.ward_id = t.next_ward`,
	quarantine: wardTransfers.quarantine()}}
