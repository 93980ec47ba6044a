package ingest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// ServerError is an error the server sent on the replication stream.
type ServerError struct {
	Code    string // SQLSTATE
	Message string
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("ingest: replication error from server: %s (%s)", e.Message, e.Code)
}

// transient reports whether a failed session is worth retrying: the
// connection was lost, or the server failed in a way that a new walsender
// may not (internal errors, such as PostgreSQL's rare "could not map
// filenode" while decoding a transaction that truncated a table; operator
// intervention, such as a restart; resource exhaustion). A retry resumes
// from bronze's durable position, so it never loses or repeats a change.
func transient(err error) bool {
	if err == nil || errors.Is(err, ErrSlotInUse) || errors.Is(err, ErrPublication) {
		return false
	}
	var se *ServerError
	if errors.As(err, &se) {
		return retryableState(se.Code)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return retryableState(pe.Code)
	}
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) || pgconn.SafeToRetry(err)
}

// retryableState is true for SQLSTATE classes 08 (connection exception),
// 53 (insufficient resources), 57 (operator intervention) and XX (internal
// error).
func retryableState(code string) bool {
	for _, class := range []string{"08", "53", "57", "XX"} {
		if strings.HasPrefix(code, class) {
			return true
		}
	}
	return false
}

// retryPolicy counts consecutive failed sessions: the budget is Retries,
// and starts over once a session has run for a minute.
type retryPolicy struct {
	limit  int
	failed int
	wait   time.Duration
}

// next reports whether to retry after a session that ran for ran and ended
// with err, and how long to wait first.
func (r *retryPolicy) next(err error, ran time.Duration) (time.Duration, bool) {
	if ran >= time.Minute {
		r.failed, r.wait = 0, 0
	}
	if !transient(err) || r.failed >= r.limit {
		return 0, false
	}
	r.failed++
	r.wait = min(max(2*r.wait, 100*time.Millisecond), 30*time.Second)
	return r.wait, true
}
