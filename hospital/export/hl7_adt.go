package export

import (
	"fmt"
	"strconv"

	v2 "github.com/cdw-dev/cdw/internal/hl7v2"
)

// adt returns an ADT message of trigger with EVN, PID and PV1.
func (r *hl7Run) adt(ev *event, trigger, structure string) *v2.Message {
	m := r.newMessage(ev, "ADT", trigger, structure)
	m.Add(r.evn(ev, trigger), r.pid(&ev.pat), r.pv1(&ev.enc, ev.at, nil))
	return m
}

// adtAdmit returns ADT^A01 for an inpatient admission, PV1-3 the first ward
// when the EMR records one, and ADT^A04 for an outpatient or emergency
// registration.
func (r *hl7Run) adtAdmit(ev *event) (*v2.Message, error) {
	if ev.enc.visit != "I" {
		return r.adt(ev, "A04", "ADT_A01"), nil
	}
	if len(ev.payload) > 0 {
		var w transferPayload
		if err := ev.decode(&w); err != nil {
			return nil, err
		}
		r.wards[ev.enc.regID] = r.ward(w.To, w.ToName)
	}
	return r.adt(ev, "A01", "ADT_A01"), nil
}

// transferPayload is the payload of a ward transfer event.
type transferPayload struct {
	From, FromName, To, ToName string
}

// adtTransfer returns ADT^A02: PV1-3 the new ward, PV1-6 the prior one;
// later messages of the stay carry the new ward.
func (r *hl7Run) adtTransfer(ev *event) (*v2.Message, error) {
	var t transferPayload
	if err := ev.decode(&t); err != nil {
		return nil, err
	}
	m := r.newMessage(ev, "ADT", "A02", "ADT_A02")
	r.wards[ev.enc.regID] = r.ward(t.To, t.ToName)
	pv1 := r.pv1(&ev.enc, ev.at, nil)
	pv1.SetField(6, r.ward(t.From, t.FromName))
	m.Add(r.evn(ev, "A02"), r.pid(&ev.pat), pv1)
	return m, nil
}

// ward returns a ward as a PL location: point of care, facility, description.
func (r *hl7Run) ward(code, name string) v2.Field {
	return v2.Comp(code, "", "", r.opts.SendingFacility, "", "", "", "", name)
}

// diagnosisPayload is one diagnosis of a diagnosis event.
type diagnosisPayload struct {
	Code, Name, System string
	Main               bool
	At                 jsonTime
}

// diagnosisCodingSystem maps the EMR's diagnosis code system onto HL7
// table 0396 (local ICD-10-CN as 99ICD10CN).
var diagnosisCodingSystem = map[string]string{"ICD-10": "I10", "ICD-10-CM": "I10C", "ICD-10-CN": "99ICD10CN"}

// adtDiagnoses returns ADT^A08 with one DG1 per diagnosis of the
// encounter, the main one first with priority 1.
func (r *hl7Run) adtDiagnoses(ev *event) (*v2.Message, error) {
	var ds []diagnosisPayload
	if err := ev.decode(&ds); err != nil {
		return nil, err
	}
	m := r.adt(ev, "A08", "ADT_A01")
	for i, d := range ds {
		system, ok := diagnosisCodingSystem[d.System]
		if !ok {
			return nil, fmt.Errorf("registration %d: diagnosis %s: unknown code system %q", ev.enc.regID, d.Code, d.System)
		}
		dg1 := v2.Seg("DG1", v2.Text(strconv.Itoa(i+1)), nil, v2.Comp(d.Code, d.Name, system), nil, v2.Text(r.clock.hl7(d.At.Time)), v2.Text("F"))
		if d.Main {
			dg1.SetField(15, v2.Text("1"))
		}
		m.Add(dg1)
	}
	return m, nil
}
