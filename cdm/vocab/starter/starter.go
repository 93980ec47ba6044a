package starter

import (
	"embed"
	"io/fs"
)

//go:generate go run ./internal/gen -shared ../../../../shared -out .

//go:embed *.csv
var files embed.FS

// Files returns the starter vocabulary: CONCEPT.csv, CONCEPT_RELATIONSHIP.csv,
// CONCEPT_ANCESTOR.csv, CONCEPT_SYNONYM.csv, VOCABULARY.csv, DOMAIN.csv,
// CONCEPT_CLASS.csv and RELATIONSHIP.csv at its root, in the layout of the
// shared OHDSI sample (comma-separated, a header row naming the DDL's
// columns in order, dates as YYYY-MM-DD), ready for vocab.Load once copied
// into a directory.
func Files() fs.FS { return files }

// LocalConceptBase is the smallest concept_id of the starter's own
// concepts: OHDSI reserves ids from 2,000,000,000 for site-specific codes.
const LocalConceptBase = 2_000_000_000
