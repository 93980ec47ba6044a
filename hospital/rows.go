package hospital

import "time"

// Column lists of the tables written row by row; the values methods below
// return values in the same order.
var (
	patientColumns = []string{"patient_id", "mrn", "name", "sex", "birth_date", "phone", "address", "city", "province", "postcode", "created_at"}
	regColumns     = []string{"reg_id", "patient_id", "visit_type", "dept_id", "doctor_id", "admit_time", "discharge_time", "admit_source", "disposition", "status"}
	diagColumns    = []string{"diag_id", "reg_id", "patient_id", "icd10", "diag_name", "is_main", "diag_time", "doctor_id", "code_system"}
	noteColumns    = []string{"note_id", "reg_id", "patient_id", "note_type", "title", "language", "body", "author_id", "written_at"}
)

// patientRow is a row of emr.patient; empty strings are written as NULL.
type patientRow struct {
	ID                                 int64
	MRN, Name, Sex                     string
	Birth                              time.Time
	Phone, Address, City, Province, PC string
	CreatedAt                          time.Time
}

func (p *patientRow) values() []any {
	return []any{p.ID, p.MRN, p.Name, p.Sex, p.Birth, nullText(p.Phone), nullText(p.Address),
		nullText(p.City), nullText(p.Province), nullText(p.PC), p.CreatedAt}
}

// regRow is a row of emr.registration; a zero Discharge is an open encounter.
type regRow struct {
	ID, PatientID       int64
	VisitType           byte
	DeptID, DoctorID    int32
	Admit, Discharge    time.Time
	Source, Disposition string
}

func (g *regRow) open() bool { return g.Discharge.IsZero() }

func (g *regRow) values() []any {
	status := "closed"
	if g.open() {
		status = "open"
	}
	return []any{g.ID, g.PatientID, string(rune(g.VisitType)), g.DeptID, g.DoctorID, g.Admit,
		nullTime(g.Discharge), nullText(g.Source), nullText(g.Disposition), status}
}

// diagRow is a row of emr.diagnosis, coded as Coding says (a Profile; WHO
// ICD-10 when empty).
type diagRow struct {
	ID, RegID, PatientID int64
	Cond                 *condition
	Main                 bool
	Time                 time.Time
	DoctorID             int32
	Coding               string
	Acquired             bool // arose during the stay: not present on admission
}

func (d *diagRow) values() []any {
	code, name, system := codeIn(d.Cond, d.Coding)
	return []any{d.ID, d.RegID, d.PatientID, code, name, d.Main, d.Time, d.DoctorID, system}
}

// Note types (emr.clinical_note.note_type).
const (
	noteAdmission  = "admission"
	noteProgress   = "progress"
	noteDischarge  = "discharge"
	noteOutpatient = "outpatient"
	noteEmergency  = "emergency"
	noteOperative  = "operative"
	noteRadiology  = "radiology"
)

// noteRow is a row of emr.clinical_note without its text, which is written
// from Seed and the encounter only when the row is stored.
type noteRow struct {
	ID, RegID, PatientID int64
	Type, Lang           string
	AuthorID             int32
	WrittenAt            time.Time
	Seed                 uint64
	findings             []noteFinding // what the text mentions, when ground truth is kept
	exam                 *examRow      // the examination a radiology report is of
}

func (n *noteRow) values(title, body string) []any {
	return []any{n.ID, n.RegID, n.PatientID, n.Type, title, n.Lang, body, n.AuthorID, n.WrittenAt}
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
