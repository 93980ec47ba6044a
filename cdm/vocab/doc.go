// Package vocab loads the OMOP standardized vocabularies that OHDSI's Athena
// distributes (CONCEPT, CONCEPT_RELATIONSHIP, CONCEPT_ANCESTOR, ...) into
// Parquet files whose columns are exactly those of OHDSI's DDL.
//
// Load streams each file through DuckDB with a bounded memory limit, so a
// full Athena download (CONCEPT alone is about six million rows) loads in
// minutes with flat memory. Lines that do not parse are counted and sampled
// in the Result instead of stopping the load, and a load that fails leaves the
// previously loaded vocabulary untouched.
package vocab
