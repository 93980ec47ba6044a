package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

type allergyResource struct {
	ResourceType       string            `json:"resourceType"`
	ID                 string            `json:"id"`
	Meta               *meta             `json:"meta"`
	ClinicalStatus     *codeableConcept  `json:"clinicalStatus"`
	VerificationStatus *codeableConcept  `json:"verificationStatus"`
	Code               *codeableConcept  `json:"code"`
	Patient            *reference        `json:"patient"`
	RecordedDate       string            `json:"recordedDate"`
	Reaction           []allergyReaction `json:"reaction,omitempty"`
}

type allergyReaction struct {
	Manifestation []codeableConcept `json:"manifestation"`
	Severity      string            `json:"severity,omitempty"`
}

const allergyQuery = `SELECT allergy_id, patient_id, allergen, allergen_zh, reaction, severity, recorded_at
	FROM emr.allergy ORDER BY allergy_id`

// writeAllergies writes one active, confirmed AllergyIntolerance per
// emr.allergy row.
func writeAllergies(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	return r.stream(ctx, allergyQuery, func(rows pgx.Rows) error {
		var (
			id, patient        int64
			allergen, zh       string
			reaction, severity *string
			at                 time.Time
		)
		if err := rows.Scan(&id, &patient, &allergen, &zh, &reaction, &severity, &at); err != nil {
			return fmt.Errorf("allergy: %w", err)
		}
		a := allergyResource{ResourceType: "AllergyIntolerance", ID: strconv.FormatInt(id, 10), Meta: r.meta,
			ClinicalStatus:     concept(systemAllergyCl, "active", "Active"),
			VerificationStatus: concept(systemAllergyVe, "confirmed", "Confirmed"),
			Code:               &codeableConcept{Text: allergen},
			Patient:            ref("Patient", strconv.FormatInt(patient, 10)), RecordedDate: r.clock.fhir(at)}
		if reaction != nil {
			a.Reaction = []allergyReaction{{Manifestation: []codeableConcept{{Text: *reaction}}, Severity: deref(severity)}}
		}
		if err := out.write(a); err != nil {
			return fmt.Errorf("allergy %d: %w", id, err)
		}
		return nil
	})
}
