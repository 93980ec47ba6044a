package transform

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/cdm/achilles"
	"github.com/cdw-dev/cdw/cdm/dq"
)

// The OMOP tables of a build: created from OHDSI's DDL where the build has
// not made them yet, and written as Parquet with the DDL's exact types.

// vocabularyTables are the OMOP vocabulary tables: Athena's, written in
// the order their source holds them rather than sorted by their first column.
var vocabularyTables = map[string]bool{"concept": true, "vocabulary": true, "domain": true, "concept_class": true,
	"concept_relationship": true, "relationship": true, "concept_synonym": true, "concept_ancestor": true,
	"source_to_concept_map": true, "drug_strength": true}

// createMissingTables creates, from OHDSI's DDL, every OMOP table that is
// neither a table nor a view on conn yet (the vocabulary tables usually are,
// see loadCodeMap).
func createMissingTables(ctx context.Context, conn *sql.Conn) error {
	present, err := relations(ctx, conn)
	if err != nil {
		return err
	}
	var missing []string
	for _, t := range cdm.Tables() {
		if _, ok := present[t.Name]; !ok {
			missing = append(missing, t.Name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	ddl, err := cdm.DDL("", missing...)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, ddl); err != nil {
		return fmt.Errorf("transform: create OMOP tables %s: %w", strings.Join(missing, ", "), err)
	}
	return nil
}

// relation is a table or view on the connection.
type relation struct {
	columns []cdm.Column // name and DuckDB type (Type holds what DuckDB reports)
	viewSQL string       // the view's definition; empty for a table
}

// relations returns the tables and views on conn by lower-case name, with
// their columns in order; of two with one name, the one an unqualified
// name resolves to (temporary first).
func relations(ctx context.Context, conn *sql.Conn) (map[string]*relation, error) {
	rows, err := conn.QueryContext(ctx, `SELECT c.database_name || '.' || c.schema_name, lower(c.table_name), lower(c.column_name), c.data_type, v.sql
FROM duckdb_columns() c
LEFT JOIN duckdb_views() v ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
WHERE NOT c.internal
ORDER BY c.database_name = 'temp' DESC, c.database_name, c.schema_name, c.table_name, c.column_index`)
	if err != nil {
		return nil, fmt.Errorf("transform: list tables: %w", err)
	}
	defer rows.Close()
	out := map[string]*relation{}
	schemaOf := map[string]string{}
	for rows.Next() {
		var schema, table, col, typ string
		var view sql.NullString
		if err := rows.Scan(&schema, &table, &col, &typ, &view); err != nil {
			return nil, fmt.Errorf("transform: list tables: %w", err)
		}
		if s, ok := schemaOf[table]; ok && s != schema {
			continue
		}
		schemaOf[table] = schema
		r := out[table]
		if r == nil {
			r = &relation{viewSQL: view.String}
			out[table] = r
		}
		r.columns = append(r.columns, cdm.Column{Name: col, Type: typ})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("transform: list tables: %w", err)
	}
	return out, nil
}

// parquetViewRe matches a view that is nothing but one Parquet file, as
// loadCodeMap creates over the vocabulary directory.
var parquetViewRe = regexp.MustCompile(`(?is)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+\S+\s+AS\s+SELECT\s+\*\s+FROM\s+read_parquet\('((?:[^']|'')*)'\)\s*;?\s*$`)

// writeTables writes every OMOP table, the quarantine, the id map and the
// data-quality results as Parquet into dir and returns them with their row
// counts. An OMOP table keeps exactly the DDL's column types (a column of
// another type, as a view may have, is cast). A view straight over one
// Parquet file of the DDL's types (an immutable vocabulary file) is
// hard-linked rather than copied when dir is on the same file system.
func writeTables(ctx context.Context, conn *sql.Conn, dir string) (map[string]cdm.TableFile, error) {
	rels, err := relations(ctx, conn)
	if err != nil {
		return nil, err
	}
	out := map[string]cdm.TableFile{}
	var names []string
	for _, t := range cdm.Tables() {
		names = append(names, t.Name)
	}
	for _, name := range slices.Concat(names, []string{QuarantineTable, IDMapTable, UnmappedTable, dq.ResultsTable}, achilles.Tables()) {
		file := name + ".parquet"
		dst := filepath.Join(dir, file)
		rel := rels[name]
		if rel == nil {
			return nil, fmt.Errorf("transform: write %s: no such table on the connection", name)
		}
		sel, order, exact := "*", " ORDER BY 1", true
		if t, ok := cdm.Lookup(name); ok {
			if sel, exact, err = ddlSelect(t, rel); err != nil {
				return nil, err
			}
			if vocabularyTables[name] {
				order = ""
			}
		}
		counted := ident(name)
		if m := parquetViewRe.FindStringSubmatch(rel.viewSQL); m != nil && exact && os.Link(strings.ReplaceAll(m[1], "''", "'"), dst) == nil {
			counted = "read_parquet(" + quote(dst) + ")"
		} else {
			q := fmt.Sprintf("COPY (SELECT %s FROM %s%s) TO %s (FORMAT parquet, COMPRESSION zstd)", sel, ident(name), order, quote(dst))
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return nil, fmt.Errorf("transform: write %s: %w", name, err)
			}
		}
		var n int64
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+counted).Scan(&n); err != nil {
			return nil, fmt.Errorf("transform: count %s: %w", name, err)
		}
		out[name] = cdm.TableFile{File: file, Rows: n}
	}
	return out, nil
}

// ddlSelect returns the select list that gives rel the columns of t with
// the DDL's types, and whether rel has them already (the list is then *).
func ddlSelect(t cdm.Table, rel *relation) (string, bool, error) {
	exact := len(rel.columns) == len(t.Columns)
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		got, ok := cdm.Table{Columns: rel.columns}.Column(c.Name)
		if !ok {
			return "", false, fmt.Errorf("transform: write %s: the table on the connection has no column %s", t.Name, c.Name)
		}
		if exact && (rel.columns[i].Name != c.Name || !strings.EqualFold(got.Type, c.DuckDBType())) {
			exact = false
		}
		cols[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", ident(c.Name), c.DuckDBType(), ident(c.Name))
	}
	if exact {
		return "*", true, nil
	}
	return strings.Join(cols, ", "), false, nil
}
