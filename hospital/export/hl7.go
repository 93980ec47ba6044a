package export

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	v2 "github.com/cdw-dev/cdw/internal/hl7v2"
)

// HL7Options configures HL7.
type HL7Options struct {
	// CreatedAt is the file's creation time (FHS-7, BHS-7). Zero means now;
	// set it for byte-identical exports.
	CreatedAt time.Time
	// Location is the hospital's time zone, in which the EMR's timestamps
	// are read. Nil means UTC.
	Location *time.Location
	// SystemBase names the hospital's identifier systems; the MRN's
	// assigning authority (PID-3.4) is "CDW&<SystemBase>/sid/mrn&URI".
	// Empty means DefaultSystemBase.
	SystemBase string
	// SendingApplication and SendingFacility fill MSH-3 and MSH-4 (default
	// "CDW-HIS" and "CDW-HOSPITAL"); ReceivingApplication and
	// ReceivingFacility fill MSH-5 and MSH-6 (default "CDW").
	SendingApplication, SendingFacility     string
	ReceivingApplication, ReceivingFacility string
}

func (o HL7Options) withDefaults() HL7Options {
	if o.CreatedAt.IsZero() {
		o.CreatedAt = time.Now()
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	for _, f := range []struct {
		v   *string
		def string
	}{{&o.SendingApplication, "CDW-HIS"}, {&o.SendingFacility, "CDW-HOSPITAL"}, {&o.ReceivingApplication, "CDW"}, {&o.ReceivingFacility, "CDW"}} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
	return o
}

// HL7Stats reports what HL7 wrote.
type HL7Stats struct {
	// Messages is the number of messages written.
	Messages int64
	// Types counts the messages per type, e.g. "ADT^A01".
	Types map[string]int64
	// Duration is the wall time of the export.
	Duration time.Duration
}

// Version is the HL7 version the export writes (MSH-12).
const Version = "2.5.1"

// hl7Run is the state of one HL7 export.
type hl7Run struct {
	opts  HL7Options
	clock clock
	sys   localSystems
	// wards holds the current ward (PV1-3) of each inpatient stay between
	// its admission and discharge: at most one entry per occupied bed.
	wards map[int64]v2.Field
}

// HL7 writes the EMR in db to w as HL7 v2.5.1 messages in one FHS/BHS …
// BTS/FTS file, segments ended by CR, messages in event-time order (ties:
// admission, transfer, vital signs, lab results, medication order, note,
// diagnoses, discharge, merge): ADT^A04 for outpatient and emergency registrations,
// ADT^A01 admissions, ADT^A02 ward transfers, ADT^A08 diagnosis updates (all
// of an encounter's DG1s, at its last diagnosis time), ADT^A03 discharges,
// ORU^R01 vital signs and lab results, RDE^O11 medication orders and
// MDM^T02 clinical notes (one OBX-5 repetition per line of text). Every
// message carries the patient (PID) and visit (PV1). MSH-10 control ids are
// unique: the event kind and its EMR id. Patient merges recorded in
// emr.patient_merge are sent as ADT^A40 (PID of the survivor, MRG of the
// merged record) at the merge time. Everything is read in one repeatable-read
// transaction with one streaming query; w is not closed.
func HL7(ctx context.Context, db *pgxpool.Pool, w io.Writer, opts HL7Options) (HL7Stats, error) {
	start := time.Now()
	stats := HL7Stats{Types: map[string]int64{}}
	opts = opts.withDefaults()
	run := &hl7Run{opts: opts, clock: clock{opts.Location}, sys: newLocalSystems(opts.SystemBase), wards: map[int64]v2.Field{}}
	emr, err := readSchema(ctx, db)
	if err != nil {
		return stats, err
	}
	tx, err := db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return stats, fmt.Errorf("export: begin snapshot: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	out, err := v2.NewWriter(w, v2.DefaultDelimiters, run.fileHeader("FHS"), run.fileHeader("BHS"), v2.Segment{}, v2.Segment{})
	if err != nil {
		return stats, fmt.Errorf("export: HL7: %w", err)
	}
	var ev event
	err = streamRows(ctx, tx, eventQuery(emr), func(rows pgx.Rows) error {
		if err := ev.scan(rows); err != nil {
			return fmt.Errorf("event: %w", err)
		}
		msg, err := run.message(&ev)
		if err != nil {
			return err
		}
		if err := out.Write(msg); err != nil {
			return err
		}
		stats.Types[msg.Type().String()]++
		stats.Messages++
		return nil
	})
	if err != nil {
		return stats, fmt.Errorf("export: HL7: %w", err)
	}
	if err := out.Close(); err != nil {
		return stats, fmt.Errorf("export: HL7: %w", err)
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// fileHeader returns the FHS or BHS segment of the export.
func (r *hl7Run) fileHeader(name string) v2.Segment {
	o := r.opts
	return v2.Seg(name, nil, nil, v2.Text(o.SendingApplication), v2.Text(o.SendingFacility),
		v2.Text(o.ReceivingApplication), v2.Text(o.ReceivingFacility), v2.Text(r.clock.hl7(o.CreatedAt.In(r.clock.loc))))
}

// message builds the message of one event.
func (r *hl7Run) message(ev *event) (*v2.Message, error) {
	switch ev.kind {
	case kindAdmit:
		return r.adtAdmit(ev)
	case kindDischarge:
		m := r.adt(ev, "A03", "ADT_A03")
		delete(r.wards, ev.enc.regID)
		return m, nil
	case kindTransfer:
		return r.adtTransfer(ev)
	case kindDiagnosis:
		return r.adtDiagnoses(ev)
	case kindVitals:
		return r.oruVitals(ev)
	case kindLab:
		return r.oruLab(ev)
	case kindMed:
		return r.rdeMedication(ev)
	case kindNote:
		return r.mdmNote(ev)
	case kindMerge:
		return r.adtMerge(ev)
	}
	return nil, fmt.Errorf("event %d: unknown kind %q", ev.id, ev.kind)
}
