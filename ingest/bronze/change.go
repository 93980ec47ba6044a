package bronze

import "time"

// Op is the kind of a change.
type Op string

// The change kinds, after Debezium's op codes.
const (
	OpCreate   Op = "c" // a row inserted
	OpUpdate   Op = "u" // a row updated: Data is the new image (columns the source did not resend are absent)
	OpDelete   Op = "d" // a row deleted: Key names it, Data is empty
	OpRead     Op = "r" // a row read by an initial snapshot
	OpTruncate Op = "t" // every row of Table removed
)

// Change is one row of the bronze log, as stored in Parquet.
type Change struct {
	// LSN orders changes: the source transaction's commit position (for a
	// snapshot, the position the snapshot is consistent with).
	LSN int64 `parquet:"lsn"`
	// Seq orders changes within one LSN.
	Seq int64 `parquet:"seq"`
	// CommitTime is when the source committed the change.
	CommitTime time.Time `parquet:"commit_time,timestamp(microsecond)"`
	Op         Op        `parquet:"op"`
	// Table is the source table, schema-qualified (emr.patient).
	Table string `parquet:"table"`
	// Key is the JSON array of the row's replica-identity values.
	Key string `parquet:"key"`
	// Data is the row image as a JSON object; empty for deletes and truncates.
	Data string `parquet:"data,optional"`
	// Before is the old row image when the source sends one (REPLICA IDENTITY FULL).
	Before string `parquet:"before,optional"`
}
