package pipeline

import (
	"context"
	"io"
	"log/slog"
	"time"
)

// ServeOptions configures Serve.
type ServeOptions struct {
	Layout        Layout
	Addr          string
	BuildInterval time.Duration
	Logger        *slog.Logger
	Out           io.Writer
	Ready         func(url string)
}

// Serve follows the data directory's bronze log (fed by a separate
// `cdw ingest`), keeps the CDM and the notes index current, and serves the
// dashboards and the search API until ctx is done.
func Serve(ctx context.Context, o ServeOptions) error {
	d := DemoOptions{Addr: o.Addr, BuildInterval: o.BuildInterval, Logger: o.Logger, Out: o.Out}
	d.defaults()
	ready := o.Ready
	if ready == nil {
		ready = func(string) {}
	}
	return serveStages(ctx, o.Layout, nil, newRegistry(o.Layout), d.Addr, d.BuildInterval, d.Logger, d.Out, ready)
}
