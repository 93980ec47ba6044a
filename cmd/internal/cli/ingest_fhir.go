package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/ingest/fhir"
	"github.com/cdw-dev/cdw/internal/progress"
)

func init() {
	registerDoor(subcommand{"fhir", "take FHIR R4 bulk data: NDJSON files or a directory (--in), or a server's $export (--url)", fhirFlags})
}

func fhirFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	in := fs.String("in", "", "an NDJSON file or a directory of them (with its export.json, when present)")
	url := fs.String("url", "", "base URL of a FHIR server to run a Bulk Data $export against")
	group := fs.String("group", "", "with --url: export Group/ID/$export")
	patient := fs.Bool("patient", false, "with --url: export Patient/$export")
	types := fs.String("types", "", "comma-separated resource types to take (default all)")
	sinceLast := fs.Bool("since-last", false, "with --url: only what changed since the last completed export")
	tokenEnv := fs.String("token-env", "", "with --url: name of the environment variable holding a bearer token")
	return func(ctx context.Context, args []string) error {
		if err := needArgs(args, 0, "no arguments"); err != nil {
			return err
		}
		if (*in == "") == (*url == "") {
			return usageError{"give exactly one of --in FILE|DIR and --url BASE"}
		}
		log, err := bronze.Open(c.layout().BronzeSource(ingest.SourceFHIR))
		if err != nil {
			return err
		}
		defer log.Close()
		bar := progress.New(c.stderr, "fhir", "resources", 0)
		var accepted, rejected int64
		opts := fhir.Options{Logger: c.logger, Types: splitList(*types), OnCommit: func(cm fhir.Commit) {
			accepted += int64(cm.Changes)
			rejected += int64(cm.Rejects)
			bar.Set(accepted + rejected)
		}}
		door, err := fhir.New(log, opts)
		if err != nil {
			return err
		}
		switch {
		case *in != "":
			st, serr := os.Stat(*in)
			if serr != nil {
				return serr
			}
			if st.IsDir() {
				err = door.ReadDir(ctx, *in)
			} else {
				err = door.ReadFiles(ctx, *in)
			}
		default:
			eo := fhir.ExportOptions{BaseURL: *url, Group: *group, Patient: *patient, Types: splitList(*types), SinceLast: *sinceLast,
				Progress: func(p fhir.ExportProgress) {
					c.logger.Info("$export", "phase", p.Phase, "progress", p.Progress, "file", p.File, "files_done", p.FilesDone, "files", p.Files)
				}}
			if *tokenEnv != "" {
				eo.BearerToken = c.getenv(*tokenEnv)
			}
			err = door.Export(ctx, eo)
		}
		bar.Finish(accepted + rejected)
		m := log.Manifest()
		fmt.Fprintf(c.stderr, "fhir: %d resources taken, %d refused%s; bronze holds %d changes\n", accepted, rejected, errorsHint(rejected, "fhir"), m.Rows)
		return err
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
