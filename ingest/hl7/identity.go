package hl7

import (
	"strconv"
	"strings"
	"time"

	"github.com/cdw-dev/cdw/internal/hl7v2"
)

// identities fills the CDM identities of doc: the patient identifiers of
// PID-3 (patient_id: the first of type MR, else the first), the merged
// identifiers of MRG-1 and the visit number PV1-19.
func identities(msg *hl7v2.Message, doc *Document) {
	if pid := msg.Segment("PID", 1); pid != nil {
		doc.PatientIdentifiers = cxList(pid.Field(3))
		if len(doc.PatientIdentifiers) == 0 {
			doc.PatientIdentifiers = cxList(pid.Field(2)) // v2.3 external id
		}
	}
	if mrg := msg.Segment("MRG", 1); mrg != nil {
		doc.MergedIdentifiers = cxList(mrg.Field(1))
	}
	if len(doc.PatientIdentifiers) > 0 {
		best := doc.PatientIdentifiers[0]
		for _, id := range doc.PatientIdentifiers {
			if id.Type == "MR" {
				best = id
				break
			}
		}
		doc.PatientID, doc.PatientIDAuthority = best.ID, best.Authority
	}
	if pv1 := msg.Segment("PV1", 1); pv1 != nil {
		f := pv1.Field(19)
		doc.VisitNumber = f.Value(1, 1, 1)
		doc.VisitNumberAuthority = authority(f, 1)
	}
}

// cxList returns the non-empty CX identifiers of a field.
func cxList(f hl7v2.Field) []Identifier {
	var out []Identifier
	for rep := 1; rep <= len(f); rep++ {
		id := Identifier{ID: f.Value(rep, 1, 1), Authority: authority(f, rep), Type: f.Value(rep, 5, 1)}
		if id.ID != "" {
			out = append(out, id)
		}
	}
	return out
}

// authority returns CX-4 (an HD) of a repetition: namespace id, else
// universal id.
func authority(f hl7v2.Field, rep int) string {
	if v := f.Value(rep, 4, 1); v != "" {
		return v
	}
	return f.Value(rep, 4, 2)
}

// parseTS parses an HL7 TS/DTM value YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ];
// without an offset the time is read in loc.
func parseTS(v string, loc *time.Location) (time.Time, bool) {
	v = strings.TrimSpace(v)
	zone := loc
	if i := strings.IndexAny(v, "+-"); i >= 0 {
		z := v[i:]
		v = v[:i]
		if len(z) != 5 {
			return time.Time{}, false
		}
		hh, err1 := strconv.Atoi(z[1:3])
		mm, err2 := strconv.Atoi(z[3:5])
		if err1 != nil || err2 != nil || hh > 14 || mm > 59 {
			return time.Time{}, false
		}
		off := (hh*60 + mm) * 60
		if z[0] == '-' {
			off = -off
		}
		zone = time.FixedZone("", off)
	}
	frac := ""
	if i := strings.IndexByte(v, '.'); i >= 0 {
		v, frac = v[:i], v[i+1:]
	}
	layouts := map[int]string{4: "2006", 6: "200601", 8: "20060102", 10: "2006010215", 12: "200601021504", 14: "20060102150405"}
	layout, ok := layouts[len(v)]
	if !ok || (frac != "" && len(v) != 14) || len(frac) > 9 {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(layout, v, zone)
	if err != nil {
		return time.Time{}, false
	}
	if frac != "" {
		n, err := strconv.Atoi(frac)
		if err != nil || n < 0 {
			return time.Time{}, false
		}
		for i := len(frac); i < 9; i++ {
			n *= 10
		}
		t = t.Add(time.Duration(n))
	}
	return t, true
}
