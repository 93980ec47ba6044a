package vocab

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/cdw-dev/cdw/cdm"
)

// ErrBadHeader means a file's header line does not name the DDL's columns.
var ErrBadHeader = errors.New("vocab: header does not match the OMOP DDL")

// format is how one vocabulary file is written, read off its first lines.
type format struct {
	delim byte // '\t' (Athena) or ','
	// quoted is false for Athena's tab-separated files, which disable quoting:
	// a field may hold a bare '"'.
	quoted bool
	// compactDates is true when dates are YYYYMMDD (Athena) rather than ISO.
	compactDates bool
}

// maxLine bounds how much of a file sniff reads for one line.
const maxLine = 1 << 20

var compactDate = regexp.MustCompile(`^"?\d{8}"?$`)

// sniffFile reads the header and the first data line of path and checks the
// header against t.
func sniffFile(path string, t cdm.Table) (format, error) {
	f, err := os.Open(path)
	if err != nil {
		return format{}, fmt.Errorf("vocab: %w", err)
	}
	defer f.Close()
	fm, err := sniff(f, t)
	if err != nil {
		return format{}, fmt.Errorf("%s: %w", path, err)
	}
	return fm, nil
}

// sniff detects the delimiter from the header line (a tab means Athena's
// unquoted TSV, otherwise comma-separated and quoted), checks that the header
// names t's columns in DDL order (any case), and detects the date format from
// the first data line (YYYYMMDD when its first date field has eight digits;
// Athena's format is assumed when there is no data line).
func sniff(r io.Reader, t cdm.Table) (format, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	header, err := readLine(br)
	if err != nil {
		return format{}, fmt.Errorf("%w: %v", ErrBadHeader, err)
	}
	header = strings.TrimPrefix(header, "\ufeff")
	fm := format{delim: ',', quoted: true}
	if strings.ContainsRune(header, '\t') || (len(t.Columns) == 1 && !strings.Contains(header, ",")) {
		fm = format{delim: '\t'}
	}
	if err := checkHeader(splitLine(header, fm), t); err != nil {
		return format{}, err
	}
	fm.compactDates = true
	first, err := readLine(br)
	if err != nil { // header only: nothing to detect
		return fm, nil
	}
	fields := splitLine(first, fm)
	for i, c := range t.Columns {
		if c.Type == "date" && i < len(fields) {
			fm.compactDates = compactDate.MatchString(fields[i])
			break
		}
	}
	return fm, nil
}

// readLine reads one line without its terminator; it fails on an empty
// input or a line longer than maxLine.
func readLine(br *bufio.Reader) (string, error) {
	var sb strings.Builder
	for {
		chunk, err := br.ReadSlice('\n')
		sb.Write(chunk)
		if sb.Len() > maxLine {
			return "", fmt.Errorf("line longer than %d bytes", maxLine)
		}
		if err == nil || (errors.Is(err, io.EOF) && sb.Len() > 0) {
			return strings.TrimRight(sb.String(), "\r\n"), nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return "", err
		}
	}
}

// splitLine splits a header or sample line on fm's delimiter, trimming the
// quotes of a quoted format. It is only used to sniff; DuckDB parses the data.
func splitLine(line string, fm format) []string {
	fields := strings.Split(line, string(fm.delim))
	if fm.quoted {
		for i, f := range fields {
			fields[i] = strings.Trim(strings.TrimSpace(f), `"`)
		}
	}
	return fields
}

// checkHeader reports, wrapping ErrBadHeader, how names differ from t's columns.
func checkHeader(names []string, t cdm.Table) error {
	if len(names) != len(t.Columns) {
		return fmt.Errorf("%w: %s has %d columns, the header names %d (%s)",
			ErrBadHeader, t.Name, len(t.Columns), len(names), strings.Join(names, ","))
	}
	for i, c := range t.Columns {
		if !strings.EqualFold(strings.TrimSpace(names[i]), c.Name) {
			return fmt.Errorf("%w: column %d of %s is %s, the header says %q",
				ErrBadHeader, i+1, t.Name, c.Name, names[i])
		}
	}
	return nil
}
