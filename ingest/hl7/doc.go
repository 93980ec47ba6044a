// Package hl7 is cdw's HL7 v2 door: it takes HL7 v2 messages (versions 2.3
// to 2.5.1 and later 2.x) from interfaces over MLLP and from message
// archives, and appends each to the bronze change log exactly once.
//
// A Door owns the writes to one bronze log (the "hl7" source under the
// bronze root). A Listener serves MLLP for it; ReadFile and ReadFiles read
// archives into it. Both may run at once in one process.
//
//	log, err := bronze.Open(filepath.Join(root, ingest.SourceHL7))
//	door, err := hl7.New(log, hl7.Options{Logger: logger})
//	ln := hl7.NewListener(door)
//	go ln.ListenAndServe(ctx, ":2575")
//	err = door.ReadFiles(ctx, "archive/2025-03-01.hl7")
//	ln.Close(); door.Close(); log.Close()
//
// # Durability before acknowledgement
//
// Every message is answered with an original-mode ACK (MSH with sender and
// receiver swapped, MSA-1 AA, AE or AR, MSA-2 the message's control id) only
// after the message, or the Reject recording why it was refused, is durable
// in bronze. Messages arriving together over any connections share one
// bronze write (group commit): a write starts when every active sender has
// a message waiting, when the batch is full, or Options.FlushInterval after
// its first message. When a write fails, no message of it is acknowledged:
// the connection is closed and the sender resends.
//
// Refusals: input whose MSH cannot be read (no MSH, bad encoding characters)
// and frames longer than Options.MaxMessageBytes are answered AR; messages
// whose MSH can be read but that fail to parse, lack MSH-9 or MSH-10, or
// declare a version other than 2.x are answered AE. MSA-3 and an ERR
// segment (ERR-1 before version 2.5; ERR-2, ERR-3 with the HL7 table 0357
// code, ERR-4 and ERR-8 from 2.5) carry the reason, and a bronze.Reject
// (source "hl7:mllp", position "remote-address MSH-10 id" or
// "remote-address byte offset"; "hl7:file" and "path:offset" for files)
// keeps the reason and the raw message. A bad frame never costs the
// connection its sync: the next message on it is read normally. One frame
// holds one message: a batch (BHS … BTS) sent in one frame is refused (AR);
// batches belong in files.
//
// # Duplicates
//
// A sender that got no ACK (the door stopped after the write but before the
// ACK) resends the message. A message whose (MSH-3 sending application,
// MSH-4 sending facility, MSH-10 control id) is among the last
// Options.DedupeWindow messages stored (default 1,000,000, rebuilt from the
// newest bronze files when the door opens) is acknowledged AA again and not
// stored twice. A resend of an older message is stored again. Refused
// messages are not remembered: a resend is refused and recorded again.
//
// # Files
//
// ReadFile accepts CR, LF or CRLF segment endings, MLLP-framed or bare
// messages, and FHS/BHS … BTS/FTS envelopes (BTS-1 is checked). The door's
// bronze position records, for each file by absolute path, the byte offset
// after the last durable message and a fingerprint of the bytes before it;
// reading the file again resumes exactly there, so a crash or cancellation
// mid-file followed by a re-run stores every message once. While one batch
// of a file is written the next is parsed; a batch whose predecessor failed
// is not written, so the position never passes a lost batch. The position
// keeps one entry per file ever read.
//
// # Bronze rows
//
// Each message is one bronze.Change: Op "c"; Table "hl7.<MSH-9.1>" (hl7.ADT,
// hl7.ORU, hl7.RDE, hl7.ORM, hl7.OML, hl7.MDM, …); Key
// [MSH-4 sending facility, MSH-10 control id]; CommitTime MSH-7 (the receive
// time when MSH-7 cannot be read; times without an offset are read in
// Options.Location); LSN one per message, counting on from the log's
// Manifest().MaxLSN(), Seq 0. Data is the message's Document as JSON, which
// keeps everything the message said:
//
//	{
//	  "message_type": "ADT", "trigger_event": "A01", "structure": "ADT_A01",
//	  "control_id": "MSG00001", "version": "2.5.1",
//	  "sending_application": "EPIC", "sending_facility": "NORTH",
//	  "receiving_application": "CDW", "receiving_facility": "CDW",
//	  "sent_at": "2025-03-01T08:30:00+01:00", "processing_id": "P",
//	  "charset": "UNICODE UTF-8", "event_type": "A01",
//	  "patient_id": "M100", "patient_id_authority": "NORTH",
//	  "patient_identifiers": [{"id": "M100", "authority": "NORTH", "type": "MR"},
//	    {"id": "P555", "authority": "SSA", "type": "SS"}],
//	  "visit_number": "V789", "visit_number_authority": "NORTH",
//	  "source": "mllp 127.0.0.1:50000", "received_at": "2025-03-01T07:31:00Z",
//	  "segments": [
//	    {"id": "MSH", "fields": ["|", "^~\\&", "EPIC", [["NORTH", "1.2.3", "ISO"]], "CDW", "CDW",
//	      "20250301083000+0100", "", [["ADT", "A01", "ADT_A01"]], "MSG00001", "P", "2.5.1",
//	      "", "", "AL", "NE", "", "UNICODE UTF-8"]},
//	    {"id": "EVN", "fields": ["A01", "20250301083000+0100"]},
//	    {"id": "PID", "fields": ["1", "",
//	      [["M100", "", "", ["NORTH", "1.2.3", "ISO"], "MR"], ["P555", "", "", "SSA", "SS"]], "",
//	      [["O'Brien", "Mary", "Ann"], ["Smith", "Mary", "", "", "", "", "M"]], "", "19800101", "F", "", "",
//	      [["12 Main St|Apt 3", "", "Springfield", "IL", "62701"]], "", ["555-1234", "555-9876"]]},
//	    {"id": "PV1", "fields": ["1", "I", [["W1", "101", "A", "NORTH"]], "", "", "", [["1234", "Jones", "Bob"]],
//	      "", "", "MED", "", "", "", "ADM", "", "", "", "", [["V789", "", "", "NORTH", "VN"]]]},
//	    {"id": "NTE", "fields": ["1", "", "Line one\nline two: ^caret & amp ~ tilde \\ backslash A \\H\\bold\\N\\"]},
//	    {"id": "ZPI", "fields": ["1", [["custom", ["value", "sub"]]], ["", "second rep"]]}
//	  ],
//	  "raw": "MSH|^~\\&|EPIC|NORTH^1.2.3^ISO|CDW|CDW|20250301083000+0100||ADT^A01^ADT_A01|MSG00001|…\rZPI|1|custom^value&sub|~second rep\r"
//	}
//
// from testdata/adt_a01_v251.hl7 (its golden document is
// testdata/adt_a01_v251.json; testdata/oru_r01_v23.json shows version 2.3).
//
// The header members come first. patient_id and patient_id_authority are
// the PID-3 identifier of type MR (else the first; PID-2 when PID-3 is
// empty), with every PID-3 repetition in patient_identifiers and MRG-1 in
// merged_patient_identifiers; visit_number and visit_number_authority are
// PV1-19; event_type is MSH-9.2, else EVN-1; HD fields give their namespace
// id, else their universal id.
//
// segments lists every segment in order, Z-segments included. fields[n-1]
// is field n (MSH-1 and MSH-2 included, as written). A field is a string
// when it holds one value; otherwise it is the array of its repetitions,
// each a string (one value) or the array of its components, each a string
// or the array of its sub-components. Values are unescaped: \F\ \S\ \T\ \R\
// \E\ become the delimiters, \Xhh…\ the bytes it spells, \.br\ a line break;
// other formatting commands (\H\, \N\, \.sp\, …) are kept as written. Input
// that is not UTF-8 is read as ISO 8859-1. raw is the message text as
// received.
//
// # Metrics
//
// Door.Stats reports messages accepted, rejected and duplicate, bronze
// writes and an ACK latency histogram.
package hl7
