package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

type conditionResource struct {
	ResourceType       string            `json:"resourceType"`
	ID                 string            `json:"id"`
	Meta               *meta             `json:"meta"`
	VerificationStatus *codeableConcept  `json:"verificationStatus"`
	Category           []codeableConcept `json:"category"`
	Code               *codeableConcept  `json:"code"`
	Subject            *reference        `json:"subject"`
	Encounter          *reference        `json:"encounter"`
	RecordedDate       string            `json:"recordedDate"`
	Recorder           *reference        `json:"recorder,omitempty"`
}

// conditionQuery reads diagnoses; code_system exists only in newer EMRs.
func conditionQuery(withSystem bool) string {
	system := "'ICD-10'"
	if withSystem {
		system = "x.code_system"
	}
	return `SELECT x.diag_id, x.reg_id, x.patient_id, x.icd10, x.diag_name, ` + system + `, x.diag_time, s.code, s.name
		FROM emr.diagnosis x LEFT JOIN emr.staff s ON s.staff_id = x.doctor_id ORDER BY x.diag_id`
}

// writeConditions writes one encounter-diagnosis Condition per emr.diagnosis
// row, coded in its ICD-10 edition.
func writeConditions(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	q := conditionQuery(r.emr.hasColumn("diagnosis", "code_system"))
	return r.stream(ctx, q, func(rows pgx.Rows) error {
		var (
			id, reg, patient   int64
			code, name, system string
			at                 time.Time
			doctor, doctorName *string
		)
		if err := rows.Scan(&id, &reg, &patient, &code, &name, &system, &at, &doctor, &doctorName); err != nil {
			return fmt.Errorf("diagnosis: %w", err)
		}
		c := conditionResource{ResourceType: "Condition", ID: strconv.FormatInt(id, 10), Meta: r.meta,
			VerificationStatus: concept(systemCondVer, "confirmed", "Confirmed"),
			Category:           []codeableConcept{*concept(systemCondCat, "encounter-diagnosis", "Encounter Diagnosis")},
			Code:               &codeableConcept{Coding: []coding{{System: r.sys.diagnosisSystem(system), Code: code, Display: name}}, Text: name},
			Subject:            ref("Patient", strconv.FormatInt(patient, 10)),
			Encounter:          ref("Encounter", strconv.FormatInt(reg, 10)),
			RecordedDate:       r.clock.fhir(at),
			Recorder:           logical(r.sys.Staff, deref(doctor), deref(doctorName))}
		if err := out.write(c); err != nil {
			return fmt.Errorf("diagnosis %d: %w", id, err)
		}
		return nil
	})
}
