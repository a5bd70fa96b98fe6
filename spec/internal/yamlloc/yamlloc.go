// Package yamlloc finds where a YAML syntax error really is.
//
// yaml.v3 often reports a syntax error at the start of the node that
// encloses it, one line early, or with no line at all (bad bytes, unknown
// aliases). Locate takes yaml.v3's message and line and rescans the source
// bytes with a small purpose-built scanner that models only what is needed
// to place the common mistakes: tabs in indentation, lines that line up
// with no enclosing block, flow collections and quoted strings left open,
// bytes that are not UTF-8 or not allowed, aliases used before (or
// without) their anchor, and values that must be quoted (an unquoted
// cron(...) inside {...}, a value starting with *). When it cannot decide,
// it says so and the caller keeps yaml.v3's position.
package yamlloc

import (
	"fmt"
	"regexp"
	"strings"
)

// Finding is the true position of a YAML error and what to say about it.
type Finding struct {
	Line, Col int    // 1-based; Col counts characters, as yaml.v3 does
	Msg       string // what is wrong (the caller adds "invalid YAML: ")
	Hint      string
	// Quote is set when the mistake is a value YAML misreads unquoted: the
	// value's text, which the message shows quoted.
	Quote string
}

// Kinds of findings of the structural scan.
const (
	kindTab = iota
	kindIndent
	kindFlow
	kindQuote
	kindTrap
)

type finding struct {
	Finding
	kind int
}

var anchorMsgRe = regexp.MustCompile(`unknown anchor '([^']*)' referenced`)

// Locate returns the position of the YAML error msg that yaml.v3 reported
// at line (0 when it gave none), and false when the scan finds nothing it
// is sure of.
func Locate(src []byte, msg string, line int) (Finding, bool) {
	msg = strings.TrimPrefix(msg, "yaml: ")
	if encodingMsg(msg) {
		return badByte(src)
	}
	s := scan(src)
	if m := anchorMsgRe.FindStringSubmatch(msg); m != nil {
		return s.undefinedAlias(m[1])
	}
	// yaml.v3 reports the enclosing node, at or before the true position
	// (its parser errors are one line early): the first finding from there
	// on is the one. It leaves the line out when the marks it has are on
	// line 1: then only line 1 is sure.
	for _, f := range s.found {
		if f.Line >= line && (line > 0 || f.Line == 1) {
			return f.Finding, true
		}
	}
	// A [, { or quote left open is reported where yaml.v3 gave up, later
	// (and with no line when opened on line 1): take the first one left open.
	if strings.Contains(msg, "',' or") || strings.Contains(msg, "end of stream") {
		for _, f := range s.found {
			if f.kind == kindFlow || f.kind == kindQuote {
				return f.Finding, true
			}
		}
	}
	return Finding{}, false
}

func encodingMsg(msg string) bool {
	for _, w := range []string{"UTF-8", "UTF-16", "invalid Unicode character", "control characters are not allowed"} {
		if strings.Contains(msg, w) {
			return true
		}
	}
	return false
}

// undefinedAlias finds the first *name with no &name before it.
func (s *scanner) undefinedAlias(name string) (Finding, bool) {
	def, defined := s.anchors[name]
	for _, u := range s.aliases {
		if u.name != name {
			continue
		}
		if defined && before(def, u.at) {
			return Finding{}, false // yaml.v3 saw something else; do not guess
		}
		f := Finding{Line: u.at.line + 1, Col: s.col(u.at)}
		if defined {
			f.Msg = fmt.Sprintf("alias *%s is used before its anchor &%s (line %d)", name, name, def.line+1)
			f.Hint = "an anchor (&name) must come before its aliases (*name): move the anchor up"
		} else {
			f.Msg = fmt.Sprintf("alias *%s refers to no anchor &%s", name, name)
			f.Hint = fmt.Sprintf("define &%s on a value before this line, or quote the value if the * is text", name)
		}
		return f, true
	}
	return Finding{}, false
}

func before(a, b at) bool {
	return a.line < b.line || a.line == b.line && a.off < b.off
}
