package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

type immunizationResource struct {
	ResourceType    string            `json:"resourceType"`
	ID              string            `json:"id"`
	Meta            *meta             `json:"meta"`
	Status          string            `json:"status"`
	VaccineCode     *codeableConcept  `json:"vaccineCode"`
	Patient         *reference        `json:"patient"`
	Occurrence      string            `json:"occurrenceDateTime"`
	PrimarySource   bool              `json:"primarySource"`
	ProtocolApplied []protocolApplied `json:"protocolApplied,omitempty"`
}

type protocolApplied struct {
	DoseNumberPositiveInt int32 `json:"doseNumberPositiveInt"`
}

const immunizationQuery = `SELECT immunization_id, patient_id, vaccine_code, vaccine, given_at, dose_number
	FROM emr.immunization ORDER BY immunization_id`

// writeImmunizations writes one completed Immunization per emr.immunization
// row, its vaccine coded in CVX.
func writeImmunizations(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	return r.stream(ctx, immunizationQuery, func(rows pgx.Rows) error {
		var (
			id, patient   int64
			code, vaccine string
			at            time.Time
			dose          *int32
		)
		if err := rows.Scan(&id, &patient, &code, &vaccine, &at, &dose); err != nil {
			return fmt.Errorf("immunization: %w", err)
		}
		im := immunizationResource{ResourceType: "Immunization", ID: strconv.FormatInt(id, 10), Meta: r.meta, Status: "completed",
			VaccineCode: &codeableConcept{Coding: []coding{{System: SystemCVX, Code: code, Display: vaccine}}, Text: vaccine},
			Patient:     ref("Patient", strconv.FormatInt(patient, 10)), Occurrence: r.clock.fhir(at), PrimarySource: true}
		if dose != nil && *dose > 0 {
			im.ProtocolApplied = []protocolApplied{{DoseNumberPositiveInt: *dose}}
		}
		if err := out.write(im); err != nil {
			return fmt.Errorf("immunization %d: %w", id, err)
		}
		return nil
	})
}
