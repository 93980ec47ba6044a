package export

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// FHIROptions configures FHIR.
type FHIROptions struct {
	// TransactionTime is the export's point in time: export.json's
	// transactionTime and every resource's meta.lastUpdated. Zero means now;
	// set it for byte-identical exports.
	TransactionTime time.Time
	// Location is the hospital's time zone, in which the EMR's timestamps
	// (without time zone) are read. Nil means UTC.
	Location *time.Location
	// SystemBase prefixes the hospital's own identifier and code systems
	// (MRN, staff, local lab and drug codes). Empty means DefaultSystemBase.
	SystemBase string
	// BaseURL prefixes the file names in export.json's output urls, e.g.
	// "https://cdw.example/bulk/123/". Empty leaves the bare file names.
	BaseURL string
}

// FHIRStats reports what FHIR wrote.
type FHIRStats struct {
	// Counts is the number of resources per resource type written.
	Counts map[string]int64
	// Resources is the total number of resources.
	Resources int64
	// Duration is the wall time of the export.
	Duration time.Duration
}

// fhirRun is the state shared by the resource writers of one export.
type fhirRun struct {
	tx    pgx.Tx
	clock clock
	sys   localSystems
	meta  *meta
	emr   schema
}

// fhirSource writes resources of one type from one group of EMR tables.
type fhirSource struct {
	needs []string // emr tables that must exist
	write func(ctx context.Context, r *fhirRun, out *ndjsonFile) error
}

// fhirType is one output file: a resource type and its sources.
type fhirType struct {
	name    string
	sources []fhirSource
}

// fhirTypes lists the resource types in output order.
func fhirTypes() []fhirType {
	return []fhirType{
		{"Patient", []fhirSource{{[]string{"patient"}, writePatients}}},
		{"Encounter", []fhirSource{{[]string{"registration"}, writeEncounters}}},
		{"Condition", []fhirSource{{[]string{"diagnosis"}, writeConditions}}},
		{"DocumentReference", []fhirSource{{[]string{"clinical_note"}, writeDocuments}}},
		{"Observation", []fhirSource{
			{[]string{"vital_sign"}, writeVitals},
			{[]string{"lab_order", "lab_result", "lab_item", "local_code_map"}, writeLabs},
		}},
		{"Procedure", []fhirSource{{[]string{"procedure"}, writeProcedures}}},
		{"MedicationRequest", []fhirSource{{[]string{"med_order", "drug", "local_code_map"}, writeMedicationRequests}}},
		{"MedicationAdministration", []fhirSource{{[]string{"med_admin", "med_order", "drug"}, writeMedicationAdministrations}}},
		{"AllergyIntolerance", []fhirSource{{[]string{"allergy"}, writeAllergies}}},
		{"Immunization", []fhirSource{{[]string{"immunization"}, writeImmunizations}}},
	}
}

// FHIR writes the EMR in db as FHIR R4 bulk-data NDJSON into dir (created
// when missing): <ResourceType>.ndjson for every resource type with at least
// one resource, then export.json, the manifest a $export status request
// would return. Everything is read in one repeatable-read transaction, so
// every reference (Patient/<id>, Encounter/<id>, Condition/<id>) resolves
// within the export; ids are the EMR's own ids. export.json is written last:
// its presence marks a complete export.
func FHIR(ctx context.Context, db *pgxpool.Pool, dir string, opts FHIROptions) (FHIRStats, error) {
	start := time.Now()
	stats := FHIRStats{Counts: map[string]int64{}}
	if opts.TransactionTime.IsZero() {
		opts.TransactionTime = time.Now()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return stats, fmt.Errorf("export: create %s: %w", dir, err)
	}
	emr, err := readSchema(ctx, db)
	if err != nil {
		return stats, err
	}
	tx, err := db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return stats, fmt.Errorf("export: begin snapshot: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	run := &fhirRun{tx: tx, clock: clock{opts.Location}, sys: newLocalSystems(opts.SystemBase),
		meta: &meta{LastUpdated: opts.TransactionTime.UTC().Format("2006-01-02T15:04:05.000Z")}, emr: emr}
	var outputs []manifestOutput
	for _, t := range fhirTypes() {
		n, err := run.writeType(ctx, dir, t)
		if err != nil {
			return stats, err
		}
		if n > 0 {
			stats.Counts[t.name] = n
			stats.Resources += n
			outputs = append(outputs, manifestOutput{Type: t.name, URL: opts.BaseURL + t.name + ".ndjson", Count: n})
		}
	}
	if err := writeManifest(dir, opts.TransactionTime, outputs); err != nil {
		return stats, err
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// writeType writes one resource type's file from those of its sources whose
// tables exist, and returns the number of resources. A type without
// resources leaves no file.
func (r *fhirRun) writeType(ctx context.Context, dir string, t fhirType) (int64, error) {
	name := t.name + ".ndjson"
	out, err := createNDJSON(dir, name)
	if err != nil {
		return 0, err
	}
	for _, src := range t.sources {
		if !r.emr.has(src.needs...) {
			continue
		}
		if err := src.write(ctx, r, out); err != nil {
			out.close()
			return 0, fmt.Errorf("export: %s: %w", t.name, err)
		}
	}
	if err := out.close(); err != nil {
		return 0, err
	}
	if out.count == 0 {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return 0, fmt.Errorf("export: remove empty %s: %w", name, err)
		}
	}
	return out.count, nil
}

// stream runs query in the export's transaction and calls row for each row
// as it arrives.
func (r *fhirRun) stream(ctx context.Context, query string, row func(pgx.Rows) error) error {
	return streamRows(ctx, r.tx, query, row)
}

// querier is what streamRows needs; pgx.Tx and *pgxpool.Pool have it.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// streamRows runs query and calls row for each row as it arrives, never
// holding more than one row.
func streamRows(ctx context.Context, q querier, query string, row func(pgx.Rows) error) error {
	rows, err := q.Query(ctx, query)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read rows: %w", err)
	}
	return nil
}
