package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// vitalKind is one measurement of the nursing flowsheet and its LOINC code.
type vitalKind struct {
	key, loinc, display, unit string
}

// vitalKinds are the flowsheet's single-valued measurements in column order
// of vitalQuery (blood pressure, which has two, is separate).
var vitalKinds = []vitalKind{
	{"hr", "8867-4", "Heart rate", "/min"},
	{"rr", "9279-1", "Respiratory rate", "/min"},
	{"temp", "8310-5", "Body temperature", "Cel"},
	{"spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"},
	{"gcs", "9269-2", "Glasgow coma score total", "{score}"},
	{"height", "8302-2", "Body height", "cm"},
	{"weight", "29463-7", "Body weight", "kg"},
}

// LOINC codes of blood pressure.
var (
	bpPanel     = coding{System: SystemLOINC, Code: "85354-9", Display: "Blood pressure panel with all children optional"}
	bpSystolic  = coding{System: SystemLOINC, Code: "8480-6", Display: "Systolic blood pressure"}
	bpDiastolic = coding{System: SystemLOINC, Code: "8462-4", Display: "Diastolic blood pressure"}
	spo2Alt     = coding{System: SystemLOINC, Code: "2708-6", Display: "Oxygen saturation in Arterial blood"}
)

const vitalQuery = `SELECT v.vital_id, v.reg_id, g.patient_id, v.taken_at,
	v.heart_rate::text, v.resp_rate::text, v.temperature_c::text, v.spo2::text, v.gcs::text, v.height_cm::text, v.weight_kg::text,
	v.sbp::text, v.dbp::text
	FROM emr.vital_sign v JOIN emr.registration g ON g.reg_id = v.reg_id ORDER BY v.vital_id`

// writeVitals writes one vital-signs Observation per measured value of each
// emr.vital_sign row (id vs-<vital_id>-<kind>); systolic and diastolic
// pressure form one blood-pressure panel with two components.
func writeVitals(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	return r.stream(ctx, vitalQuery, func(rows pgx.Rows) error {
		var (
			id, reg, patient int64
			at               time.Time
			values           [9]*string
		)
		dest := []any{&id, &reg, &patient, &at}
		for i := range values {
			dest = append(dest, &values[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("vital_sign: %w", err)
		}
		base := observationResource{ResourceType: "Observation", Meta: r.meta, Status: "final",
			Category: category("vital-signs", "Vital Signs"), Subject: ref("Patient", strconv.FormatInt(patient, 10)),
			Encounter: ref("Encounter", strconv.FormatInt(reg, 10)), Effective: r.clock.fhir(at)}
		for i, k := range vitalKinds {
			if values[i] == nil {
				continue
			}
			o := base
			o.ID = fmt.Sprintf("vs-%d-%s", id, k.key)
			o.Code = &codeableConcept{Coding: []coding{{System: SystemLOINC, Code: k.loinc, Display: k.display}}, Text: k.display}
			if k.key == "spo2" {
				o.Code.Coding = append(o.Code.Coding, spo2Alt)
			}
			o.ValueQuantity = ucum(*values[i], k.unit)
			if err := out.write(o); err != nil {
				return fmt.Errorf("vital_sign %d %s: %w", id, k.key, err)
			}
		}
		return writeBloodPressure(out, base, id, values[7], values[8])
	})
}

// writeBloodPressure writes the blood-pressure panel of a flowsheet row when
// either pressure was measured.
func writeBloodPressure(out *ndjsonFile, o observationResource, id int64, sbp, dbp *string) error {
	if sbp == nil && dbp == nil {
		return nil
	}
	o.ID = fmt.Sprintf("vs-%d-bp", id)
	o.Code = &codeableConcept{Coding: []coding{bpPanel}, Text: "Blood pressure"}
	for _, c := range []struct {
		code  coding
		value *string
	}{{bpSystolic, sbp}, {bpDiastolic, dbp}} {
		if c.value != nil {
			o.Component = append(o.Component, observationComponent{Code: &codeableConcept{Coding: []coding{c.code}}, ValueQuantity: ucum(*c.value, "mm[Hg]")})
		}
	}
	if err := out.write(o); err != nil {
		return fmt.Errorf("vital_sign %d bp: %w", id, err)
	}
	return nil
}
