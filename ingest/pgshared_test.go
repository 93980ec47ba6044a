package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/internal/pgcluster"
)

// The package's tests share one real PostgreSQL cluster (starting one
// costs seconds); each test gets its own database and replication slot.
var shared struct {
	once sync.Once
	dir  string
	c    *pgcluster.Cluster
	err  error
	n    atomic.Int64
}

// source is one test's database and the slot its door uses.
type source struct{ conn, slot string }

// sourceDB returns a fresh database on the shared cluster, dropped with its
// slot when the test ends. Like pgtest.Start, it skips the test when no
// PostgreSQL is installed, except under CI=true.
func sourceDB(t *testing.T) source {
	t.Helper()
	shared.once.Do(startShared)
	if errors.Is(shared.err, pgcluster.ErrNoPostgres) && os.Getenv("CI") != "true" {
		t.Skip("PostgreSQL is not installed; make test installs it (CI=true never skips)")
	}
	require.NoError(t, shared.err)
	name := fmt.Sprintf("ingest_%d", shared.n.Add(1))
	admin := shared.c.ConnString("postgres")
	ctx := context.Background()
	db, err := pgx.Connect(ctx, admin)
	require.NoError(t, err)
	_, err = db.Exec(ctx, "CREATE DATABASE "+name)
	db.Close(ctx)
	require.NoError(t, err)
	src := source{conn: shared.c.ConnString(name), slot: "cdw_" + name}
	t.Cleanup(func() { dropDB(t, admin, name, src.slot) })
	return src
}

// connect opens a connection to the source, closed when the test ends.
func (s source) connect(t *testing.T) *pgx.Conn {
	t.Helper()
	db, err := pgx.Connect(context.Background(), s.conn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close(context.Background()) })
	return db
}

// dropDB drops the test's slot (waiting while a stopped door's walsender
// still holds it) and database.
func dropDB(t *testing.T, admin, name, slot string) {
	ctx := context.Background()
	db, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Errorf("drop %s: %v", name, err)
		return
	}
	defer db.Close(ctx)
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err = db.Exec(ctx, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1", slot)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err == nil {
		_, err = db.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
	}
	if err != nil {
		t.Errorf("drop %s: %v", name, err)
	}
}

func startShared() {
	dir, err := os.MkdirTemp("", "cdw-ingest-pg-")
	if err == nil {
		err = os.Chmod(dir, 0o755) // the server's unprivileged user must reach it when tests run as root
	}
	if err != nil {
		shared.err = err
		return
	}
	shared.dir = dir
	shared.c, shared.err = pgcluster.New(pgcluster.Options{Dir: filepath.Join(dir, "pg")})
	if shared.err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	shared.err = shared.c.Start(ctx)
}

// stopShared stops the shared cluster, if a test started it, and removes it.
func stopShared() {
	if shared.c != nil && shared.err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := shared.c.Stop(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "stop PostgreSQL:", err)
		}
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
}
