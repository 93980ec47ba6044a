package pipeline

import (
	"context"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cdw-dev/cdw/ingest"
)

// WaitCaughtUp returns once door has acknowledged the source's WAL position
// as it was when WaitCaughtUp was called, or when ctx is done.
func WaitCaughtUp(ctx context.Context, source *pgxpool.Pool, door *ingest.Postgres) error {
	var text string
	if err := source.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&text); err != nil {
		return err
	}
	target, err := pglogrepl.ParseLSN(text)
	if err != nil {
		return err
	}
	for {
		if st := door.Status(); st.Streaming && st.Acked >= target {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
