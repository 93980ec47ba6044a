package hospital

import "time"

// Column lists of the clinical tables; the values methods below return
// values in the same order.
var (
	transferColumns  = []string{"transfer_id", "reg_id", "from_ward_id", "to_ward_id", "transfer_time"}
	procColumns      = []string{"proc_id", "reg_id", "patient_id", "code", "code_system", "name", "start_time", "end_time", "surgeon_id", "anaesthesia", "is_main"}
	vitalColumns     = []string{"vital_id", "reg_id", "taken_at", "heart_rate", "resp_rate", "sbp", "dbp", "temperature_c", "spo2", "gcs", "height_cm", "weight_kg", "recorded_by"}
	labOrderColumns  = []string{"order_id", "reg_id", "patient_id", "panel", "ordered_at", "collected_at", "doctor_id", "status"}
	labResultColumns = []string{"result_id", "order_id", "item_id", "value", "value_text", "unit", "abnormal_flag", "resulted_at", "amended"}
	medOrderColumns  = []string{"med_order_id", "reg_id", "patient_id", "drug_id", "dose", "route", "frequency", "start_time", "stop_time", "doctor_id"}
	medAdminColumns  = []string{"admin_id", "med_order_id", "given_at", "dose", "status", "nurse_id"}
	allergyColumns   = []string{"allergy_id", "patient_id", "allergen", "allergen_zh", "reaction", "severity", "recorded_at"}
	immunColumns     = []string{"immunization_id", "patient_id", "vaccine_code", "vaccine", "given_at", "dose_number"}
)

// transferRow is a row of emr.ward_transfer; From 0 is the admission.
type transferRow struct {
	ID, RegID int64
	From, To  int32
	Time      time.Time
}

func (t *transferRow) values() []any {
	var from any
	if t.From != 0 {
		from = t.From
	}
	return []any{t.ID, t.RegID, from, t.To, t.Time}
}

// procRow is a row of emr.procedure.
type procRow struct {
	ID, RegID, PatientID int64
	Code, System, Name   string
	Start, End           time.Time
	Surgeon              int32
	Anaesthesia          string
	Main                 bool
}

func (p *procRow) values() []any {
	return []any{p.ID, p.RegID, p.PatientID, p.Code, p.System, p.Name, p.Start, nullTime(p.End), p.Surgeon, nullText(p.Anaesthesia), p.Main}
}

// missing marks an unmeasured integer vital sign.
const missing = -1

// vitalRow is a row of emr.vital_sign; temperatures, heights and weights
// are in tenths, and missing values are written as NULL.
type vitalRow struct {
	ID, RegID                   int64
	At                          time.Time
	HR, RR, SBP, DBP, SpO2, GCS int16
	Temp10, Height10, Weight10  int16
	Nurse                       int32 // who charted them; 0 is nobody
}

func (v *vitalRow) values() []any {
	return []any{v.ID, v.RegID, v.At, nullInt(v.HR), nullInt(v.RR), nullInt(v.SBP), nullInt(v.DBP),
		nullTenths(v.Temp10), nullInt(v.SpO2), nullInt(v.GCS), nullTenths(v.Height10), nullTenths(v.Weight10), nullID(v.Nurse)}
}

// qsofa returns the quick SOFA score of the observations: one point each
// for a respiratory rate of 22 or more, a systolic pressure of 100 or less
// and altered mentation (GCS below 15).
func (v *vitalRow) qsofa() int {
	n := 0
	if v.RR >= 22 {
		n++
	}
	if v.SBP != missing && v.SBP <= 100 {
		n++
	}
	if v.GCS != missing && v.GCS < 15 {
		n++
	}
	return n
}

// labOrderRow is a row of emr.lab_order; a zero Collected is an order still
// waiting for its sample.
type labOrderRow struct {
	ID, RegID, PatientID int64
	Panel                string
	Ordered, Collected   time.Time
	Doctor               int32
	Status               string
}

func (o *labOrderRow) values() []any {
	return []any{o.ID, o.RegID, o.PatientID, o.Panel, o.Ordered, nullTime(o.Collected), o.Doctor, o.Status}
}

// labResultRow is a row of emr.lab_result; Item is an index into labItems.
type labResultRow struct {
	ID, OrderID int64
	Item        int
	Value       float64
	Text        string // set for results without a number
	At          time.Time
	Amended     bool
	NoUnit      bool // the unit was left out (a fault)
}

func (l *labResultRow) values() []any {
	it := &labItems[l.Item]
	if l.Text != "" {
		return []any{l.ID, l.OrderID, int32(l.Item + 1), nil, l.Text, nullText(it.unit), nil, l.At, l.Amended}
	}
	unit := nullText(it.unit)
	if l.NoUnit {
		unit = nil
	}
	return []any{l.ID, l.OrderID, int32(l.Item + 1), l.Value, nil, unit, string(rune(flagOf(it, l.Value))), l.At, l.Amended}
}

// flagOf returns H, L or N for value against the item's reference range.
func flagOf(it *labItem, value float64) byte {
	switch {
	case it.hi > 0 && value > it.hi:
		return 'H'
	case value < it.lo:
		return 'L'
	}
	return 'N'
}

// medOrderRow is a row of emr.med_order; Drug is an index into drugs.
type medOrderRow struct {
	ID, RegID, PatientID int64
	Drug                 int
	Dose                 float64
	Route, Freq          string
	Start, Stop          time.Time
	Doctor               int32
}

func (m *medOrderRow) values() []any {
	return []any{m.ID, m.RegID, m.PatientID, int32(m.Drug + 1), m.Dose, m.Route, m.Freq, m.Start, nullTime(m.Stop), m.Doctor}
}

// medAdminRow is a row of emr.med_admin.
type medAdminRow struct {
	ID, OrderID int64
	At          time.Time
	Dose        float64
	Status      string
	Nurse       int32 // who gave, held or recorded the refusal; 0 is nobody
}

func (m *medAdminRow) values() []any {
	var dose any
	if m.Status == "given" {
		dose = m.Dose
	}
	return []any{m.ID, m.OrderID, m.At, dose, m.Status, nullID(m.Nurse)}
}

// allergyRow is a row of emr.allergy.
type allergyRow struct {
	ID, PatientID int64
	Allergen      allergen
	At            time.Time
}

func (a *allergyRow) values() []any {
	return []any{a.ID, a.PatientID, a.Allergen.name.en, a.Allergen.name.zh, a.Allergen.reaction, a.Allergen.severity, a.At}
}

// immunRow is a row of emr.immunization.
type immunRow struct {
	ID, PatientID int64
	Vaccine       vaccine
	At            time.Time
	Dose          int32
}

func (i *immunRow) values() []any {
	return []any{i.ID, i.PatientID, i.Vaccine.cvx, i.Vaccine.name, i.At, i.Dose}
}

func nullInt(v int16) any {
	if v == missing {
		return nil
	}
	return int32(v)
}

func nullTenths(v int16) any {
	if v <= 0 {
		return nil
	}
	return float64(v) / 10
}
