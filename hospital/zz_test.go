package hospital_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

func TestZZTime(t *testing.T) {
	c := pgtest.Start(t)
	db := newDB(t, c, "d")
	t0 := time.Now()
	_, err := hospital.Generate(context.Background(), db, hospital.Options{Patients: 3000, Seed: 1, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	t.Log(time.Since(t0), err)
}
