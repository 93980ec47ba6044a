package hl7

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/cdw-dev/cdw/internal/hl7v2"
)

// Reject sources.
const (
	sourceMLLP = "hl7:mllp"
	sourceFile = "hl7:file"
)

// acceptFrame stores one MLLP frame (or its Reject) and returns the framed
// ACK to send once it is durable. ferr is the frame reader's error
// (ErrFrameTooLarge, ErrFrameTruncated or nil); offset is the frame's byte
// offset in the connection.
func (d *Door) acceptFrame(ctx context.Context, frame []byte, ferr error, remote string, offset int64) ([]byte, error) {
	hdr := readHeader(frame)
	at := d.opts.Now()
	var e entry
	var me *MessageError
	switch {
	case errors.Is(ferr, ErrFrameTooLarge):
		me = &MessageError{Severity: SeverityReject, Code: 207,
			Reason: fmt.Sprintf("message longer than %d bytes (MaxMessageBytes)", d.opts.MaxMessageBytes), Err: ferr}
	case ferr != nil:
		me = &MessageError{Severity: SeverityReject, Code: 100, Reason: ferr.Error(), Err: ferr}
		if hdr != nil {
			me.Severity = SeverityError
		}
	default:
		var err error
		e, me, err = d.decode(frame, Received{Source: "mllp " + remote, At: at})
		if err != nil {
			return nil, err
		}
	}
	if me != nil {
		pos := remote + " byte " + strconv.FormatInt(offset, 10)
		if hdr != nil && hdr.ControlID() != "" {
			pos = remote + " MSH-10 " + hdr.ControlID()
		}
		e = d.rejectEntry(sourceMLLP, pos, describe(hdr, me), frame)
	}
	if _, err := d.submit(ctx, &request{entries: []entry{e}}); err != nil {
		return nil, err
	}
	code := ackAccept
	if me != nil {
		code = ackFor(me)
	}
	ack, err := buildAck(hdr, code, me, d.ackID(), at.In(d.opts.Location))
	if err != nil {
		return nil, fmt.Errorf("hl7: build ACK: %w", err)
	}
	return appendFrame(nil, ack), nil
}

// decode parses one message into its entry, or returns why it is refused.
// The error is set only for a failure of the door itself.
func (d *Door) decode(raw []byte, rcv Received) (entry, *MessageError, error) {
	doc, err := NewDocument(raw, rcv, d.opts.Location)
	if err != nil {
		var me *MessageError
		if errors.As(err, &me) {
			return entry{}, me, nil
		}
		return entry{}, nil, err
	}
	e, err := d.messageEntry(doc, raw, rcv.At)
	return e, nil, err
}

// describe names the refused record and what is wrong with it.
func describe(hdr *hl7v2.Message, me *MessageError) string {
	if hdr == nil {
		return "unreadable message (no valid MSH): " + me.Error()
	}
	return fmt.Sprintf("%s message MSH-10 %q: %s", hdr.Type(), hdr.ControlID(), me.Error())
}

// ackID returns a new ACK control id, unique within the door's lifetime.
func (d *Door) ackID() string {
	return d.ackPrefix + strconv.FormatInt(d.ackSeq.Add(1), 10)
}
