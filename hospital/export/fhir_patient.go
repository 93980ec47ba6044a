package export

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
)

type patientResource struct {
	ResourceType     string         `json:"resourceType"`
	ID               string         `json:"id"`
	Meta             *meta          `json:"meta"`
	Identifier       []identifier   `json:"identifier"`
	Name             []humanName    `json:"name"`
	Telecom          []contactPoint `json:"telecom,omitempty"`
	Gender           string         `json:"gender"`
	BirthDate        string         `json:"birthDate"`
	DeceasedDateTime string         `json:"deceasedDateTime,omitempty"`
	Address          []address      `json:"address,omitempty"`
	Active           *bool          `json:"active,omitempty"`
	Link             []patientLink  `json:"link,omitempty"`
}

// patientLink links a Patient to the record it replaces or is replaced by.
type patientLink struct {
	Other reference `json:"other"`
	Type  string    `json:"type"`
}

type humanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
}

type contactPoint struct {
	System string `json:"system"`
	Value  string `json:"value"`
	Use    string `json:"use,omitempty"`
}

type address struct {
	Use        string   `json:"use,omitempty"`
	Line       []string `json:"line,omitempty"`
	City       string   `json:"city,omitempty"`
	State      string   `json:"state,omitempty"`
	PostalCode string   `json:"postalCode,omitempty"`
	Country    string   `json:"country,omitempty"`
}

const patientQuery = `SELECT p.patient_id, p.mrn, p.name, p.sex, p.birth_date, p.phone, p.address, p.city, p.province, p.postcode,
	(SELECT max(g.discharge_time) FROM emr.registration g WHERE g.patient_id = p.patient_id AND g.disposition = 'died'),
	NULL::bigint AS replaced_by
	FROM emr.patient p`

// mergedPatientQuery adds the merged records of emr.patient_merge, which
// share the survivor's sex and birth date, to patientQuery.
const mergedPatientQuery = patientQuery + `
	UNION ALL SELECT m.merged_patient_id, m.merged_mrn, m.merged_name, p.sex, p.birth_date, NULL, NULL, NULL, NULL, NULL, NULL,
	m.surviving_patient_id FROM emr.patient_merge m JOIN emr.patient p ON p.patient_id = m.surviving_patient_id`

// replacesQuery lists the records each surviving patient replaces.
const replacesQuery = `SELECT surviving_patient_id, merged_patient_id FROM emr.patient_merge ORDER BY merged_patient_id`

// writePatients writes one Patient per emr.patient row, identified by MRN,
// in id order. A record merged into another (emr.patient_merge) is an
// inactive Patient linked replaced-by the survivor, which links replaces
// back to it.
func writePatients(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	query, replaces := patientQuery+" ORDER BY 1", map[int64][]int64{}
	if r.emr.has("patient_merge") {
		query = mergedPatientQuery + " ORDER BY 1"
		err := r.stream(ctx, replacesQuery, func(rows pgx.Rows) error {
			var keep, merged int64
			if err := rows.Scan(&keep, &merged); err != nil {
				return fmt.Errorf("patient merge: %w", err)
			}
			replaces[keep] = append(replaces[keep], merged)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return r.stream(ctx, query, func(rows pgx.Rows) error {
		var (
			id                                    int64
			mrn, name, sex                        string
			birth                                 time.Time
			phone, addr, city, province, postcode *string
			died                                  *time.Time
			replacedBy                            *int64
		)
		if err := rows.Scan(&id, &mrn, &name, &sex, &birth, &phone, &addr, &city, &province, &postcode, &died, &replacedBy); err != nil {
			return fmt.Errorf("patient: %w", err)
		}
		p := patientResource{ResourceType: "Patient", ID: strconv.FormatInt(id, 10), Meta: r.meta,
			Identifier: []identifier{mrnIdentifier(r.sys, mrn)},
			Name:       []humanName{splitName(name)}, Gender: gender(sex), BirthDate: birth.Format("2006-01-02"),
			DeceasedDateTime: r.clock.fhirPtr(died)}
		if phone != nil {
			p.Telecom = []contactPoint{{System: "phone", Value: *phone, Use: "mobile"}}
		}
		if addr != nil || city != nil {
			a := address{Use: "home", City: deref(city), State: deref(province), PostalCode: deref(postcode), Country: "CN"}
			if addr != nil {
				a.Line = []string{*addr}
			}
			p.Address = []address{a}
		}
		p.Active, p.Link = patientLinks(replacedBy, replaces[id])
		if err := out.write(p); err != nil {
			return fmt.Errorf("patient %d: %w", id, err)
		}
		return nil
	})
}

// patientLinks returns a merged record's inactive flag and replaced-by
// link to the survivor, or a survivor's replaces links; nil for others.
func patientLinks(replacedBy *int64, replaces []int64) (*bool, []patientLink) {
	if replacedBy != nil {
		inactive := false
		return &inactive, []patientLink{{Other: reference{Reference: "Patient/" + strconv.FormatInt(*replacedBy, 10)}, Type: "replaced-by"}}
	}
	var links []patientLink
	for _, id := range replaces {
		links = append(links, patientLink{Other: reference{Reference: "Patient/" + strconv.FormatInt(id, 10)}, Type: "replaces"})
	}
	return nil, links
}

// mrnIdentifier is the Patient identifier of a medical record number.
func mrnIdentifier(sys localSystems, mrn string) identifier {
	return identifier{Use: "usual", Type: concept(systemV2_0203, "MR", "Medical record number"), System: sys.MRN, Value: mrn}
}

// splitName returns the official name of a patient: a Chinese name's first
// character is the family name, the rest the given name; a Western name's
// last word is the family name.
func splitName(name string) humanName {
	n := humanName{Use: "official", Text: name}
	runes := []rune(name)
	if len(runes) > 1 && unicode.Is(unicode.Han, runes[0]) {
		n.Family, n.Given = string(runes[0]), []string{string(runes[1:])}
		return n
	}
	if i := strings.LastIndexByte(name, ' '); i > 0 {
		n.Family, n.Given = name[i+1:], strings.Fields(name[:i])
		return n
	}
	n.Family = name
	return n
}

// gender maps the EMR's sex code onto FHIR administrative gender.
func gender(sex string) string {
	switch sex {
	case "M":
		return "male"
	case "F":
		return "female"
	default:
		return "unknown"
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
