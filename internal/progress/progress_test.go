package progress_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cdw-dev/cdw/internal/progress"
)

func TestBarPrintsRateAndSummary(t *testing.T) {
	var buf bytes.Buffer
	b := progress.New(&buf, "load", "rows", 100)
	b.Set(10) // too soon after the start to print
	assert.Empty(t, buf.String())
	b.Finish(100)
	b.Finish(100) // once only
	out := buf.String()
	assert.Equal(t, 1, strings.Count(out, "\n"))
	assert.Contains(t, out, "load: 100/100 rows (100%)")
	assert.Contains(t, out, "rows/s, done in")
}
