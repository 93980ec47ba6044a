package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/ingest/debezium"
)

func init() {
	registerDoor(subcommand{"debezium", "take Debezium change events: files (--in), an HTTP endpoint (--listen) or Kafka topics (--kafka)", debeziumFlags})
}

func debeziumFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	in := fs.String("in", "", "a file of events (one JSON event a line) or a directory of them")
	listen := fs.String("listen", "", "HOST:PORT to accept events by HTTP POST on, until Ctrl-C")
	brokers := fs.String("kafka", "", "comma-separated Kafka brokers to consume from, until Ctrl-C")
	topics := fs.String("topics", "", "with --kafka: comma-separated topics, or a regular expression with --topic-regex")
	regex := fs.Bool("topic-regex", false, "with --kafka: --topics is a regular expression")
	tableMap := fs.String("table-map", "", "renames, e.g. dbo.PATIENTS=emr.patient,dbo.VISITS=emr.registration")
	keys := fs.String("keys", "", "key columns of tables whose events carry no Kafka key, e.g. emr.lab_result=result_id;emr.x=a+b")
	return func(ctx context.Context, args []string) error {
		if err := needArgs(args, 0, "no arguments"); err != nil {
			return err
		}
		n := 0
		for _, s := range []string{*in, *listen, *brokers} {
			if s != "" {
				n++
			}
		}
		if n != 1 {
			return usageError{"give exactly one of --in FILE|DIR, --listen HOST:PORT and --kafka BROKERS"}
		}
		opts := debezium.Options{Logger: c.logger}
		var err error
		if opts.TableMap, err = parsePairs(*tableMap, ","); err != nil {
			return usageError{"--table-map: " + err.Error()}
		}
		km, err := parsePairs(*keys, ";")
		if err != nil {
			return usageError{"--keys: " + err.Error()}
		}
		for t, cols := range km {
			if opts.Keys == nil {
				opts.Keys = map[string][]string{}
			}
			opts.Keys[t] = strings.Split(cols, "+")
		}
		log, err := bronze.Open(c.layout().BronzeSource(ingest.SourceDebezium))
		if err != nil {
			return err
		}
		defer log.Close()
		door, err := debezium.New(log, opts)
		if err != nil {
			return err
		}
		defer door.Close()
		switch {
		case *in != "":
			err = door.ReadFiles(ctx, *in)
		case *listen != "":
			err = serveDebezium(ctx, c, door, *listen)
		default:
			err = door.RunKafka(ctx, debezium.KafkaOptions{Brokers: splitList(*brokers), Topics: splitList(*topics), TopicRegex: *regex})
		}
		var accepted, rejected int64
		for _, st := range door.Stats() {
			accepted += st.Accepted
			rejected += st.Rejected
		}
		fmt.Fprintf(c.stderr, "debezium: %d events taken, %d refused%s; bronze holds %d changes\n", accepted, rejected, errorsHint(rejected, "debezium"), log.Manifest().Rows)
		return err
	}
}

// serveDebezium accepts events over HTTP until ctx is done.
func serveDebezium(ctx context.Context, c *common, door *debezium.Door, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: door.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(c.stderr, "debezium: accepting events at http://%s/ (Ctrl-C stops)\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parsePairs reads "a=b<sep>c=d" into a map.
func parsePairs(s, sep string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	out := map[string]string{}
	for _, p := range strings.Split(s, sep) {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("%q is not NAME=VALUE", p)
		}
		out[k] = v
	}
	return out, nil
}
