package fhir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// fileKind says how a file's lines are read.
type fileKind int

const (
	kindOutput  fileKind = iota // resources
	kindDeleted                 // Bundles of DELETE entries (Bulk Data "deleted")
	kindError                   // OperationOutcomes (Bulk Data "error")
)

// input is one NDJSON stream being consumed.
type input struct {
	name     string     // for rejects: "Patient.ndjson"
	kind     fileKind   // how lines are read
	state    *fileState // advanced as lines are consumed
	fallback time.Time  // commit time of resources without meta.lastUpdated
	// advanced, when set, is called with the new offset after each line.
	advanced func(off int64) error
}

// consume reads r, whose first byte is at in.state.Offset, to its end,
// adding every line to the batch and writing each full batch durably.
func (d *Door) consume(ctx context.Context, r io.Reader, in input) error {
	lr := newLineReader(r, in.state.Offset, in.state.Lines, d.opts.MaxRecordBytes)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := lr.next()
		if errors.Is(err, io.EOF) {
			in.state.Offset, in.state.Lines = lr.off, lr.line // trailing blank lines
			return nil
		}
		if err != nil {
			return fmt.Errorf("fhir: read %s at byte %d: %w", in.name, lr.off, err)
		}
		d.metrics.read(int(rec.end - rec.start))
		d.line(in, rec)
		in.state.Offset, in.state.Lines = rec.end, rec.line
		if in.advanced != nil {
			if err := in.advanced(rec.end); err != nil {
				return err
			}
		}
		if d.batch.full(&d.opts) {
			if err := d.flush(); err != nil {
				return err
			}
		}
	}
}

// line adds one line's changes or reject to the batch.
func (d *Door) line(in input, rec record) {
	where := in.name + ":" + strconv.FormatInt(rec.line, 10)
	if rec.oversized {
		typ, ref := sniff(rec.data)
		d.reject(in, where, typ, &InvalidError{Resource: ref, Kind: ErrOversized,
			Detail: fmt.Sprintf("line of %d bytes exceeds MaxRecordBytes %d", rec.end-rec.start, d.opts.MaxRecordBytes)}, rec.data)
		return
	}
	switch in.kind {
	case kindError:
		d.serverError(in, where, rec.data)
	case kindDeleted:
		d.deleted(in, where, rec.data)
	default:
		d.resourceLine(in, where, rec.data)
	}
}

// resourceLine adds a resource as a create or update, or rejects it.
func (d *Door) resourceLine(in input, where string, line []byte) {
	r, err := parseResource(line)
	if err != nil {
		typ := ""
		var ie *InvalidError
		if errors.As(err, &ie) && ie.Resource == "" {
			typ, ie.Resource = sniff(line)
		}
		if errors.As(err, &ie) && ie.Resource != "" {
			typ, _, _ = strings.Cut(ie.Resource, "/")
		}
		d.reject(in, where, typ, err, line)
		return
	}
	if !d.accept(r.Type) {
		d.metrics.count(d.metrics.skipped, r.Type)
		return
	}
	op, changed := d.seen.decide(r.Type, r.ID, contentHash(d.seen.seed, r.fields))
	if !changed {
		d.metrics.count(d.metrics.unchanged, r.Type)
		return
	}
	at := r.LastUpdated
	if at.IsZero() {
		at = in.fallback
	}
	d.batch.addChange(op, r.Type, r.ID, at, r.Data)
	d.metrics.count(d.metrics.accepted, r.Type)
}

var (
	sniffType = regexp.MustCompile(`"resourceType"\s*:\s*"([A-Z][A-Za-z]{0,63})"`)
	sniffID   = regexp.MustCompile(`"id"\s*:\s*"([A-Za-z0-9\-.]{1,64})"`)
)

// sniff finds the resource type and "Type/id" of a line that could not be
// decoded, from the first occurrences in its head, for the reject reason.
func sniff(line []byte) (typ, ref string) {
	head := line[:min(len(line), 4096)]
	m := sniffType.FindSubmatch(head)
	if m == nil {
		return "", ""
	}
	typ, ref = string(m[1]), string(m[1])+"/?"
	if m := sniffID.FindSubmatch(head); m != nil {
		ref = typ + "/" + string(m[1])
	}
	return typ, ref
}

// reject adds a dead-letter record for a refused line.
func (d *Door) reject(in input, where, typ string, err error, payload []byte) {
	d.batch.addReject(bronze.NewReject(d.opts.Source+":"+in.name, where, err.Error(), payload))
	d.metrics.count(d.metrics.rejected, typ)
	d.logger.Debug("fhir: rejected", "at", where, "reason", err)
}

// deleted adds a delete for every DELETE entry of a Bulk Data deleted Bundle.
func (d *Door) deleted(in input, where string, line []byte) {
	var b struct {
		ResourceType string `json:"resourceType"`
		Entry        []struct {
			Request struct {
				Method string `json:"method"`
				URL    string `json:"url"`
			} `json:"request"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(line, &b); err != nil || b.ResourceType != "Bundle" {
		d.reject(in, where, "Bundle", &InvalidError{Kind: ErrMalformed, Detail: "a deleted file holds Bundles"}, line)
		return
	}
	for i, e := range b.Entry {
		typ, id, ok := strings.Cut(strings.TrimPrefix(e.Request.URL, "/"), "/")
		if e.Request.Method != "DELETE" || !ok || !typePattern.MatchString(typ) || !idPattern.MatchString(id) {
			d.reject(in, where, "Bundle", &InvalidError{Kind: ErrInvalidElement, Element: fmt.Sprintf("Bundle.entry[%d].request", i),
				Detail: "a deleted entry is DELETE Type/id"}, line)
			continue
		}
		if !d.accept(typ) {
			continue
		}
		d.seen.remove(typ, id)
		d.batch.addChange(bronze.OpDelete, typ, id, in.fallback, nil)
		d.metrics.count(d.metrics.accepted, typ)
	}
}

// serverError stores an OperationOutcome of an export's error file as a reject.
func (d *Door) serverError(in input, where string, line []byte) {
	var oo operationOutcome
	reason := "server error"
	if json.Unmarshal(line, &oo) == nil && oo.ResourceType == "OperationOutcome" {
		reason += ": " + oo.String()
	}
	d.batch.addReject(bronze.NewReject(d.opts.Source+":"+in.name, where, reason, line))
	d.metrics.count(d.metrics.rejected, "OperationOutcome")
}

// operationOutcome is the part of an OperationOutcome a message needs.
type operationOutcome struct {
	ResourceType string `json:"resourceType"`
	Issue        []struct {
		Severity    string `json:"severity"`
		Code        string `json:"code"`
		Diagnostics string `json:"diagnostics"`
		Details     struct {
			Text string `json:"text"`
		} `json:"details"`
	} `json:"issue"`
}

// String joins the issues as "severity code: text; …".
func (o operationOutcome) String() string {
	parts := make([]string, 0, len(o.Issue))
	for _, is := range o.Issue {
		s := is.Severity + " " + is.Code
		if txt := strings.TrimSpace(is.Diagnostics + " " + is.Details.Text); txt != "" {
			s += ": " + txt
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
