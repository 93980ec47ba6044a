// Package pgtest starts real, private PostgreSQL clusters for tests. When no
// PostgreSQL is installed the test is skipped locally and fails under CI=true,
// where nothing may be skipped (make test installs PostgreSQL first).
package pgtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cdw-dev/cdw/internal/pgcluster"
)

// Start initialises and starts a cluster in a fresh temporary directory and
// stops it when the test ends.
func Start(t testing.TB) *pgcluster.Cluster {
	t.Helper()
	dir := TraversableTempDir(t)
	c, err := pgcluster.New(pgcluster.Options{Dir: filepath.Join(dir, "pg")})
	if errors.Is(err, pgcluster.ErrNoPostgres) && os.Getenv("CI") != "true" {
		t.Skip("PostgreSQL is not installed; make test installs it (CI=true never skips)")
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Stop(ctx); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
		}
	})
	return c
}

// TraversableTempDir returns t.TempDir() with it and its test-owned parents
// made traversable, so that an unprivileged PostgreSQL user can reach
// directories below it when the tests run as root.
func TraversableTempDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	tmp := os.TempDir()
	for p := dir; p != tmp && p != "/" && p != "."; p = filepath.Dir(p) {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// NewDB creates the database name in c and returns a pool on it, closed
// when the test ends.
func NewDB(t testing.TB, c *pgcluster.Cluster, name string) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	db, err := pgxpool.New(ctx, c.ConnString(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}
