// Package cdm holds the OMOP Common Data Model v5.4 that every stage of cdw
// shares: the table and column definitions parsed from OHDSI's own DuckDB
// DDL (embedded from ddl/), the well-known concept ids cdw emits, and the
// on-disk layout of published CDM snapshots.
//
// cdm owns the shape of the warehouse, never its contents: it must not read
// bronze, talk to a source system, or import any other cdw package. Writers
// (transform) and readers (warehouse, search, dashboards) meet here so that a
// snapshot written by one is always understood by the others.
package cdm
