package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/dashboards"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/search"
)

// httpServer serves the dashboards and the search API of one data directory.
type httpServer struct {
	srv    *http.Server
	ln     net.Listener
	layout Layout
	url    string
}

// errNotReady is returned to dashboard queries before the first snapshot.
var errNotReady = errors.New("no CDM snapshot is available yet")

// querier hands the dashboards whatever warehouse the follower has now.
type querier struct{ f *follower }

func (q querier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	wh := q.f.warehouse()
	if wh == nil {
		return nil, errNotReady
	}
	return wh.QueryContext(ctx, query, args...)
}

// Snapshot names the snapshot the dashboards' numbers come from.
func (q querier) Snapshot() cdm.Snapshot {
	if wh := q.f.warehouse(); wh != nil {
		return wh.Snapshot()
	}
	return cdm.Snapshot{}
}

var _ dashboards.SnapshotReporter = querier{}

// listen binds addr and prepares the handler; Serve starts answering.
func listen(addr string, layout Layout, f *follower, index *search.Index, status dashboards.StatusFunc, reg *prometheus.Registry, logger *slog.Logger) (*httpServer, error) {
	dash, err := dashboards.New(dashboards.Options{Warehouse: querier{f}, Status: status, Logger: logger})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", dash.Handler())
	if index != nil {
		mux.Handle("/api/search", search.Handler(index, logger))
	}
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	s := &httpServer{
		srv:    &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		ln:     ln,
		layout: layout,
		url:    "http://" + net.JoinHostPort(host, port) + "/",
	}
	if err := layout.writeRunFile(Server{PID: os.Getpid(), Addr: ln.Addr().String(), URL: s.url, Started: time.Now().UTC()}); err != nil {
		ln.Close()
		return nil, err
	}
	return s, nil
}

// serve answers until ctx is done, then shuts down gracefully.
func (s *httpServer) serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		os.Remove(s.layout.RunFile())
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	os.Remove(s.layout.RunFile())
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http server shutdown: %w", err)
	}
	<-errc
	return nil
}

// newRegistry returns the registry /metrics serves: the Go runtime's and the
// process's collectors, every door's bronze log (bronze.Collector), plus
// whatever the stages register.
func newRegistry(l Layout) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		bronze.NewCollector(l.Bronze()))
	return reg
}
