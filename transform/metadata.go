package transform

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/cdw-dev/cdw/cdm"
)

// CDM_SOURCE and METADATA describe each build (see describeBuild).
const (
	// CDMSourceAbbreviation is CDM_SOURCE.cdm_source_abbreviation.
	CDMSourceAbbreviation = "cdw"
	// ConceptCDMv54 is OHDSI's concept "OMOP CDM Version 5.4.0" (domain
	// Metadata, vocabulary CDM), CDM_SOURCE.cdm_version_concept_id.
	ConceptCDMv54 = 756265
	// DefaultSourceName is CDM_SOURCE.cdm_source_name when Options.SourceName is empty.
	DefaultSourceName = "cdw synthetic hospital"
	// DefaultCDMHolder is CDM_SOURCE.cdm_holder when Options.CDMHolder is empty.
	DefaultCDMHolder = "cdw"
	// etlReference is CDM_SOURCE.cdm_etl_reference: the code that builds the CDM.
	etlReference = "https://github.com/cdw-dev/cdw (package transform)"
)

// Names of the METADATA rows a build writes (METADATA.name); every row has
// metadata_concept_id and metadata_type_concept_id 0, its value as a
// string or a number, and the build date.
const (
	MetaSnapshotID      = "cdw.snapshot.id"
	MetaSnapshotSeq     = "cdw.snapshot.seq"
	MetaBronzePosition  = "cdw.bronze.position"
	MetaBronzeRows      = "cdw.bronze.rows"
	MetaBronzeCommit    = "cdw.bronze.last_commit"
	MetaBuildStarted    = "cdw.build.started"
	MetaBuildSeconds    = "cdw.build.mapping_seconds"
	MetaQuarantinedRows = "cdw.build.quarantined_rows"
	MetaDQChecks        = "cdw.dq.checks"
	MetaDQFailed        = "cdw.dq.failed"
)

// buildInfo is what CDM_SOURCE and METADATA say about a build.
type buildInfo struct {
	buildDate  time.Time // the date open visits end on; cdm_release_date
	started    time.Time
	snapshot   cdm.Snapshot // ID, Seq, Created, SourceLSN and SourceRows of the snapshot being built
	lastCommit time.Time    // the newest commit in bronze (zero when bronze is empty)
	sourceName string
	holder     string
}

// describeBuild fills CDM_SOURCE with its one row and METADATA with the
// build's rows (up to the quarantine count; DQ counts come later, see
// describeDQ). vocabulary_version is the VOCABULARY table's 'None' row, or
// "none" without one; source_release_date is the date of the newest change
// in bronze (the build date for an empty bronze).
func describeBuild(ctx context.Context, conn *sql.Conn, b buildInfo) error {
	day := b.buildDate.UTC().Format("2006-01-02")
	release := day
	if !b.lastCommit.IsZero() {
		release = b.lastCommit.UTC().Format("2006-01-02")
	}
	description := fmt.Sprintf("OMOP CDM v5.4 built by cdw from the bronze change log up to position %s (%d changes), snapshot %s.",
		b.snapshot.SourceLSN, b.snapshot.SourceRows, b.snapshot.ID)
	q := fmt.Sprintf(`INSERT INTO cdm_source
SELECT %s, %s, %s, %s, NULL, %s, DATE %s, DATE %s, 'v5.4', %d,
       coalesce((SELECT left(max(vocabulary_version), 20) FROM vocabulary WHERE vocabulary_id = 'None'), 'none')`,
		quote(left(b.sourceName, 255)), quote(CDMSourceAbbreviation), quote(left(b.holder, 255)), quote(description),
		quote(etlReference), quote(release), quote(day), ConceptCDMv54)
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("transform: fill cdm_source: %w", err)
	}
	var quarantined int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+QuarantineTable).Scan(&quarantined); err != nil {
		return fmt.Errorf("transform: count %s: %w", QuarantineTable, err)
	}
	commit := ""
	if !b.lastCommit.IsZero() {
		commit = b.lastCommit.UTC().Format(time.RFC3339Nano)
	}
	return addMetadata(ctx, conn, day, []metaRow{
		{name: MetaSnapshotID, text: b.snapshot.ID},
		{name: MetaSnapshotSeq, number: float64(b.snapshot.Seq), isNumber: true},
		{name: MetaBronzePosition, text: b.snapshot.SourceLSN},
		{name: MetaBronzeRows, number: float64(b.snapshot.SourceRows), isNumber: true},
		{name: MetaBronzeCommit, text: commit},
		{name: MetaBuildStarted, text: b.started.UTC().Format(time.RFC3339Nano)},
		{name: MetaBuildSeconds, number: time.Since(b.started).Seconds(), isNumber: true},
		{name: MetaQuarantinedRows, number: float64(quarantined), isNumber: true},
	})
}

// describeDQ adds the data-quality summary to METADATA.
func describeDQ(ctx context.Context, conn *sql.Conn, buildDate time.Time, checks, failed int) error {
	return addMetadata(ctx, conn, buildDate.UTC().Format("2006-01-02"), []metaRow{
		{name: MetaDQChecks, number: float64(checks), isNumber: true},
		{name: MetaDQFailed, number: float64(failed), isNumber: true},
	})
}

type metaRow struct {
	name     string
	text     string
	number   float64
	isNumber bool
}

// addMetadata appends rows to METADATA, numbered after its largest id.
func addMetadata(ctx context.Context, conn *sql.Conn, day string, rows []metaRow) error {
	values := make([]string, len(rows))
	for i, r := range rows {
		text, number := "NULL", "NULL"
		if r.isNumber {
			number = fmt.Sprintf("%.3f", r.number)
		} else if r.text != "" {
			text = quote(left(r.text, 250))
		}
		values[i] = fmt.Sprintf("(%d, %s, %s, %s)", i+1, quote(r.name), text, number)
	}
	q := fmt.Sprintf(`INSERT INTO metadata
SELECT (SELECT coalesce(max(metadata_id), 0) FROM metadata) + v.n, 0, 0, v.name, v.text, NULL, v.number::NUMERIC, DATE %s, TIMESTAMP %s
FROM (VALUES %s) v(n, name, text, number)`, quote(day), quote(time.Now().UTC().Format("2006-01-02 15:04:05.000000")), strings.Join(values, ", "))
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("transform: fill metadata: %w", err)
	}
	return nil
}

// left returns the first n characters of s.
func left(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
