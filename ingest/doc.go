// Package ingest owns the doors through which hospital data reaches cdw and
// the guarantee that each accepted change lands in the bronze change log
// (package ingest/bronze) exactly once, in source order per key.
//
// Today's door is PostgreSQL logical replication (pgoutput through
// jackc/pglogrepl): an initial snapshot consistent with a replication slot,
// then the change stream. A position is acknowledged to PostgreSQL only after
// the changes before it are durable in bronze, so a crash at any point,
// followed by a restart, resumes without loss or duplication.
//
// docs/INGEST.md is the PostgreSQL door's contract: lifecycle, guarantees,
// the kill -9 trials that test them, the JSON rendering of each type,
// REPLICA IDENTITY, metrics and options.
//
// ingest never transforms data into the CDM, never reads the warehouse, and
// imports no later stage.
package ingest
