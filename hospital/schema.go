package hospital

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed schema.sql
var schemaSQL string

// Tables lists the EMR tables in dependency order (parents first).
var Tables = []string{"emr.department", "emr.staff", "emr.patient", "emr.registration", "emr.diagnosis", "emr.clinical_note",
	"emr.ward", "emr.lab_item", "emr.drug", "emr.local_code_map", "emr.allergy", "emr.immunization", "emr.ward_transfer",
	"emr.procedure", "emr.vital_sign", "emr.lab_order", "emr.lab_result", "emr.med_order", "emr.med_admin", "emr.patient_merge",
	"emr.user_account", "emr.front_page", "emr.front_page_diagnosis", "emr.front_page_procedure",
	"emr.prescription", "emr.prescription_item", "emr.treatment",
	"emr.exam_order", "emr.exam_result", "emr.charge_item", "emr.settlement",
	"emr.pharmacy_stock", "emr.dispensing"}

// DictionaryTables are the tables whose rows do not depend on the seed.
var DictionaryTables = []string{"emr.department", "emr.ward", "emr.lab_item", "emr.drug", "emr.local_code_map"}

// Execer is the one method CreateSchema needs; *pgx.Conn and *pgxpool.Pool have it.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// CreateSchema creates the emr schema and its tables when they do not exist.
func CreateSchema(ctx context.Context, db Execer) error {
	if _, err := db.Exec(ctx, schemaSQL); err != nil {
		return fmt.Errorf("hospital: create EMR schema: %w", err)
	}
	return nil
}

var _ Execer = (*pgx.Conn)(nil)
