package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

type encounterResource struct {
	ResourceType    string                 `json:"resourceType"`
	ID              string                 `json:"id"`
	Meta            *meta                  `json:"meta"`
	Identifier      []identifier           `json:"identifier,omitempty"`
	Status          string                 `json:"status"`
	Class           coding                 `json:"class"`
	Subject         *reference             `json:"subject"`
	Participant     []encounterParticipant `json:"participant,omitempty"`
	Period          period                 `json:"period"`
	Diagnosis       []encounterDiagnosis   `json:"diagnosis,omitempty"`
	Hospitalization *hospitalization       `json:"hospitalization,omitempty"`
	ServiceProvider *reference             `json:"serviceProvider,omitempty"`
}

type encounterParticipant struct {
	Type       []codeableConcept `json:"type,omitempty"`
	Individual *reference        `json:"individual"`
}

type encounterDiagnosis struct {
	Condition *reference `json:"condition"`
	Rank      int        `json:"rank,omitempty"`
}

type hospitalization struct {
	AdmitSource          *codeableConcept `json:"admitSource,omitempty"`
	DischargeDisposition *codeableConcept `json:"dischargeDisposition,omitempty"`
}

const encounterQuery = `SELECT g.reg_id, g.patient_id, g.visit_type, g.admit_time, g.discharge_time, g.admit_source, g.disposition,
	d.code, d.name, s.code, s.name,
	ARRAY(SELECT x.diag_id FROM emr.diagnosis x WHERE x.reg_id = g.reg_id ORDER BY x.is_main DESC, x.diag_id)
	FROM emr.registration g LEFT JOIN emr.department d ON d.dept_id = g.dept_id LEFT JOIN emr.staff s ON s.staff_id = g.doctor_id
	ORDER BY g.reg_id`

// encounterClass maps the EMR's visit type onto the v3 ActCode class.
var encounterClass = map[string]coding{
	"I": {System: systemActCode, Code: "IMP", Display: "inpatient encounter"},
	"O": {System: systemActCode, Code: "AMB", Display: "ambulatory"},
	"E": {System: systemActCode, Code: "EMER", Display: "emergency"},
}

// writeEncounters writes one Encounter per emr.registration row, finished
// when discharged and in-progress otherwise, listing its diagnoses with the
// main one ranked first.
func writeEncounters(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	return r.stream(ctx, encounterQuery, func(rows pgx.Rows) error {
		var (
			id, patient                         int64
			visit                               string
			admit                               time.Time
			discharge                           *time.Time
			source, disposition, dept, deptName *string
			doctor, doctorName                  *string
			diagnoses                           []int64
		)
		if err := rows.Scan(&id, &patient, &visit, &admit, &discharge, &source, &disposition,
			&dept, &deptName, &doctor, &doctorName, &diagnoses); err != nil {
			return fmt.Errorf("registration: %w", err)
		}
		e := encounterResource{ResourceType: "Encounter", ID: strconv.FormatInt(id, 10), Meta: r.meta,
			Identifier: []identifier{{Use: "official", System: r.sys.Visit, Value: strconv.FormatInt(id, 10)}},
			Status:     "in-progress", Class: encounterClass[visit], Subject: ref("Patient", strconv.FormatInt(patient, 10)),
			Period:          period{Start: r.clock.fhir(admit), End: r.clock.fhirPtr(discharge)},
			ServiceProvider: logical(r.sys.Dept, deref(dept), deref(deptName))}
		if discharge != nil {
			e.Status = "finished"
		}
		if doc := logical(r.sys.Staff, deref(doctor), deref(doctorName)); doc != nil {
			e.Participant = []encounterParticipant{{Type: []codeableConcept{*concept(
				"http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "ATND", "attender")}, Individual: doc}}
		}
		for i, d := range diagnoses {
			e.Diagnosis = append(e.Diagnosis, encounterDiagnosis{Condition: ref("Condition", strconv.FormatInt(d, 10)), Rank: i + 1})
		}
		if source != nil || disposition != nil {
			e.Hospitalization = &hospitalization{AdmitSource: textConcept(source), DischargeDisposition: textConcept(disposition)}
		}
		if err := out.write(e); err != nil {
			return fmt.Errorf("registration %d: %w", id, err)
		}
		return nil
	})
}

// textConcept returns a CodeableConcept holding only text, or nil.
func textConcept(s *string) *codeableConcept {
	if s == nil || *s == "" {
		return nil
	}
	return &codeableConcept{Text: *s}
}
