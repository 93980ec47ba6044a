// Package hl7v2 is a codec for HL7 version 2 messages: the message model
// (segments, fields, repetitions, components, sub-components), the encoding
// characters declared by MSH-1 and MSH-2, escape sequences, the batch and file
// envelopes (FHS/BHS … BTS/FTS), and terser-style paths such as "PID-5.1".
//
// Values in the model are always unescaped text. Parse decodes the escape
// sequences \F\ \S\ \T\ \R\ \E\ and \Xhh..\; formatting sequences (\.br\,
// \.sp\, \H\, \N\ and the other \.xx\ commands) are kept verbatim in the value,
// so that Encode writes them back unchanged. Encode escapes every delimiter and
// the escape character itself, and writes CR and LF inside values as \X0D\ and
// \X0A\, so that Parse(Encode(m)) equals m for every message Parse returns.
//
// Parse accepts CR, LF or CRLF segment endings; Encode ends each segment with
// CR, as the standard requires.
package hl7v2
