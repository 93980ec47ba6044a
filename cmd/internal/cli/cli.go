// Package cli is the cdw command line: it parses verbs and flags, wires the
// stages through package pipeline, and reports errors on stderr with a
// non-zero exit. It holds no stage logic of its own.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/cdw-dev/cdw/cmd/internal/pipeline"
)

// env is how the CLI reads its environment (os.Getenv in main).
type env func(string) string

// verb is one cdw sub-command.
type verb struct {
	name    string
	summary string
	usage   string // arguments after the flags
	// flags declares the verb's flags on fs and returns the function that runs it.
	flags func(fs *flag.FlagSet, c *common) func(ctx context.Context, args []string) error
}

// common holds what every verb shares.
type common struct {
	data    string
	verbose bool
	stdout  io.Writer
	stderr  io.Writer
	logger  *slog.Logger
	getenv  env
}

func (c *common) layout() pipeline.Layout { return pipeline.Layout{Root: c.data} }

var verbs []verb

func register(v verb) { verbs = append(verbs, v) }

func lookup(name string) (verb, bool) {
	for _, v := range verbs {
		if v.name == name {
			return v, true
		}
	}
	return verb{}, false
}

// usageError marks errors in how cdw was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Main runs cdw with args and returns the process exit status: 0 on
// success, 1 when the work failed, 2 when the command line was wrong.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		printOverview(stdout)
		return 0
	}
	name := args[0]
	if name == "help" {
		return help(args[1:], stdout, stderr, getenv)
	}
	v, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "cdw: unknown verb %q (run cdw help)\n", name)
		return 2
	}
	fs, run, c := newFlagSet(v, stdout, stderr, getenv)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	level := slog.LevelInfo
	if c.verbose {
		level = slog.LevelDebug
	}
	c.logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if err := run(ctx, fs.Args()); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "cdw %s: %v\n", name, err)
			return 2
		}
		fmt.Fprintf(stderr, "cdw %s: %v\n", name, err)
		return 1
	}
	return 0
}

func newFlagSet(v verb, stdout, stderr io.Writer, getenv env) (*flag.FlagSet, func(context.Context, []string) error, *common) {
	c := &common{stdout: stdout, stderr: stderr, getenv: getenv}
	fs := flag.NewFlagSet("cdw "+v.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := getenv("CDW_DATA")
	if def == "" {
		def = "./cdw-data"
	}
	fs.StringVar(&c.data, "data", def, "data directory holding everything cdw writes (env CDW_DATA)")
	fs.BoolVar(&c.verbose, "v", false, "log debug detail to stderr")
	run := v.flags(fs, c)
	fs.Usage = func() { verbHelp(fs.Output(), v, fs) }
	return fs, run, c
}

func printOverview(w io.Writer) {
	fmt.Fprintln(w, "cdw — the clinical data warehouse\n\nUsage: cdw VERB [flags] [args]\n\nVerbs:")
	sorted := append([]verb(nil), verbs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, v := range sorted {
		fmt.Fprintf(w, "  %-9s %s\n", v.name, v.summary)
	}
	fmt.Fprintln(w, "\nRun `cdw help VERB` for a verb's flags. Every verb takes --data DIR (default ./cdw-data, env CDW_DATA).")
}

func help(args []string, stdout, stderr io.Writer, getenv env) int {
	if len(args) == 0 {
		printOverview(stdout)
		return 0
	}
	v, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "cdw help: unknown verb %q\n", args[0])
		return 2
	}
	fs, _, _ := newFlagSet(v, stdout, stderr, getenv)
	verbHelp(stdout, v, fs)
	return 0
}

func verbHelp(w io.Writer, v verb, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: cdw %s [flags] %s\n\n%s\n\nFlags:\n", v.name, v.usage, v.summary)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func needArgs(args []string, n int, what string) error {
	if len(args) != n {
		return usageError{fmt.Sprintf("want %s, got %d argument(s): %s", what, len(args), strings.Join(args, " "))}
	}
	return nil
}
