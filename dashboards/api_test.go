package dashboards_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/dashboards"
)

// get serves one request through h and returns the recorder.
func get(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), method, path, nil))
	return rec
}

const fixtureSummary = `{"snapshot": "00000001-20240315T090000Z", "persons": 5,
	"visits": {"inpatient": 5, "outpatient": 2, "emergency": 2, "other": 1, "total": 10},
	"conditions": 3, "notes": 4, "admitted_now": 2, "mean_los_days": 2.75, "window_days": 30}`

func TestEndpoints(t *testing.T) {
	h := newServer(t, dashboards.Options{Status: fixtureStatus}).Handler()
	for _, tc := range []struct {
		name, path string
		want       string // JSON answer with status 200
	}{
		{"summary", "/api/summary", fixtureSummary},
		{"summary 7 days: nobody discharged", "/api/summary?days=7",
			`{"snapshot": "00000001-20240315T090000Z", "persons": 5,
			"visits": {"inpatient": 5, "outpatient": 2, "emergency": 2, "other": 1, "total": 10},
			"conditions": 3, "notes": 4, "admitted_now": 2, "mean_los_days": 0, "window_days": 7}`},
		{"summary 90 days: January stay counts", "/api/summary?days=90",
			`{"snapshot": "00000001-20240315T090000Z", "persons": 5,
			"visits": {"inpatient": 5, "outpatient": 2, "emergency": 2, "other": 1, "total": 10},
			"conditions": 3, "notes": 4, "admitted_now": 2, "mean_los_days": 2.5, "window_days": 90}`},
		{"admissions 7 days", "/api/admissions?days=7", `{"days": 7, "from": "2024-03-09", "to": "2024-03-15", "series": [
			{"date": "2024-03-09", "inpatient": 0, "outpatient": 0, "emergency": 0},
			{"date": "2024-03-10", "inpatient": 1, "outpatient": 0, "emergency": 1},
			{"date": "2024-03-11", "inpatient": 0, "outpatient": 0, "emergency": 0},
			{"date": "2024-03-12", "inpatient": 0, "outpatient": 1, "emergency": 1},
			{"date": "2024-03-13", "inpatient": 0, "outpatient": 0, "emergency": 0},
			{"date": "2024-03-14", "inpatient": 1, "outpatient": 0, "emergency": 0},
			{"date": "2024-03-15", "inpatient": 0, "outpatient": 0, "emergency": 0}]}`},
		{"admissions 1 day", "/api/admissions?days=1", `{"days": 1, "from": "2024-03-15", "to": "2024-03-15",
			"series": [{"date": "2024-03-15", "inpatient": 0, "outpatient": 0, "emergency": 0}]}`},
		{"pipeline", "/api/pipeline", `{"running": true,
			"source_lsn": "0/1A2B3C40", "bronze_lsn": "0/1A2B3C40", "snapshot_lsn": "0/1A2B0000",
			"bronze_lag_bytes": 0, "snapshot_lag_bytes": 15424,
			"snapshot": "00000001-20240315T090000Z", "snapshot_created": "2024-03-15T09:00:00Z",
			"indexed_snapshot": "00000000-20240315T080000Z", "last_change": "2024-03-15T09:59:48Z",
			"stages": [
				{"name": "cdc", "status": "ok", "detail": "streaming", "updated_at": "2024-03-15T09:59:50Z"},
				{"name": "transform", "status": "behind", "detail": "15 KiB of WAL not yet in the CDM", "updated_at": "2024-03-15T09:00:00Z"},
				{"name": "search", "status": "error", "detail": "index build failed: disk full", "updated_at": "2024-03-15T08:00:00Z"}],
			"doors": [
				{"source": "hl7", "position": "{\"mllp\":\"ctl-9912\"}", "changes": 1204, "rate_per_s": 3.5, "errors": 2, "last_change": "2024-03-15T09:59:40Z"},
				{"source": "postgres", "position": "0/1A2B3C40", "changes": 98765, "rate_per_s": 120.25, "errors": 0, "last_change": "2024-03-15T09:59:48Z"}],
			"checked_at": "2024-03-15T10:00:00Z",
			"last_change_age_seconds": 12, "snapshot_age_seconds": 3600}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(h, http.MethodGet, tc.path)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			assert.JSONEq(t, tc.want, rec.Body.String())
		})
	}
}

func TestAdmissionsFillsEveryDay(t *testing.T) {
	h := newServer(t, dashboards.Options{}).Handler()
	rec := get(h, http.MethodGet, "/api/admissions")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var got struct {
		Days   int    `json:"days"`
		From   string `json:"from"`
		To     string `json:"to"`
		Series []struct {
			Date                             string `json:"date"`
			Inpatient, Outpatient, Emergency int64
		} `json:"series"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	assert.Equal(t, 30, got.Days)
	assert.Equal(t, "2024-02-15", got.From)
	require.Len(t, got.Series, 30)
	assert.Equal(t, "2024-02-15", got.Series[0].Date)
	assert.Equal(t, "2024-03-15", got.Series[29].Date)
	busy := map[string][3]int64{
		"2024-02-20": {1, 0, 0}, "2024-03-01": {1, 1, 0}, "2024-03-10": {1, 0, 1},
		"2024-03-12": {0, 1, 1}, "2024-03-14": {1, 0, 0},
	}
	var total [3]int64
	for i, d := range got.Series {
		if i > 0 {
			assert.Less(t, got.Series[i-1].Date, d.Date, "days ascend")
		}
		c := [3]int64{d.Inpatient, d.Outpatient, d.Emergency}
		assert.Equal(t, busy[d.Date], c, d.Date) // zero for every other day
		for k := range c {
			total[k] += c[k]
		}
	}
	assert.Equal(t, [3]int64{4, 2, 2}, total, "January's stay and the home visit are not in the window's series")
}

func TestBadRequests(t *testing.T) {
	logger, buf := bufferLogger()
	h := newServer(t, dashboards.Options{Status: fixtureStatus, Logger: logger}).Handler()
	for _, tc := range []struct {
		method, path string
		status       int
		errContains  string
	}{
		{http.MethodGet, "/api/admissions?days=0", http.StatusBadRequest, "days"},
		{http.MethodGet, "/api/admissions?days=3651", http.StatusBadRequest, "days"},
		{http.MethodGet, "/api/admissions?days=-3", http.StatusBadRequest, "days"},
		{http.MethodGet, "/api/admissions?days=abc", http.StatusBadRequest, "days"},
		{http.MethodGet, "/api/admissions?days=1.5", http.StatusBadRequest, "days"},
		{http.MethodGet, "/api/summary?days=forever", http.StatusBadRequest, "days"},
		{http.MethodPost, "/api/summary", http.StatusMethodNotAllowed, "POST"},
		{http.MethodPost, "/api/admissions", http.StatusMethodNotAllowed, "POST"},
		{http.MethodPut, "/api/pipeline", http.StatusMethodNotAllowed, "PUT"},
		{http.MethodDelete, "/", http.StatusMethodNotAllowed, "DELETE"},
		{http.MethodPost, "/healthz", http.StatusMethodNotAllowed, "POST"},
		{http.MethodHead, "/api/summary", http.StatusMethodNotAllowed, "HEAD"},
		{http.MethodGet, "/api/nope", http.StatusNotFound, "/api/nope"},
		{http.MethodGet, "/assets/secret.txt", http.StatusNotFound, "secret.txt"},
		{http.MethodGet, "/assets/index.html", http.StatusNotFound, "index.html"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := get(h, tc.method, tc.path)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			if tc.status == http.StatusMethodNotAllowed {
				assert.Equal(t, http.MethodGet, rec.Header().Get("Allow"))
			}
			if tc.method == http.MethodHead {
				return
			}
			var body struct{ Error string }
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.Contains(t, body.Error, tc.errContains)
		})
	}
	assert.Contains(t, buf.String(), "status=400")
	assert.Contains(t, buf.String(), "status=405")
}

func TestPipeline(t *testing.T) {
	w := openFixture(t, allTables...)
	t.Run("not running", func(t *testing.T) {
		rec := get(newServer(t, dashboards.Options{Warehouse: w}).Handler(), http.MethodGet, "/api/pipeline")
		require.Equal(t, http.StatusOK, rec.Code)
		assert.JSONEq(t, `{"running": false}`, rec.Body.String())
	})
	t.Run("nothing known yet", func(t *testing.T) {
		empty := func(context.Context) (dashboards.PipelineStatus, error) { return dashboards.PipelineStatus{}, nil }
		rec := get(newServer(t, dashboards.Options{Warehouse: w, Status: empty}).Handler(), http.MethodGet, "/api/pipeline")
		require.Equal(t, http.StatusOK, rec.Code)
		assert.JSONEq(t, `{"running": true, "source_lsn": "", "bronze_lsn": "", "snapshot_lsn": "",
			"bronze_lag_bytes": 0, "snapshot_lag_bytes": 0, "snapshot": "", "indexed_snapshot": "", "stages": [], "doors": []}`, rec.Body.String())
	})
	t.Run("status fails", func(t *testing.T) {
		logger, buf := bufferLogger()
		broken := func(context.Context) (dashboards.PipelineStatus, error) {
			return dashboards.PipelineStatus{}, errors.New("dial tcp 10.0.0.7:5432: connection refused")
		}
		rec := get(newServer(t, dashboards.Options{Warehouse: w, Status: broken, Logger: logger}).Handler(), http.MethodGet, "/api/pipeline")
		require.Equal(t, http.StatusServiceUnavailable, rec.Code)
		assert.JSONEq(t, `{"error": "read pipeline status failed"}`, rec.Body.String(), "internals stay in the log")
		assert.Contains(t, buf.String(), "connection refused")
		assert.Contains(t, buf.String(), "level=ERROR")
	})
}

func TestMissingTablesCountZero(t *testing.T) {
	h := newServer(t, dashboards.Options{Warehouse: openFixture(t, "person")}).Handler()
	rec := get(h, http.MethodGet, "/api/summary")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.JSONEq(t, `{"snapshot": "00000001-20240315T090000Z", "persons": 5,
		"visits": {"inpatient": 0, "outpatient": 0, "emergency": 0, "other": 0, "total": 0},
		"conditions": 0, "notes": 0, "admitted_now": 0, "mean_los_days": 0, "window_days": 30}`, rec.Body.String())

	rec = get(h, http.MethodGet, "/api/admissions?days=3")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.JSONEq(t, `{"days": 3, "from": "2024-03-13", "to": "2024-03-15", "series": [
		{"date": "2024-03-13", "inpatient": 0, "outpatient": 0, "emergency": 0},
		{"date": "2024-03-14", "inpatient": 0, "outpatient": 0, "emergency": 0},
		{"date": "2024-03-15", "inpatient": 0, "outpatient": 0, "emergency": 0}]}`, rec.Body.String())
}

// failingQuerier fails every query as a broken warehouse would.
type failingQuerier struct{}

func (failingQuerier) QueryContext(context.Context, string, ...any) (*sql.Rows, error) {
	return nil, errors.New("warehouse: query: IO Error: No files found that match the pattern \"/data/cdm/snapshots/x/person.parquet\"")
}

func TestWarehouseFailureIs500(t *testing.T) {
	logger, buf := bufferLogger()
	h := newServer(t, dashboards.Options{Warehouse: failingQuerier{}, Logger: logger}).Handler()
	for path, op := range map[string]string{"/api/summary": "count person", "/api/admissions": "count admissions per day"} {
		rec := get(h, http.MethodGet, path)
		require.Equal(t, http.StatusInternalServerError, rec.Code, path)
		assert.JSONEq(t, `{"error": "`+op+` failed"}`, rec.Body.String(), "paths stay in the log")
	}
	assert.Contains(t, buf.String(), "person.parquet")
}

func TestPageAndHealth(t *testing.T) {
	h := newServer(t, dashboards.Options{}).Handler()
	rec := get(h, http.MethodGet, "/healthz")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "ok", rec.Body.String())

	rec = get(h, http.MethodGet, "/")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Contains(t, rec.Header().Get("Content-Security-Policy"), "default-src 'self'")
	page := rec.Body.String()
	for _, want := range []string{`<html lang="en">`, `lang="zh-CN"`, `src="/assets/app.js"`, `href="/assets/style.css"`, `id="admissions-chart"`} {
		assert.Contains(t, page, want)
	}
	assert.NotContains(t, page, "http://", "no external resources")
	assert.NotContains(t, page, "https://", "no external resources")

	for _, tc := range []struct{ path, ctype, body string }{
		{"/assets/app.js", "text/javascript", "use strict"},
		{"/assets/style.css", "text/css", `"Noto Sans CJK SC"`},
	} {
		rec = get(h, http.MethodGet, tc.path)
		require.Equal(t, http.StatusOK, rec.Code, tc.path)
		assert.Contains(t, rec.Header().Get("Content-Type"), tc.ctype)
		assert.Contains(t, rec.Body.String(), tc.body, tc.path)
	}
}

func TestNewValidates(t *testing.T) {
	_, err := dashboards.New(dashboards.Options{})
	require.ErrorContains(t, err, "Warehouse is required")
	_, err = dashboards.New(dashboards.Options{Warehouse: failingQuerier{}, QueryTimeout: -1})
	require.ErrorContains(t, err, "QueryTimeout")
}
