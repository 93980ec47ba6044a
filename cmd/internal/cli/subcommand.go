package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
)

// subcommand is one sub-command of a verb: cdw ingest hl7, cdw vocab load.
type subcommand struct {
	name, summary string
	flags         func(fs *flag.FlagSet, c *common) func(ctx context.Context, args []string) error
}

// runSubcommand runs the sub-command of verb named by args[0] with the rest
// of args as its flags and arguments; --data and -v may be given after it.
// what names the kind of sub-command in the error for an unknown one.
func runSubcommand(ctx context.Context, c *common, verb, what string, cmds []subcommand, args []string) error {
	for _, d := range cmds {
		if d.name != args[0] {
			continue
		}
		sub := flag.NewFlagSet("cdw "+verb+" "+d.name, flag.ContinueOnError)
		sub.SetOutput(c.stderr)
		sub.StringVar(&c.data, "data", c.data, "data directory (env CDW_DATA)")
		sub.BoolVar(&c.verbose, "v", c.verbose, "log debug detail to stderr")
		run := d.flags(sub, c)
		if err := sub.Parse(args[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return usageError{err.Error()}
		}
		return run(ctx, sub.Args())
	}
	return usageError{fmt.Sprintf("unknown %s %q (one of %s)", what, args[0], strings.Join(subcommandNames(cmds), ", "))}
}

func subcommandNames(cmds []subcommand) []string {
	var names []string
	for _, d := range cmds {
		names = append(names, d.name)
	}
	return names
}
