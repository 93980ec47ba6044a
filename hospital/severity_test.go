package hospital

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chsDir is CHS-DRG 1.1's tables in the shared reference folder beside the
// repository.
var chsDir = filepath.Join("..", "..", "shared", "reference", "drg", "chs-drg-1.1")

// readDRGTable reads a KEY VALUE file of CHS-DRG 1.1 into a map.
func readDRGTable(t *testing.T, name string) map[string]int {
	t.Helper()
	f, err := os.Open(filepath.Join(chsDir, name))
	require.NoError(t, err)
	defer f.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(value)
		require.NoError(t, err, "%s: %s", name, sc.Text())
		out[key] = n
	}
	require.NoError(t, sc.Err())
	return out
}

// TestCHSSeverityTable re-derives chsSeverity from CHS-DRG 1.1's MCC.dat,
// CC.dat and CCE.dat, so that the embedded table cannot drift from them.
func TestCHSSeverityTable(t *testing.T) {
	if _, err := os.Stat(chsDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CHS-DRG 1.1 tables are missing at %s: %v", chsDir, err)
		}
		t.Skipf("CHS-DRG 1.1 tables not found at %s", chsDir)
	}
	mcc, cc, cce := readDRGTable(t, "MCC.dat"), readDRGTable(t, "CC.dat"), readDRGTable(t, "CCE.dat")
	require.NotEmpty(t, mcc)
	want := map[string]chsCode{}
	for _, codes := range diagCodes {
		code := codes.cn.code
		c := chsCode{principal: cce[code]}
		if n, ok := mcc[code]; ok {
			c.level, c.table = ccMCC, n
		} else if n, ok := cc[code]; ok {
			c.level, c.table = ccCC, n
		}
		want[code] = c
	}
	assert.Equal(t, want, chsSeverity)
}

func TestSecondarySeverity(t *testing.T) {
	tests := []struct {
		name, system, principal, code, want string
	}{
		{"MCC counts beside an unrelated principal", systemCN, "J18.900", "N17.900x003", ccMCC},
		{"CC counts beside an unrelated principal", systemCN, "I21.001", "N18.900", ccCC},
		{"CC excluded by the principal's exclusion table", systemCN, "J44.100", "J44.900", ccNone},
		{"MCC of another table than the principal's counts", systemCN, "I21.401", "I50.900", ccMCC},
		{"MCC of the same table as the principal is excluded", systemCN, "I21.001", "I21.401", ccNone},
		{"neither CC nor MCC", systemCN, "J18.900", "I10.x00x002", ccNone},
		{"unknown Chinese code", systemCN, "J18.900", "Z99.999", ""},
		{"ICD-10-CM MCC", systemCM, "I50.9", "A41.9", ccMCC},
		{"ICD-10-CM CC", systemCM, "J18.9", "N17.9", ccCC},
		{"ICD-10-CM code the table does not claim", systemCM, "J18.9", "G40.909", ""},
		{"WHO ICD-10 is not marked", systemWHO, "J18.9", "N17.9", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, secondarySeverity(tt.system, tt.principal, tt.code))
		})
	}
	t.Run("every Chinese code is in the table", func(t *testing.T) {
		for who, codes := range diagCodes {
			assert.Contains(t, chsSeverity, codes.cn.code, who)
		}
	})
	t.Run("the ICD-10-CM table lists only codes the hospital writes", func(t *testing.T) {
		cm := map[string]bool{}
		for _, codes := range diagCodes {
			cm[codes.cm.code] = true
		}
		for code := range msdrgSeverity {
			assert.True(t, cm[code], code)
		}
	})
}
