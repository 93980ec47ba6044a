package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrRefused is returned (wrapped in a *RefusedError) for a statement the
// warehouse does not run: anything but a single read-only query.
var ErrRefused = errors.New("statement refused")

// RefusedError names the refused statement's kind and the reason.
type RefusedError struct {
	Kind   string // DuckDB's statement type, e.g. COPY, SET, ATTACH
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("warehouse: %s statement refused: %s", e.Kind, e.Reason)
}

func (e *RefusedError) Unwrap() error { return ErrRefused }

// allowed lists the statement types users may run; DESCRIBE and SHOW are
// SELECT statements to DuckDB.
var allowed = map[duckdb.StmtType]bool{
	duckdb.STATEMENT_TYPE_SELECT:  true,
	duckdb.STATEMENT_TYPE_EXPLAIN: true,
}

var stmtNames = map[duckdb.StmtType]string{
	duckdb.STATEMENT_TYPE_INSERT: "INSERT", duckdb.STATEMENT_TYPE_UPDATE: "UPDATE",
	duckdb.STATEMENT_TYPE_CREATE: "CREATE", duckdb.STATEMENT_TYPE_DELETE: "DELETE",
	duckdb.STATEMENT_TYPE_PREPARE: "PREPARE", duckdb.STATEMENT_TYPE_EXECUTE: "EXECUTE",
	duckdb.STATEMENT_TYPE_ALTER: "ALTER", duckdb.STATEMENT_TYPE_TRANSACTION: "TRANSACTION",
	duckdb.STATEMENT_TYPE_COPY: "COPY", duckdb.STATEMENT_TYPE_ANALYZE: "ANALYZE",
	duckdb.STATEMENT_TYPE_VARIABLE_SET: "SET", duckdb.STATEMENT_TYPE_CREATE_FUNC: "CREATE FUNCTION",
	duckdb.STATEMENT_TYPE_DROP: "DROP", duckdb.STATEMENT_TYPE_EXPORT: "EXPORT",
	duckdb.STATEMENT_TYPE_PRAGMA: "PRAGMA", duckdb.STATEMENT_TYPE_VACUUM: "VACUUM",
	duckdb.STATEMENT_TYPE_CALL: "CALL", duckdb.STATEMENT_TYPE_SET: "SET",
	duckdb.STATEMENT_TYPE_LOAD: "LOAD", duckdb.STATEMENT_TYPE_RELATION: "RELATION",
	duckdb.STATEMENT_TYPE_EXTENSION: "EXTENSION", duckdb.STATEMENT_TYPE_LOGICAL_PLAN: "LOGICAL PLAN",
	duckdb.STATEMENT_TYPE_ATTACH: "ATTACH", duckdb.STATEMENT_TYPE_DETACH: "DETACH",
	duckdb.STATEMENT_TYPE_MULTI: "MULTI",
}

// Query runs one read-only statement over the bound snapshot and streams its
// rows. Anything else (COPY, ATTACH, SET, INSTALL, several statements, ...)
// is refused with a *RefusedError before it runs.
func (w *Warehouse) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := w.check(ctx, query); err != nil {
		return nil, err
	}
	rows, err := w.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("warehouse: query: %w", err)
	}
	return rows, nil
}

// QueryContext is Query under database/sql's name, for consumers that
// declare the usual one-method interface.
func (w *Warehouse) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return w.Query(ctx, query, args...)
}

// check prepares the statement without running it and refuses it unless
// DuckDB classifies it as a single read-only query.
func (w *Warehouse) check(ctx context.Context, query string) error {
	if strings.TrimSpace(query) == "" {
		return &RefusedError{Kind: "EMPTY", Reason: "no statement given"}
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("warehouse: unexpected driver connection %T", dc)
		}
		st, err := c.PrepareContext(ctx, query)
		if err != nil {
			if strings.Contains(err.Error(), "multiple statements") {
				return &RefusedError{Kind: "MULTI", Reason: "send one statement at a time"}
			}
			return fmt.Errorf("warehouse: %w", err)
		}
		defer st.Close()
		t, err := st.(*duckdb.Stmt).StatementType()
		if err != nil {
			return fmt.Errorf("warehouse: classify statement: %w", err)
		}
		if !allowed[t] {
			kind := stmtNames[t]
			if kind == "" {
				kind = fmt.Sprintf("type %d", t)
			}
			return &RefusedError{Kind: kind, Reason: "the warehouse is read-only; only SELECT, DESCRIBE, SHOW and EXPLAIN are allowed"}
		}
		return nil
	})
}
