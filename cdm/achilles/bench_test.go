package achilles_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm/achilles"
)

// BenchmarkRun times a full Run over a synthetic CDM of 100,000 persons
// (one observation period of up to 10 years each), 1,000,000 visits,
// 2,000,000 conditions and 2,000,000 measurements over 2,000 concepts.
func BenchmarkRun(b *testing.B) {
	conn := openCDM(b)
	ctx := context.Background()
	exec(b, conn,
		`INSERT INTO person (person_id, gender_concept_id, year_of_birth, race_concept_id, ethnicity_concept_id)
		 SELECT i, CASE WHEN i % 2 = 0 THEN 8507 ELSE 8532 END, 1930 + i % 90, 0, 0 FROM range(100000) t(i)`,
		`INSERT INTO observation_period SELECT i, i, DATE '2014-01-01' + CAST(i % 1000 AS INTEGER),
		 DATE '2014-01-01' + CAST(i % 1000 AS INTEGER) + CAST(i % 3650 AS INTEGER), 32817 FROM range(100000) t(i)`,
		`INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_end_date, visit_type_concept_id)
		 SELECT i, i % 100000, 9201 + i % 3, DATE '2015-01-01' + CAST(i % 3000 AS INTEGER), DATE '2015-01-01' + CAST(i % 3000 + i % 7 AS INTEGER), 32817
		 FROM range(1000000) t(i)`,
		`INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id, condition_start_date, condition_type_concept_id, condition_source_value)
		 SELECT i, i % 100000, CASE WHEN i % 10 = 0 THEN 0 ELSE 1000 + i % 2000 END, DATE '2015-01-01' + CAST(i % 3000 AS INTEGER), 32817, 'C' || (i % 5000)
		 FROM range(2000000) t(i)`,
		`INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, measurement_type_concept_id, measurement_source_value)
		 SELECT i, i % 100000, 3000 + i % 2000, DATE '2015-01-01' + CAST(i % 3000 AS INTEGER), 32817, 'M' || (i % 2000)
		 FROM range(2000000) t(i)`)
	b.ResetTimer()
	for range b.N {
		sum, err := achilles.Run(ctx, conn, achilles.Options{})
		require.NoError(b, err)
		b.ReportMetric(float64(sum.ResultRows), "result_rows")
	}
}
