package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

type medicationAdministrationResource struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id"`
	Meta         *meta             `json:"meta"`
	Status       string            `json:"status"`
	Medication   *codeableConcept  `json:"medicationCodeableConcept"`
	Subject      *reference        `json:"subject"`
	Context      *reference        `json:"context"`
	Effective    string            `json:"effectiveDateTime"`
	Request      *reference        `json:"request"`
	Dosage       *medicationDosage `json:"dosage,omitempty"`
}

type medicationDosage struct {
	Route *codeableConcept `json:"route,omitempty"`
	Dose  *quantity        `json:"dose,omitempty"`
}

// adminStatus maps emr.med_admin status onto MedicationAdministration.status.
var adminStatus = map[string]string{"given": "completed", "held": "on-hold", "refused": "not-done"}

const medAdminQuery = `SELECT a.admin_id, a.med_order_id, m.reg_id, m.patient_id, a.given_at, a.dose::text, a.status, m.route,
	d.local_code, d.name, d.strength, d.unit
	FROM emr.med_admin a JOIN emr.med_order m ON m.med_order_id = a.med_order_id JOIN emr.drug d ON d.drug_id = m.drug_id
	ORDER BY a.admin_id`

// writeMedicationAdministrations writes one MedicationAdministration per
// emr.med_admin row, referring to its MedicationRequest.
func writeMedicationAdministrations(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	return r.stream(ctx, medAdminQuery, func(rows pgx.Rows) error {
		var (
			id, order, reg, patient                   int64
			at                                        time.Time
			dose                                      *string
			status, route, drug, name, strength, unit string
		)
		if err := rows.Scan(&id, &order, &reg, &patient, &at, &dose, &status, &route, &drug, &name, &strength, &unit); err != nil {
			return fmt.Errorf("med_admin: %w", err)
		}
		a := medicationAdministrationResource{ResourceType: "MedicationAdministration", ID: strconv.FormatInt(id, 10), Meta: r.meta,
			Status:     adminStatus[status],
			Medication: &codeableConcept{Coding: []coding{{System: r.sys.Drug, Code: drug, Display: name}}, Text: name + " " + strength},
			Subject:    ref("Patient", strconv.FormatInt(patient, 10)), Context: ref("Encounter", strconv.FormatInt(reg, 10)),
			Effective: r.clock.fhir(at), Request: ref("MedicationRequest", strconv.FormatInt(order, 10)),
			Dosage: &medicationDosage{Route: concept(r.sys.Route, route, "")}}
		if a.Status == "" {
			a.Status = "unknown"
		}
		if dose != nil {
			a.Dosage.Dose = ucum(*dose, unit)
		}
		if err := out.write(a); err != nil {
			return fmt.Errorf("med_admin %d: %w", id, err)
		}
		return nil
	})
}
