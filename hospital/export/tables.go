package export

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// schema records which EMR tables and optional columns exist.
type schema struct {
	tables  map[string]bool
	columns map[string]bool // "table.column"
}

// has reports whether every named emr table exists.
func (s schema) has(tables ...string) bool {
	for _, t := range tables {
		if !s.tables[t] {
			return false
		}
	}
	return true
}

// hasColumn reports whether emr.table has column.
func (s schema) hasColumn(table, column string) bool { return s.columns[table+"."+column] }

// readSchema lists the tables and columns of schema emr.
func readSchema(ctx context.Context, db *pgxpool.Pool) (schema, error) {
	s := schema{tables: map[string]bool{}, columns: map[string]bool{}}
	rows, err := db.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'emr'`)
	if err != nil {
		return s, fmt.Errorf("export: list EMR tables: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return s, fmt.Errorf("export: list EMR tables: %w", err)
		}
		s.tables[t], s.columns[t+"."+c] = true, true
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("export: list EMR tables: %w", err)
	}
	if !s.has("patient", "registration", "diagnosis", "clinical_note", "department", "staff") {
		return s, fmt.Errorf("export: schema emr lacks the core EMR tables")
	}
	return s, nil
}
