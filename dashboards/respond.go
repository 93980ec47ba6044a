package dashboards

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
)

// errorBody is the JSON shape of every error answer.
type errorBody struct {
	Error string `json:"error"`
}

// writeJSON answers v as JSON with the given status. The answers describe
// the live warehouse, so they are never cached.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// fail logs err and answers {"error": ...} with status. A client error (4xx)
// is answered with err's message; a server-side failure only with the name
// of the operation that failed, never the warehouse's internals (paths,
// SQL), which go to the log.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	msg := err.Error()
	level := slog.LevelWarn
	if status >= 500 {
		level = slog.LevelError
		msg = http.StatusText(status)
		if oe := (*opError)(nil); errors.As(err, &oe) {
			msg = oe.op + " failed"
		}
	}
	s.logger.Log(r.Context(), level, "dashboards request failed",
		"method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	b, _ := json.Marshal(errorBody{Error: msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// opError names the operation that failed (e.g. "count visits") around the
// underlying error.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string { return e.op + ": " + e.err.Error() }
func (e *opError) Unwrap() error { return e.err }
