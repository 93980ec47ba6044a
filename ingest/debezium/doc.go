// Package debezium is cdw's door for hospitals that already run Debezium
// (against Oracle, SQL Server, MySQL or PostgreSQL): it turns Debezium change
// events into bronze changes, exactly once, without asking the hospital to
// change anything.
//
// Events arrive through three entries, all writing into one bronze log:
//
//   - files of newline-delimited events ([Door.ReadFiles]), as written by
//     Debezium Server's file sink or a Kafka topic dump;
//   - HTTP POST ([Door.Handler]), as sent by Debezium Server's HTTP sink;
//   - Kafka ([Door.RunKafka]), as written by Kafka Connect.
//
// Each accepted event becomes one [bronze.Change]: the table is the source's
// <schema>.<table> (<db>.<table> for connectors without schemas, e.g. MySQL),
// renamed by Options.TableMap; the op is Debezium's own; the key is the Kafka
// message key's fields in key order, else the columns Options.Keys names,
// else the first column of the row image (Debezium keeps the table's column
// order, and the first column is the primary key in most schemas — configure
// Options.Keys when it is not). Values in Kafka Connect's schema wrapper are
// converted from Debezium's semantic types to the text cdw's PostgreSQL door
// writes for the same value (dates "2026-03-01", timestamps
// "2026-03-01 10:00:00.5", decimals as JSON numbers with every digit,
// strings escaped the same way), so transform reads both doors identically.
// Without the schema wrapper (schemas.enable=false) values are kept as sent:
// Debezium's epoch-day dates and epoch-microsecond timestamps cannot be told
// from plain integers, so hospitals should keep schemas enabled. A column
// holding Debezium's unavailable-value placeholder (a TOASTed column the
// server did not resend) is left out of the row image, as the PostgreSQL door
// leaves it out, and transform keeps the column's previous value.
//
// Debezium has no order across tables and partitions, so the door numbers its
// changes itself: every durable batch takes the next LSN after the log's
// highest and its changes are numbered (Seq) in input order. One file or one
// Kafka partition is always read in order, so its events keep their order.
//
// Exactly once: the door's resume point ([Position], stored as JSON in the
// bronze manifest) records how many bytes and lines of each file and which
// offset of each Kafka partition are consumed. It is written in the same
// atomic manifest swap as the changes and rejects it covers, so after a crash
// a restart continues exactly after the last durable event. Kafka offsets are
// never committed to Kafka: on start the door seeks each partition to the
// offset bronze holds. Records that cannot be read become bronze rejects in
// the same batch as the events around them; nothing stops on bad input. An
// HTTP request is answered only once all of it is durable (and is durable as
// a whole or not at all), so a client that retries on anything but 200 loses
// nothing. HTTP has no offsets, so a client that wants exactly once sends an
// Idempotency-Key header: the key is made durable in the bronze position with
// the request's events, and a request sent again with it (after a lost 200,
// concurrently, or after a restart of the door) is answered 200 with
// "duplicate": true and stored nothing. The last MaxRequestKeys keys are
// remembered. Without a key, a retry after a lost 200 stores the events twice.
//
// Metrics (Options.Registerer), by entry: cdw_debezium_events_accepted_total,
// cdw_debezium_events_rejected_total, cdw_debezium_tombstones_skipped_total,
// cdw_debezium_batches_written_total and
// cdw_debezium_last_commit_timestamp_seconds. [Door.Stats] reports the same
// counts in-process.
package debezium
