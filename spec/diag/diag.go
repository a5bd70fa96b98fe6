// Package diag holds flowc's diagnostics: positions in the user's YAML,
// the Diagnostic type, the sorted and de-duplicated Set that every stage
// collects into, the registry of stable codes, and the one printer that
// renders a set as text, json, github or sarif.
//
// Nothing in this package knows about AWS, the compiler or the CLI.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a source file. Line and Col are 1-based; a zero
// Line or Col means unknown. Col counts characters (Unicode code points,
// a tab is one), as yaml.v3's Node.Column does; a stage that finds an
// error at a byte offset inside a scalar converts the offset to runes.
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether the position has at least a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String renders file:line:col, dropping unknown parts (never "0:0").
func (p Pos) String() string {
	s := p.File
	if p.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprint(p.Line)
		if p.Col > 0 {
			s += fmt.Sprintf(":%d", p.Col)
		}
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Before orders positions by file, line, column.
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Severity of a diagnostic.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one finding. End is optional (zero when unknown) and is
// exclusive: the first byte after the offending text.
type Diagnostic struct {
	Pos      Pos
	End      Pos
	Severity Severity
	Code     string // a code from Codes, e.g. "FC101"
	Message  string
	Hint     string
	Related  Related // another place the finding involves; zero when none
}

// Related is a second position a diagnostic refers to (the first
// definition of a duplicate, the anchor of an alias), with what it is.
// Printers show it as data: a "note:" line in text, "related" in json,
// relatedLocations in SARIF.
type Related struct {
	Pos     Pos
	Message string
}

// IsZero reports whether r is unset.
func (r Related) IsZero() bool { return r == Related{} }

func (d Diagnostic) Error() string {
	return fmt.Sprintf("%s: %s: %s [%s]", d.Pos, d.Severity, d.Message, d.Code)
}

// Set is a collection of diagnostics. The zero value is ready to use.
// Sorted returns them sorted by file, line, column, code and message,
// with exact duplicates removed. A Set with errors is itself an error.
// Any severity other than Warning counts as an error.
type Set struct {
	items []Diagnostic
}

// Add appends a diagnostic.
func (s *Set) Add(d Diagnostic) { s.items = append(s.items, d) }

// Errorf adds an error with the given code at pos. The returned pointer
// is for setting End or Hint at once; it is not valid after the next Add.
func (s *Set) Errorf(pos Pos, code ID, format string, args ...any) *Diagnostic {
	s.items = append(s.items, Diagnostic{Pos: pos, Severity: Error, Code: code.id, Message: fmt.Sprintf(format, args...)})
	return &s.items[len(s.items)-1]
}

// Warnf adds a warning with the given code at pos. The returned pointer
// is for setting End or Hint at once; it is not valid after the next Add.
func (s *Set) Warnf(pos Pos, code ID, format string, args ...any) *Diagnostic {
	s.items = append(s.items, Diagnostic{Pos: pos, Severity: Warning, Code: code.id, Message: fmt.Sprintf(format, args...)})
	return &s.items[len(s.items)-1]
}

// AddAll appends every diagnostic of ds.
func (s *Set) AddAll(ds []Diagnostic) { s.items = append(s.items, ds...) }

// Merge adds every diagnostic of o.
func (s *Set) Merge(o *Set) {
	if o != nil {
		s.items = append(s.items, o.items...)
	}
}

// Len is the number of diagnostics (before de-duplication).
func (s *Set) Len() int { return len(s.items) }

// Sorted returns the diagnostics sorted and de-duplicated. The order is
// total (ties on position, code and message are broken by End, severity
// and hint), so it does not depend on the order of Add, and equal
// diagnostics are always adjacent when duplicates are removed.
func (s *Set) Sorted() []Diagnostic {
	out := append([]Diagnostic(nil), s.items...)
	sort.Slice(out, func(i, j int) bool { return less(out[i], out[j]) })
	w := 0
	for i, d := range out {
		if i > 0 && d == out[w-1] {
			continue
		}
		out[w] = d
		w++
	}
	return out[:w]
}

// less is the total order of Sorted.
func less(a, b Diagnostic) bool {
	switch {
	case a.Pos != b.Pos:
		return a.Pos.Before(b.Pos)
	case a.Code != b.Code:
		return a.Code < b.Code
	case a.Message != b.Message:
		return a.Message < b.Message
	case a.End != b.End:
		return a.End.Before(b.End)
	case a.Severity != b.Severity:
		return a.Severity < b.Severity
	case a.Hint != b.Hint:
		return a.Hint < b.Hint
	case a.Related.Pos != b.Related.Pos:
		return a.Related.Pos.Before(b.Related.Pos)
	}
	return a.Related.Message < b.Related.Message
}

// Counts returns the number of errors and warnings after de-duplication.
func (s *Set) Counts() (errors, warnings int) {
	for _, d := range s.Sorted() {
		if d.Severity == Warning {
			warnings++
		} else {
			errors++
		}
	}
	return
}

// HasErrors reports whether any diagnostic is an error.
func (s *Set) HasErrors() bool {
	for _, d := range s.items {
		if d.Severity != Warning {
			return true
		}
	}
	return false
}

// Err returns the set as an error when it holds errors, else nil.
func (s *Set) Err() error {
	if s.HasErrors() {
		return s
	}
	return nil
}

// Error implements error: the sorted diagnostics, one per line.
func (s *Set) Error() string {
	var b strings.Builder
	for i, d := range s.Sorted() {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	return b.String()
}
