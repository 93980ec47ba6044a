package hl7

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// ReadFiles reads each file in turn (see ReadFile). A file that cannot be
// opened does not stop the others; the errors are joined. It stops at once
// when ctx is done.
func (d *Door) ReadFiles(ctx context.Context, paths ...string) error {
	var errs []error
	for _, p := range paths {
		if err := d.ReadFile(ctx, p); err != nil {
			if ctx.Err() != nil {
				return errors.Join(append(errs, err)...)
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ReadFile stores every message of an HL7 archive: segments ended by CR, LF
// or CRLF, MLLP-framed or not, with or without FHS/BHS … BTS/FTS envelopes.
// Messages are written in batches of at most MaxBatchMessages together with
// the file's position (its absolute path, the byte offset after the last
// message written and a fingerprint of the bytes before it), so that
// reading the same file again, after a crash or not, resumes right after
// the last durable message; a file whose fingerprint no longer matches is
// read from its start (duplicates are then recognised by their control id).
// A message that cannot be stored becomes a Reject at "path:offset". The
// file is expected to be complete: a last line without terminator counts.
func (d *Door) ReadFile(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("hl7: %w", err)
	}
	f, err := os.Open(abs)
	if err != nil {
		return fmt.Errorf("hl7: %w", err)
	}
	defer f.Close()
	start := d.resumeAt(abs, f)
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return fmt.Errorf("hl7: %w", err)
	}
	d.producers.Add(1)
	defer d.producers.Add(-1)
	fr := &fileRead{door: d, path: abs, f: f}
	sc := newScanner(f, start, d.opts.MaxMessageBytes, bronze.MaxRejectPayload)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		u, err := sc.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("hl7: read %s at byte %d: %w", abs, sc.offset, err)
		}
		if err := fr.add(u); err != nil {
			return err
		}
		if len(fr.entries) >= d.opts.MaxBatchMessages || fr.size >= d.opts.MaxBatchBytes {
			if err := fr.flush(ctx, u.end); err != nil {
				return err
			}
		}
	}
	mark, ok := d.position(abs)
	if fr.inflight != nil {
		mark, ok = fr.inflight.mark, true
	}
	if len(fr.entries) > 0 || !ok || mark.Offset != sc.offset {
		if err := fr.flush(ctx, sc.offset); err != nil {
			return err
		}
	}
	return fr.finish(ctx)
}

// resumeAt returns where to resume reading f: its durable mark when the
// fingerprint still matches, else 0.
func (d *Door) resumeAt(abs string, f *os.File) int64 {
	mark, ok := d.position(abs)
	if !ok || mark.Offset == 0 {
		return 0
	}
	fp, err := fingerprint(f, mark.Offset)
	if err != nil || fp != mark.Fingerprint {
		d.opts.Logger.Warn("hl7: file changed since it was read; reading it from the start", "file", abs, "offset", mark.Offset, "err", err)
		return 0
	}
	d.opts.Logger.Info("hl7: resuming file", "file", abs, "offset", mark.Offset)
	return mark.Offset
}

// fileRead is the batch of one ReadFile being assembled, and the batch
// before it being written: parsing the next batch overlaps the write.
type fileRead struct {
	door     *Door
	path     string
	f        *os.File
	entries  []entry
	size     int
	inflight *request
}

// add turns a scanned unit into its entry: a change, or a Reject.
func (r *fileRead) add(u *unit) error {
	d := r.door
	pos := r.path + ":" + strconv.FormatInt(u.offset, 10)
	var me *MessageError
	switch {
	case u.problem != "":
		me = &MessageError{Severity: SeverityReject, Code: 100, Reason: u.problem}
	case u.tooLarge:
		me = &MessageError{Severity: SeverityReject, Code: 207,
			Reason: fmt.Sprintf("message of %d bytes is longer than %d bytes (MaxMessageBytes)", u.size, d.opts.MaxMessageBytes)}
	default:
		e, perr, err := d.decode(u.raw, Received{Source: "file " + pos, At: d.opts.Now()})
		if err != nil {
			return err
		}
		if perr == nil {
			r.push(e)
			return nil
		}
		me = perr
	}
	r.push(d.rejectEntry(sourceFile, pos, describe(readHeader(u.raw), me), u.raw))
	return nil
}

func (r *fileRead) push(e entry) {
	r.entries = append(r.entries, e)
	r.size += e.size
}

// flush hands the batch, with the position end, to the committer, then
// waits for the previous batch to be durable.
func (r *fileRead) flush(ctx context.Context, end int64) error {
	fp, err := fingerprint(r.f, end)
	if err != nil {
		return fmt.Errorf("hl7: fingerprint %s: %w", r.path, err)
	}
	req := &request{entries: r.entries, file: r.path, mark: fileMark{Offset: end, Fingerprint: fp}, after: r.inflight}
	if err := r.door.enqueue(ctx, req); err != nil {
		return fmt.Errorf("hl7: store %s up to byte %d: %w", r.path, end, err)
	}
	if err := r.finish(ctx); err != nil {
		return err
	}
	r.inflight, r.entries, r.size = req, nil, 0
	return nil
}

// finish waits until the batch in flight is durable.
func (r *fileRead) finish(ctx context.Context) error {
	if r.inflight == nil {
		return nil
	}
	req := r.inflight
	r.inflight = nil
	if _, err := r.door.wait(ctx, req); err != nil {
		return fmt.Errorf("hl7: store %s up to byte %d: %w", r.path, req.mark.Offset, err)
	}
	return nil
}
