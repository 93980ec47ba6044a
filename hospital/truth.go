package hospital

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// truthFiles are the ground-truth files Generate writes into TruthDir.
var truthFiles = []string{"episodes.jsonl", "admissions.jsonl", "faults.jsonl", "notes.jsonl", "exam_reports.jsonl"}

// truthWriter appends the ground truth of each committed batch to
// TruthDir; a nil *truthWriter writes nothing.
type truthWriter struct {
	files []*os.File
	bufs  []*bufio.Writer
	enc   []*json.Encoder // in the order of truthFiles
}

// openTruth creates dir and empty truth files in it, or returns nil when dir
// is empty.
func openTruth(dir string) (*truthWriter, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create truth directory: %w", err)
	}
	t := &truthWriter{}
	for _, name := range truthFiles {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return nil, errors.Join(fmt.Errorf("create truth file: %w", err), t.Close())
		}
		w := bufio.NewWriterSize(f, 64<<10)
		t.files, t.bufs, t.enc = append(t.files, f), append(t.bufs, w), append(t.enc, json.NewEncoder(w))
	}
	return t, nil
}

// Close flushes and closes the files.
func (t *truthWriter) Close() error {
	if t == nil {
		return nil
	}
	var errs []error
	for i, f := range t.files {
		errs = append(errs, t.bufs[i].Flush(), f.Sync(), f.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("write truth files: %w", err)
	}
	return nil
}

// codedDiagnosis is a diagnosis as admissions.jsonl records it.
type codedDiagnosis struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	System string `json:"system"`
	WHO    string `json:"icd10_who"`
	// Severity is a secondary diagnosis's complication/comorbidity status
	// beside the principal: "MCC", "CC" or "none" (CHS-DRG 1.1 with its
	// exclusions for ICD-10-CN, msdrgSeverity for ICD-10-CM), empty when
	// unknown (WHO ICD-10, ICD-10-CM codes msdrgSeverity does not list).
	Severity string `json:"cc_mcc,omitempty"`
}

// codedProcedure is a procedure as admissions.jsonl records it.
type codedProcedure struct {
	Code   string    `json:"code"`
	Name   string    `json:"name"`
	System string    `json:"system"`
	Start  time.Time `json:"start"`
	Main   bool      `json:"is_main"`
}

// admissionTruth is a line of admissions.jsonl: an inpatient registration's
// true principal and secondary diagnoses and procedures.
type admissionTruth struct {
	RegID      int64            `json:"reg_id"`
	PatientID  int64            `json:"patient_id"`
	Coding     string           `json:"profile"`
	Principal  codedDiagnosis   `json:"principal"`
	Secondary  []codedDiagnosis `json:"secondary"`
	Procedures []codedProcedure `json:"procedures"`
	// Severity is the stay's highest counting secondary status: "MCC",
	// "CC" or "none" when every secondary diagnosis's status is known,
	// else empty unless one is an MCC.
	Severity   string `json:"cc_mcc,omitempty"`
	Readmitted bool   `json:"-"`
}

// writeBatch appends the batch's note findings, episodes and inpatient
// admissions.
func (t *truthWriter) writeBatch(batch []*patientPlan) error {
	if t == nil {
		return nil
	}
	for _, p := range batch {
		for i := range p.faults {
			if err := t.writeFault(&p.faults[i]); err != nil {
				return err
			}
		}
		for i := range p.encounters {
			e := &p.encounters[i]
			for j := range e.notes {
				n := &e.notes[j]
				if err := t.enc[3].Encode(noteTruth{NoteID: n.ID, Language: n.Lang, Findings: n.findings}); err != nil {
					return fmt.Errorf("write notes.jsonl: %w", err)
				}
				n.findings = nil
			}
			if e.reg.VisitType != 'I' || e.duplicate {
				continue
			}
			for _, ep := range e.stay.episodes {
				if err := t.enc[0].Encode(ep); err != nil {
					return fmt.Errorf("write episodes.jsonl: %w", err)
				}
			}
			if err := t.enc[1].Encode(admissionOf(&p.profile, e)); err != nil {
				return fmt.Errorf("write admissions.jsonl: %w", err)
			}
		}
	}
	return nil
}

// writeFault appends a fault to faults.jsonl.
func (t *truthWriter) writeFault(f *fault) error {
	if t == nil {
		return nil
	}
	if err := t.enc[2].Encode(f); err != nil {
		return fmt.Errorf("write faults.jsonl: %w", err)
	}
	return nil
}

// admissionOf returns the truth about inpatient encounter e of p.
func admissionOf(p *profile, e *encounter) admissionTruth {
	a := admissionTruth{RegID: e.reg.ID, PatientID: e.reg.PatientID, Coding: p.coding(), Secondary: []codedDiagnosis{}, Procedures: []codedProcedure{}}
	for _, d := range e.diags {
		code, name, system := codeIn(d.Cond, d.Coding)
		cd := codedDiagnosis{Code: code, Name: name, System: system, WHO: d.Cond.Code}
		if d.Main {
			a.Principal = cd
		} else {
			a.Secondary = append(a.Secondary, cd)
		}
	}
	for i := range a.Secondary {
		s := &a.Secondary[i]
		s.Severity = secondarySeverity(s.System, a.Principal.Code, s.Code)
	}
	a.Severity = stayClass(a.Principal, a.Secondary)
	for _, pr := range e.stay.procs {
		a.Procedures = append(a.Procedures, codedProcedure{Code: pr.Code, Name: pr.Name, System: pr.System, Start: pr.Start, Main: pr.Main})
	}
	return a
}
