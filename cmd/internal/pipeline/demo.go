package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/ingest"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/progress"
	"github.com/cdw-dev/cdw/search"
)

// DemoOptions configures Demo.
type DemoOptions struct {
	Layout        Layout
	Addr          string        // where the dashboards listen (default 127.0.0.1:8080)
	Patients      int           // size of the synthetic hospital (default 1000)
	Seed          int64         // makes the hospital reproducible
	Profile       string        // coding world: cn, us or mixed (default mixed)
	FaultRate     float64       // share of rows given a data-quality fault (default 0)
	TypoRate      float64       // share of note words with a typo (default 0)
	LiveInterval  time.Duration // pause between live EMR activities (default 1s; negative disables)
	BuildInterval time.Duration // how often the CDM follows bronze (default 2s)
	Logger        *slog.Logger
	// Out receives progress and the dashboards' URL.
	Out io.Writer
	// Ready, when set, is called with the dashboards' URL once everything runs.
	Ready func(url string)
}

func (o *DemoOptions) defaults() {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:8080"
	}
	if o.Patients == 0 {
		o.Patients = 1000
	}
	if o.LiveInterval == 0 {
		o.LiveInterval = time.Second
	}
	if o.BuildInterval <= 0 {
		o.BuildInterval = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
}

// Demo runs the whole data path until ctx is done: private PostgreSQL with
// the synthetic hospital, CDC into bronze, CDM builds, the notes index, the
// dashboards, and live activity in the EMR that flows through all of them.
// On return every component has stopped and PostgreSQL is shut down cleanly.
func Demo(ctx context.Context, o DemoOptions) (err error) {
	o.defaults()
	src, err := StartSource(ctx, o.Layout, o.Logger)
	if err != nil {
		return err
	}
	defer func() {
		if serr := src.Close(); serr != nil && err == nil {
			err = serr
		}
	}()
	pool := src.Pool
	if _, err := Simulate(ctx, pool, hospital.Options{Patients: o.Patients, Seed: o.Seed, Profile: o.Profile, FaultRate: o.FaultRate, TypoRate: o.TypoRate, TruthDir: o.Layout.Truth(), Logger: o.Logger}, o.Out); err != nil {
		return err
	}
	log, err := bronze.Open(o.Layout.BronzeSource(PostgresSource))
	if err != nil {
		return err
	}
	defer log.Close()
	fresh := !log.Manifest().SnapshotDone // an initial snapshot will run
	bar := progress.New(o.Out, "ingest snapshot", "rows", 0)
	reg := newRegistry(o.Layout)
	door, err := ingest.NewPostgres(log, ingest.PostgresOptions{
		ConnString: src.Cluster.ConnString(SourceDB), Logger: o.Logger, Registerer: reg,
		Progress: func(p ingest.Progress) {
			if p.Phase == "snapshot" {
				bar.SetTotal(p.Total)
				bar.Set(p.Rows)
			}
		},
	})
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return door.Run(gctx) })
	if err := waitSnapshot(gctx, log); err != nil {
		cerr := g.Wait()
		return errors.Join(err, cerr)
	}
	if fresh {
		bar.Finish(log.Manifest().Rows)
	}
	g.Go(func() error {
		return serveStages(gctx, o.Layout, pool, reg, o.Addr, o.BuildInterval, o.Logger, o.Out, func(url string) {
			if o.LiveInterval > 0 {
				live := hospital.NewLive(pool, hospital.LiveOptions{Seed: o.Seed, Interval: o.LiveInterval, Logger: o.Logger})
				g.Go(func() error { return live.Run(gctx) })
			}
			if o.Ready != nil {
				o.Ready(url)
			}
		})
	})
	return g.Wait()
}

// waitSnapshot returns once the initial snapshot is durable in bronze.
func waitSnapshot(ctx context.Context, log *bronze.Log) error {
	for !log.Manifest().SnapshotDone {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the initial snapshot: %w", context.Cause(ctx))
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// serveStages builds the first snapshot, opens the index and the dashboards,
// calls ready with the URL, then follows bronze until ctx is done.
func serveStages(ctx context.Context, layout Layout, source *pgxpool.Pool, reg *prometheus.Registry, addr string, every time.Duration, logger *slog.Logger, out io.Writer, ready func(string)) error {
	sp := &syncProgress{out: out}
	index, err := search.Open(layout.Index(), search.Options{Logger: logger, Progress: sp.report})
	if err != nil {
		return err
	}
	defer index.Close()
	f := &follower{layout: layout, interval: every, logger: logger, index: index}
	defer f.close()
	start := time.Now()
	if _, err := f.step(ctx); err != nil {
		return fmt.Errorf("first CDM build: %w", err)
	}
	if snap, err := layout.Store().Current(); err == nil {
		fmt.Fprintf(out, "cdm: snapshot %s (%d persons, %d visits, %d notes) built and indexed in %s\n", snap.ID,
			snap.Tables["person"].Rows, snap.Tables["visit_occurrence"].Rows, snap.Tables["note"].Rows, time.Since(start).Round(time.Millisecond))
	}
	ss := &statusSource{layout: layout, source: source, index: index, f: f}
	srv, err := listen(addr, layout, f, index, ss.status, reg, logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "dashboards: %s  (Ctrl-C stops)\n", srv.url)
	ready(srv.url)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.serve(gctx) })
	g.Go(func() error { return f.run(gctx) })
	return g.Wait()
}

// syncProgress shows a bar for index syncs large enough to take a while.
type syncProgress struct {
	out   io.Writer
	bar   *progress.Bar
	total int
}

func (s *syncProgress) report(done, total int) {
	if total < 1000 {
		return
	}
	if s.bar == nil || total != s.total {
		s.bar, s.total = progress.New(s.out, "index notes", "notes", int64(total)), total
	}
	if done >= total {
		s.bar.Finish(int64(done))
		s.bar = nil
		return
	}
	s.bar.Set(int64(done))
}
