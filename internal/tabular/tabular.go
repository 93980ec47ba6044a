// Package tabular writes result sets for people and for programs: an aligned
// text table, CSV (RFC 4180) or a JSON array of objects. CSV and JSON
// stream row by row; the table format holds the rows it prints.
package tabular

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Format is an output format.
type Format string

// The supported formats.
const (
	Table Format = "table"
	CSV   Format = "csv"
	JSON  Format = "json"
)

// ParseFormat validates a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Table, CSV, JSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want table, csv or json)", s)
}

// Writer receives a header and then rows of already formatted cells.
type Writer interface {
	Header(cols []string) error
	Row(cells []any) error
	// Close flushes what is buffered and ends the document.
	Close() error
}

// New returns a Writer for format f on w.
func New(w io.Writer, f Format) Writer {
	switch f {
	case CSV:
		return &csvWriter{w: csv.NewWriter(w)}
	case JSON:
		return &jsonWriter{w: w}
	}
	return &tableWriter{w: w}
}

type csvWriter struct {
	w    *csv.Writer
	cols int
}

func (c *csvWriter) Header(cols []string) error { c.cols = len(cols); return c.w.Write(cols) }
func (c *csvWriter) Row(cells []any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		if v != nil {
			rec[i] = fmt.Sprint(v)
		}
	}
	return c.w.Write(rec)
}
func (c *csvWriter) Close() error { c.w.Flush(); return c.w.Error() }

type jsonWriter struct {
	w    io.Writer
	cols []string
	n    int
}

func (j *jsonWriter) Header(cols []string) error {
	j.cols = cols
	_, err := io.WriteString(j.w, "[")
	return err
}

func (j *jsonWriter) Row(cells []any) error {
	var b strings.Builder
	if j.n > 0 {
		b.WriteString(",")
	}
	b.WriteString("\n  {")
	for i, c := range j.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		k, _ := marshal(c)
		v, err := marshal(cells[i])
		if err != nil {
			return fmt.Errorf("encode column %s: %w", c, err)
		}
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
	}
	b.WriteString("}")
	j.n++
	_, err := io.WriteString(j.w, b.String())
	return err
}

// marshal is json.Marshal without HTML escaping: snippets keep their <mark>.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func (j *jsonWriter) Close() error {
	if j.cols == nil {
		_, err := io.WriteString(j.w, "[]\n")
		return err
	}
	_, err := io.WriteString(j.w, "\n]\n")
	return err
}

type tableWriter struct {
	w    io.Writer
	cols []string
	rows [][]string
}

func (t *tableWriter) Header(cols []string) error { t.cols = cols; return nil }
func (t *tableWriter) Row(cells []any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		if v == nil {
			rec[i] = "NULL"
		} else {
			rec[i] = strings.ReplaceAll(fmt.Sprint(v), "\n", " ")
		}
	}
	t.rows = append(t.rows, rec)
	return nil
}

func (t *tableWriter) Close() error {
	widths := make([]int, len(t.cols))
	for i, c := range t.cols {
		widths[i] = displayWidth(c)
	}
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)))
			}
		}
		b.WriteString("\n")
	}
	line(t.cols)
	for i, w := range widths {
		if i > 0 {
			b.WriteString("-+-")
		}
		b.WriteString(strings.Repeat("-", w))
	}
	b.WriteString("\n")
	for _, r := range t.rows {
		line(r)
	}
	fmt.Fprintf(&b, "(%d row%s)\n", len(t.rows), plural(len(t.rows)))
	_, err := io.WriteString(t.w, b.String())
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// displayWidth counts East Asian wide characters as two columns, so tables
// of Chinese text stay aligned in a terminal.
func displayWidth(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
