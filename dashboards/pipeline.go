package dashboards

import (
	"context"
	"net/http"
	"time"
)

// PipelineStatus is what the dashboards show of the pipeline's freshness.
type PipelineStatus struct {
	SourceLSN   string `json:"source_lsn"`   // PostgreSQL's current WAL LSN
	BronzeLSN   string `json:"bronze_lsn"`   // last LSN durable in bronze
	SnapshotLSN string `json:"snapshot_lsn"` // LSN the current CDM snapshot was built from

	BronzeLagBytes   int64 `json:"bronze_lag_bytes"`   // source minus bronze, in WAL bytes
	SnapshotLagBytes int64 `json:"snapshot_lag_bytes"` // source minus snapshot, in WAL bytes

	Snapshot        string    `json:"snapshot"`                  // current CDM snapshot id
	SnapshotCreated time.Time `json:"snapshot_created,omitzero"` // when it was published
	IndexedSnapshot string    `json:"indexed_snapshot"`          // snapshot the notes index reflects
	LastChange      time.Time `json:"last_change,omitzero"`      // commit time of the newest change in bronze
	Stages          []Stage   `json:"stages"`                    // one per pipeline stage
	Doors           []Door    `json:"doors"`                     // one per ingest source, as cdw ingest status shows them
	CheckedAt       time.Time `json:"checked_at,omitzero"`       // when this status was taken
}

// Stage is one pipeline stage's health.
type Stage struct {
	Name      string    `json:"name"`
	Status    string    `json:"status"` // StageOK, StageBehind or StageError
	Detail    string    `json:"detail"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Door is one ingest source's position in bronze: what `cdw ingest status`
// prints for it.
type Door struct {
	Source     string    `json:"source"`
	Position   string    `json:"position"`
	Changes    int64     `json:"changes"`
	Rate       float64   `json:"rate_per_s"`
	Errors     int64     `json:"errors"`
	LastChange time.Time `json:"last_change,omitzero"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
}

// Stage statuses, coloured green, amber and red on the page.
const (
	StageOK     = "ok"
	StageBehind = "behind"
	StageError  = "error"
)

// StatusFunc reports the pipeline's current status.
type StatusFunc func(ctx context.Context) (PipelineStatus, error)

// pipelineAnswer is /api/pipeline's answer while a pipeline runs: the status
// plus the ages the page shows, measured against the server's clock.
type pipelineAnswer struct {
	Running bool `json:"running"`
	PipelineStatus
	LastChangeAgeSeconds *int64 `json:"last_change_age_seconds,omitempty"`
	SnapshotAgeSeconds   *int64 `json:"snapshot_age_seconds,omitempty"`
}

// servePipeline answers the pipeline status, or {"running": false} when the
// server was given no StatusFunc.
func (s *Server) servePipeline(w http.ResponseWriter, r *http.Request) {
	if s.status == nil {
		s.writeJSON(w, r, http.StatusOK, struct {
			Running bool `json:"running"`
		}{})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	st, err := s.status(ctx)
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, &opError{op: "read pipeline status", err: err})
		return
	}
	if st.Stages == nil {
		st.Stages = []Stage{}
	}
	if st.Doors == nil {
		st.Doors = []Door{}
	}
	now := s.now()
	s.writeJSON(w, r, http.StatusOK, pipelineAnswer{
		Running:              true,
		PipelineStatus:       st,
		LastChangeAgeSeconds: ageSeconds(now, st.LastChange),
		SnapshotAgeSeconds:   ageSeconds(now, st.SnapshotCreated),
	})
}

// ageSeconds returns whole seconds from t to now (never negative), or nil
// when t is unknown.
func ageSeconds(now, t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	age := max(int64(now.Sub(t)/time.Second), 0)
	return &age
}
