// Package warehouse answers SQL over the current CDM snapshot with DuckDB:
// every published OMOP table is a view under its OMOP name over the
// snapshot's Parquet file, and a refresh moves all views to a newer snapshot
// in one transaction, so a query sees one whole build, never half of one.
//
// The warehouse is read-only by construction: DuckDB runs with external
// access disabled except for the snapshot directory, extensions can be
// neither installed nor loaded, the configuration is locked, and only
// statements DuckDB classifies as SELECT (including DESCRIBE, SHOW and
// EXPLAIN) are accepted from users. It never writes the data directory and
// never imports the search or dashboards stages.
package warehouse
