package hospital

import (
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/cdm/vocab/starter"
)

// starterVocab is the starter vocabulary's concepts by (vocabulary_id,
// concept_code), with the concept code and vocabulary of each one's 'Maps
// to' target.
type starterVocab struct {
	concepts map[[2]string]int64
	target   map[int64][2]string // source concept → (vocabulary, code) it maps to
}

func readStarter(t *testing.T) starterVocab {
	t.Helper()
	read := func(name string) [][]string {
		f, err := starter.Files().Open(name)
		require.NoError(t, err)
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		require.NoError(t, err)
		return rows[1:]
	}
	v := starterVocab{concepts: map[[2]string]int64{}, target: map[int64][2]string{}}
	byID := map[int64][2]string{}
	for _, r := range read("CONCEPT.csv") {
		var id int64
		_, err := fmt.Sscan(r[0], &id)
		require.NoError(t, err)
		v.concepts[[2]string{r[3], r[6]}] = id
		byID[id] = [2]string{r[3], r[6]}
	}
	for _, r := range read("CONCEPT_RELATIONSHIP.csv") {
		var a, b int64
		_, err := fmt.Sscan(r[0], &a)
		require.NoError(t, err)
		_, err = fmt.Sscan(r[1], &b)
		require.NoError(t, err)
		if r[2] == "Maps to" && a != b {
			v.target[a] = byID[b]
		}
	}
	return v
}

// starterVocabulary is the starter's vocabulary_id for each code system
// the hospital writes.
var starterVocabulary = map[string]string{
	systemWHO: "ICD10", systemCN: "ICD10CN", systemCM: "ICD10CM",
	"ICD-9-CM-3": "ICD9Proc", "ICD-10-PCS": "ICD10PCS", "CVX": "CVX", "LAB": "LAB", "DRUG": "DRUG",
}

// has reports whether the starter holds the code of the system and whether
// it maps.
func (v starterVocab) has(system, code string) (found, mapped bool) {
	id, ok := v.concepts[[2]string{starterVocabulary[system], code}]
	_, mapped = v.target[id]
	return ok, ok && mapped
}

func TestStarterVocabularyHoldsTheDictionaries(t *testing.T) {
	v := readStarter(t)
	codes := map[string][]string{}
	for i := range conditions {
		c := &conditions[i]
		codes[systemWHO] = append(codes[systemWHO], c.Code)
		codes[systemCN] = append(codes[systemCN], cnCode(c).code)
		codes[systemCM] = append(codes[systemCM], cmCode(c).code)
	}
	for _, p := range procedures {
		for _, c := range p.cn {
			codes["ICD-9-CM-3"] = append(codes["ICD-9-CM-3"], c.code)
		}
		codes["ICD-10-PCS"] = append(codes["ICD-10-PCS"], p.us.code)
	}
	for _, vc := range []vaccine{vaccineFlu, vaccinePPV23, vaccineCovid, vaccineHepB, vaccineMMR, vaccineTdap} {
		codes["CVX"] = append(codes["CVX"], vc.cvx)
	}
	for _, it := range labItems {
		codes["LAB"] = append(codes["LAB"], it.code)
		if it.loinc != "" {
			if id, ok := v.concepts[[2]string{"LAB", it.code}]; ok && v.target[id] != [2]string{} {
				assert.Equal(t, [2]string{"LOINC", it.loinc}, v.target[id], "LAB %s maps as emr.local_code_map says", it.code)
			}
		}
	}
	for _, d := range drugs {
		codes["DRUG"] = append(codes["DRUG"], d.code)
		if id, ok := v.concepts[[2]string{"DRUG", d.code}]; ok && v.target[id] != [2]string{} {
			assert.Equal(t, [2]string{"RxNorm", d.rxnorm}, v.target[id], "DRUG %s maps as emr.local_code_map says", d.code)
		}
	}
	for _, system := range slices.Sorted(maps.Keys(codes)) {
		mapped := 0
		for _, c := range codes[system] {
			found, m := v.has(system, c)
			assert.True(t, found, "%s %s is a concept of the starter vocabulary", system, c)
			if m {
				mapped++
			}
		}
		t.Logf("%-10s %3d codes, %3d mapped (%.0f%%)", system, len(codes[system]), mapped, 100*float64(mapped)/float64(len(codes[system])))
	}
}

func TestStarterVocabularyHoldsEveryCodeWritten(t *testing.T) {
	v := readStarter(t)
	written := map[[2]string]int{} // (system, code) → records
	for _, profile := range []string{ProfileCN, ProfileUS, ProfileMixed} {
		opts, err := Options{Patients: 300, Seed: 11, Profile: profile,
			Until: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}.withDefaults()
		require.NoError(t, err)
		g := &generator{opts: opts, start: opts.Until.AddDate(0, 0, -opts.Days), depts: staticDeptTable(), dispensed: map[stockKey]int64{}}
		copies, _ := g.patientCopies(g.planBatch(0, opts.Patients))
		for _, c := range copies {
			collectCodes(t, c, written)
		}
	}
	require.NotEmpty(t, written)
	records, mapped := map[string]int{}, map[string]int{}
	for k, n := range written {
		found, m := v.has(k[0], k[1])
		assert.True(t, found, "%s %s, written %d times, is a concept of the starter vocabulary", k[0], k[1], n)
		records[k[0]] += n
		if m {
			mapped[k[0]] += n
		}
	}
	for _, system := range slices.Sorted(maps.Keys(records)) {
		t.Logf("%-10s %6d records, %5.1f%% mapped", system, records[system], 100*float64(mapped[system])/float64(records[system]))
	}
}

// collectCodes counts the coded values of a table copy by (code system,
// code): diagnoses and procedures (also on front pages) with their
// code_system, vaccines as CVX, lab results' items as LAB and medication
// orders' drugs as DRUG.
func collectCodes(t *testing.T, c tableCopy, into map[[2]string]int) {
	col := func(name string) int { return slices.Index(c.cols, name) }
	code, system := -1, -1
	fixed := ""
	switch c.table {
	case "diagnosis":
		code, system = col("icd10"), col("code_system")
	case "procedure", "front_page_diagnosis", "front_page_procedure":
		code, system = col("code"), col("code_system")
	case "immunization":
		code, fixed = col("vaccine_code"), "CVX"
	case "lab_result":
		code, fixed = col("item_id"), "LAB"
	case "med_order":
		code, fixed = col("drug_id"), "DRUG"
	default:
		return
	}
	require.GreaterOrEqual(t, code, 0, c.table)
	for c.src.Next() {
		vals, err := c.src.Values()
		require.NoError(t, err)
		switch fixed {
		case "":
			into[[2]string{vals[system].(string), vals[code].(string)}]++
		case "LAB":
			into[[2]string{fixed, labItems[vals[code].(int32)-1].code}]++
		case "DRUG":
			into[[2]string{fixed, drugs[vals[code].(int32)-1].code}]++
		default:
			into[[2]string{fixed, vals[code].(string)}]++
		}
	}
	require.NoError(t, c.src.Err())
}
