package transform

import (
	"fmt"
	"strings"
)

// sourceTable describes a bronze table as the mapping reads it: its columns
// and the DuckDB type each is cast to.
type sourceTable struct {
	name    string // bronze table name, e.g. emr.patient
	view    string // the temporary table holding its current state, e.g. src_patient
	columns []sourceColumn
}

type sourceColumn struct{ name, typ string }

func cols(spec string) []sourceColumn {
	var out []sourceColumn
	for _, f := range strings.Split(spec, ",") {
		parts := strings.Fields(f)
		out = append(out, sourceColumn{name: parts[0], typ: parts[1]})
	}
	return out
}

// emrTables are the synthetic hospital's EMR tables (package hospital).
var emrTables = []sourceTable{
	{"emr.department", "src_department", cols("dept_id INTEGER, code VARCHAR, name VARCHAR, name_zh VARCHAR, kind VARCHAR")},
	{"emr.staff", "src_staff", cols("staff_id INTEGER, code VARCHAR, name VARCHAR, sex VARCHAR, birth_year INTEGER, title VARCHAR, dept_id INTEGER")},
	{"emr.patient", "src_patient", cols("patient_id BIGINT, mrn VARCHAR, name VARCHAR, sex VARCHAR, birth_date DATE, phone VARCHAR, address VARCHAR, city VARCHAR, province VARCHAR, postcode VARCHAR, created_at TIMESTAMP")},
	{"emr.registration", "src_registration", cols("reg_id BIGINT, patient_id BIGINT, visit_type VARCHAR, dept_id INTEGER, doctor_id INTEGER, admit_time TIMESTAMP, discharge_time TIMESTAMP, admit_source VARCHAR, disposition VARCHAR, status VARCHAR")},
	{"emr.diagnosis", "src_diagnosis", cols("diag_id BIGINT, reg_id BIGINT, patient_id BIGINT, icd10 VARCHAR, diag_name VARCHAR, is_main BOOLEAN, diag_time TIMESTAMP, doctor_id INTEGER")},
	{"emr.clinical_note", "src_clinical_note", cols("note_id BIGINT, reg_id BIGINT, patient_id BIGINT, note_type VARCHAR, title VARCHAR, language VARCHAR, body VARCHAR, author_id INTEGER, written_at TIMESTAMP")},
}

// liveChanges returns the WITH clause every replay starts from: ev holds
// the bronze files' changes ordered by ord = (lsn, seq), with a data value
// that is not valid JSON (deletes and truncates carry none) turned into
// NULL, because json_exists and json_extract raise an error on it and one
// such row must not fail the whole build; live holds the changes after the
// last truncate, which hides every earlier one.
func liveChanges(files []string) string {
	src := "SELECT * FROM (VALUES (0::BIGINT, 0::BIGINT, '', '', '')) v(lsn, seq, op, key, data) WHERE false"
	if len(files) > 0 {
		quoted := make([]string, len(files))
		for i, f := range files {
			quoted[i] = quote(f)
		}
		src = fmt.Sprintf("SELECT lsn, seq, op, key, data FROM read_parquet([%s])", strings.Join(quoted, ", "))
	}
	return `WITH ev AS (SELECT lsn::HUGEINT * 4294967296 + seq AS ord, op, key, CASE WHEN json_valid(data) THEN data END AS data FROM (` + src + `)),
cut AS (SELECT coalesce(max(ord), -1) AS ord FROM ev WHERE op = 't'),
live AS (SELECT ev.* FROM ev, cut WHERE ev.op <> 't' AND ev.ord > cut.ord)`
}

// currentStateSQL builds the statement that replays a table's bronze files
// into its current rows (see liveChanges): the latest change per key
// decides whether the row exists; each column takes its value from the
// latest change that carried it, so an update that omitted an unchanged
// TOASTed column keeps the earlier value.
func currentStateSQL(t sourceTable, files []string) string {
	var agg, sel strings.Builder
	for _, c := range t.columns {
		path := quote("$." + c.name)
		fmt.Fprintf(&agg, ",\n  arg_max(json_extract(data, %s), ord) FILTER (WHERE json_exists(data, %s)) AS %s", path, path, ident(c.name))
		fmt.Fprintf(&sel, ", TRY_CAST(%s ->> '$' AS %s) AS %s", ident(c.name), c.typ, ident(c.name))
	}
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
%s,
latest AS (SELECT key, arg_max(op, ord) AS last_op%s
  FROM live GROUP BY key)
SELECT key AS _key%s FROM latest WHERE last_op <> 'd'`, t.view, liveChanges(files), agg.String(), sel.String())
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
