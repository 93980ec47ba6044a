package fhir

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// download ingests every file of the manifest not yet complete.
func (d *Door) download(ctx context.Context, c *exportClient, m exportManifest) error {
	st := d.pos.Export
	st.TransactionTime = m.TransactionTime
	if st.Files == nil {
		st.Files = map[string]*fileState{}
	}
	fallback := m.transactionTime()
	if fallback.IsZero() {
		fallback = time.Now().UTC()
	}
	files := m.files()
	for i, f := range files {
		fs := st.Files[f.URL]
		if fs == nil {
			fs = &fileState{}
			st.Files[f.URL] = fs
		}
		if fs.Done {
			continue
		}
		c.progress(ExportProgress{Phase: "download", StatusURL: st.StatusURL, File: f.URL, FilesDone: i, Files: len(files)})
		start := time.Now()
		if err := d.downloadFile(ctx, c, m.RequiresAccessToken, f, fs, fallback); err != nil {
			return err
		}
		fs.Done = true
		d.metrics.downloaded(time.Since(start).Seconds())
		c.progress(ExportProgress{Phase: "downloaded", StatusURL: st.StatusURL, File: f.URL, FilesDone: i + 1, Files: len(files)})
	}
	return nil
}

// downloadFile streams one file into the batch from fs.Offset on.
func (d *Door) downloadFile(ctx context.Context, c *exportClient, token bool, f manifestEntry, fs *fileState, fallback time.Time) error {
	u, err := url.Parse(d.pos.Export.StatusURL)
	if err == nil {
		u, err = u.Parse(f.URL)
	}
	if err != nil {
		return fmt.Errorf("fhir: $export file url %q: %w", f.URL, err)
	}
	op := "download " + u.String()
	resp, err := c.do(ctx, op, u.String(), func(r *http.Request) {
		r.Header.Set("Accept", "application/fhir+ndjson")
		if fs.Offset > 0 {
			r.Header.Set("Range", "bytes="+strconv.FormatInt(fs.Offset, 10)+"-")
		}
		c.authorize(r, token)
	})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := skipConsumed(resp, op, fs.Offset); err != nil {
		if errors.Is(err, errComplete) {
			return nil
		}
		return err
	}
	name := path.Base(u.Path)
	if name == "." || name == "/" {
		name = f.Type + ".ndjson"
	}
	d.logger.Info("fhir: downloading", "url", u.String(), "from", fs.Offset, "status", resp.StatusCode)
	return d.consume(ctx, resp.Body, input{name: name, kind: f.kind, state: fs, fallback: fallback})
}

// errComplete reports a resumed file with nothing left to read.
var errComplete = errors.New("file already consumed")

// skipConsumed positions resp's body at byte off: a 206 must start there,
// a 200 is read and discarded up to it, a 416 means nothing is left; any
// other answer is an *ExportError.
func skipConsumed(resp *http.Response, op string, off int64) error {
	switch resp.StatusCode {
	case http.StatusOK:
		if off == 0 {
			return nil
		}
		n, err := io.CopyN(io.Discard, resp.Body, off)
		if err != nil {
			return fmt.Errorf("fhir: $export %s: skipping %d consumed bytes, got %d: %w", op, off, n, err)
		}
		return nil
	case http.StatusPartialContent:
		start, ok := rangeStart(resp.Header.Get("Content-Range"))
		if !ok || start != off {
			return fmt.Errorf("fhir: $export %s: Content-Range %q does not start at byte %d", op, resp.Header.Get("Content-Range"), off)
		}
		return nil
	case http.StatusRequestedRangeNotSatisfiable:
		if off > 0 {
			return errComplete
		}
	}
	return responseError(op, resp)
}

// rangeStart returns the first byte of a "bytes a-b/n" Content-Range.
func rangeStart(v string) (int64, bool) {
	v, ok := strings.CutPrefix(v, "bytes ")
	if !ok {
		return 0, false
	}
	a, _, ok := strings.Cut(v, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(a, 10, 64)
	return n, err == nil
}
