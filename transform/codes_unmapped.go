package transform

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
)

// UnmappedTable is the snapshot table of the source codes that reached the
// CDM with concept 0: per OMOP table (source_table) and *_source_value
// column (source_column), vocabulary the code was looked up in (NULL when
// unknown) and code, a representative source name, the records carrying it
// and the distinct persons among them (0 for a table without person_id),
// most records first. It tells a hospital which codes to map next.
const UnmappedTable = "cdw_unmapped"

// CodeOriginTable records, for OMOP rows a mapping filled from a coded
// source, the vocabulary the code was looked up in and the source's name for
// it (omop_table, record_id = the row's primary key, vocabulary_id,
// source_name). countUnmapped reads it to label the unmapped codes of the
// table's own concept column (condition_concept_id, measurement_concept_id,
// ...). Mappings may insert into it; rows without one are labelled with the
// vocabulary and name of their source concept, or the vocabulary of their
// column (units: UCUM).
const CodeOriginTable = "cdw_code_origin"

// createCodeOriginSQL creates CodeOriginTable with the diagnoses' origins.
const createCodeOriginSQL = `CREATE OR REPLACE TEMP TABLE ` + CodeOriginTable + ` (
	omop_table VARCHAR, record_id BIGINT, vocabulary_id VARCHAR, source_name VARCHAR);
INSERT INTO ` + CodeOriginTable + `
SELECT c.target_table, CASE WHEN c.target_table = 'condition_occurrence' THEN c.diag_id ELSE m.id END, c.vocabulary_id, d.diag_name
FROM ` + diagnosisCodeTable + ` c JOIN src_diagnosis d USING (diag_id)
LEFT JOIN ` + IDMapTable + ` m ON m.kind = '` + kindDiagnosis + `' AND m.source_key = c.diag_id::VARCHAR`

// columnVocabulary names the vocabulary of a *_source_value column whose
// codes are not recorded in CodeOriginTable, by the column's prefix.
var columnVocabulary = map[string]string{"unit": "UCUM", "gender": "Gender", "race": "Race", "ethnicity": "Ethnicity"}

// countUnmapped creates UnmappedTable on conn from every OMOP table there:
// each *_source_value whose *_concept_id is 0 (e.g.
// condition_occurrence.condition_source_value where condition_concept_id =
// 0), empty values left out. It returns the unmapped records in total. Run
// it after every mapping.
func countUnmapped(ctx context.Context, conn *sql.Conn) (int64, error) {
	present := map[string]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT table_name FROM information_schema.tables")
	if err != nil {
		return 0, fmt.Errorf("transform: list tables: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return 0, fmt.Errorf("transform: list tables: %w", err)
		}
		present[strings.ToLower(n)] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("transform: list tables: %w", err)
	}
	parts := []string{"SELECT NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::BIGINT, NULL::BIGINT WHERE false"}
	for _, t := range cdm.Tables() {
		if present[t.Name] {
			parts = append(parts, unmappedSelects(t, present[CodeOriginTable])...)
		}
	}
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
SELECT * FROM (%s) u(source_table, source_column, vocabulary_id, source_code, source_name, records, persons)
ORDER BY records DESC, persons DESC, source_table, source_column, vocabulary_id, source_code`, UnmappedTable, strings.Join(parts, "\nUNION ALL\n"))
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return 0, fmt.Errorf("transform: count unmapped codes: %w", err)
	}
	var n int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(sum(records), 0) FROM "+UnmappedTable).Scan(&n); err != nil {
		return 0, fmt.Errorf("transform: count unmapped codes: %w", err)
	}
	return n, nil
}

// unmappedSelects returns one grouped SELECT per (*_source_value,
// *_concept_id) pair of t.
func unmappedSelects(t cdm.Table, withOrigin bool) []string {
	var out []string
	person := "0::BIGINT"
	if _, ok := t.Column("person_id"); ok {
		person = "count(DISTINCT r.person_id)"
	}
	for _, c := range t.Columns {
		prefix, ok := strings.CutSuffix(c.Name, "_source_value")
		if !ok {
			continue
		}
		if _, ok := t.Column(prefix + "_concept_id"); !ok {
			continue
		}
		vocab := "NULL::VARCHAR"
		if v, ok := columnVocabulary[prefix]; ok {
			vocab = quote(v)
		}
		name, join := "NULL::VARCHAR", ""
		if _, ok := t.Column(prefix + "_source_concept_id"); ok {
			join = fmt.Sprintf("LEFT JOIN concept sc ON sc.concept_id = r.%s_source_concept_id AND sc.concept_id <> 0", prefix)
			vocab = "coalesce(sc.vocabulary_id, " + vocab + ")"
			name = "sc.concept_name"
		}
		if withOrigin && strings.HasPrefix(t.Name, prefix) && t.PrimaryKey != "" {
			join += fmt.Sprintf("\n  LEFT JOIN %s o ON o.omop_table = %s AND o.record_id = r.%s", CodeOriginTable, quote(t.Name), t.PrimaryKey)
			vocab = "coalesce(o.vocabulary_id, " + vocab + ")"
			name = "coalesce(o.source_name, " + name + ")"
		}
		out = append(out, fmt.Sprintf(`SELECT %[1]s, %[9]s, v, code, mode(nm), count(*), %[2]s FROM (
  SELECT r.%[3]s AS code, %[4]s AS v, %[5]s AS nm, r.* FROM %[6]s r %[7]s
  WHERE r.%[8]s_concept_id = 0 AND nullif(trim(r.%[3]s), '') IS NOT NULL) r
GROUP BY v, code`, quote(t.Name), person, c.Name, vocab, name, ident(t.Name), join, prefix, quote(c.Name)))
	}
	return out
}
