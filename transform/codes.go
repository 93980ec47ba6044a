package transform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/cdm/vocab"
	"github.com/cdw-dev/cdw/cdm/vocab/starter"
)

// CodeMapTable is the build's lookup from a source code to its OMOP
// concepts: vocabulary_id is the source code system as the mappings name it
// (see the package documentation's vocabulary contract: ICD10CN, ICD10,
// ICD10CM, ICD9Proc, ICD10PCS, LOINC, RxNorm, CVX, UCUM, or a local system
// LAB, DRUG or DIAG), source_code the code as the source wrote it;
// source_concept_id is the code's own concept (0 when the vocabulary has
// none), concept_id the standard concept it maps to through 'Maps to' (0
// when unmapped), domain_id that standard concept's domain, which decides
// the OMOP table the record lands in. There is at most one row per
// (vocabulary_id, source_code).
const CodeMapTable = "code_map"

// loadCodeMap makes the vocabulary tables available on conn under their
// OMOP names (views over vocabDir's Parquet, or tables holding the starter
// vocabulary when vocabDir has no concept.parquet), builds
// SOURCE_TO_CONCEPT_MAP from the hospital's local code map, fills
// CodeMapTable from both, and resolves every diagnosis to its concepts
// (see resolveDiagnosesSQL), giving the diagnoses routed out of
// CONDITION_OCCURRENCE their ids in IDMapTable and recording where each
// diagnosis code came from in CodeOriginTable. It runs after the sources are
// replayed and the id map is loaded (loadFHIR).
func loadCodeMap(ctx context.Context, conn *sql.Conn, vocabDir string) error {
	if err := loadVocabulary(ctx, conn, vocabDir); err != nil {
		return err
	}
	for _, step := range []struct{ what, sql string }{
		{"build source_to_concept_map", sourceToConceptMapSQL()},
		{"build " + CodeMapTable, codeMapSQL()},
		{"resolve diagnosis codes", resolveDiagnosesSQL},
	} {
		if _, err := conn.ExecContext(ctx, step.sql); err != nil {
			return fmt.Errorf("transform: %s: %w", step.what, err)
		}
	}
	q := allocateIDs(kindDiagnosis, "SELECT diag_id::VARCHAR AS source_key FROM "+diagnosisCodeTable+" WHERE target_table <> 'condition_occurrence'")
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("transform: give ids to the diagnoses outside CONDITION_OCCURRENCE: %w", err)
	}
	if _, err := conn.ExecContext(ctx, createCodeOriginSQL); err != nil {
		return fmt.Errorf("transform: record the diagnoses' code origins: %w", err)
	}
	return nil
}

// loadVocabulary creates the vocabulary tables on conn: views over
// vocabDir/<table>.parquet when vocabDir has concept.parquet (nothing is
// copied; a table the directory lacks is created empty), else cdw's starter
// vocabulary (package starter) as tables.
func loadVocabulary(ctx context.Context, conn *sql.Conn, vocabDir string) error {
	if vocabDir != "" {
		if _, err := os.Stat(filepath.Join(vocabDir, "concept.parquet")); err == nil {
			return vocabularyViews(ctx, conn, vocabDir, false)
		} else if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("transform: vocabulary directory %s: %w", vocabDir, err)
		}
	}
	return loadStarter(ctx, conn, starter.Files())
}

// vocabularyViews creates every vocabulary table on conn from dir: a view
// over <table>.parquet (a table copied from it when materialize is set,
// because dir is about to be removed), or an empty table from the DDL when
// the file is missing (or dir is empty).
func vocabularyViews(ctx context.Context, conn *sql.Conn, dir string, materialize bool) error {
	for _, name := range vocab.Tables {
		p := filepath.Join(dir, name+".parquet")
		var q string
		if _, err := os.Stat(p); dir != "" && err == nil {
			kind := "VIEW"
			if materialize {
				kind = "TABLE"
			}
			q = fmt.Sprintf("CREATE OR REPLACE %s %s AS SELECT * FROM read_parquet(%s)", kind, name, quote(p))
		} else {
			ddl, err := cdm.DDL("", name)
			if err != nil {
				return err
			}
			q = strings.Replace(ddl, "CREATE TABLE", "CREATE OR REPLACE TABLE", 1)
		}
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("transform: vocabulary table %s from %s: %w", name, p, err)
		}
	}
	return nil
}

// loadStarter loads the starter vocabulary through vocab.Load into a
// temporary directory and copies its tables onto conn.
func loadStarter(ctx context.Context, conn *sql.Conn, files fs.FS) error {
	tmp, err := os.MkdirTemp("", "cdw-starter-vocab-*")
	if err != nil {
		return fmt.Errorf("transform: starter vocabulary: %w", err)
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "athena")
	if err := os.CopyFS(src, files); err != nil {
		return fmt.Errorf("transform: unpack the starter vocabulary: %w", err)
	}
	out := filepath.Join(tmp, "parquet")
	if _, err := vocab.Load(ctx, vocab.LoadOptions{Dir: src, Out: out, Threads: 1, MemoryLimit: "256MB"}); err != nil {
		return fmt.Errorf("transform: load the starter vocabulary: %w", err)
	}
	return vocabularyViews(ctx, conn, out, true)
}
