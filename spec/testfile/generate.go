package testfile

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Snapshot is what `flowc test --generate` writes: one test whose given
// rows were sampled from real input and whose expectation is what the
// pipeline computes from them now.
type Snapshot struct {
	Name     string
	Target   string
	Env      string // "" to leave it out
	From     string // where the rows were sampled, for the header comment
	Given    []*Relation
	Columns  []string    // the target's columns
	Rows     [][]*string // the computed rows (Failure == "")
	Failure  string      // the first check that failed, if one did
	Ordered  bool
	Comments []string // more header lines
}

// Generate renders a snapshot as a test file: flow-style rows, one a
// line, values quoted only where YAML would read them otherwise.
func Generate(s *Snapshot) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by flowc test --generate from %s: a snapshot of what the pipeline\n", s.From)
	b.WriteString("# computes now. Review the expected rows before you commit this file.\n")
	for _, c := range s.Comments {
		b.WriteString("# " + c + "\n")
	}
	b.WriteString("tests:\n")
	fmt.Fprintf(&b, "  - name: %s\n", scalar(&s.Name))
	fmt.Fprintf(&b, "    target: %s\n", s.Target)
	if s.Env != "" {
		fmt.Fprintf(&b, "    env: %s\n", s.Env)
	}
	b.WriteString("    given:\n")
	for _, g := range s.Given {
		if len(g.Rows) == 0 {
			fmt.Fprintf(&b, "      %s: []\n", g.Name)
			continue
		}
		fmt.Fprintf(&b, "      %s:\n", g.Name)
		var cols []string
		for _, c := range g.Columns {
			cols = append(cols, c.Name)
		}
		for _, r := range g.Rows {
			b.WriteString("        - " + flowRow(cols, r) + "\n")
		}
	}
	b.WriteString("    expect:\n")
	switch {
	case s.Failure != "":
		fmt.Fprintf(&b, "      failure: %s\n", scalar(&s.Failure))
	case len(s.Rows) == 0:
		b.WriteString("      rows: []\n")
	default:
		if s.Ordered {
			b.WriteString("      ordered: true\n")
		}
		b.WriteString("      rows:\n")
		var lines []string
		for _, r := range s.Rows {
			lines = append(lines, flowRow(s.Columns, r))
		}
		if !s.Ordered {
			sort.Strings(lines) // the same file from the same input
		}
		for _, l := range lines {
			b.WriteString("        - " + l + "\n")
		}
	}
	return []byte(b.String())
}

func flowRow(cols []string, vals []*string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + ": " + scalar(vals[i])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

var (
	plainWord   = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9 _./:+-]*$`)
	plainNumber = regexp.MustCompile(`^-?[0-9][0-9.eE+-]*$`)
	reserved    = map[string]bool{"true": true, "false": true, "null": true, "yes": true, "no": true, "on": true, "off": true, "y": true, "n": true, "~": true}
)

// scalar renders a value for a flow mapping: null, plain when YAML reads
// the plain text back as the same text, else double-quoted.
func scalar(v *string) string {
	if v == nil {
		return "null"
	}
	s := *v
	if (plainWord.MatchString(s) || plainNumber.MatchString(s)) && !strings.HasSuffix(s, " ") &&
		!strings.Contains(s, ": ") && !strings.HasSuffix(s, ":") && !reserved[strings.ToLower(s)] {
		return s
	}
	return strconv.Quote(s)
}
