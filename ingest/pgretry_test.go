package ingest

import (
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
)

func TestTransient(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"decoding error", fmt.Errorf("ingest: replication stream: %w", &ServerError{Code: "XX000", Message: `could not map filenode "base/16384/16422" to relation OID`}), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"connection lost", fmt.Errorf("receive: %w", io.ErrUnexpectedEOF), true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"bad password", &pgconn.PgError{Code: "28P01"}, false},
		{"no such table", &ServerError{Code: "42P01"}, false},
		{"slot in use", fmt.Errorf("%w: x", ErrSlotInUse), false},
		{"publication", ErrPublication, false},
		{"bronze write", errors.New("bronze: disk full"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, transient(tt.err)) })
	}
}

func TestRetryPolicyBacksOffAndForgivesHealthySessions(t *testing.T) {
	r := retryPolicy{limit: 3}
	fail := &ServerError{Code: "XX000"}
	var waits []time.Duration
	for range 3 {
		w, ok := r.next(fail, time.Second)
		assert.True(t, ok)
		waits = append(waits, w)
	}
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}, waits)
	_, ok := r.next(fail, time.Second)
	assert.False(t, ok, "the budget is spent")
	w, ok := r.next(fail, 2*time.Minute)
	assert.True(t, ok, "a session that ran a minute starts the count over")
	assert.Equal(t, 100*time.Millisecond, w)
	_, ok = r.next(&pgconn.PgError{Code: "28P01"}, time.Second)
	assert.False(t, ok, "a permanent error is not retried")
}
