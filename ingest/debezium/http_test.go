package debezium

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// post sends body to the server and decodes its answer.
func post(t *testing.T, url, body string) (int, Response) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	var r Response
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	return resp.StatusCode, r
}

func TestHTTPBodies(t *testing.T) {
	dir := t.TempDir()
	d, _ := openDoor(t, dir, Options{MaxRecordBytes: 4096, MaxRequestBytes: 16 << 10})
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()

	tests := []struct {
		name     string
		body     string
		status   int
		accepted int
		rejected []string // reasons, in order
		skipped  int
	}{
		{"one event", patientLine(1), http.StatusOK, 1, nil, 0},
		{"one pretty-printed event", prettyJSON(t, patientLine(2)), http.StatusOK, 1, nil, 0},
		{"array", "[" + strings.TrimSpace(patientLine(3)) + "," + strings.TrimSpace(patientLine(4)) + ",null]", http.StatusOK, 2, nil, 1},
		{"ndjson with a bad line", patientLine(5) + "{oops\n\n" + patientLine(6) + `{"key":{"patient_id":6},"value":null}` + "\n", http.StatusOK, 2, []string{"malformed event"}, 1},
		{"unknown op", string(bare("patient", "q", nil, obj("patient_id", 7), t0)), http.StatusOK, 0, []string{`unknown op "q"`}, 0},
		{"oversized event in an array", `[{"op":"c","pad":"` + strings.Repeat("z", 5000) + `"}]`, http.StatusOK, 0, []string{"oversized record"}, 0},
		{"unreadable", "this is not json", http.StatusBadRequest, 0, []string{"unreadable body"}, 0},
		{"broken array", "[" + patientLine(8), http.StatusBadRequest, 0, []string{"unreadable body: JSON array"}, 0},
		{"oversized request", strings.Repeat(patientLine(9), 200), http.StatusRequestEntityTooLarge, 0, []string{"oversized request"}, 0},
	}
	wantRejects := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, r := post(t, srv.URL, tc.body)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.accepted, r.Accepted)
			assert.Equal(t, tc.skipped, r.Skipped)
			require.Len(t, r.Rejected, len(tc.rejected))
			for i, reason := range tc.rejected {
				assert.Contains(t, r.Rejected[i].Reason, reason)
				assert.Contains(t, r.Rejected[i].Position, "request ")
			}
		})
		wantRejects += len(tc.rejected)
	}
	// Everything answered is durable: the creates 1..6 and every reject.
	assertPatients(t, dir, 6)
	rs := rejects(t, dir)
	assert.Len(t, rs, wantRejects)
	for _, r := range rs {
		assert.Equal(t, "debezium:http", r.Source)
	}

	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, http.MethodPost, resp.Header.Get("Allow"))
}

func prettyJSON(t *testing.T, s string) string {
	var b bytes.Buffer
	require.NoError(t, json.Indent(&b, []byte(s), "", "  "))
	return b.String()
}

func TestHTTPConcurrentRequests(t *testing.T) {
	dir := t.TempDir()
	d, _ := openDoor(t, dir, Options{})
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()

	const clients, perClient = 8, 25
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := range perClient {
				n := c*perClient + i + 1
				status, r := post(t, srv.URL, patientLine(n))
				assert.Equal(t, http.StatusOK, status)
				assert.Equal(t, 1, r.Accepted)
			}
		})
	}
	wg.Wait()
	got := changes(t, dir)
	require.Len(t, got, clients*perClient)
	seen := map[string]bool{}
	last := map[int]int{} // per client, the last patient seen: each client's requests keep their order
	for _, c := range got {
		require.False(t, seen[c.Key], "duplicate %s", c.Key)
		seen[c.Key] = true
		var n int
		_, err := fmt.Sscanf(c.Key, "[%d]", &n)
		require.NoError(t, err)
		client := (n - 1) / perClient
		require.Greater(t, n, last[client])
		last[client] = n
	}
	st := d.Stats()[EntryHTTP]
	assert.Equal(t, int64(clients*perClient), st.Accepted)
	assert.LessOrEqual(t, st.Batches, int64(clients*perClient))
	t.Logf("%d requests in %d bronze writes", clients*perClient, st.Batches)
}

func TestHTTPAfterClose(t *testing.T) {
	d, closeAll := openDoor(t, t.TempDir(), Options{})
	h := d.Handler()
	closeAll()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(patientLine(1))))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
}

// TestEntriesShareOnePosition: a write of one entry carries the positions
// of the others, so a file read before HTTP traffic is not read again after a
// restart, and LSNs keep rising across entries and restarts.
func TestEntriesShareOnePosition(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	path := filepath.Join(src, "cdc.ndjson")
	writeLines(t, path, patientLines(1, 3)...)
	d, closeDoor := openDoor(t, dir, Options{})
	require.NoError(t, d.ReadFiles(t.Context(), path))
	srv := httptest.NewServer(d.Handler())
	status, _ := post(t, srv.URL, patientLine(4)+patientLine(5))
	require.Equal(t, http.StatusOK, status)
	srv.Close()
	closeDoor()

	d, _ = openDoor(t, dir, Options{})
	writeLines(t, path, patientLine(6))
	require.NoError(t, d.ReadFiles(t.Context(), path))
	assertPatients(t, dir, 6)
	got := changes(t, dir)
	assert.Equal(t, []int64{1, 1, 1, 2, 2, 3}, []int64{got[0].LSN, got[1].LSN, got[2].LSN, got[3].LSN, got[4].LSN, got[5].LSN})
}

// postKey sends body with an Idempotency-Key and decodes the answer.
func postKey(t *testing.T, url, key, body string) (int, Response) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var r Response
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	return resp.StatusCode, r
}

// TestHTTPIdempotencyKey: a request sent again with its Idempotency-Key,
// after its answer was lost, at the same time as itself, or after a restart
// of the door, is stored once.
func TestHTTPIdempotencyKey(t *testing.T) {
	dir := t.TempDir()
	d, closeDoor := openDoor(t, dir, Options{})
	srv := httptest.NewServer(d.Handler())
	status, r := postKey(t, srv.URL, "batch-1", patientLine(1)+patientLine(2))
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, 2, r.Accepted)
	assert.False(t, r.Duplicate)

	status, r = postKey(t, srv.URL, "batch-1", patientLine(1)+patientLine(2))
	require.Equal(t, http.StatusOK, status)
	assert.True(t, r.Duplicate, "the same key again")
	assert.Zero(t, r.Accepted)

	var wg sync.WaitGroup
	dups := make(chan bool, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, r := postKey(t, srv.URL, "batch-2", patientLine(3))
			dups <- r.Duplicate
		}()
	}
	wg.Wait()
	close(dups)
	stored := 0
	for dup := range dups {
		if !dup {
			stored++
		}
	}
	assert.Equal(t, 1, stored, "eight concurrent sends of one key store it once")
	srv.Close()
	closeDoor()

	d, _ = openDoor(t, dir, Options{})
	srv = httptest.NewServer(d.Handler())
	defer srv.Close()
	_, r = postKey(t, srv.URL, "batch-2", patientLine(3))
	assert.True(t, r.Duplicate, "the key survives a restart: it is in the bronze position")
	_, r = postKey(t, srv.URL, "batch-3", patientLine(4))
	assert.Equal(t, 1, r.Accepted)
	assertPatients(t, dir, 4)
}

func TestPositionRemembersTheLatestKeys(t *testing.T) {
	var p Position
	for i := range MaxRequestKeys + 10 {
		p.addRequests([]string{fmt.Sprint(i)})
	}
	assert.Len(t, p.Requests, MaxRequestKeys)
	assert.False(t, p.hasRequest("9"), "the oldest are forgotten")
	assert.True(t, p.hasRequest("10"))
	assert.True(t, p.hasRequest(fmt.Sprint(MaxRequestKeys+9)))
}
