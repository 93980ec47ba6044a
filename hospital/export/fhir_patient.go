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
	(SELECT max(g.discharge_time) FROM emr.registration g WHERE g.patient_id = p.patient_id AND g.disposition = 'died')
	FROM emr.patient p ORDER BY p.patient_id`

// writePatients writes one Patient per emr.patient row, identified by MRN.
func writePatients(ctx context.Context, r *fhirRun, out *ndjsonFile) error {
	return r.stream(ctx, patientQuery, func(rows pgx.Rows) error {
		var (
			id                                    int64
			mrn, name, sex                        string
			birth                                 time.Time
			phone, addr, city, province, postcode *string
			died                                  *time.Time
		)
		if err := rows.Scan(&id, &mrn, &name, &sex, &birth, &phone, &addr, &city, &province, &postcode, &died); err != nil {
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
		if err := out.write(p); err != nil {
			return fmt.Errorf("patient %d: %w", id, err)
		}
		return nil
	})
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
