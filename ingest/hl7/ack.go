package hl7

import (
	"strconv"
	"time"

	"github.com/cdw-dev/cdw/internal/hl7v2"
)

// Acknowledgement codes (MSA-1, original mode).
const (
	ackAccept = "AA"
	ackError  = "AE"
	ackReject = "AR"
)

// ackFor returns the MSA-1 code for a refusal of severity s.
func ackFor(me *MessageError) string {
	if me.Severity == SeverityReject {
		return ackReject
	}
	return ackError
}

// defaultVersion is the version of ACKs to messages whose MSH could not be read.
const defaultVersion = "2.5.1"

// buildAck returns the ACK of a message whose header is hdr (nil when MSH
// could not be read): MSH with sender and receiver swapped, MSA with code and
// the original control id, and for a refusal MSA-3 and an ERR segment with
// the reason. ERR follows the message's version: ERR-1 (ELD) before 2.5,
// ERR-2/3/4/8 from 2.5 on.
func buildAck(hdr *hl7v2.Message, code string, me *MessageError, controlID string, now time.Time) ([]byte, error) {
	d := hl7v2.DefaultDelimiters
	var msh *hl7v2.Segment
	if hdr != nil {
		d, msh = hdr.Delims, hdr.Segment("MSH", 1)
	}
	orig := func(n int) hl7v2.Field {
		if msh == nil {
			return nil
		}
		return msh.Field(n)
	}
	version, trigger, processing := defaultVersion, "", hl7v2.Text("P")
	if hdr != nil {
		if v := hdr.Version(); v != "" {
			version = v
		}
		trigger = hdr.Type().Trigger
		if p := orig(11); p != nil {
			processing = p
		}
	}
	ack := hl7v2.NewMessage(d, orig(5), orig(6), orig(3), orig(4), hl7v2.Text(now.Format("20060102150405.000-0700")), nil,
		hl7v2.Comp("ACK", trigger, "ACK"), hl7v2.Text(controlID), processing, hl7v2.Text(version))
	origID := ""
	if hdr != nil {
		origID = hdr.ControlID()
	}
	msa := hl7v2.Seg("MSA", hl7v2.Text(code), hl7v2.Text(origID))
	if me != nil {
		msa.SetField(3, hl7v2.Text(truncate(me.Reason, 80)))
	}
	ack.Add(msa)
	if me != nil {
		ack.Add(errSegment(me, version))
	}
	return hl7v2.Encode(ack)
}

// errSegment returns the ERR segment describing me for the given version.
func errSegment(me *MessageError, version string) hl7v2.Segment {
	loc := []string{me.Segment, "", "", ""}
	if me.Seq > 0 {
		loc[1] = strconv.Itoa(me.Seq)
	}
	if me.Field > 0 {
		loc[2] = strconv.Itoa(me.Field)
	}
	code := strconv.Itoa(me.Code)
	if version < "2.5" { // 2.3, 2.3.1, 2.4: ERR-1 is ELD
		f := hl7v2.Field{hl7v2.Repetition{{loc[0]}, {loc[1]}, {loc[2]}, {code, codeText(me.Code), "HL70357"}}}
		return hl7v2.Seg("ERR", f)
	}
	s := hl7v2.Seg("ERR", nil, hl7v2.Comp(loc[0], loc[1], loc[2]), hl7v2.Comp(code, codeText(me.Code), "HL70357"), hl7v2.Text("E"))
	s.SetField(8, hl7v2.Text(me.Reason))
	return s
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
