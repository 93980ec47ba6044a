package dashboards

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/cdw-dev/cdw/cdm"
)

// Querier is the warehouse as the dashboards use it.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// SnapshotReporter is optionally implemented by a Querier that can name the
// CDM snapshot it reads (the warehouse does); the summary then carries the
// snapshot id.
type SnapshotReporter interface {
	Snapshot() cdm.Snapshot
}

// Options configures a Server.
type Options struct {
	// Warehouse answers the dashboards' SQL. Required.
	Warehouse Querier
	// Status reports the pipeline's freshness. Nil means no pipeline is
	// running: /api/pipeline answers {"running": false}.
	Status StatusFunc
	// Logger receives failed requests; nil discards.
	Logger *slog.Logger
	// Now gives "today" for the windows and ages; nil means time.Now.
	Now func() time.Time
	// QueryTimeout bounds the warehouse queries of one request; 0 means 10 s.
	QueryTimeout time.Duration
}

// Server serves the dashboards page and its JSON API. It holds no
// goroutines and is safe for concurrent use.
type Server struct {
	wh      Querier
	status  StatusFunc
	logger  *slog.Logger
	now     func() time.Time
	timeout time.Duration
	handler http.Handler
}

const defaultQueryTimeout = 10 * time.Second

// New validates opts and returns a Server ready to serve Handler.
func New(opts Options) (*Server, error) {
	if opts.Warehouse == nil {
		return nil, errors.New("dashboards: Options.Warehouse is required")
	}
	if opts.QueryTimeout < 0 {
		return nil, fmt.Errorf("dashboards: Options.QueryTimeout %s is negative", opts.QueryTimeout)
	}
	s := &Server{
		wh:      opts.Warehouse,
		status:  opts.Status,
		logger:  opts.Logger,
		now:     opts.Now,
		timeout: opts.QueryTimeout,
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.timeout == 0 {
		s.timeout = defaultQueryTimeout
	}
	s.handler = s.routes()
	return s, nil
}

// Handler returns the dashboards' routes: the page and its assets, the JSON
// API under /api/, and /healthz. Only GET is served; anything else is 405.
func (s *Server) Handler() http.Handler { return s.handler }

// routes builds the mux, every route behind the GET check.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.getOnly(h)) }
	handle("/{$}", s.serveIndex)
	handle("/assets/{file}", s.serveAsset)
	handle("/api/summary", s.serveSummary)
	handle("/api/admissions", s.serveAdmissions)
	handle("/api/pipeline", s.servePipeline)
	handle("/api/data-quality", s.serveDataQuality)
	handle("/api/characterization", s.serveCharacterization)
	handle("/healthz", serveHealthz)
	handle("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("no such page: %s", r.URL.Path))
	})
	return securityHeaders(mux)
}

// getOnly answers 405 with a JSON error to any method but GET.
func (s *Server) getOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			s.fail(w, r, http.StatusMethodNotAllowed, fmt.Errorf("method %s not allowed, use GET", r.Method))
			return
		}
		h(w, r)
	}
}

// securityHeaders confines the page to its own origin: no external scripts,
// styles, frames or connections.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

func serveHealthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok"))
}
