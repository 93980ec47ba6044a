package transform_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/transform"
)

func TestCDMSourceAndMetadataDescribeTheBuild(t *testing.T) {
	dir := t.TempDir()
	fixture(t, filepath.Join(dir, "bronze"))
	vocabDir := filepath.Join(dir, "vocab")
	writeVocabulary(t, vocabDir)
	store := cdm.NewStore(filepath.Join(dir, "cdm"))
	opts := transform.Options{BronzeDir: filepath.Join(dir, "bronze"), Store: store, VocabDir: vocabDir,
		Now: func() time.Time { return at }, SourceName: "Test Hospital"}
	res, err := transform.Build(context.Background(), opts)
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	path := func(snap cdm.Snapshot, table string) string { p, ok := snap.Path(table); require.True(t, ok); return p }

	src := query(t, db, fmt.Sprintf("SELECT * FROM read_parquet('%s')", path(res.Snapshot, "cdm_source")))
	require.Len(t, src, 1)
	assert.Equal(t, "Test Hospital", src[0]["cdm_source_name"])
	assert.Equal(t, "cdw", src[0]["cdm_source_abbreviation"])
	assert.Equal(t, transform.DefaultCDMHolder, src[0]["cdm_holder"])
	assert.Equal(t, at.Truncate(24*time.Hour), src[0]["source_release_date"], "the date of bronze's last commit")
	assert.Equal(t, at.Truncate(24*time.Hour), src[0]["cdm_release_date"], "the build date")
	assert.Equal(t, "v5.4", src[0]["cdm_version"])
	assert.Equal(t, int32(756265), src[0]["cdm_version_concept_id"])
	assert.Equal(t, "v5.0 30-AUG-24", src[0]["vocabulary_version"], "the vocabulary table's None row")
	assert.Contains(t, src[0]["source_description"], "0/30")

	meta := map[string]map[string]any{}
	for _, r := range query(t, db, fmt.Sprintf("SELECT * FROM read_parquet('%s') ORDER BY metadata_id", path(res.Snapshot, "metadata"))) {
		meta[r["name"].(string)] = r
		assert.Equal(t, int32(0), r["metadata_concept_id"])
		assert.Equal(t, int32(0), r["metadata_type_concept_id"])
		assert.Equal(t, at.Truncate(24*time.Hour), r["metadata_date"])
	}
	str := func(name string) any { require.Contains(t, meta, name); return meta[name]["value_as_string"] }
	assert.Equal(t, res.Snapshot.ID, str(transform.MetaSnapshotID), "METADATA names the snapshot it is published as")
	assert.Equal(t, "0/30", str(transform.MetaBronzePosition))
	assert.Equal(t, at.Format(time.RFC3339Nano), str(transform.MetaBronzeCommit))
	numbers := query(t, db, fmt.Sprintf("SELECT name, value_as_number::DOUBLE AS v FROM read_parquet('%s') WHERE value_as_number IS NOT NULL", path(res.Snapshot, "metadata")))
	got := map[string]float64{}
	for _, r := range numbers {
		got[r["name"].(string)] = r["v"].(float64)
	}
	assert.Equal(t, float64(res.Snapshot.Seq), got[transform.MetaSnapshotSeq])
	assert.Equal(t, float64(res.Snapshot.SourceRows), got[transform.MetaBronzeRows])
	assert.Equal(t, float64(res.Quarantined), got[transform.MetaQuarantinedRows])
	assert.Equal(t, float64(res.DQChecks), got[transform.MetaDQChecks])
	assert.Equal(t, float64(res.DQFailed), got[transform.MetaDQFailed])
	assert.Greater(t, got[transform.MetaBuildSeconds], 0.0)
	assert.Less(t, got[transform.MetaBuildSeconds], res.Duration.Seconds())

	res2, err := transform.Build(context.Background(), opts)
	require.NoError(t, err)
	second := query(t, db, fmt.Sprintf("SELECT value_as_string AS id FROM read_parquet('%s') WHERE name = '%s'", path(res2.Snapshot, "metadata"), transform.MetaSnapshotID))
	assert.Equal(t, []map[string]any{{"id": res2.Snapshot.ID}}, second, "each snapshot describes itself")
	assert.NotEqual(t, res.Snapshot.ID, res2.Snapshot.ID)
}

func TestCDMSourceWithoutVocabulary(t *testing.T) {
	dir := t.TempDir()
	faultyFixture(t, filepath.Join(dir, "bronze"))
	empty := t.TempDir()
	res, err := transform.Build(context.Background(), transform.Options{BronzeDir: filepath.Join(dir, "bronze"),
		Store: cdm.NewStore(filepath.Join(dir, "cdm")), VocabDir: empty, Now: func() time.Time { return at.AddDate(0, 0, 3) }})
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	p, _ := res.Snapshot.Path("cdm_source")
	src := query(t, db, fmt.Sprintf("SELECT cdm_source_name AS n, source_release_date AS s, cdm_release_date AS c FROM read_parquet('%s')", p))
	assert.Equal(t, []map[string]any{{"n": transform.DefaultSourceName, "s": at.Truncate(24 * time.Hour), "c": at.AddDate(0, 0, 3).Truncate(24 * time.Hour)}}, src)
}
