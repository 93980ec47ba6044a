package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cdw-dev/cdw/cdm/vocab"
	"github.com/cdw-dev/cdw/internal/progress"
	"github.com/cdw-dev/cdw/internal/tabular"
)

func init() {
	register(verb{name: "vocab", usage: "load DIR | unmapped",
		summary: "manage the OMOP vocabularies: load an OHDSI Athena download into <data>/vocab/; list the unmapped source codes",
		flags:   vocabFlags})
}

// vocabCommands are the `cdw vocab` sub-commands.
var vocabCommands = []subcommand{
	{"load", "load an unpacked OHDSI Athena download (CONCEPT.csv, ...) into <data>/vocab/ as Parquet", vocabLoadFlags},
	{"unmapped", "list the current snapshot's most frequent source codes that map to no concept", vocabUnmappedFlags},
}

// vocabFlags dispatches to the sub-command named by the first argument.
func vocabFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	return func(ctx context.Context, args []string) error {
		if len(args) == 0 {
			fmt.Fprintln(c.stderr, "Usage: cdw vocab SUB-COMMAND [flags] [args]\n\nSub-commands:")
			for _, d := range vocabCommands {
				fmt.Fprintf(c.stderr, "  %-8s %s\n", d.name, d.summary)
			}
			return usageError{"want a sub-command: " + strings.Join(subcommandNames(vocabCommands), ", ")}
		}
		return runSubcommand(ctx, c, "vocab", "sub-command", vocabCommands, args)
	}
}

func vocabLoadFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	format := formatFlag(fs)
	memory := fs.String("memory-limit", vocab.DefaultMemoryLimit, "DuckDB memory limit while loading (e.g. 512MB, 2GB)")
	threads := fs.Int("threads", 0, "DuckDB worker threads (0: every core)")
	return func(ctx context.Context, args []string) error {
		f, err := tabular.ParseFormat(*format)
		if err != nil {
			return usageError{err.Error()}
		}
		if err := needArgs(args, 1, "one Athena download directory"); err != nil {
			return err
		}
		var bar *progress.Bar
		res, err := vocab.Load(ctx, vocab.LoadOptions{
			Dir: args[0], Out: c.layout().Vocab(), Logger: c.logger,
			MemoryLimit: *memory, Threads: *threads,
			Progress: func(table string, rows int64) {
				if bar == nil {
					bar = progress.New(c.stderr, table, "rows", 0)
					return
				}
				bar.Finish(rows)
				bar = nil
			},
		})
		if err != nil {
			return err
		}
		return printVocabLoad(c, f, res)
	}
}

// printVocabLoad writes the rows per table to stdout and the missing tables
// and sample rejected lines to stderr.
func printVocabLoad(c *common, f tabular.Format, res vocab.Result) error {
	w := tabular.New(c.stdout, f)
	if err := w.Header([]string{"table", "rows", "rejected", "seconds", "rows_per_s", "file"}); err != nil {
		return err
	}
	for _, t := range res.Tables {
		rate := 0.0
		if s := t.Duration.Seconds(); s > 0 {
			rate = float64(t.Rows) / s
		}
		if err := w.Row([]any{t.Table, t.Rows, t.Rejected, fmt.Sprintf("%.2f", t.Duration.Seconds()),
			fmt.Sprintf("%.0f", rate), t.File}); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "vocab: %d rows in %d tables in %s into %s\n", res.Rows(), len(res.Tables),
		res.Duration.Round(1e6), filepath.Join(c.data, "vocab"))
	if len(res.Missing) > 0 {
		fmt.Fprintf(c.stderr, "vocab: not in the download (optional): %s\n", strings.Join(res.Missing, ", "))
	}
	if n := res.Rejected(); n > 0 {
		fmt.Fprintf(c.stderr, "vocab: %d lines did not parse and were left out; the first ones:\n", n)
		for _, t := range res.Tables {
			for _, r := range t.Rejects {
				fmt.Fprintf(c.stderr, "  %s:%d: %s\n", r.File, r.Line, r.Reason)
			}
		}
	}
	return nil
}
