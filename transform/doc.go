// Package transform turns the bronze change log into the OMOP CDM: it
// replays bronze into the current state of each source table (latest change
// per key wins, deletes and truncates applied, columns a source did not
// resend kept from earlier images) and maps that state onto OMOP CDM v5.4
// tables, written as Parquet with the exact column names, order and types of
// OHDSI's DDL and published as one immutable snapshot.
//
// transform reads bronze and writes only CDM snapshots through cdm.Store; it
// never talks to a source system and never imports warehouse, search or
// dashboards. Later issues add the Beam batch jobs (DRG, alerts, eras) here.
package transform
