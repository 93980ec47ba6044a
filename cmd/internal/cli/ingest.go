package cli

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cdw-dev/cdw/cmd/internal/pipeline"
	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/progress"
	"github.com/cdw-dev/cdw/internal/tabular"
)

func init() {
	register(verb{name: "ingest", usage: "[postgres|debezium|fhir|hl7|status|errors] [flags]",
		summary: "take changes through a door into the bronze change log (default: stream the private PostgreSQL until Ctrl-C), or show the doors' status and errors",
		flags:   ingestFlags})
}

// doors are the `cdw ingest` sub-commands: the doors, status and errors.
var doors []subcommand

func registerDoor(d subcommand) { doors = append(doors, d) }

func init() {
	registerDoor(subcommand{"postgres", "stream the private PostgreSQL into bronze until Ctrl-C (--once: stop when caught up)", postgresFlags})
	registerDoor(subcommand{"status", "show each door's position, rate, lag and error count", statusFlags})
	registerDoor(subcommand{"errors", "list the records the doors refused (the dead-letter store), newest last", errorsFlags})
}

// ingestFlags dispatches to the door named by the first argument; without
// one it runs the PostgreSQL door, taking that door's flags directly.
func ingestFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	pg := postgresFlags(fs, c)
	return func(ctx context.Context, args []string) error {
		if len(args) == 0 {
			return pg(ctx, args)
		}
		return runSubcommand(ctx, c, "ingest", "door or command", doors, args)
	}
}

func statusFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	format := formatFlag(fs)
	return func(ctx context.Context, args []string) error {
		f, set, err := bronzeReport(c, *format, args)
		if err != nil {
			return err
		}
		w := tabular.New(c.stdout, f)
		if err := w.Header([]string{"source", "position", "changes", "rate_per_s", "errors", "last_change", "lag", "updated"}); err != nil {
			return err
		}
		now := time.Now().UTC()
		for _, name := range set.Names() {
			m := set.Sources[name]
			lag := ""
			if !m.LastCommit.IsZero() {
				lag = m.Age(now).Round(time.Second).String()
			}
			if err := w.Row([]any{orLegacy(name), m.Position, m.Rows, fmt.Sprintf("%.1f", m.RateAt(now)), m.RejectCount,
				stamp(m.LastCommit), lag, stamp(m.UpdatedAt)}); err != nil {
				return err
			}
		}
		return w.Close()
	}
}

func errorsFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	format := formatFlag(fs)
	source := fs.String("source", "", "only this source (e.g. hl7, fhir, debezium)")
	limit := fs.Int("limit", 100, "show at most the newest N (0: all)")
	full := fs.Bool("full", false, "print whole payloads (the table format cuts them to 120 characters)")
	return func(ctx context.Context, args []string) error {
		f, set, err := bronzeReport(c, *format, args)
		if err != nil {
			return err
		}
		var all []bronze.Reject
		for _, name := range set.Names() {
			if *source != "" && name != *source {
				continue
			}
			rs, err := bronze.ReadRejects(set.Dir(name))
			if err != nil {
				return err
			}
			all = append(all, rs...)
		}
		sort.SliceStable(all, func(i, j int) bool { return all[i].At.Before(all[j].At) })
		if *limit > 0 && len(all) > *limit {
			all = all[len(all)-*limit:]
		}
		w := tabular.New(c.stdout, f)
		if err := w.Header([]string{"at", "source", "position", "reason", "payload"}); err != nil {
			return err
		}
		for _, r := range all {
			payload := r.Payload
			if f == tabular.Table && !*full {
				payload = cut(strings.Join(strings.Fields(payload), " "), 120)
			}
			if err := w.Row([]any{stamp(r.At), r.Source, r.Position, r.Reason, payload}); err != nil {
				return err
			}
		}
		return w.Close()
	}
}

// bronzeReport checks a report's format and arguments and reads the bronze
// logs it reports on.
func bronzeReport(c *common, format string, args []string) (tabular.Format, bronze.Set, error) {
	f, err := tabular.ParseFormat(format)
	if err != nil {
		return "", bronze.Set{}, usageError{err.Error()}
	}
	if err := needArgs(args, 0, "no arguments"); err != nil {
		return "", bronze.Set{}, err
	}
	set, err := bronze.ReadSet(c.layout().Bronze())
	return f, set, err
}

func postgresFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	var once bool
	fs.BoolVar(&once, "once", false, "stop as soon as bronze has caught up with the source")
	tables := fs.String("tables", "", "comma-separated schema-qualified tables to publish (default: every table, new ones included)")
	return func(ctx context.Context, args []string) error {
		if err := needArgs(args, 0, "no arguments"); err != nil {
			return err
		}
		src, err := pipeline.StartSource(ctx, c.layout(), c.logger)
		if err != nil {
			return err
		}
		defer src.Close()
		log, err := bronze.Open(c.layout().BronzeSource(pipeline.PostgresSource))
		if err != nil {
			return err
		}
		defer log.Close()
		bar := progress.New(c.stderr, "ingest", "changes", 0)
		opts := ingest.PostgresOptions{ConnString: src.Cluster.ConnString(pipeline.SourceDB), Logger: c.logger, Tables: splitList(*tables),
			Progress: func(p ingest.Progress) { bar.SetTotal(p.Total); bar.Set(p.Rows) }}
		if once {
			opts.StatusInterval = time.Second // acknowledge promptly, so catching up is seen soon
		}
		door, err := ingest.NewPostgres(log, opts)
		if err != nil {
			return err
		}
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		if once {
			go func() {
				pipeline.WaitCaughtUp(rctx, src.Pool, door)
				cancel()
			}()
		}
		err = door.Run(rctx)
		m := log.Manifest()
		bar.Finish(m.Rows)
		fmt.Fprintf(c.stderr, "ingest: bronze at %s with %d changes in %d files\n", m.Position, m.Rows, len(m.Files))
		return err
	}
}

func orLegacy(name string) string {
	if name == "" {
		return "(root)"
	}
	return name
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// errorsHint points at the dead-letter store when a door refused records.
func errorsHint(rejected int64, source string) string {
	if rejected == 0 {
		return ""
	}
	return " (see cdw ingest errors --source " + source + ")"
}
