package transform

import (
	"database/sql"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestICUWard checks which wards VISIT_DETAIL counts as intensive care.
func TestICUWard(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	for _, tt := range []struct {
		code, name, zh, dept string
		icu                  bool
	}{
		{"W-ICU", "Intensive Care Unit", "重症监护病房", "ICU", true},
		{"W-CCU", "Coronary Care Unit", "冠心病监护病房", "CARD", true},
		{"RICU-2", "Respiratory ICU", "", "RESP", true},
		{"5B", "Surgical Critical Care Unit", "", "GSUR", true},
		{"7A", "Ward 7A", "心脏监护室", "CARD", true},
		{"W-X", "Ward X", "", "ICU", true},
		{"W-RESP", "Respiratory and Critical Care Medicine Ward", "呼吸与危重症医学科病区", "RESP", false},
		{"W-CARD", "Cardiology Ward", "心血管内科病区", "CARD", false},
		{"MEDICUS", "Medicus Ward", "", "GENM", false},
	} {
		var got bool
		require.NoError(t, db.QueryRow(`SELECT `+icuWard+` FROM (SELECT ?::VARCHAR AS code, ?::VARCHAR AS name, ?::VARCHAR AS name_zh) w, (SELECT ?::VARCHAR AS code) d`,
			tt.code, tt.name, tt.zh, tt.dept).Scan(&got))
		assert.Equal(t, tt.icu, got, "%s %s", tt.code, tt.name)
	}
}
