package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

type medicationRequestResource struct {
	ResourceType      string           `json:"resourceType"`
	ID                string           `json:"id"`
	Meta              *meta            `json:"meta"`
	Status            string           `json:"status"`
	Intent            string           `json:"intent"`
	Medication        *codeableConcept `json:"medicationCodeableConcept"`
	Subject           *reference       `json:"subject"`
	Encounter         *reference       `json:"encounter"`
	AuthoredOn        string           `json:"authoredOn"`
	Requester         *reference       `json:"requester,omitempty"`
	DosageInstruction []dosage         `json:"dosageInstruction"`
	DispenseRequest   *dispenseRequest `json:"dispenseRequest,omitempty"`
}

type dosage struct {
	Text        string           `json:"text"`
	Timing      *timing          `json:"timing,omitempty"`
	Route       *codeableConcept `json:"route,omitempty"`
	DoseAndRate []doseAndRate    `json:"doseAndRate,omitempty"`
}

type timing struct {
	Code *codeableConcept `json:"code"`
}

type doseAndRate struct {
	DoseQuantity *quantity `json:"doseQuantity"`
}

type dispenseRequest struct {
	ValidityPeriod period `json:"validityPeriod"`
}

// medOrderQuery reads medication orders with their drug and its RxNorm and
// ATC codes from the local code map.
const medOrderQuery = `SELECT m.med_order_id, m.reg_id, m.patient_id, m.dose::text, m.route, m.frequency, m.start_time, m.stop_time,
	d.local_code, d.name, d.strength, d.unit, s.code, s.name,
	(SELECT c.target_code FROM emr.local_code_map c WHERE c.code_system_local = 'DRUG' AND c.local_code = d.local_code AND c.target_vocabulary = 'RxNorm'),
	(SELECT c.target_code FROM emr.local_code_map c WHERE c.code_system_local = 'DRUG' AND c.local_code = d.local_code AND c.target_vocabulary = 'ATC')
	FROM emr.med_order m JOIN emr.drug d ON d.drug_id = m.drug_id LEFT JOIN emr.staff s ON s.staff_id = m.doctor_id
	ORDER BY m.med_order_id`

// medOrderRow is one row of medOrderQuery.
type medOrderRow struct {
	id, reg, patient                   int64
	dose, route, frequency             string
	start                              time.Time
	stop                               *time.Time
	drugCode, drugName, strength, unit string
	doctor, doctorName, rxnorm, atc    *string
}

func (m *medOrderRow) scan(rows pgx.Rows) error {
	return rows.Scan(&m.id, &m.reg, &m.patient, &m.dose, &m.route, &m.frequency, &m.start, &m.stop,
		&m.drugCode, &m.drugName, &m.strength, &m.unit, &m.doctor, &m.doctorName, &m.rxnorm, &m.atc)
}

// writeMedicationRequests writes one MedicationRequest per emr.med_order
// row: active until it has a stop time, then completed.
func writeMedicationRequests(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	return r.stream(ctx, medOrderQuery, func(rows pgx.Rows) error {
		var m medOrderRow
		if err := m.scan(rows); err != nil {
			return fmt.Errorf("med_order: %w", err)
		}
		if err := out.write(r.medicationRequest(&m)); err != nil {
			return fmt.Errorf("med_order %d: %w", m.id, err)
		}
		return nil
	})
}

// medicationRequest maps one medication order onto a MedicationRequest.
func (r *fhirRun) medicationRequest(m *medOrderRow) medicationRequestResource {
	med := &codeableConcept{Text: m.drugName + " " + m.strength}
	if m.rxnorm != nil {
		med.Coding = append(med.Coding, coding{System: SystemRxNorm, Code: *m.rxnorm})
	}
	if m.atc != nil {
		med.Coding = append(med.Coding, coding{System: SystemATC, Code: *m.atc})
	}
	med.Coding = append(med.Coding, coding{System: r.sys.Drug, Code: m.drugCode, Display: m.drugName})
	req := medicationRequestResource{ResourceType: "MedicationRequest", ID: strconv.FormatInt(m.id, 10), Meta: r.meta,
		Status: "active", Intent: "order", Medication: med,
		Subject:    ref("Patient", strconv.FormatInt(m.patient, 10)),
		Encounter:  ref("Encounter", strconv.FormatInt(m.reg, 10)),
		AuthoredOn: r.clock.fhir(m.start), Requester: logical(r.sys.Staff, deref(m.doctor), deref(m.doctorName)),
		DosageInstruction: []dosage{{Text: m.dose + " " + m.unit + " " + m.route + " " + m.frequency,
			Timing:      &timing{Code: concept(r.sys.Frequency, m.frequency, "")},
			Route:       concept(r.sys.Route, m.route, ""),
			DoseAndRate: []doseAndRate{{DoseQuantity: ucum(m.dose, m.unit)}}}},
		DispenseRequest: &dispenseRequest{ValidityPeriod: period{Start: r.clock.fhir(m.start), End: r.clock.fhirPtr(m.stop)}}}
	if m.stop != nil {
		req.Status = "completed"
	}
	return req
}
