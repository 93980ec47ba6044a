package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/cdw-dev/cdw/cmd/internal/pipeline"
	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/hospital/export"
	"github.com/cdw-dev/cdw/transform"
)

func init() {
	register(verb{name: "demo", summary: "run the whole data path on a synthetic hospital and serve the dashboards until Ctrl-C", flags: demoFlags})
	register(verb{name: "serve", summary: "keep the CDM and notes index current with bronze and serve the dashboards and search API", flags: serveFlags})
	register(verb{name: "simulate", summary: "write a synthetic hospital into the private PostgreSQL of the data directory", flags: simulateFlags})
	register(verb{name: "build", summary: "build the OMOP CDM snapshot from bronze and publish it", flags: buildFlags})
}

func demoFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	var o pipeline.DemoOptions
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "HOST:PORT the dashboards listen on (port 0 picks a free one)")
	fs.IntVar(&o.Patients, "patients", 1000, "patients in the synthetic hospital")
	fs.Int64Var(&o.Seed, "seed", 1, "seed of the synthetic hospital (same seed, same hospital)")
	fs.StringVar(&o.Profile, "profile", "mixed", "coding world of the hospital: cn (ICD-10 clinical edition, ICD-9-CM-3, Chinese notes), us (ICD-10-CM, ICD-10-PCS, English notes) or mixed")
	fs.Float64Var(&o.FaultRate, "fault-rate", 0.005, "share of rows given a realistic data-quality fault (0 for none)")
	fs.Float64Var(&o.TypoRate, "typo-rate", 0.01, "share of note words with a typo; above 0 authors also abbreviate (0 for clean notes)")
	fs.DurationVar(&o.LiveInterval, "live-interval", time.Second, "pause between live EMR activities (0 disables live activity)")
	fs.DurationVar(&o.BuildInterval, "build-interval", 2*time.Second, "how often the CDM and index follow bronze")
	return func(ctx context.Context, args []string) error {
		if err := needArgs(args, 0, "no arguments"); err != nil {
			return err
		}
		if o.Patients < 1 {
			return usageError{"--patients must be at least 1"}
		}
		if o.LiveInterval == 0 {
			o.LiveInterval = -1
		}
		o.Layout, o.Logger, o.Out = c.layout(), c.logger, c.stderr
		return pipeline.Demo(ctx, o)
	}
}

func serveFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	var o pipeline.ServeOptions
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "HOST:PORT to listen on (port 0 picks a free one)")
	fs.DurationVar(&o.BuildInterval, "build-interval", 2*time.Second, "how often the CDM and index follow bronze")
	return func(ctx context.Context, args []string) error {
		if err := needArgs(args, 0, "no arguments"); err != nil {
			return err
		}
		o.Layout, o.Logger, o.Out = c.layout(), c.logger, c.stderr
		return pipeline.Serve(ctx, o)
	}
}

func simulateFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	var o hospital.Options
	fs.IntVar(&o.Patients, "patients", 1000, "patients to write")
	fs.Int64Var(&o.Seed, "seed", 1, "seed (same seed, same hospital)")
	fs.StringVar(&o.Profile, "profile", "mixed", "coding world: cn (ICD-10 clinical edition, ICD-9-CM-3, Chinese notes), us (ICD-10-CM, ICD-10-PCS, English notes) or mixed")
	fs.Float64Var(&o.FaultRate, "fault-rate", 0.005, "share of rows given a realistic data-quality fault (0 for none)")
	fs.Float64Var(&o.TypoRate, "typo-rate", 0.01, "share of note words with a typo; above 0 authors also abbreviate (0 for clean notes)")
	fs.StringVar(&o.TruthDir, "truth", "", "directory for the ground truth JSONL (default DATA/truth)")
	fhirDir := fs.String("fhir", "", "also write the hospital as FHIR R4 bulk NDJSON into this directory")
	hl7File := fs.String("hl7", "", "also write the hospital as HL7 v2.5.1 messages (FHS/BHS batch) into this file")
	live := fs.Bool("live", false, "after writing, keep the hospital running (admissions, notes, corrections, deletes) until Ctrl-C")
	rate := fs.Float64("rate", 1, "with --live: activities per second")
	return func(ctx context.Context, args []string) error {
		if err := needArgs(args, 0, "no arguments"); err != nil {
			return err
		}
		if *rate <= 0 {
			return usageError{"--rate must be positive"}
		}
		src, err := pipeline.StartSource(ctx, c.layout(), c.logger)
		if err != nil {
			return err
		}
		defer src.Close()
		o.Logger = c.logger
		if o.TruthDir == "" {
			o.TruthDir = c.layout().Truth()
		}
		wrote, err := pipeline.Simulate(ctx, src.Pool, o, c.stderr)
		if err != nil {
			return err
		}
		if !wrote {
			fmt.Fprintln(c.stderr, "simulate: the EMR already holds patients; nothing written")
		}
		if err := exportHospital(ctx, src, *fhirDir, *hl7File, c); err != nil {
			return err
		}
		if !*live {
			return nil
		}
		l := hospital.NewLive(src.Pool, hospital.LiveOptions{Seed: o.Seed, Interval: time.Duration(float64(time.Second) / *rate), Logger: c.logger})
		fmt.Fprintf(c.stderr, "simulate: live activity at %.3g/s until Ctrl-C\n", *rate)
		err = l.Run(ctx)
		fmt.Fprintf(c.stderr, "simulate: live activity %v\n", l.Stats().Ops)
		return err
	}
}

// exportHospital writes the EMR as FHIR NDJSON and/or HL7 v2 when asked.
func exportHospital(ctx context.Context, src *pipeline.Source, fhirDir, hl7File string, c *common) error {
	if fhirDir != "" {
		st, err := export.FHIR(ctx, src.Pool, fhirDir, export.FHIROptions{})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "simulate: %d FHIR resources in %s (%s)\n", st.Resources, fhirDir, st.Duration.Round(time.Millisecond))
	}
	if hl7File == "" {
		return nil
	}
	f, err := os.Create(hl7File)
	if err != nil {
		return err
	}
	st, err := export.HL7(ctx, src.Pool, f, export.HL7Options{})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", hl7File, err)
	}
	fmt.Fprintf(c.stderr, "simulate: %d HL7 v2.5.1 messages in %s (%s)\n", st.Messages, hl7File, st.Duration.Round(time.Millisecond))
	return nil
}

func buildFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	var keep int
	fs.IntVar(&keep, "keep", 5, "snapshots to keep (older ones are removed; cdw sql --snapshot ID reads a kept one)")
	full := fs.Bool("full", false, "replay all of bronze, even when the current snapshot lets the build read only what is new")
	memory := fs.String("memory-limit", transform.DefaultMemoryLimit, "DuckDB memory limit of the build (e.g. 2GB); past it the build spills to disk")
	return func(ctx context.Context, args []string) error {
		if err := needArgs(args, 0, "no arguments"); err != nil {
			return err
		}
		res, err := transform.Build(ctx, transform.Options{BronzeDir: c.layout().Bronze(), Store: c.layout().Store(), VocabDir: c.layout().Vocab(),
			Keep: keep, Full: *full, MemoryLimit: *memory, Logger: c.logger})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "snapshot %s from bronze %s in %s; replay %s\n", res.Snapshot.ID, res.Snapshot.SourceLSN, res.Duration.Round(time.Millisecond), res.Replay)
		for _, name := range res.Snapshot.TableNames() {
			fmt.Fprintf(c.stdout, "  %-22s %d rows\n", name, res.Rows[name])
		}
		if res.Quarantined > 0 {
			fmt.Fprintf(c.stdout, "%d source rows could not be mapped: SELECT * FROM %s\n", res.Quarantined, transform.QuarantineTable)
		}
		return nil
	}
}
