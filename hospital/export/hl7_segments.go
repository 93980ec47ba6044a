package export

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	v2 "github.com/cdw-dev/cdw/internal/hl7v2"
)

// controlID returns the unique MSH-10 of an event: a kind prefix and the id.
func controlID(ev *event) string {
	prefix := map[string]string{kindAdmit: "ADM", kindDischarge: "DIS", kindTransfer: "TRF", kindDiagnosis: "DGN",
		kindVitals: "VIT", kindLab: "LAB", kindMed: "MED", kindNote: "DOC", kindMerge: "MRG"}[ev.kind]
	return prefix + strconv.FormatInt(ev.id, 10)
}

// newMessage returns a message with MSH for the event, of type code^trigger^structure.
func (r *hl7Run) newMessage(ev *event, code, trigger, structure string) *v2.Message {
	o := r.opts
	return v2.NewMessage(v2.DefaultDelimiters,
		v2.Text(o.SendingApplication), v2.Text(o.SendingFacility), v2.Text(o.ReceivingApplication), v2.Text(o.ReceivingFacility),
		v2.Text(r.clock.hl7(ev.at)), nil, v2.Comp(code, trigger, structure), v2.Text(controlID(ev)), v2.Text("P"), v2.Text(Version),
		nil, nil, v2.Text("AL"), v2.Text("NE"), v2.Text("CHN"), v2.Text("UNICODE UTF-8"))
}

// evn returns the EVN segment of an ADT event.
func (r *hl7Run) evn(ev *event, trigger string) v2.Segment {
	return v2.Seg("EVN", v2.Text(trigger), v2.Text(r.clock.hl7(ev.at)))
}

// pid returns the PID segment: MRN as CX with assigning authority, name as
// XPN (family^given, Chinese names as written), birth date, sex, address
// and phone.
func (r *hl7Run) pid(p *patientInfo) v2.Segment {
	n := splitName(p.name)
	given := strings.Join(n.Given, " ")
	mrn := v2.Field{v2.Repetition{{p.mrn}, {""}, {""}, {"CDW", r.sys.MRN, "URI"}, {"MR"}}}
	s := v2.Seg("PID", v2.Text("1"), nil, mrn, nil, v2.Comp(n.Family, given, "", "", "", "", "L"), nil,
		v2.Text(p.birth.Format("20060102")), v2.Text(p.sex))
	s.SetField(11, v2.Comp(deref(p.address), "", deref(p.city), deref(p.province), deref(p.postcode), "CHN", "H"))
	if p.phone != nil {
		s.SetField(13, v2.Comp(*p.phone, "PRN", "CP"))
	}
	return s
}

// xcn returns a staff member as an XCN: code^family^given.
func xcn(code, name *string) v2.Field {
	if code == nil {
		return nil
	}
	n := splitName(deref(name))
	return v2.Comp(*code, n.Family, strings.Join(n.Given, " "))
}

// patientClass maps the EMR's visit type onto PV1-2.
var patientClass = map[string]string{"I": "I", "O": "O", "E": "E"}

// pv1 returns the PV1 segment: patient class, location (location when set,
// else the stay's current ward, else the department), attending doctor, hospital service, admit source,
// visit number, discharge disposition, admit and discharge times.
// Discharge time and disposition are sent only in messages at or after the
// discharge (at).
func (r *hl7Run) pv1(e *encounterInfo, at time.Time, location v2.Field) v2.Segment {
	if location == nil {
		location = r.wards[e.regID]
	}
	if location == nil {
		location = v2.Comp(deref(e.dept), "", "", r.opts.SendingFacility, "", "", "", "", deref(e.deptName))
	}
	s := v2.Seg("PV1", v2.Text("1"), v2.Text(patientClass[e.visit]), location)
	s.SetField(7, xcn(e.doctor, e.doctorName))
	s.SetField(10, v2.Text(deref(e.dept)))
	s.SetField(14, v2.Text(deref(e.source)))
	s.SetField(19, v2.Comp(strconv.FormatInt(e.regID, 10), "", "", "CDW", "VN"))
	s.SetField(44, v2.Text(r.clock.hl7(e.admit)))
	if e.discharge != nil && !e.discharge.After(at) {
		s.SetField(36, v2.Text(deref(e.disposition)))
		s.SetField(45, v2.Text(r.clock.hl7(*e.discharge)))
	}
	return s
}

// orc returns an ORC segment for an order.
func orc(control, placer string, at string, doctor v2.Field) v2.Segment {
	s := v2.Seg("ORC", v2.Text(control), v2.Text(placer), v2.Text(placer))
	s.SetField(9, v2.Text(at))
	s.SetField(12, doctor)
	return s
}

// obx returns an OBX segment with a numeric (NM) or string (ST) value.
func obx(set int, code v2.Field, value *string, text *string, unit, rng, flag, status, at string) (v2.Segment, error) {
	typ, val := "NM", ""
	switch {
	case value != nil:
		val = *value
	case text != nil:
		typ, val = "ST", *text
	default:
		return v2.Segment{}, fmt.Errorf("OBX %d has no value", set)
	}
	var units v2.Field
	if unit != "" {
		units = v2.Comp(unit, unit, "UCUM")
	}
	s := v2.Seg("OBX", v2.Text(strconv.Itoa(set)), v2.Text(typ), code, nil, v2.Text(val), units, v2.Text(rng), v2.Text(flag))
	s.SetField(11, v2.Text(status))
	s.SetField(14, v2.Text(at))
	return s, nil
}
