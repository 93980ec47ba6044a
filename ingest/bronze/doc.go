// Package bronze is cdw's change log: every change any ingest door accepts is
// appended here, once, as a row of an immutable Parquet file, and a manifest
// names the files that count and the source position they reach.
//
// Lifecycle of an append: the batch's Parquet files are written and fsynced
// under changes/<table>/, then the manifest is atomically replaced (write
// new, fsync, rename, fsync directory) with the files added and the new
// source position. Only after Append returns may a door acknowledge the
// position to its source. A crash before the rename leaves orphan files that
// Open deletes; a crash after it leaves a complete batch. Either way every
// accepted change is in the log exactly once.
//
// bronze stores changes; it never interprets them (that is transform's job)
// and never talks to a source. One process appends at a time (a lock file
// enforces it); any number may read the manifest and the files it names.
package bronze
