package export

import (
	"strings"

	v2 "github.com/cdw-dev/cdw/internal/hl7v2"
)

// mergePayload is the payload of a patient merge event: the merged record.
type mergePayload struct {
	MRN, Name string
}

// adtMerge returns ADT^A40 (structure ADT_A39) for a patient merge: EVN at
// the merge time, PID of the surviving patient and MRG with the merged
// record's MRN (MRG-1) and name (MRG-7), and PV1 of the
// survivor's latest visit begun by then.
func (r *hl7Run) adtMerge(ev *event) (*v2.Message, error) {
	var p mergePayload
	if err := ev.decode(&p); err != nil {
		return nil, err
	}
	n := splitName(p.Name)
	mrg := v2.Seg("MRG", v2.Field{v2.Repetition{{p.MRN}, {""}, {""}, {"CDW", r.sys.MRN, "URI"}, {"MR"}}})
	mrg.SetField(7, v2.Comp(n.Family, strings.Join(n.Given, " "), "", "", "", "", "L"))
	m := r.newMessage(ev, "ADT", "A40", "ADT_A39")
	m.Add(r.evn(ev, "A40"), r.pid(&ev.pat), mrg, r.pv1(&ev.enc, ev.at, nil))
	return m, nil
}
