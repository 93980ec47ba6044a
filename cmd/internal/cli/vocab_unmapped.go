package cli

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/cdw-dev/cdw/internal/tabular"
	"github.com/cdw-dev/cdw/transform"
)

// vocabUnmappedFlags is `cdw vocab unmapped`: the current snapshot's most
// frequent source codes that reached the CDM with concept 0, so a hospital
// knows what to map next.
func vocabUnmappedFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	format := formatFlag(fs)
	limit := fs.Int("limit", 20, "number of codes to list, most frequent first (0: all)")
	return func(ctx context.Context, args []string) error {
		f, err := tabular.ParseFormat(*format)
		if err != nil {
			return usageError{err.Error()}
		}
		if *limit < 0 {
			return usageError{"--limit must not be negative"}
		}
		if err := needArgs(args, 0, "no arguments"); err != nil {
			return err
		}
		snap, err := c.layout().Store().Current()
		if err != nil {
			return err
		}
		path, ok := snap.Path(transform.UnmappedTable)
		if !ok {
			return fmt.Errorf("vocab unmapped: snapshot %s has no %s table (it was built before cdw counted unmapped codes: run cdw build)", snap.ID, transform.UnmappedTable)
		}
		return printUnmapped(ctx, c, f, path, *limit, snap.ID)
	}
}

// printUnmapped writes the unmapped codes in the Parquet file path to
// stdout, most records first, and their totals to stderr.
func printUnmapped(ctx context.Context, c *common, f tabular.Format, path string, limit int, snapID string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("vocab unmapped: %w", err)
	}
	defer db.Close()
	src := "read_parquet('" + strings.ReplaceAll(path, "'", "''") + "')"
	var codes, records sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT count(*), sum(records) FROM "+src).Scan(&codes, &records); err != nil {
		return fmt.Errorf("vocab unmapped: read %s: %w", path, err)
	}
	q := `SELECT source_table, source_column, vocabulary_id, source_code, source_name, records, persons FROM ` + src + `
ORDER BY records DESC, persons DESC, source_table, source_column, vocabulary_id, source_code`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("vocab unmapped: read %s: %w", path, err)
	}
	defer rows.Close()
	if err := writeRows(rows, tabular.New(c.stdout, f)); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "vocab: %d unmapped records in %d source codes in snapshot %s\n", records.Int64, codes.Int64, snapID)
	return nil
}
