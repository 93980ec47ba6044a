package transform_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

// snapshotEMR writes every row of the EMR schema to a bronze log in dir as
// a snapshot would: one read change per row, keyed by the JSON array of its
// primary key, the row as JSON.
func snapshotEMR(t *testing.T, ctx context.Context, db *pgxpool.Pool, dir string) {
	t.Helper()
	rows, err := db.Query(ctx, `SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
		WHERE n.nspname = 'emr' AND i.indisprimary GROUP BY c.relname ORDER BY 1`)
	require.NoError(t, err)
	keys, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ Table, Key string }])
	require.NoError(t, err)
	require.NotEmpty(t, keys)
	var changes []bronze.Change
	for _, k := range keys {
		rows, err := db.Query(ctx, fmt.Sprintf(`SELECT json_build_array(%s)::text, row_to_json(t)::text FROM emr.%s t`, k.Key, pgx.Identifier{k.Table}.Sanitize()))
		require.NoError(t, err)
		for rows.Next() {
			var key, data string
			require.NoError(t, rows.Scan(&key, &data))
			changes = append(changes, ch(1, int64(len(changes)+1), bronze.OpRead, "emr."+k.Table, strings.ReplaceAll(key, " ", ""), data))
		}
		require.NoError(t, rows.Err())
	}
	appendChanges(t, dir, bronze.Checkpoint{Position: "0/1", SnapshotDone: true}, changes...)
}

// TestEMRClinicalTablesFromGeneratedHospital builds the CDM from a small
// generated hospital: every clinical and economics table is filled, each
// in step with the source rows it comes from, and none of those rows is
// quarantined.
func TestEMRClinicalTablesFromGeneratedHospital(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDB(t, pgtest.Start(t), "hospital")
	until := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	_, err := hospital.Generate(ctx, db, hospital.Options{Patients: 150, Seed: 3, Until: until, Days: 365})
	require.NoError(t, err)
	root := t.TempDir()
	snapshotEMR(t, ctx, db, filepath.Join(root, "postgres"))
	b := build(t, root, cdm.NewStore(filepath.Join(root, "cdm")))

	count := func(q string) int64 {
		var n int64
		require.NoError(t, db.QueryRow(ctx, q).Scan(&n), q)
		return n
	}
	for _, tt := range []struct{ table, where, source string }{
		{"visit_detail", "true", "SELECT count(*) FROM emr.ward_transfer"},
		{"measurement", "measurement_id < 1000000000", "SELECT count(*) FROM emr.lab_result"},
		{"measurement", "measurement_id >= 1000000000 AND measurement_source_value = '8867-4'", "SELECT count(heart_rate) FROM emr.vital_sign"},
		{"drug_exposure", "drug_type_concept_id = 32818", "SELECT count(*) FROM emr.med_admin WHERE status = 'given'"},
		{"drug_exposure", "drug_type_concept_id = 32838", "SELECT (SELECT count(*) FROM emr.med_order) + (SELECT count(*) FROM emr.prescription_item)"},
		{"drug_exposure", "drug_type_concept_id = 32817", "SELECT count(*) FROM emr.immunization"},
		{"procedure_occurrence", "true", "SELECT (SELECT count(*) FROM emr.procedure) + (SELECT count(*) FROM emr.exam_order) + (SELECT count(*) FROM emr.treatment)"},
		{"observation", "observation_id < 1000000000", "SELECT count(*) FROM emr.allergy"},
		{"specimen", "true", "SELECT count(*) FROM emr.lab_order WHERE collected_at IS NOT NULL AND status <> 'cancelled'"},
		{"death", "true", "SELECT count(DISTINCT patient_id) FROM emr.registration WHERE disposition = 'died'"},
		{"payer_plan_period", "true", "SELECT count(*) FROM emr.settlement"},
		{"cost", "true", "SELECT (SELECT count(*) FROM emr.charge_item) + (SELECT count(*) FROM emr.settlement)"},
	} {
		want := count(tt.source)
		assert.Positive(t, want, "the hospital has rows for %s (%s)", tt.table, tt.where)
		got := b.q(t, tt.table, "SELECT count(*) AS n FROM {t} WHERE "+tt.where)[0]["n"]
		assert.Equal(t, want, got, "%s where %s", tt.table, tt.where)
	}

	assert.Positive(t, b.q(t, "visit_detail", "SELECT count(*) AS n FROM {t} WHERE visit_detail_concept_id = 32037")[0]["n"], "ICU stays")
	assert.Equal(t, []map[string]any{{"dom": "Drug"}, {"dom": "Measurement"}, {"dom": "Procedure"}, {"dom": "Visit"}},
		b.q(t, "cost", "SELECT DISTINCT cost_domain_id AS dom FROM {t} ORDER BY 1"), "charges point at drugs, labs, procedures and visits")
	assert.Empty(t, b.q(t, "cost", `SELECT cost_id FROM {t} WHERE cost_domain_id = 'Visit' AND cost_id < 1000000000
		AND revenue_code_source_value NOT LIKE 'REG-%' AND revenue_code_source_value NOT LIKE 'BED-%'`), "only registration fees and bed-days are charged to the visit")
	assert.Empty(t, b.q(t, "cdw_quarantine", `SELECT * FROM {t} WHERE source_table IN ('emr.ward_transfer', 'emr.lab_result', 'emr.lab_order',
		'emr.vital_sign', 'emr.med_order', 'emr.med_admin', 'emr.prescription_item', 'emr.immunization', 'emr.procedure', 'emr.exam_order',
		'emr.treatment', 'emr.allergy', 'emr.charge_item', 'emr.settlement')`))
}
