package hospital

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ErrNotEmpty is returned by Generate when the EMR already holds departments
// or patients: generated ids start at 1 and would collide.
var ErrNotEmpty = errors.New("hospital: EMR is not empty")

// Options configures Generate.
type Options struct {
	// Patients is the number of patients to write (default 1000).
	Patients int
	// Seed determines every generated value; the same Seed, Until, Days and
	// Patients write byte-identical tables.
	Seed int64
	// Until is the end of the generated history (default: today 00:00 UTC).
	// No generated timestamp is later than Until.
	Until time.Time
	// Days is the length of the history window ending at Until (default 365).
	Days int
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is called after each committed batch with the number
	// of patients written so far and the total.
	Progress func(done, total int)
	// Profile chooses the coding and note language: ProfileCN codes
	// diagnoses in the Chinese clinical edition of ICD-10 and procedures in
	// ICD-9-CM-3 with notes mostly in Chinese; ProfileUS codes ICD-10-CM and
	// ICD-10-PCS with English notes; ProfileMixed (the default) chooses per
	// patient, Chinese patients as in ProfileCN and the others as in ProfileUS.
	Profile string
	// TruthDir, when set, receives the ground truth as JSON lines beside the
	// data: notes.jsonl, episodes.jsonl, admissions.jsonl, faults.jsonl and
	// exam_reports.jsonl (the findings of examination reports).
	TruthDir string
	// FaultRate is the share of candidate rows given a data-quality fault
	// (0, the default, injects none).
	FaultRate float64
	// TypoRate is the share of words in notes typed with a slip: a
	// character-level typo in English, a homophone from the input method in
	// Chinese. When it is above 0, English notes of abbreviating authors
	// also use clinical abbreviations (pt, h/o, SOB, HTN, ...). 0, the
	// default, writes notes exactly as without it.
	TypoRate float64
}

// Profiles (Options.Profile).
const (
	ProfileMixed = "mixed"
	ProfileCN    = "cn"
	ProfileUS    = "us"
)

// batchPatients is the number of patients written and committed together.
const batchPatients = 1000

// withDefaults returns opts with zero fields set to their defaults, or an
// error when a field is out of range.
func (o Options) withDefaults() (Options, error) {
	if err := o.validate(); err != nil {
		return o, err
	}
	if o.Patients == 0 {
		o.Patients = 1000
	}
	if o.Days == 0 {
		o.Days = 365
	}
	if o.Until.IsZero() {
		o.Until = time.Now().UTC().Truncate(24 * time.Hour)
	}
	o.Until = o.Until.UTC().Truncate(time.Second)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Profile == "" {
		o.Profile = ProfileMixed
	}
	return o, nil
}

// validate reports the first out-of-range field.
func (o Options) validate() error {
	if o.Patients < 0 {
		return fmt.Errorf("hospital: Patients must not be negative, got %d", o.Patients)
	}
	if o.Days < 0 {
		return fmt.Errorf("hospital: Days must not be negative, got %d", o.Days)
	}
	switch o.Profile {
	case "", ProfileMixed, ProfileCN, ProfileUS:
	default:
		return fmt.Errorf("hospital: Profile must be %q, %q or %q, got %q", ProfileMixed, ProfileCN, ProfileUS, o.Profile)
	}
	if o.TypoRate < 0 || o.TypoRate > 1 {
		return fmt.Errorf("hospital: TypoRate must be within [0, 1], got %g", o.TypoRate)
	}
	if o.FaultRate < 0 || o.FaultRate > 1 {
		return fmt.Errorf("hospital: FaultRate must be within [0, 1], got %g", o.FaultRate)
	}
	return nil
}

// Stats counts the rows Generate wrote per table.
type Stats struct {
	Departments   int64
	Staff         int64
	Patients      int64
	Registrations int64
	Diagnoses     int64
	Notes         int64
	// Dictionaries counts the rows of emr.ward, lab_item, drug and local_code_map.
	Dictionaries      int64
	Transfers         int64 // emr.ward_transfer
	Procedures        int64 // emr.procedure
	Vitals            int64 // emr.vital_sign
	LabOrders         int64 // emr.lab_order
	LabResults        int64 // emr.lab_result
	MedOrders         int64 // emr.med_order
	MedAdmins         int64 // emr.med_admin
	Allergies         int64 // emr.allergy
	Immunizations     int64 // emr.immunization
	Merges            int64 // emr.patient_merge
	Accounts          int64 // emr.user_account
	FrontPages        int64 // emr.front_page
	Prescriptions     int64 // emr.prescription
	PrescriptionItems int64 // emr.prescription_item
	Treatments        int64 // emr.treatment
	Exams             int64 // emr.exam_order
	ExamResults       int64 // emr.exam_result
	Dispensings       int64 // emr.dispensing
	Stock             int64 // emr.pharmacy_stock
	Charges           int64 // emr.charge_item
	Settlements       int64 // emr.settlement
	// FrontPageLines counts emr.front_page_diagnosis and front_page_procedure rows.
	FrontPageLines int64
	// Faults counts the data-quality faults injected.
	Faults int64
}

// Rows returns the number of rows written to all tables together.
func (s Stats) Rows() int64 {
	return s.Departments + s.Staff + s.Patients + s.Registrations + s.Diagnoses + s.Notes +
		s.Dictionaries + s.Transfers + s.Procedures + s.Vitals + s.LabOrders + s.LabResults +
		s.MedOrders + s.MedAdmins + s.Allergies + s.Immunizations + s.Merges +
		s.Accounts + s.FrontPages + s.FrontPageLines + s.Charges + s.Settlements +
		s.Prescriptions + s.PrescriptionItems + s.Treatments + s.Exams + s.ExamResults +
		s.Dispensings + s.Stock
}
