package fhir_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/ingest/fhir"
)

const token = "s3cret"

// bulkServer is a FHIR Bulk Data server over an export directory: kick-off,
// status polling (first 202 with Retry-After and X-Progress, then a 503),
// and file downloads (a 429 on the first request of each file, Range
// requests when honourRange), plus one error file of OperationOutcomes.
type bulkServer struct {
	t           *testing.T
	dir         string
	honourRange bool
	failKickOff bool
	missing     string // a file answered with 404
	failStatus  bool   // the export fails on the server
	publicFiles bool   // files need no token and must not receive one

	mu        sync.Mutex
	kickOffs  []string // request URIs
	export    int      // current export number
	expired   map[int]bool
	polls     int
	pollTimes []time.Time
	busyFiles map[string]bool
	ranges    []string
	released  int
}

func newBulkServer(t *testing.T, dir string) (*bulkServer, *httptest.Server) {
	s := &bulkServer{t: t, dir: dir, honourRange: true, expired: map[int]bool{}, busyFiles: map[string]bool{}}
	writeLines(t, filepath.Join(dir, "errors.ndjson"),
		[]byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"Observation/lab-99 could not be read: storage fault"}]}`),
		[]byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"warning","code":"too-costly","details":{"text":"Immunization export truncated"}}]}`))
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *bulkServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	auth := r.Header.Get("Authorization")
	if s.publicFiles && strings.HasPrefix(r.URL.Path, "/files/") {
		if auth != "" {
			outcome(w, http.StatusBadRequest, "credentials sent to a file server")
			return
		}
	} else if auth != "Bearer "+token {
		outcome(w, http.StatusUnauthorized, "no token")
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/$export"):
		s.kickOff(w, r)
	case strings.HasPrefix(r.URL.Path, "/status/"):
		s.status(w, r)
	case strings.HasPrefix(r.URL.Path, "/files/"):
		s.file(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *bulkServer) kickOff(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Accept") != "application/fhir+json" || r.Header.Get("Prefer") != "respond-async" {
		outcome(w, http.StatusBadRequest, "Accept and Prefer headers required")
		return
	}
	s.kickOffs = append(s.kickOffs, r.URL.RequestURI())
	if s.failKickOff {
		outcome(w, http.StatusBadRequest, "unsupported _type: Spaceship")
		return
	}
	s.export++
	s.polls = 0
	w.Header().Set("Content-Location", fmt.Sprintf("http://%s/status/%d", r.Host, s.export))
	w.WriteHeader(http.StatusAccepted)
}

func (s *bulkServer) status(w http.ResponseWriter, r *http.Request) {
	var n int
	fmt.Sscanf(r.URL.Path, "/status/%d", &n)
	if n != s.export || s.expired[n] {
		outcome(w, http.StatusNotFound, "no such export")
		return
	}
	if r.Method == http.MethodDelete {
		s.released++
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if s.failStatus {
		outcome(w, http.StatusInternalServerError, "export job crashed")
		return
	}
	s.polls++
	s.pollTimes = append(s.pollTimes, time.Now())
	switch s.polls {
	case 1:
		w.Header().Set("Retry-After", "1")
		w.Header().Set("X-Progress", "10% (Patient)")
		w.WriteHeader(http.StatusAccepted)
	case 2:
		w.Header().Set("X-Progress", "80% (Observation)")
		w.WriteHeader(http.StatusAccepted)
	case 3:
		w.Header().Set("Retry-After", "0")
		outcome(w, http.StatusServiceUnavailable, "busy")
	default:
		s.manifest(w, r)
	}
}

func (s *bulkServer) manifest(w http.ResponseWriter, r *http.Request) {
	type file struct {
		Type  string `json:"type"`
		URL   string `json:"url"`
		Count int    `json:"count"`
	}
	m := struct {
		TransactionTime     string `json:"transactionTime"`
		Request             string `json:"request"`
		RequiresAccessToken bool   `json:"requiresAccessToken"`
		Output              []file `json:"output"`
		Error               []file `json:"error"`
	}{TransactionTime: txTime.Format(time.RFC3339), Request: s.kickOffs[len(s.kickOffs)-1], RequiresAccessToken: !s.publicFiles}
	paths, _ := filepath.Glob(filepath.Join(s.dir, "*.ndjson"))
	sort.Strings(paths)
	for _, p := range paths {
		name := filepath.Base(p)
		f := file{Type: strings.TrimSuffix(name, ".ndjson"), URL: "http://" + r.Host + "/files/" + name, Count: len(lines(s.t, p))}
		if name == "errors.ndjson" {
			f.Type = "OperationOutcome"
			m.Error = append(m.Error, f)
		} else {
			m.Output = append(m.Output, f)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(m)
}

func (s *bulkServer) file(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/files/")
	if name == s.missing {
		outcome(w, http.StatusNotFound, name+" was deleted")
		return
	}
	if !s.busyFiles[name] {
		s.busyFiles[name] = true
		w.Header().Set("Retry-After", "0")
		outcome(w, http.StatusTooManyRequests, "slow down")
		return
	}
	f, err := os.Open(filepath.Join(s.dir, filepath.Base(name)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	if rg := r.Header.Get("Range"); rg != "" {
		s.ranges = append(s.ranges, name+" "+rg)
		if !s.honourRange {
			r.Header.Del("Range")
		}
	}
	w.Header().Set("Content-Type", "application/fhir+ndjson")
	http.ServeContent(w, r, name, time.Time{}, f)
}

// outcome answers with an OperationOutcome.
func outcome(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/fhir+json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":%q}]}`, msg)
}

// exportOptions are the client options against srv.
func exportOptions(srv *httptest.Server, progress func(fhir.ExportProgress)) fhir.ExportOptions {
	return fhir.ExportOptions{BaseURL: srv.URL + "/fhir", BearerToken: token, Client: srv.Client(),
		MinPoll: time.Millisecond, MaxPoll: 2 * time.Second, Progress: progress}
}

func TestExportProtocol(t *testing.T) {
	dir := hospitalExport(t)
	want := lineCounts(t, dir)
	s, srv := newBulkServer(t, dir)
	bronzeDir := filepath.Join(t.TempDir(), "fhir")
	d, log := openDoor(t, bronzeDir, fhir.Options{MaxBatch: 1000})

	var progress []string
	o := exportOptions(srv, func(p fhir.ExportProgress) {
		if p.Phase == "in-progress" {
			progress = append(progress, p.Progress)
		}
	})
	o.Types, o.Since = []string{"Patient", "Observation"}, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	o.Group = "icu"
	require.NoError(t, d.Export(context.Background(), o))

	assertOnce(t, bronzeDir, want)
	assert.Equal(t, []string{"/fhir/Group/icu/$export?_since=2025-01-01T00%3A00%3A00Z&_type=Patient%2CObservation"}, s.kickOffs)
	assert.Equal(t, []string{"10% (Patient)", "80% (Observation)"}, progress, "X-Progress reaches the callback")
	require.Len(t, s.pollTimes, 4, "two 202s, one 503, then the manifest")
	assert.GreaterOrEqual(t, s.pollTimes[1].Sub(s.pollTimes[0]), 900*time.Millisecond, "Retry-After: 1 is honoured")
	assert.Equal(t, 1, s.released, "the export is released once durable")

	rejects, err := bronze.ReadRejects(bronzeDir)
	require.NoError(t, err)
	require.Len(t, rejects, 2)
	assert.Equal(t, "fhir:errors.ndjson", rejects[0].Source)
	assert.Equal(t, "errors.ndjson:1", rejects[0].Position)
	assert.Equal(t, "server error: error processing: Observation/lab-99 could not be read: storage fault", rejects[0].Reason)
	assert.Equal(t, "server error: warning too-costly: Immunization export truncated", rejects[1].Reason)

	t.Run("the next export starts afresh and finds nothing new", func(t *testing.T) {
		rows := log.Manifest().Rows
		o := exportOptions(srv, nil)
		o.Patient, o.SinceLast = true, true
		require.NoError(t, d.Export(context.Background(), o))
		assert.Len(t, s.kickOffs, 2)
		assert.Equal(t, "/fhir/Patient/$export?_since=2025-06-01T12%3A00%3A00Z", s.kickOffs[1], "since the last export's transactionTime")
		assert.Equal(t, rows, log.Manifest().Rows)
	})
}

func TestExportResumesAfterCrashMidDownload(t *testing.T) {
	dir := hospitalExport(t)
	want := lineCounts(t, dir)
	for _, honour := range []bool{true, false} {
		t.Run(fmt.Sprintf("server honours Range: %v", honour), func(t *testing.T) {
			s, srv := newBulkServer(t, dir)
			s.honourRange = honour
			bronzeDir := filepath.Join(t.TempDir(), "fhir")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			commits, inObservation := 0, false
			d, log := openDoor(t, bronzeDir, fhir.Options{MaxBatch: 500, OnCommit: func(fhir.Commit) {
				if inObservation {
					commits++
				}
				if commits == 2 {
					cancel() // two batches into Observation.ndjson
				}
			}})
			require.Greater(t, want["Observation"], 2*500)
			require.ErrorIs(t, d.Export(ctx, exportOptions(srv, func(p fhir.ExportProgress) {
				inObservation = p.Phase == "download" && strings.HasSuffix(p.File, "/Observation.ndjson")
			})), context.Canceled)
			partial := log.Manifest().Rows
			require.Greater(t, partial, int64(0))

			d, _ = restart(t, log, fhir.Options{})
			require.NoError(t, d.Export(context.Background(), exportOptions(srv, nil)))
			assertOnce(t, bronzeDir, want)
			assert.Len(t, s.kickOffs, 1, "the stored export is resumed, not started again")
			require.Len(t, s.ranges, 1, "only the interrupted file is asked for again")
			assert.Regexp(t, `^Observation\.ndjson bytes=[1-9][0-9]*-$`, s.ranges[0])
			rejects, err := bronze.ReadRejects(bronzeDir)
			require.NoError(t, err)
			assert.Len(t, rejects, 2, "the error file once")
		})
	}
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, filepath.Join(dir, "Patient.ndjson"), []byte(`{"resourceType":"Patient","id":"1"}`))

	t.Run("a refused kick-off names the server's OperationOutcome", func(t *testing.T) {
		s, srv := newBulkServer(t, dir)
		s.failKickOff = true
		d, _ := openDoor(t, filepath.Join(t.TempDir(), "fhir"), fhir.Options{})
		err := d.Export(context.Background(), exportOptions(srv, nil))
		var ee *fhir.ExportError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, http.StatusBadRequest, ee.Status)
		assert.Equal(t, "fhir: $export kick-off: HTTP 400: error processing: unsupported _type: Spaceship", err.Error())
	})
	t.Run("a failed download names the file and the server's OperationOutcome", func(t *testing.T) {
		s, srv := newBulkServer(t, dir)
		s.missing = "Patient.ndjson"
		d, _ := openDoor(t, filepath.Join(t.TempDir(), "fhir"), fhir.Options{})
		err := d.Export(context.Background(), exportOptions(srv, nil))
		var ee *fhir.ExportError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, http.StatusNotFound, ee.Status)
		assert.Equal(t, "fhir: $export download "+srv.URL+"/files/Patient.ndjson: HTTP 404: error processing: Patient.ndjson was deleted", err.Error())
	})
	t.Run("a failed export names the server's OperationOutcome", func(t *testing.T) {
		s, srv := newBulkServer(t, dir)
		s.failStatus = true
		d, _ := openDoor(t, filepath.Join(t.TempDir(), "fhir"), fhir.Options{})
		err := d.Export(context.Background(), exportOptions(srv, nil))
		assert.EqualError(t, err, "fhir: $export status: HTTP 500: error processing: export job crashed")
	})
	t.Run("a bad token is refused", func(t *testing.T) {
		_, srv := newBulkServer(t, dir)
		d, _ := openDoor(t, filepath.Join(t.TempDir(), "fhir"), fhir.Options{})
		o := exportOptions(srv, nil)
		o.BearerToken = "wrong"
		var ee *fhir.ExportError
		require.ErrorAs(t, d.Export(context.Background(), o), &ee)
		assert.Equal(t, http.StatusUnauthorized, ee.Status)
	})
	t.Run("an expired export is started again", func(t *testing.T) {
		s, srv := newBulkServer(t, dir)
		bronzeDir := filepath.Join(t.TempDir(), "fhir")
		d, log := openDoor(t, bronzeDir, fhir.Options{})
		ctx, cancel := context.WithCancel(context.Background())
		require.ErrorIs(t, d.Export(ctx, exportOptions(srv, func(p fhir.ExportProgress) {
			if p.Phase == "in-progress" {
				cancel()
			}
		})), context.Canceled)
		assert.Contains(t, log.Manifest().Position, "/status/1", "the status URL is durable before polling")
		s.mu.Lock()
		s.expired[1] = true
		s.mu.Unlock()
		d, _ = restart(t, log, fhir.Options{})
		require.NoError(t, d.Export(context.Background(), exportOptions(srv, nil)))
		assert.Len(t, s.kickOffs, 2)
		changes, err := bronze.ReadAll(bronzeDir)
		require.NoError(t, err)
		assert.Len(t, changes, 1)
	})
}

func TestExportSendsNoCredentialsToPublicFiles(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, filepath.Join(dir, "Patient.ndjson"), []byte(`{"resourceType":"Patient","id":"1"}`))
	s, srv := newBulkServer(t, dir)
	s.publicFiles = true
	bronzeDir := filepath.Join(t.TempDir(), "fhir")
	d, _ := openDoor(t, bronzeDir, fhir.Options{})
	o := exportOptions(srv, nil)
	o.Header = http.Header{"X-Tenant": {"icu"}}
	require.NoError(t, d.Export(context.Background(), o))
	changes, err := bronze.ReadAll(bronzeDir)
	require.NoError(t, err)
	assert.Len(t, changes, 1)
}

func TestExportOptionsAreValidated(t *testing.T) {
	d, _ := openDoor(t, filepath.Join(t.TempDir(), "fhir"), fhir.Options{})
	for _, o := range []fhir.ExportOptions{
		{BaseURL: "ftp://x"},
		{BaseURL: "http://x", Group: "a b"},
		{BaseURL: "http://x", Group: "g", Patient: true},
		{BaseURL: "http://x", Types: []string{"bad type"}},
		{BaseURL: "http://x", MinPoll: time.Minute, MaxPoll: time.Second},
	} {
		assert.ErrorIs(t, d.Export(context.Background(), o), fhir.ErrInvalidOptions, "%+v", o)
	}
}
