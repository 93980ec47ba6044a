package nlp

import (
	"strings"
	"unicode/utf8"
)

// Canonical section names reported in Section.Name.
const (
	SectionChiefComplaint = "chief_complaint"
	SectionHPI            = "hpi"
	SectionPMH            = "pmh"
	SectionFamilyHistory  = "family_history"
	SectionSocialHistory  = "social_history"
	SectionExam           = "exam"
	SectionAssessment     = "assessment"
	SectionPlan           = "plan"
	SectionMedications    = "medications"
	SectionAllergies      = "allergies"
	SectionHospitalCourse = "hospital_course"
	SectionOther          = "other"
)

// Section is one section of a clinical note: a recognised header and the
// body that follows it up to the next header. Text before the first header
// is a section named SectionOther with an empty Title.
type Section struct {
	Name  string // canonical name: one of the Section* constants
	Title string // the header as written, without its colon or brackets
	Start int    // byte offset of the first byte of the body
	End   int    // byte offset just past the body, trailing white space excluded
}

// Sections splits text into its sections, in order. A header is a known
// label (English, case-insensitive, or Chinese; see headers.go) at the start
// of a line, optionally wrapped in 【】 or [], followed by ':' or '：' and
// optionally by body text on the same line, or standing alone on its line
// with or without a colon. A note without headers is one SectionOther; blank
// text has no sections.
func Sections(text string) []Section {
	var out []Section
	bodyStart := 0
	name, title := SectionOther, ""
	for lineStart := 0; lineStart < len(text); {
		lineEnd := strings.IndexByte(text[lineStart:], '\n')
		if lineEnd < 0 {
			lineEnd = len(text)
		} else {
			lineEnd += lineStart
		}
		if h, ok := matchHeader(text, lineStart, lineEnd); ok {
			out = appendSection(out, text, name, title, bodyStart, lineStart)
			name, title, bodyStart = h.name, h.title, h.bodyStart
		}
		lineStart = lineEnd + 1
	}
	return appendSection(out, text, name, title, bodyStart, len(text))
}

// appendSection appends the section whose body spans text[start:end] after
// trimming white space. A headerless "other" prefix that is blank is dropped;
// a recognised header is kept even when its body is empty.
func appendSection(out []Section, text, name, title string, start, end int) []Section {
	if start > end {
		start = end
	}
	for start < end && isSpace(text[start]) {
		start++
	}
	for end > start && isSpace(text[end-1]) {
		end--
	}
	if title == "" && start == end {
		return out
	}
	return append(out, Section{Name: name, Title: title, Start: start, End: end})
}

// header is a header line recognised by matchHeader.
type header struct {
	name, title string
	bodyStart   int // offset where the body starts (after the colon, or the next line)
}

// matchHeader reports whether text[lineStart:lineEnd] is a header line.
func matchHeader(text string, lineStart, lineEnd int) (header, bool) {
	i := lineStart
	for i < lineEnd && isBlank(text[i]) {
		i++
	}
	closeBracket := ""
	for open, closing := range brackets {
		if strings.HasPrefix(text[i:lineEnd], open) {
			i += len(open)
			closeBracket = closing
			break
		}
	}
	label, ok := matchLabel(text[i:lineEnd])
	if !ok {
		return header{}, false
	}
	h := header{name: label.name, title: text[i : i+len(label.text)]}
	j := skipBlank(text, i+len(label.text), lineEnd)
	if closeBracket != "" {
		if !strings.HasPrefix(text[j:lineEnd], closeBracket) {
			return header{}, false
		}
		j = skipBlank(text, j+len(closeBracket), lineEnd)
	}
	colon := false
	for _, c := range colons {
		if strings.HasPrefix(text[j:lineEnd], c) {
			j, colon = j+len(c), true
			break
		}
	}
	rest := skipBlank(text, j, lineEnd)
	switch {
	case rest < lineEnd && (colon || closeBracket != ""):
		h.bodyStart = rest // body text follows on the header line
	case rest == lineEnd:
		h.bodyStart = min(lineEnd+1, len(text)) // header alone on its line
	default:
		return header{}, false // a label followed by prose is not a header
	}
	return h, true
}

// matchLabel returns the longest known label that s starts with, compared
// case-insensitively, and that ends at a non-letter boundary.
func matchLabel(s string) (label, bool) {
	for _, l := range labels { // longest first
		if len(s) < len(l.text) || !strings.EqualFold(s[:len(l.text)], l.text) {
			continue
		}
		if l.ascii && len(s) > len(l.text) && isASCIILetter(s[len(l.text)]) {
			continue
		}
		return l, true
	}
	return label{}, false
}

var (
	colons   = []string{":", "："}
	brackets = map[string]string{"【": "】", "[": "]"}
)

func skipBlank(text string, i, end int) int {
	for i < end && isBlank(text[i]) {
		i++
	}
	if i < end && strings.HasPrefix(text[i:end], "\u3000") { // ideographic space
		return skipBlank(text, i+utf8.RuneLen('\u3000'), end)
	}
	return i
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' || b == '\r' }

func isSpace(b byte) bool { return isBlank(b) || b == '\n' || b == '\v' || b == '\f' }

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }
