package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// labQuery reads lab results with their order, local test and, when the
// local code map has one, the LOINC code.
const labQuery = `SELECT r.result_id, o.reg_id, o.patient_id, o.status, o.collected_at, r.resulted_at, r.amended,
	i.local_code, i.name, coalesce(r.unit, i.unit), i.ref_low::text, i.ref_high::text,
	r.value::text, r.value_text, r.abnormal_flag, m.target_code, m.target_name
	FROM emr.lab_result r JOIN emr.lab_order o ON o.order_id = r.order_id JOIN emr.lab_item i ON i.item_id = r.item_id
	LEFT JOIN emr.local_code_map m ON m.code_system_local = 'LAB' AND m.local_code = i.local_code AND m.target_vocabulary = 'LOINC'
	ORDER BY r.result_id`

// labRow is one row of labQuery.
type labRow struct {
	id, reg, patient             int64
	orderStatus                  string
	collected                    *time.Time
	resulted                     time.Time
	amended                      bool
	localCode, name              string
	unit, low, high, value, text *string
	flag, loinc, loincName       *string
}

func (l *labRow) scan(rows pgx.Rows) error {
	return rows.Scan(&l.id, &l.reg, &l.patient, &l.orderStatus, &l.collected, &l.resulted, &l.amended,
		&l.localCode, &l.name, &l.unit, &l.low, &l.high, &l.value, &l.text, &l.flag, &l.loinc, &l.loincName)
}

// writeLabs writes one laboratory Observation per emr.lab_result row (id
// lab-<result_id>), coded in LOINC when mapped and always in the local code.
func writeLabs(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	return r.stream(ctx, labQuery, func(rows pgx.Rows) error {
		var l labRow
		if err := l.scan(rows); err != nil {
			return fmt.Errorf("lab_result: %w", err)
		}
		if err := out.write(r.labObservation(&l)); err != nil {
			return fmt.Errorf("lab_result %d: %w", l.id, err)
		}
		return nil
	})
}

// labObservation maps one lab result onto an Observation.
func (r *fhirRun) labObservation(l *labRow) observationResource {
	effective := l.resulted
	if l.collected != nil {
		effective = *l.collected
	}
	o := observationResource{ResourceType: "Observation", ID: "lab-" + strconv.FormatInt(l.id, 10), Meta: r.meta,
		Status: labStatus(l.orderStatus, l.amended), Category: category("laboratory", "Laboratory"),
		Code:    &codeableConcept{Coding: labCodings(r.sys, l), Text: l.name},
		Subject: ref("Patient", strconv.FormatInt(l.patient, 10)), Encounter: ref("Encounter", strconv.FormatInt(l.reg, 10)),
		Effective: r.clock.fhir(effective), Issued: r.clock.fhir(l.resulted)}
	switch {
	case l.value != nil:
		o.ValueQuantity = ucum(*l.value, deref(l.unit))
	case l.text != nil:
		o.ValueString = *l.text
	}
	if l.flag != nil {
		o.Interpretation = []codeableConcept{*concept(systemInterp, *l.flag, interpretations[*l.flag])}
	}
	if l.low != nil || l.high != nil {
		var rr referenceRange
		if l.low != nil {
			rr.Low = ucum(*l.low, deref(l.unit))
		}
		if l.high != nil {
			rr.High = ucum(*l.high, deref(l.unit))
		}
		o.ReferenceRange = []referenceRange{rr}
	}
	return o
}

// labCodings returns the LOINC coding (when mapped) and the local coding.
func labCodings(sys localSystems, l *labRow) []coding {
	var cs []coding
	if l.loinc != nil && *l.loinc != "" {
		cs = append(cs, coding{System: SystemLOINC, Code: *l.loinc, Display: deref(l.loincName)})
	}
	return append(cs, coding{System: sys.Lab, Code: l.localCode, Display: l.name})
}

// labStatus maps an order's status and the result's amended flag onto
// Observation.status.
func labStatus(orderStatus string, amended bool) string {
	switch {
	case orderStatus == "cancelled":
		return "cancelled"
	case orderStatus == "ordered":
		return "preliminary"
	case amended:
		return "amended"
	default:
		return "final"
	}
}
