package fhir

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ExportOptions configures one Bulk Data $export.
type ExportOptions struct {
	// BaseURL is the FHIR server's base, e.g. "https://ehr.example/fhir".
	BaseURL string
	// Group exports Group/[id]/$export; Patient exports Patient/$export;
	// neither exports the whole system ([base]/$export).
	Group   string
	Patient bool
	// Types is the _type filter; empty exports every type.
	Types []string
	// Since is the _since filter: only resources changed after it.
	Since time.Time
	// SinceLast, when Since is zero, sets _since to the transactionTime of
	// the last export this door completed (none: a full export), so that
	// repeated calls fetch only what changed.
	SinceLast bool
	// Header is added to every request to the FHIR server.
	Header http.Header
	// BearerToken, when set, is sent as "Authorization: Bearer …" to the
	// server, and to file URLs when the manifest requires an access token.
	BearerToken string
	// Client makes the requests (default: a client with a 30 s header timeout).
	Client *http.Client
	// MinPoll and MaxPoll bound the wait between status polls and retries;
	// Retry-After is honoured within them (defaults 1 s and 1 min).
	MinPoll, MaxPoll time.Duration
	// MaxRetries bounds consecutive 429/503 answers and failed connections
	// of one request before Export fails (default 10).
	MaxRetries int
	// Progress, when set, is told of each phase: kicked off, each poll's
	// X-Progress, each file started and finished.
	Progress func(ExportProgress)
}

// ExportProgress reports where an export stands.
type ExportProgress struct {
	Phase     string // "kick-off", "in-progress", "complete", "download", "downloaded"
	StatusURL string
	Progress  string // the server's X-Progress, while in progress
	File      string // the file's URL, while downloading
	FilesDone int
	Files     int
}

// withDefaults validates o and fills in defaults.
func (o ExportOptions) withDefaults() (ExportOptions, error) {
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return o, fmt.Errorf("%w: ExportOptions.BaseURL %q is not an http(s) URL", ErrInvalidOptions, o.BaseURL)
	}
	if o.Group != "" && (o.Patient || !idPattern.MatchString(o.Group)) {
		return o, fmt.Errorf("%w: ExportOptions.Group must be an id, without Patient", ErrInvalidOptions)
	}
	for _, t := range o.Types {
		if !typePattern.MatchString(t) {
			return o, fmt.Errorf("%w: %q is not a resource type", ErrInvalidOptions, t)
		}
	}
	if o.Client == nil {
		o.Client = &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, ResponseHeaderTimeout: 30 * time.Second}}
	}
	if o.MinPoll <= 0 {
		o.MinPoll = time.Second
	}
	if o.MaxPoll <= 0 {
		o.MaxPoll = time.Minute
	}
	if o.MaxPoll < o.MinPoll {
		return o, fmt.Errorf("%w: ExportOptions.MaxPoll below MinPoll", ErrInvalidOptions)
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 10
	}
	return o, nil
}

// kickOffURL returns the $export URL with its parameters.
func (o ExportOptions) kickOffURL() string {
	base := strings.TrimRight(o.BaseURL, "/")
	switch {
	case o.Group != "":
		base += "/Group/" + o.Group
	case o.Patient:
		base += "/Patient"
	}
	q := url.Values{}
	if len(o.Types) > 0 {
		q.Set("_type", strings.Join(o.Types, ","))
	}
	if !o.Since.IsZero() {
		q.Set("_since", o.Since.UTC().Format(time.RFC3339Nano))
	}
	u := base + "/$export"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// Export runs a Bulk Data export against a FHIR server and ingests its
// files: kick-off, polling the status URL until the completion manifest,
// then each output file streamed line by line into bronze, deleted files as
// deletes, and error files' OperationOutcomes as rejects.
//
// Resuming: the status URL is durable in the log before the first poll, and
// each file's progress with the batches that contain it. A call after a
// crash polls the stored status URL again (no second kick-off), skips the
// files already complete, and continues the interrupted file after its last
// durable line, asking for the rest with a Range request; a server that
// ignores Range sends the whole file again and the bytes already consumed
// are read and discarded. Only that file's tail (or whole body) is
// downloaded again, and nothing is written twice. When the stored status URL
// is gone (404/410), the export is started afresh; resources already in the
// log then come back unchanged and are not written again. A completed export
// is followed by a new kick-off on the next call.
func (d *Door) Export(ctx context.Context, opts ExportOptions) error {
	o, err := opts.withDefaults()
	if err != nil {
		return err
	}
	if opts.Client == nil {
		defer o.Client.CloseIdleConnections()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.load(ctx); err != nil {
		return err
	}
	c := &exportClient{opts: o, logger: d.logger}
	m, err := d.exportManifest(ctx, c)
	if err != nil {
		return d.finish(err)
	}
	if err := d.download(ctx, c, m); err != nil {
		return d.finish(err)
	}
	d.pos.Export.Done = true
	if m.TransactionTime != "" {
		d.pos.LastExport = m.TransactionTime
	}
	if err := d.finish(nil); err != nil {
		return err
	}
	c.progress(ExportProgress{Phase: "complete", StatusURL: d.pos.Export.StatusURL, Files: len(m.files()), FilesDone: len(m.files())})
	c.release(ctx, d.pos.Export.StatusURL)
	return nil
}

// exportManifest returns the completion manifest of the stored export, or
// of a new one when none is in progress or the stored one expired.
func (d *Door) exportManifest(ctx context.Context, c *exportClient) (exportManifest, error) {
	if st := d.pos.Export; st != nil && !st.Done {
		m, err := c.poll(ctx, st.StatusURL)
		if !errors.Is(err, ErrExportExpired) {
			return m, err
		}
		d.logger.Warn("fhir: stored $export expired, starting a new one", "status", st.StatusURL)
	}
	if c.opts.SinceLast && c.opts.Since.IsZero() && d.pos.LastExport != "" {
		c.opts.Since, _ = time.Parse(time.RFC3339Nano, d.pos.LastExport) // validated when stored
	}
	status, err := c.kickOff(ctx)
	if err != nil {
		return exportManifest{}, err
	}
	d.pos.Export = &exportState{StatusURL: status, Files: map[string]*fileState{}}
	if err := d.flush(); err != nil { // durable before polling: a crash now resumes this export
		return exportManifest{}, err
	}
	return c.poll(ctx, status)
}
