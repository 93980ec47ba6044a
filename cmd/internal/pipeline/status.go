package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cdw-dev/cdw/dashboards"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/search"
)

// statusSource gathers the pipeline panel: where the source, bronze, the
// CDM and the index each stand.
type statusSource struct {
	layout Layout
	source *pgxpool.Pool // nil when serving without a source
	index  *search.Index
	f      *follower
}

func (s *statusSource) status(ctx context.Context) (dashboards.PipelineStatus, error) {
	now := time.Now().UTC()
	st := dashboards.PipelineStatus{CheckedAt: now}
	set, err := bronze.ReadSet(s.layout.Bronze())
	if err != nil {
		return st, err
	}
	m := set.Sources[PostgresSource]
	for _, name := range set.Names() {
		sm := set.Sources[name]
		st.Doors = append(st.Doors, dashboards.Door{Source: name, Position: sm.Position, Changes: sm.Rows,
			Rate: sm.RateAt(now), Errors: sm.RejectCount, LastChange: sm.LastCommit, UpdatedAt: sm.UpdatedAt})
	}
	st.BronzeLSN, st.LastChange = m.Position, m.LastCommit
	if s.source != nil {
		if err := s.source.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&st.SourceLSN); err != nil {
			return st, fmt.Errorf("read source WAL position: %w", err)
		}
	}
	if snap, err := s.layout.Store().Current(); err == nil {
		st.Snapshot, st.SnapshotCreated, st.SnapshotLSN = snap.ID, snap.Created, bronze.SplitPosition(snap.SourceLSN)[PostgresSource]
	}
	if s.index != nil {
		st.IndexedSnapshot, _ = s.index.Snapshot()
	}
	st.BronzeLagBytes = lag(st.SourceLSN, st.BronzeLSN)
	st.SnapshotLagBytes = lag(st.SourceLSN, st.SnapshotLSN)
	if st.SourceLSN == "" {
		st.SnapshotLagBytes = lag(st.BronzeLSN, st.SnapshotLSN)
	}
	s.f.mu.Lock()
	buildErr := s.f.lastErr
	s.f.mu.Unlock()
	st.Stages = []dashboards.Stage{
		stage("ingest", st.BronzeLagBytes > 1<<20, nil, fmt.Sprintf("bronze at %s, %d changes", orDash(m.Position), m.Rows), m.UpdatedAt),
		stage("cdm", st.SnapshotLSN != st.BronzeLSN, buildErr, "snapshot "+orDash(st.Snapshot), st.SnapshotCreated),
		stage("index", st.IndexedSnapshot != st.Snapshot, nil, "indexed "+orDash(st.IndexedSnapshot), st.SnapshotCreated),
	}
	return st, nil
}

func stage(name string, behind bool, err error, detail string, at time.Time) dashboards.Stage {
	s := dashboards.Stage{Name: name, Status: "ok", Detail: detail, UpdatedAt: at}
	switch {
	case err != nil:
		s.Status, s.Detail = "error", err.Error()
	case behind:
		s.Status = "behind"
	}
	return s
}

func lag(ahead, behind string) int64 {
	a, err1 := pglogrepl.ParseLSN(ahead)
	b, err2 := pglogrepl.ParseLSN(behind)
	if err1 != nil || err2 != nil || a <= b {
		return 0
	}
	return int64(a - b)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
