package debezium

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// Response is the JSON body the HTTP entry answers with.
type Response struct {
	// Accepted is the number of events stored as changes.
	Accepted int `json:"accepted"`
	// Skipped is the number of tombstones consumed.
	Skipped int `json:"skipped"`
	// Rejected lists the events stored as rejects, with the reason.
	Rejected []RejectedEvent `json:"rejected"`
	// Error says why the whole request was refused.
	Error string `json:"error,omitempty"`
	// Duplicate is true when a request with the same Idempotency-Key was
	// already stored: nothing of this one was stored again.
	Duplicate bool `json:"duplicate,omitempty"`
}

// maxKeyLen bounds an Idempotency-Key.
const maxKeyLen = 200

// RejectedEvent is one refused event of a request.
type RejectedEvent struct {
	Position string `json:"position"`
	Reason   string `json:"reason"`
}

var errUnreadable = errors.New("unreadable body")

// Handler returns the HTTP entry. It accepts a POST of one event, a JSON
// array of events, or newline-delimited events (each bare, schema-wrapped or
// a {"key", "value"} record), and answers 200 with a Response only after
// every event of the request is durable in bronze, as changes or rejects, in
// one batch (requests arriving together share a bronze write). A body that is
// not JSON is stored as one reject and answered 400; a body over
// Options.MaxRequestBytes is answered 413; a method other than POST 405. When
// bronze cannot be written, or the door is closed, the answer is 503 and
// nothing of the request counts: the client sends it again. A request with
// an Idempotency-Key header is stored at most once: the key is made durable
// with the request's events, and a request sent again with it (after a lost
// answer, say) is answered 200 with "duplicate": true. The last
// MaxRequestKeys keys are remembered.
func (d *Door) Handler() http.Handler {
	var requests atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, Response{Error: "only POST is accepted"})
			return
		}
		key := r.Header.Get("Idempotency-Key")
		if len(key) > maxKeyLen {
			writeJSON(w, http.StatusBadRequest, Response{Error: fmt.Sprintf("Idempotency-Key longer than %d bytes", maxKeyLen)})
			return
		}
		id := key
		if id == "" {
			id = r.Header.Get("X-Request-Id")
		}
		if id == "" {
			id = strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatInt(requests.Add(1), 10)
		}
		d.serve(w, r, "request "+id, key)
	})
}

// serve reads, decodes and commits one request.
func (d *Door) serve(w http.ResponseWriter, r *http.Request, pos, key string) {
	source := d.opts.Source + ":http"
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, d.opts.MaxRequestBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		b := &batch{}
		b.reject(source, pos, fmt.Sprintf("oversized request: over the limit of %d bytes", d.opts.MaxRequestBytes), body)
		d.answer(r.Context(), w, b, key, http.StatusRequestEntityTooLarge, "request body over the size limit")
		return
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, Response{Error: "reading the body: " + err.Error()})
		return
	}
	b := &batch{}
	events, err := splitBody(body)
	if err != nil {
		b.reject(source, pos, err.Error(), body)
		d.answer(r.Context(), w, b, key, http.StatusBadRequest, err.Error())
		return
	}
	for i, ev := range events {
		at := fmt.Sprintf("%s event %d", pos, i+1)
		if len(ev) > d.opts.MaxRecordBytes {
			b.events++
			b.reject(source, at, fmt.Sprintf("oversized record: %d bytes, over the limit of %d", len(ev), d.opts.MaxRecordBytes), ev)
			continue
		}
		ch, err := d.dec.DecodeLine(ev)
		b.take(ch, err, source, at, ev)
	}
	d.answer(r.Context(), w, b, key, http.StatusOK, "")
}

// answer commits b and, once it is durable, answers with status.
func (d *Door) answer(ctx context.Context, w http.ResponseWriter, b *batch, key string, status int, msg string) {
	err := d.commit(ctx, b, key)
	if errors.Is(err, errDuplicate) {
		writeJSON(w, http.StatusOK, Response{Duplicate: true, Rejected: []RejectedEvent{}})
		return
	}
	if err != nil {
		d.logger.Warn("http request not stored", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, Response{Error: "not stored: " + err.Error()})
		return
	}
	resp := Response{Accepted: len(b.changes), Skipped: b.skipped, Rejected: []RejectedEvent{}, Error: msg}
	for _, r := range b.rejects {
		resp.Rejected = append(resp.Rejected, RejectedEvent{Position: r.Position, Reason: r.Reason})
	}
	writeJSON(w, status, resp)
}

// splitBody splits a request body into events: the elements of a JSON
// array, one JSON value, or the non-blank lines of NDJSON (each checked by
// the decoder on its own, so one bad line spoils only itself).
func splitBody(body []byte) ([]json.RawMessage, error) {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return nil, fmt.Errorf("%w: empty", errUnreadable)
	case trimmed[0] == '[':
		var events []json.RawMessage
		if err := json.Unmarshal(trimmed, &events); err != nil {
			return nil, fmt.Errorf("%w: JSON array: %w", errUnreadable, err)
		}
		return events, nil
	case json.Valid(trimmed):
		return []json.RawMessage{trimmed}, nil
	}
	var events []json.RawMessage
	valid := 0
	for ln := range bytes.Lines(trimmed) {
		ln = bytes.TrimSpace(ln)
		if len(ln) == 0 {
			continue
		}
		if json.Valid(ln) {
			valid++
		}
		events = append(events, ln)
	}
	if valid == 0 {
		return nil, fmt.Errorf("%w: neither JSON nor newline-delimited JSON", errUnreadable)
	}
	return events, nil
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do then
}
