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

// TestPageInBrowser loads the page in headless Chromium and waits until the
// scripts have drawn the admissions chart and filled the tiles from the API.
func TestPageInBrowser(t *testing.T) {
	browser := findChromium(t)
	h := newServer(t, dashboards.Options{Status: fixtureStatus}).Handler()
	var polls atomic.Int64 // summary requests: the page polls every 5 s
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/summary" {
			polls.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
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
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	defer func() { assert.NoError(t, chromedp.Cancel(bctx), "close the browser") }()

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
}
