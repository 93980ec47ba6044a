package export

import (
	v2 "github.com/cdw-dev/cdw/internal/hl7v2"
)

// medPayload is the payload of a medication order event.
type medPayload struct {
	Dose, Route, Frequency         string
	Start, Stop                    jsonTime
	Drug, DrugName, Form, Strength string
	Unit                           string
	RxNorm                         *string
}

// rdeMedication returns RDE^O11 for a medication order: ORC (new order),
// RXE with the drug (RxNorm with the local code as alternate, when mapped),
// dose, unit and form, and RXR with the route.
func (r *hl7Run) rdeMedication(ev *event) (*v2.Message, error) {
	var p medPayload
	if err := ev.decode(&p); err != nil {
		return nil, err
	}
	start, stop := r.clock.hl7(p.Start.Time), r.clock.hl7Ptr(p.Stop.ptr())
	timingQty := v2.Comp("", p.Frequency, "", start, stop)
	give := v2.Comp(p.Drug, p.DrugName+" "+p.Strength, "99DRUG")
	if p.RxNorm != nil {
		give = v2.Comp(*p.RxNorm, p.DrugName+" "+p.Strength, "RXN", p.Drug, p.DrugName, "99DRUG")
	}
	m := r.newMessage(ev, "RDE", "O11", "RDE_O11")
	id := controlID(ev)
	orcSeg := orc("NW", id, start, xcn(ev.enc.doctor, ev.enc.doctorName))
	orcSeg.SetField(7, timingQty)
	rxe := v2.Seg("RXE", timingQty, give, v2.Text(p.Dose), nil, v2.Comp(p.Unit, p.Unit, "UCUM"), v2.Comp(p.Form, p.Form, "99FORM"))
	m.Add(r.pid(&ev.pat), r.pv1(&ev.enc, ev.at, nil), orcSeg, rxe, v2.Seg("RXR", v2.Comp(p.Route, p.Route, "HL70162")))
	return m, nil
}
