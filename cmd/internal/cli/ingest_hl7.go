package cli

import (
	"context"
	"flag"
	"fmt"
	"net"

	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/ingest/hl7"
)

func init() {
	registerDoor(subcommand{"hl7", "take HL7 v2 messages: over MLLP (--listen, ACK once durable) or from archive files (args)", hl7Flags})
}

func hl7Flags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	listen := fs.String("listen", "", "HOST:PORT to serve MLLP on, until Ctrl-C (e.g. :2575)")
	in := fs.String("in", "", "a message archive to read (more may follow as arguments)")
	return func(ctx context.Context, args []string) error {
		files := args
		if *in != "" {
			files = append([]string{*in}, args...)
		}
		if (*listen == "") == (len(files) == 0) {
			return usageError{"give either --listen HOST:PORT or --in FILE [FILE...]"}
		}
		log, err := bronze.Open(c.layout().BronzeSource(ingest.SourceHL7))
		if err != nil {
			return err
		}
		defer log.Close()
		door, err := hl7.New(log, hl7.Options{Logger: c.logger})
		if err != nil {
			return err
		}
		if *listen != "" {
			err = serveMLLP(ctx, c, door, *listen)
		} else {
			err = door.ReadFiles(ctx, files...)
		}
		cerr := door.Close()
		st := door.Stats()
		fmt.Fprintf(c.stderr, "hl7: %d messages taken, %d duplicates, %d refused%s; bronze holds %d changes\n",
			st.Accepted, st.Duplicates, st.Rejected, errorsHint(st.Rejected, ingest.SourceHL7), log.Manifest().Rows)
		if err != nil {
			return err
		}
		return cerr
	}
}

// serveMLLP serves MLLP until ctx is done.
func serveMLLP(ctx context.Context, c *common, door *hl7.Door, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "hl7: MLLP listening on %s (Ctrl-C stops)\n", ln.Addr())
	l := hl7.NewListener(door)
	defer l.Close()
	return l.Serve(ctx, ln)
}
