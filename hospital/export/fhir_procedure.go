package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

type procedureResource struct {
	ResourceType    string               `json:"resourceType"`
	ID              string               `json:"id"`
	Meta            *meta                `json:"meta"`
	Status          string               `json:"status"`
	Code            *codeableConcept     `json:"code"`
	Subject         *reference           `json:"subject"`
	Encounter       *reference           `json:"encounter"`
	PerformedPeriod period               `json:"performedPeriod"`
	Performer       []procedurePerformer `json:"performer,omitempty"`
	Note            []annotation         `json:"note,omitempty"`
}

type procedurePerformer struct {
	Actor *reference `json:"actor"`
}

const procedureQuery = `SELECT p.proc_id, p.reg_id, p.patient_id, p.code, p.code_system, p.name, p.start_time, p.end_time,
	p.anaesthesia, s.code, s.name
	FROM emr.procedure p LEFT JOIN emr.staff s ON s.staff_id = p.surgeon_id ORDER BY p.proc_id`

// writeProcedures writes one Procedure per emr.procedure row, coded in
// ICD-9-CM (volume 3) or ICD-10-PCS, completed once it has an end time.
func writeProcedures(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	return r.stream(ctx, procedureQuery, func(rows pgx.Rows) error {
		var (
			id, reg, patient                  int64
			code, system, name                string
			start                             time.Time
			end                               *time.Time
			anaesthesia, surgeon, surgeonName *string
		)
		if err := rows.Scan(&id, &reg, &patient, &code, &system, &name, &start, &end, &anaesthesia, &surgeon, &surgeonName); err != nil {
			return fmt.Errorf("procedure: %w", err)
		}
		p := procedureResource{ResourceType: "Procedure", ID: strconv.FormatInt(id, 10), Meta: r.meta, Status: "in-progress",
			Code:            &codeableConcept{Coding: []coding{{System: procedureSystem(system), Code: code, Display: name}}, Text: name},
			Subject:         ref("Patient", strconv.FormatInt(patient, 10)),
			Encounter:       ref("Encounter", strconv.FormatInt(reg, 10)),
			PerformedPeriod: period{Start: r.clock.fhir(start), End: r.clock.fhirPtr(end)}}
		if end != nil {
			p.Status = "completed"
		}
		if s := logical(r.sys.Staff, deref(surgeon), deref(surgeonName)); s != nil {
			p.Performer = []procedurePerformer{{Actor: s}}
		}
		if anaesthesia != nil {
			p.Note = []annotation{{Text: "anaesthesia: " + *anaesthesia}}
		}
		if err := out.write(p); err != nil {
			return fmt.Errorf("procedure %d: %w", id, err)
		}
		return nil
	})
}
