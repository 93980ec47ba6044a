package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/internal/pgcluster"
	"github.com/cdw-dev/cdw/internal/progress"
)

// SourceDB is the database of the synthetic hospital in the private cluster.
const SourceDB = "hospital"

// Source is the data directory's private PostgreSQL with the hospital database.
type Source struct {
	Cluster *pgcluster.Cluster
	Pool    *pgxpool.Pool // on the hospital database
}

// Close closes the pool and stops the cluster (unless StartSource attached
// to a server another process runs).
func (s *Source) Close() error {
	s.Pool.Close()
	return s.Cluster.Stop(context.Background())
}

// StartSource starts (or attaches to) the data directory's private
// PostgreSQL cluster and opens a pool on the hospital database, creating
// the database and the EMR schema when missing.
func StartSource(ctx context.Context, layout Layout, logger *slog.Logger) (*Source, error) {
	cluster, err := pgcluster.New(pgcluster.Options{Dir: layout.PG(), Logger: logger})
	if err != nil {
		return nil, err
	}
	if err := cluster.Start(ctx); err != nil {
		return nil, err
	}
	pool, err := openHospital(ctx, cluster)
	if err != nil {
		cluster.Stop(context.Background())
		return nil, err
	}
	return &Source{Cluster: cluster, Pool: pool}, nil
}

func openHospital(ctx context.Context, cluster *pgcluster.Cluster) (*pgxpool.Pool, error) {
	if err := createDatabase(ctx, cluster, SourceDB); err != nil {
		return nil, err
	}
	pool, err := pgxpool.New(ctx, cluster.ConnString(SourceDB))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", SourceDB, err)
	}
	if err := hospital.CreateSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

func createDatabase(ctx context.Context, c *pgcluster.Cluster, name string) error {
	conn, err := pgx.Connect(ctx, c.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// Simulate writes the synthetic hospital of opts into pool unless the EMR
// already holds patients; it reports progress to w and whether it wrote.
func Simulate(ctx context.Context, pool *pgxpool.Pool, opts hospital.Options, w io.Writer) (bool, error) {
	var n int64
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM emr.patient").Scan(&n); err != nil {
		return false, fmt.Errorf("count patients: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	bar := progress.New(w, "simulate hospital", "patients", int64(opts.Patients))
	opts.Progress = func(done, total int) { bar.Set(int64(done)) }
	stats, err := hospital.Generate(ctx, pool, opts)
	if err != nil {
		return false, err
	}
	bar.Finish(int64(opts.Patients))
	fmt.Fprintf(w, "simulate hospital: wrote %d rows\n", stats.Rows())
	return true, nil
}
