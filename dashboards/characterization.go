package dashboards

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/cdw-dev/cdw/cdm/achilles"
)

// topConcepts is how many concepts /api/characterization lists per domain.
const topConcepts = 10

// ageBands are the age groups of the persons-by-sex chart: ten-year bands,
// the last open-ended.
var ageBands = []string{"0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90+"}

// characterization is /api/characterization's answer for a snapshot with
// Achilles results. Counts are exact (no small-cell suppression).
type characterization struct {
	Snapshot string `json:"snapshot"`
	Computed bool   `json:"computed"` // always true
	Persons  int64  `json:"persons"`
	// AgeYear is the calendar year ages are taken in: a person's age is
	// AgeYear minus the year of birth (born later counts as 0-9).
	AgeYear     int          `json:"age_year"`
	AgeGroups   []ageGroup   `json:"age_groups"`   // every band, zeros included
	Tables      []tableCount `json:"tables"`       // records per domain, most records first
	TopConcepts []domainTop  `json:"top_concepts"` // domains with records, in CDM order
}

// ageGroup counts persons of one age band by sex.
type ageGroup struct {
	AgeGroup string `json:"age_group"`
	Male     int64  `json:"male"`
	Female   int64  `json:"female"`
	Other    int64  `json:"other"` // any other or unknown gender concept
}

// tableCount is one CDM table's records and the persons they belong to.
type tableCount struct {
	Table   string `json:"table"`
	Records int64  `json:"records"`
	Persons int64  `json:"persons"`
}

// domainTop is one domain's most frequent concepts.
type domainTop struct {
	Domain   string         `json:"domain"`
	Table    string         `json:"table"`
	Concepts []conceptCount `json:"concepts"`
}

// conceptCount is one concept's records and persons. Name is the concept's
// name from the snapshot's concept table, or its id when the snapshot has
// no concept table or not that concept.
type conceptCount struct {
	ConceptID *int64 `json:"concept_id"`
	Name      string `json:"name"`
	Records   int64  `json:"records"`
	Persons   int64  `json:"persons"`
}

// serveCharacterization answers the current snapshot's Achilles
// characterization, or {"computed": false} when it has no achilles_results.
func (s *Server) serveCharacterization(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	rd := reader{q: s.wh}
	snap := s.snapshotID()
	have, err := rd.present(ctx, achilles.ResultsTable, "concept")
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if !have[achilles.ResultsTable] {
		s.writeJSON(w, r, http.StatusOK, notComputed{Snapshot: snap})
		return
	}
	ch := characterization{Snapshot: snap, Computed: true, AgeYear: s.now().Year()}
	if ch.Persons, err = rd.achillesCount(ctx, 1); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if ch.AgeGroups, err = rd.ageGroups(ctx, ch.AgeYear); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if ch.Tables, err = rd.tableCounts(ctx); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if ch.TopConcepts, err = rd.topConcepts(ctx, have["concept"]); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, ch)
}

// achillesCount returns the count of an unstratified analysis (0 when absent).
func (rd reader) achillesCount(ctx context.Context, analysis int) (int64, error) {
	var n int64
	err := rd.query(ctx, fmt.Sprintf("read analysis %d", analysis),
		"SELECT coalesce(sum(count_value), 0) FROM "+achilles.ResultsTable+" WHERE analysis_id = ?",
		func(r *sql.Rows) error { return r.Scan(&n) }, analysis)
	return n, err
}

// ageGroups buckets Achilles 10 (persons by year of birth and gender) into
// the age bands, ages taken in year.
func (rd reader) ageGroups(ctx context.Context, year int) ([]ageGroup, error) {
	groups := make([]ageGroup, len(ageBands))
	for i, b := range ageBands {
		groups[i].AgeGroup = b
	}
	err := rd.query(ctx, "count persons by age and sex",
		"SELECT TRY_CAST(stratum_1 AS INTEGER), TRY_CAST(stratum_2 AS BIGINT), count_value FROM "+achilles.ResultsTable+" WHERE analysis_id = 10",
		func(r *sql.Rows) error {
			var born, gender sql.NullInt64
			var n int64
			if err := r.Scan(&born, &gender, &n); err != nil {
				return err
			}
			band := len(ageBands) - 1 // an unknown year of birth is not a child's
			if born.Valid {
				band = min(max(year-int(born.Int64), 0)/10, len(ageBands)-1)
			}
			g := &groups[band]
			switch gender.Int64 {
			case cdm.ConceptMale:
				g.Male += n
			case cdm.ConceptFemale:
				g.Female += n
			default:
				g.Other += n
			}
			return nil
		})
	return groups, err
}

// tableCounts reads the records and persons per CDM table (analyses 10000
// and 10001), most records first.
func (rd reader) tableCounts(ctx context.Context) ([]tableCount, error) {
	out := []tableCount{}
	err := rd.query(ctx, "count records per table",
		fmt.Sprintf(`SELECT r.stratum_1, r.count_value, coalesce(p.count_value, 0)
		 FROM %[1]s r LEFT JOIN %[1]s p ON p.analysis_id = %[3]d AND p.stratum_1 = r.stratum_1
		 WHERE r.analysis_id = %[2]d ORDER BY r.count_value DESC, r.stratum_1`,
			achilles.ResultsTable, achilles.RecordsByTable, achilles.PersonsByTable),
		func(r *sql.Rows) error {
			var tc tableCount
			if err := r.Scan(&tc.Table, &tc.Records, &tc.Persons); err != nil {
				return err
			}
			out = append(out, tc)
			return nil
		})
	return out, err
}

// topConcepts reads each domain's most frequent concepts by records (the
// domain's x01 analysis) with their persons (x00), named from the concept
// table when withNames.
func (rd reader) topConcepts(ctx context.Context, withNames bool) ([]domainTop, error) {
	ids := achilles.RecordAnalyses()
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.Itoa(id)
	}
	name, join := "CAST(NULL AS VARCHAR)", ""
	if withNames {
		name, join = "c.concept_name", "LEFT JOIN concept c ON c.concept_id = r.concept_id"
	}
	q := fmt.Sprintf(`SELECT r.analysis_id, r.concept_id, %[1]s, r.count_value, coalesce(p.count_value, 0)
	 FROM (SELECT analysis_id, stratum_1, TRY_CAST(stratum_1 AS BIGINT) AS concept_id, count_value,
	              row_number() OVER (PARTITION BY analysis_id ORDER BY count_value DESC, TRY_CAST(stratum_1 AS BIGINT)) AS rn
	       FROM %[3]s WHERE analysis_id IN (%[4]s)) r
	 LEFT JOIN %[3]s p ON p.analysis_id = r.analysis_id - 1 AND p.stratum_1 IS NOT DISTINCT FROM r.stratum_1
	 %[2]s
	 WHERE r.rn <= %[5]d ORDER BY r.analysis_id, r.rn`, name, join, achilles.ResultsTable, strings.Join(list, ", "), topConcepts)
	byAnalysis := map[int]*domainTop{}
	err := rd.query(ctx, "list top concepts", q, func(r *sql.Rows) error {
		var id int
		var c conceptCount
		var concept sql.NullInt64
		var label sql.NullString
		if err := r.Scan(&id, &concept, &label, &c.Records, &c.Persons); err != nil {
			return err
		}
		if concept.Valid {
			c.ConceptID = &concept.Int64
		}
		c.Name = conceptName(concept, label)
		d := byAnalysis[id]
		if d == nil {
			table, domain, _, _ := achilles.DomainOf(id)
			d = &domainTop{Domain: domain, Table: table}
			byAnalysis[id] = d
		}
		d.Concepts = append(d.Concepts, c)
		return nil
	})
	out := []domainTop{}
	for _, id := range ids {
		if d := byAnalysis[id]; d != nil {
			out = append(out, *d)
		}
	}
	return out, err
}

// conceptName is the concept's name when known, "No matching concept" for
// concept 0 (its name in every OMOP vocabulary), else the id itself.
func conceptName(id sql.NullInt64, name sql.NullString) string {
	switch {
	case name.Valid && name.String != "":
		return name.String
	case !id.Valid:
		return "unknown"
	case id.Int64 == cdm.ConceptUnmapped:
		return "No matching concept"
	default:
		return strconv.FormatInt(id.Int64, 10)
	}
}
