package transform

import "fmt"

// Ids of the OMOP rows filled from the EMR. One source table per OMOP table
// (its "primary" source) lends the OMOP row its own integer key, which must
// stay below rawIDLimit; every other source reaches its OMOP ids through
// IDMapTable, where a source key keeps the id it was first given, across
// builds, and new keys get ids after the largest given so far (from
// fhirIDBase up, so never below rawIDLimit). Two sources feeding one OMOP
// table therefore never collide, and a source row keeps its id for as long
// as it exists.

// rawIDLimit is the bound a source's own key must stay under to be used as
// an OMOP id: ids from the id map start above it.
const rawIDLimit = fhirIDBase

// Id-map kinds of the EMR rows that are not their OMOP table's primary
// source; the source key is the row's key as text (a vital sign's value is
// "<vital_id>:<column>").
const (
	kindVitalValue       = "emr.vital_sign"
	kindMedOrder         = "emr.med_order"
	kindPrescriptionItem = "emr.prescription_item"
	kindImmunization     = "emr.immunization"
	kindExamOrder        = "emr.exam_order"
	kindTreatment        = "emr.treatment"
	kindSettlement       = "emr.settlement"
)

// allocateIDs returns the statement that gives every distinct, non-NULL
// source_key the query keys selects that has no id of kind yet the next
// free id of IDMapTable, in source_key order, so that a build over the same
// source gives the same ids.
func allocateIDs(kind, keys string) string {
	return fmt.Sprintf(`INSERT INTO %[1]s
SELECT %[2]s, k.source_key, (SELECT coalesce(max(id), %[4]d) FROM %[1]s) + row_number() OVER (ORDER BY k.source_key)
FROM (SELECT DISTINCT source_key FROM (%[3]s) WHERE source_key IS NOT NULL) k
WHERE NOT EXISTS (SELECT 1 FROM %[1]s m WHERE m.kind = %[2]s AND m.source_key = k.source_key)`, IDMapTable, quote(kind), keys, fhirIDBase)
}

// idJoin joins IDMapTable as alias on the id of kind given to the source
// key expression key; alias.id is then the row's OMOP id.
func idJoin(alias, kind, key string) string {
	return fmt.Sprintf("JOIN %[1]s %[2]s ON %[2]s.kind = %[3]s AND %[2]s.source_key = %[4]s", IDMapTable, alias, quote(kind), key)
}

// rawIDCheck is the check that quarantines a primary source row whose own
// key col cannot be an OMOP id (missing, or not below rawIDLimit).
func rawIDCheck(col string) check {
	return check{
		when:   fmt.Sprintf("%[1]s IS NULL OR %[1]s >= %[2]d", col, rawIDLimit),
		reason: fmt.Sprintf("CASE WHEN %[1]s IS NULL THEN 'no id' ELSE 'id ' || %[1]s || ' is not below %[2]d' END", col, rawIDLimit),
	}
}
