// Package cdm holds the OMOP Common Data Model v5.4 that every stage of cdw
// shares: the table and column definitions parsed from OHDSI's own DuckDB
// DDL (embedded from ddl/), the field-level specification generated from
// OHDSI's OMOP_CDMv5.4_Field_Level.csv (Spec, Fields, SpecField: required
// fields, primary and foreign keys, the domain and class a concept field
// takes; spec_gen.go, made by go generate from ../shared), the well-known
// concept ids cdw emits, and the on-disk layout of published CDM snapshots.
// Package cdm/dq checks a CDM's data quality against that specification.
//
// cdm owns the shape of the warehouse, never its contents: it must not read
// bronze, talk to a source system, or import any other cdw package. Writers
// (transform) and readers (warehouse, search, dashboards) meet here so that a
// snapshot written by one is always understood by the others.
package cdm
