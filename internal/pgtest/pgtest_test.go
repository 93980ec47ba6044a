package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/internal/pgtest"
)

func TestClusterAcceptsConnectionsWithLogicalWAL(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.ConnString("postgres"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var level string
	require.NoError(t, conn.QueryRow(ctx, "SHOW wal_level").Scan(&level))
	require.Equal(t, "logical", level)

	// A restart keeps the cluster and its password.
	require.NoError(t, c.Stop(ctx))
	require.NoError(t, c.Start(ctx))
	conn2, err := pgx.Connect(ctx, c.ConnString("postgres"))
	require.NoError(t, err)
	conn2.Close(ctx)
}
