package export

import (
	"fmt"
	"strconv"

	v2 "github.com/cdw-dev/cdw/internal/hl7v2"
)

// vitalsPayload is the payload of a vital-signs event; values are decimal
// text, nil when not measured.
type vitalsPayload struct {
	HR, RR, Temp, SpO2, GCS, Height, Weight, SBP, DBP *string
}

// oruVitals returns ORU^R01 with one OBX per measured vital sign, coded in
// LOINC under an OBR for the vital-signs panel (85353-1).
func (r *hl7Run) oruVitals(ev *event) (*v2.Message, error) {
	var p vitalsPayload
	if err := ev.decode(&p); err != nil {
		return nil, err
	}
	at := r.clock.hl7(ev.at)
	m := r.newMessage(ev, "ORU", "R01", "ORU_R01")
	id := controlID(ev)
	m.Add(r.pid(&ev.pat), r.pv1(&ev.enc, ev.at, nil), orc("RE", id, at, xcn(ev.enc.doctor, ev.enc.doctorName)),
		obr(id, v2.Comp("85353-1", "Vital signs panel", "LN"), at, at))
	values := []*string{p.HR, p.RR, p.Temp, p.SpO2, p.GCS, p.Height, p.Weight}
	set := 0
	add := func(code, name, unit string, v *string) error {
		if v == nil {
			return nil
		}
		set++
		s, err := obx(set, v2.Comp(code, name, "LN"), v, nil, unit, "", "", "F", at)
		m.Add(s)
		return err
	}
	for i, k := range vitalKinds {
		if err := add(k.loinc, k.display, k.unit, values[i]); err != nil {
			return nil, fmt.Errorf("vital_sign %d: %w", ev.id, err)
		}
	}
	if err := add(bpSystolic.Code, bpSystolic.Display, "mm[Hg]", p.SBP); err != nil {
		return nil, err
	}
	if err := add(bpDiastolic.Code, bpDiastolic.Display, "mm[Hg]", p.DBP); err != nil {
		return nil, err
	}
	return m, nil
}

// obr returns the OBR of an observation request.
func obr(placer string, service v2.Field, observed, resulted string) v2.Segment {
	s := v2.Seg("OBR", v2.Text("1"), v2.Text(placer), v2.Text(placer), service)
	s.SetField(7, v2.Text(observed))
	s.SetField(22, v2.Text(resulted))
	s.SetField(25, v2.Text("F"))
	return s
}

// labPayload is the payload of a lab order event.
type labPayload struct {
	Panel, Status      string
	Ordered, Collected jsonTime
	Results            []labResultPayload
}

type labResultPayload struct {
	Code, Name, LOINC, LOINCName string
	Value, Text, Unit, Low, High *string
	Flag                         *string
	At                           jsonTime
	Amended                      bool
}

// oruLab returns ORU^R01 for a lab order: OBR for the local panel and one
// OBX per result, OBX-3 a CWE with LOINC as the identifier and the local
// code as the alternate identifier (local code only when unmapped).
func (r *hl7Run) oruLab(ev *event) (*v2.Message, error) {
	var p labPayload
	if err := ev.decode(&p); err != nil {
		return nil, err
	}
	observed := p.Ordered.Time
	if c := p.Collected.ptr(); c != nil {
		observed = *c
	}
	m := r.newMessage(ev, "ORU", "R01", "ORU_R01")
	id := "LAB" + strconv.FormatInt(ev.id, 10)
	m.Add(r.pid(&ev.pat), r.pv1(&ev.enc, ev.at, nil), orc("RE", id, r.clock.hl7(p.Ordered.Time), xcn(ev.enc.doctor, ev.enc.doctorName)),
		obr(id, v2.Comp(p.Panel, p.Panel, "99LABPANEL"), r.clock.hl7(observed), r.clock.hl7(ev.at)))
	for i, res := range p.Results {
		s, err := obx(i+1, labCode(&res), res.Value, res.Text, deref(res.Unit), refRange(res.Low, res.High),
			deref(res.Flag), resultStatus(res.Amended), r.clock.hl7(res.At.Time))
		if err != nil {
			return nil, fmt.Errorf("lab_order %d result %s: %w", ev.id, res.Code, err)
		}
		m.Add(s)
	}
	return m, nil
}

// labCode returns OBX-3 of a lab result.
func labCode(res *labResultPayload) v2.Field {
	if res.LOINC == "" {
		return v2.Comp(res.Code, res.Name, "99LAB")
	}
	return v2.Comp(res.LOINC, res.LOINCName, "LN", res.Code, res.Name, "99LAB")
}

// refRange returns OBX-7 as low-high, >low or <high.
func refRange(low, high *string) string {
	switch {
	case low != nil && high != nil:
		return *low + "-" + *high
	case low != nil:
		return ">" + *low
	case high != nil:
		return "<" + *high
	}
	return ""
}

// resultStatus returns OBX-11: C for an amended result, F otherwise.
func resultStatus(amended bool) string {
	if amended {
		return "C"
	}
	return "F"
}
