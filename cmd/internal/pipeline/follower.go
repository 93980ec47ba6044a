package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/search"
	"github.com/cdw-dev/cdw/transform"
	"github.com/cdw-dev/cdw/warehouse"
)

// follower keeps the CDM, the warehouse and the notes index up with bronze:
// whenever bronze holds changes the current snapshot lacks, it builds, then
// moves the warehouse and the index to the new snapshot.
type follower struct {
	layout   Layout
	interval time.Duration
	logger   *slog.Logger
	index    *search.Index

	mu sync.Mutex // guards wh and lastErr
	wh *warehouse.Warehouse
	// lastErr is the most recent failure, shown on the pipeline panel.
	lastErr error
	builds  int
}

// step builds when bronze moved on, and brings warehouse and index to the
// current snapshot. It reports whether a new snapshot was published.
func (f *follower) step(ctx context.Context) (bool, error) {
	opts := transform.Options{BronzeDir: f.layout.Bronze(), Store: f.layout.Store(), VocabDir: f.layout.Vocab(), Logger: f.logger}
	fresh, err := transform.UpToDate(opts)
	if err != nil {
		return false, err
	}
	built := false
	if !fresh {
		if _, err := transform.Build(ctx, opts); err != nil {
			return false, err
		}
		built = true
		f.mu.Lock()
		f.builds++
		f.mu.Unlock()
	}
	if err := f.refresh(ctx); err != nil {
		return built, err
	}
	return built, nil
}

// refresh opens the warehouse on first use and moves it and the index to the
// current snapshot.
func (f *follower) refresh(ctx context.Context) error {
	snap, err := f.layout.Store().Current()
	if errors.Is(err, cdm.ErrNoSnapshot) {
		return nil
	}
	if err != nil {
		return err
	}
	f.mu.Lock()
	wh := f.wh
	f.mu.Unlock()
	if wh == nil {
		wh, err = warehouse.Open(ctx, warehouse.Options{Store: f.layout.Store(), Logger: f.logger})
		if err != nil {
			return err
		}
		f.mu.Lock()
		f.wh = wh
		f.mu.Unlock()
	} else if _, err := wh.Refresh(ctx); err != nil {
		return err
	}
	if f.index != nil {
		indexed, err := f.index.Snapshot()
		if err != nil {
			return err
		}
		if indexed != snap.ID {
			if _, err := f.index.Sync(ctx, snap); err != nil {
				return fmt.Errorf("index snapshot %s: %w", snap.ID, err)
			}
		}
	}
	return nil
}

// run steps every interval until ctx is done. A failed step is logged and
// retried at the next tick; it never stops the pipeline.
func (f *follower) run(ctx context.Context) error {
	t := time.NewTicker(f.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		_, err := f.step(ctx)
		if err != nil && ctx.Err() == nil {
			f.logger.Error("CDM build or refresh failed; retrying", "err", err)
		}
		f.mu.Lock()
		f.lastErr = err
		f.mu.Unlock()
	}
}

// warehouse returns the warehouse once a snapshot exists.
func (f *follower) warehouse() *warehouse.Warehouse {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.wh
}

func (f *follower) close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.wh != nil {
		return f.wh.Close()
	}
	return nil
}
