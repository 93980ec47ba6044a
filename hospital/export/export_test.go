package export_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/hospital/export"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

// txTime is the fixed transaction time of the tests' exports.
var txTime = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// newHospital starts a cluster and fills a database with a generated
// hospital of the given number of patients.
func newHospital(t testing.TB, patients int) *pgxpool.Pool {
	t.Helper()
	c := pgtest.Start(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.ConnString("postgres"))
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE DATABASE emr")
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	db, err := pgxpool.New(ctx, c.ConnString("emr"))
	require.NoError(t, err)
	t.Cleanup(db.Close)
	require.NoError(t, hospital.CreateSchema(ctx, db))
	_, err = hospital.Generate(ctx, db, hospital.Options{Patients: patients, Seed: 7, Until: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	return db
}

// count runs a query returning one number.
func count(t testing.TB, db *pgxpool.Pool, query string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.QueryRow(context.Background(), query).Scan(&n), query)
	return n
}

// tableExists reports whether emr.name exists.
func tableExists(t testing.TB, db *pgxpool.Pool, name string) bool {
	return count(t, db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'emr' AND table_name = '"+name+"'") > 0
}

func TestExport(t *testing.T) {
	db := newHospital(t, 50)
	t.Run("FHIR", func(t *testing.T) { testFHIR(t, db) })
	t.Run("HL7", func(t *testing.T) { testHL7(t, db) })
	t.Run("cancelled exports fail without a manifest", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		dir := t.TempDir()
		_, err := export.FHIR(ctx, db, dir, export.FHIROptions{})
		require.ErrorIs(t, err, context.Canceled)
		require.NoFileExists(t, filepath.Join(dir, export.ManifestName))
		_, err = export.HL7(ctx, db, io.Discard, export.HL7Options{})
		require.ErrorIs(t, err, context.Canceled)
	})
}
