package search

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
)

// Handler serves GET /api/search?q=WORDS[&limit=N][&from=N][&person=ID] as the
// JSON form of Result. A missing or malformed query answers 400 naming the
// parameter; an index failure answers 500 with no detail (it is logged).
func Handler(x *Index, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
			return
		}
		req, err := parseRequest(r)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		res, err := x.Search(r.Context(), req)
		switch {
		case errors.Is(err, ErrEmptyQuery), errors.Is(err, ErrInvalidQuery):
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		case err != nil:
			logger.Error("search failed", "query", req.Query, "err", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "search failed"})
		default:
			writeJSON(w, http.StatusOK, res)
		}
	})
}

func parseRequest(r *http.Request) (Request, error) {
	q := r.URL.Query()
	req := Request{Query: q.Get("q")}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"limit", &req.Size}, {"from", &req.From}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return Request{}, errors.New("parameter " + p.name + " must be a non-negative integer")
			}
			*p.dst = n
		}
	}
	if v := q.Get("person"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return Request{}, errors.New("parameter person must be a person_id")
		}
		req.PersonID = n
	}
	return req, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
