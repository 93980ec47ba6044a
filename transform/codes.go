package transform

import (
	"context"
	"database/sql"
	"fmt"
)

// CodeMapTable is the build's lookup from a source code to its OMOP
// concepts: vocabulary_id is the source code system as the mappings name it
// (ICD10, ICD10CM, ICD9Proc, ICD10PCS, LOINC, RxNorm, CVX, UCUM, or a local
// system such as LAB or DRUG), source_code the code as the source wrote it;
// source_concept_id is the code's own concept (0 when the vocabulary has
// none), concept_id the standard concept it maps to through 'Maps to' (0
// when unmapped), domain_id that standard concept's domain, which decides
// the OMOP table the record lands in.
const CodeMapTable = "code_map"

// loadCodeMap creates CodeMapTable on conn.
func loadCodeMap(ctx context.Context, conn *sql.Conn, vocabDir string) error {
	_ = vocabDir
	_, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+CodeMapTable+` (
	vocabulary_id VARCHAR, source_code VARCHAR, source_concept_id INTEGER, concept_id INTEGER, domain_id VARCHAR)`)
	if err != nil {
		return fmt.Errorf("transform: create %s: %w", CodeMapTable, err)
	}
	return nil
}
