package vocab

import (
	"strings"
	"testing"

	"github.com/cdw-dev/cdw/cdm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const conceptHeader = "concept_id,concept_name,domain_id,vocabulary_id,concept_class_id,standard_concept,concept_code,valid_start_date,valid_end_date,invalid_reason"

func TestSniff(t *testing.T) {
	concept, _ := cdm.Lookup("concept")
	tab := strings.ReplaceAll(conceptHeader, ",", "\t")
	tests := []struct {
		name  string
		input string
		want  format
		err   error
	}{
		{"athena", tab + "\n1\tx\tC\tV\tK\tS\t1\t19700101\t20991231\t\n", format{delim: '\t', compactDates: true}, nil},
		{"athena header only", tab + "\n", format{delim: '\t', compactDates: true}, nil},
		{"athena upper-case header, CRLF", strings.ToUpper(tab) + "\r\n1\tx\tC\tV\tK\tS\t1\t19700101\t20991231\t\r\n", format{delim: '\t', compactDates: true}, nil},
		{"csv iso dates", conceptHeader + "\n1,x,C,V,K,\"\",1,1970-01-01,2099-12-31,\n", format{delim: ',', quoted: true}, nil},
		{"csv quoted header, BOM", "\ufeff\"" + strings.ReplaceAll(conceptHeader, ",", "\",\"") + "\"\n1,x,C,V,K,S,1,\"19700101\",20991231,\n", format{delim: ',', quoted: true, compactDates: true}, nil},
		{"missing column", strings.TrimSuffix(tab, "\tinvalid_reason") + "\n", format{}, ErrBadHeader},
		{"renamed column", strings.Replace(tab, "concept_code", "code", 1) + "\n", format{}, ErrBadHeader},
		{"empty", "", format{}, ErrBadHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sniff(strings.NewReader(tt.input), concept)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// FuzzSniff checks that sniff never panics and that whatever it accepts
// names the DDL's columns in a format DuckDB can be told to read.
func FuzzSniff(f *testing.F) {
	f.Add(conceptHeader + "\n1,x,C,V,K,,1,1970-01-01,2099-12-31,\n")
	f.Add(strings.ReplaceAll(conceptHeader, ",", "\t") + "\n1\tx\"\tC\tV\tK\t\t1\t19700101\t20991231\t\n")
	f.Add("concept_id\tconcept_name\n")
	f.Add("\ufeff\r\n")
	concept, _ := cdm.Lookup("concept")
	f.Fuzz(func(t *testing.T, input string) {
		fm, err := sniff(strings.NewReader(input), concept)
		if err != nil {
			return
		}
		if fm.delim != ',' && fm.delim != '\t' {
			t.Fatalf("delimiter %q", fm.delim)
		}
		if fm.quoted != (fm.delim == ',') {
			t.Fatalf("quoted %v with delimiter %q", fm.quoted, fm.delim)
		}
		header, _, _ := strings.Cut(strings.TrimPrefix(input, "\ufeff"), "\n")
		if err := checkHeader(splitLine(strings.TrimRight(header, "\r"), fm), concept); err != nil {
			t.Fatalf("accepted a header that does not match: %v", err)
		}
	})
}
