package fhir

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// exportClient speaks the Bulk Data kick-off and status protocol.
type exportClient struct {
	opts   ExportOptions
	logger *slog.Logger
}

// kickOff starts an export and returns its status URL.
func (c *exportClient) kickOff(ctx context.Context) (string, error) {
	u := c.opts.kickOffURL()
	resp, err := c.do(ctx, "kick-off", u, func(r *http.Request) {
		r.Header.Set("Accept", "application/fhir+json")
		r.Header.Set("Prefer", "respond-async")
		c.authorize(r, true)
	})
	if err != nil {
		return "", err
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusAccepted {
		return "", responseError("kick-off", resp)
	}
	loc := resp.Header.Get("Content-Location")
	if loc == "" {
		return "", &ExportError{Op: "kick-off", Status: resp.StatusCode, Outcome: "202 without Content-Location"}
	}
	status, err := resp.Request.URL.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("fhir: $export kick-off: Content-Location %q: %w", loc, err)
	}
	c.progress(ExportProgress{Phase: "kick-off", StatusURL: status.String()})
	c.logger.Info("fhir: $export started", "request", u, "status", status.String())
	return status.String(), nil
}

// poll asks the status URL until the export completes and returns its
// manifest; a 404 or 410 is ErrExportExpired.
func (c *exportClient) poll(ctx context.Context, status string) (exportManifest, error) {
	wait := c.opts.MinPoll
	for {
		resp, err := c.do(ctx, "status", status, func(r *http.Request) {
			r.Header.Set("Accept", "application/json")
			c.authorize(r, true)
		})
		if err != nil {
			return exportManifest{}, err
		}
		switch resp.StatusCode {
		case http.StatusOK:
			m, err := decodeManifest(resp.Body)
			drain(resp)
			return m, err
		case http.StatusAccepted:
			c.progress(ExportProgress{Phase: "in-progress", StatusURL: status, Progress: resp.Header.Get("X-Progress")})
			delay := c.retryAfter(resp, wait)
			drain(resp)
			if err := sleep(ctx, delay); err != nil {
				return exportManifest{}, err
			}
			wait = min(wait*2, c.opts.MaxPoll)
		case http.StatusNotFound, http.StatusGone:
			err := responseError("status", resp)
			drain(resp)
			return exportManifest{}, fmt.Errorf("%w: %w", ErrExportExpired, err)
		default:
			err := responseError("status", resp)
			drain(resp)
			return exportManifest{}, err
		}
	}
}

// release tells the server the export's files may go (best effort).
func (c *exportClient) release(ctx context.Context, status string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, status, nil)
	if err != nil {
		return
	}
	c.authorize(req, true)
	resp, err := c.opts.Client.Do(req)
	if err != nil {
		c.logger.Debug("fhir: $export release failed", "status", status, "err", err)
		return
	}
	drain(resp)
}

// do sends a GET, retrying connection failures, 429 and 503 (honouring
// Retry-After) up to MaxRetries times; any other answer is returned.
func (c *exportClient) do(ctx context.Context, op, u string, prepare func(*http.Request)) (*http.Response, error) {
	wait := c.opts.MinPoll
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, fmt.Errorf("fhir: $export %s: %w", op, err)
		}
		prepare(req)
		resp, err := c.opts.Client.Do(req)
		var delay time.Duration
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			if attempt >= c.opts.MaxRetries {
				return nil, fmt.Errorf("fhir: $export %s: %w", op, err)
			}
			c.logger.Warn("fhir: $export request failed, retrying", "op", op, "err", err)
			delay = wait
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
			if attempt >= c.opts.MaxRetries {
				return resp, nil
			}
			delay = c.retryAfter(resp, wait)
			drain(resp)
			c.logger.Info("fhir: $export server busy, retrying", "op", op, "status", resp.StatusCode, "after", delay)
		default:
			return resp, nil
		}
		if err := sleep(ctx, delay); err != nil {
			return nil, err
		}
		wait = min(wait*2, c.opts.MaxPoll)
	}
}

// authorize adds the configured headers and bearer token to a request for
// the FHIR server, or for a file when the manifest requires an access token
// (files may live on another host, which must not see the credentials).
func (c *exportClient) authorize(r *http.Request, credentials bool) {
	if !credentials {
		return
	}
	for k, vs := range c.opts.Header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	if c.opts.BearerToken != "" {
		r.Header.Set("Authorization", "Bearer "+c.opts.BearerToken)
	}
}

// retryAfter returns the response's Retry-After (seconds or HTTP date)
// within MinPoll..MaxPoll, or fallback when absent.
func (c *exportClient) retryAfter(resp *http.Response, fallback time.Duration) time.Duration {
	d := fallback
	if v := resp.Header.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(v); err == nil {
			d = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(v); err == nil {
			d = time.Until(t)
		}
	}
	return min(max(d, c.opts.MinPoll), c.opts.MaxPoll)
}

// progress reports p to the callback, if any.
func (c *exportClient) progress(p ExportProgress) {
	if c.opts.Progress != nil {
		c.opts.Progress(p)
	}
}

// responseError turns an unexpected answer into an *ExportError, with the
// OperationOutcome's issues when the body holds one.
func responseError(op string, resp *http.Response) error {
	e := &ExportError{Op: op, Status: resp.StatusCode}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var oo operationOutcome
	if json.Unmarshal(body, &oo) == nil && oo.ResourceType == "OperationOutcome" {
		e.Outcome = oo.String()
	} else if len(body) > 0 {
		e.Outcome = truncate(string(body), 200)
	}
	return e
}

// drain reads what is left of a small body and closes it, so the
// connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
