package dashboards_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/dashboards"
)

// findChromium returns the path of a Chromium-like browser. Without one the
// test is skipped locally but fails in CI, where nothing may be skipped.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium, chromium-browser or google-chrome on PATH, and CI=true forbids skipping")
	}
	t.Skip("no chromium, chromium-browser or google-chrome on PATH")
	return ""
}

// startBrowser starts headless Chromium for at most a minute and returns
// its context; the browser closes when the test ends.
func startBrowser(t *testing.T, browser string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1400, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		assert.NoError(t, chromedp.Cancel(bctx), "close the browser")
		cancelBrowser()
		cancelAlloc()
		cancel()
	})
	return bctx
}

// TestPageInBrowser loads the page in headless Chromium and waits until the
// scripts have drawn the admissions chart, filled the tiles and drawn the
// data-quality and characterization panels from the API; then it loads a
// snapshot built before those panels' tables existed.
func TestPageInBrowser(t *testing.T) {
	browser := findChromium(t)
	h := newServer(t, dashboards.Options{Status: fixtureStatus, Warehouse: openDerived(t, fullDerived)}).Handler()
	var polls atomic.Int64 // summary requests: the page polls every 5 s
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/summary" {
			polls.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()

	bctx := startBrowser(t, browser)
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/")))
	_, err := chromedp.Run(bctx, chromedp.Poll[bool](`document.documentElement.dataset.ready === "true"
		&& document.querySelectorAll("#admissions-chart svg rect.bar").length > 0
		&& document.getElementById("persons").textContent === "5"`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "the page never rendered the fixture")

	bars, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#admissions-chart rect.bar").length`))
	require.NoError(t, err)
	assert.Equal(t, 8, bars, "one bar segment per non-zero (day, visit type) of the 30-day window")
	for sel, want := range map[string]string{
		"#snapshot": "00000001-20240315T090000Z", "#visits-total": "10", "#notes": "4",
		"#conditions": "3", "#admitted-now": "2", "#mean-los": "2.75 days",
	} {
		got, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS(sel)))
		require.NoError(t, err, sel)
		assert.Equal(t, want, got, sel)
	}
	stages, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#pipeline tr.stage").length`))
	require.NoError(t, err)
	assert.Equal(t, 3, stages)
	doors, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#pipeline tr.door")].map((r) => r.innerText.replace(/\s+/g, " ").trim())`))
	require.NoError(t, err)
	require.Len(t, doors, 2, "one row per ingest door")
	assert.Contains(t, doors[0], "hl7")
	assert.Contains(t, doors[0], "1,204")
	errorsShown, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#pipeline tr.door.has-errors").length`))
	require.NoError(t, err)
	assert.Equal(t, 1, errorsShown, "the door with refused records is marked")
	status, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.getElementById("status").hidden`))
	require.NoError(t, err)
	assert.True(t, status, "no error banner")

	checkDerivedPanels(t, bctx)

	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "dashboard.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	img, err := png.Decode(bytes.NewReader(shot))
	require.NoError(t, err, "screenshot is a PNG")
	assert.Greater(t, img.Bounds().Dx(), 1000)
	if dir := os.Getenv("DASHBOARDS_SCREENSHOT_DIR"); dir != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "dashboard.png"), shot, 0o644))
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))

	assert.Eventually(t, func() bool { return polls.Load() >= 2 }, 8*time.Second, 100*time.Millisecond,
		"the page refreshes itself every 5 s")

	// A snapshot built before the checks and Achilles existed.
	older := httptest.NewServer(newServer(t, dashboards.Options{}).Handler())
	defer older.Close()
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(older.URL+"/")))
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`document.documentElement.dataset.ready === "true"
		&& document.querySelector("#dq-body .not-computed") !== null
		&& document.querySelector("#char-body .not-computed") !== null`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "the derived panels never said they were not computed")
	text, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS("#dq-body")))
	require.NoError(t, err)
	assert.Contains(t, text, "Not computed for this snapshot")
}

// checkDerivedPanels checks the data-quality and characterization panels
// the page has drawn from the derived fixture.
func checkDerivedPanels(t *testing.T, bctx context.Context) {
	t.Helper()
	_, err := chromedp.Run(bctx, chromedp.Poll[bool](`document.querySelectorAll("#dq-body tr.dq-failure").length > 0
		&& document.querySelectorAll("#char-body tr.top-concept").length > 0`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "the derived panels never rendered")
	rowsOf := func(sel string) []string {
		rows, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(`+"`"+sel+"`"+`)].map((r) => (r.children.length ? [...r.children] : [r])
			.map((c) => c.textContent.replace(/\s+/g, " ").trim()).join(" "))`))
		require.NoError(t, err, sel)
		return rows
	}
	failures := rowsOf("#dq-body tr.dq-failure")
	require.Len(t, failures, 3, "one row per failed check")
	for i, want := range [][]string{
		{"isForeignKey", "note.visit_occurrence_id", "25 %", "≤ 0 %", "1 / 4", "note_id=3"},
		{"standardConceptRecordCompleteness", "condition_occurrence.condition_concept_id", "100 %", "≤ 5 %", "I21.9; J18.9; K35.8"},
		{"plausibleDuringLife", "Plausibility", "20 %", "person_id=5"},
	} {
		for _, w := range want {
			assert.Contains(t, failures[i], w, "failed check %d", i)
		}
	}
	cats := rowsOf("#dq-body tr.dq-category")
	assert.Equal(t, []string{"Conformance 3 2 1", "Completeness 1 0 1", "Plausibility 2 1 1"}, cats)

	ages, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#char-body svg.pyramid g.age-row").length`))
	require.NoError(t, err)
	assert.Equal(t, 10, ages, "one row per age band")
	seventies := rowsOf(`#char-body g.age-row[data-age="70-79"] title`)
	assert.Equal(t, []string{"70-79: male 2, female 2, other 0"}, seventies)
	assert.Equal(t, []string{"visit_occurrence 10 5", "person 5 5", "note 4 3", "condition_occurrence 3 3"}, rowsOf("#char-body tr.domain-row"))
	visits := rowsOf(`#char-body .top-domain[data-domain="Visit"] tr.top-concept`)
	assert.Equal(t, []string{"Inpatient Visit 9201 5 4", "Outpatient Visit 9202 2 2", "Emergency Room Visit 9203 2 2", "581476 1 1"}, visits)
	assert.Len(t, rowsOf("#char-body .top-domain"), 3, "visits, conditions and notes have concepts")
}
