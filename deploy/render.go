package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/flowc-dev/flowc/compiler/evolve"
	"github.com/flowc-dev/flowc/layout"
)

// Output formats of a plan.
const (
	formatText = "text"
	formatJSON = "json"
)

// Formats are the output formats of a plan (flowc diff --format), the
// default first.
var Formats = []string{formatText, formatJSON, formatMarkdown}

// Render writes a plan as text, JSON or Markdown. It is a pure function of the plan.
func Render(w io.Writer, p *Plan, format string) error {
	if format == formatJSON {
		return renderJSON(w, p)
	}
	text := renderText(p)
	if format == formatMarkdown {
		text = renderMarkdown(p)
	}
	_, err := io.WriteString(w, text)
	return err
}

func renderJSON(w io.Writer, p *Plan) error {
	q := *p
	if q.Pipeline == nil {
		q.Pipeline = []string{}
	}
	if q.Tables == nil {
		q.Tables = []evolve.TableChanges{}
	}
	if q.Resources == nil {
		q.Resources = []ResourceChange{}
	}
	if q.Parameters == nil {
		q.Parameters = []PropertyChange{}
	}
	if q.Files == nil {
		q.Files = []FileDiff{}
	}
	if q.Notes == nil {
		q.Notes = []string{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		*Plan
		Changed bool `json:"changed"`
	}{&q, !p.Empty()}); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// maxValue is the longest property value the text form shows in full.
const maxValue = 100

// renderText renders a plan for people.
func renderText(p *Plan) string {
	var b strings.Builder
	where := p.Stack
	if p.Region != "" {
		where += " (" + p.Region + ")"
	}
	fmt.Fprintf(&b, "Stack %s, compared with %s.\n", where, p.Against)
	if p.Empty() {
		b.WriteString("No changes.\n")
		writeNotes(&b, p.Notes)
		return b.String()
	}
	if len(p.Pipeline) > 0 {
		b.WriteString("\nPipeline:\n")
		for _, l := range p.Pipeline {
			b.WriteString("  " + l + "\n")
		}
	}
	if len(p.Resources) > 0 {
		fmt.Fprintf(&b, "\nResources (replacements from %s, details from %s):\n", p.ReplacementsFrom, p.DetailsFrom)
		width := 0
		for _, r := range p.Resources {
			width = max(width, len(r.LogicalID))
		}
		for _, r := range p.Resources {
			writeResource(&b, r, width)
		}
	}
	if len(p.Parameters) > 0 {
		b.WriteString("\nParameters:\n")
		for _, c := range p.Parameters {
			fmt.Fprintf(&b, "  %s: %s\n", c.Path, beforeAfter(c))
		}
	}
	if len(p.Files) > 0 {
		b.WriteString("\nGenerated files:\n")
		for _, f := range p.Files {
			switch f.Status {
			case "changed":
				b.WriteString(f.Unified)
			default:
				fmt.Fprintf(&b, "%s %s (%d lines)\n", f.Status, f.Path, strings.Count(f.Unified, "\n")-3)
			}
		}
	}
	writeNotes(&b, p.Notes)
	s := p.Summary
	fmt.Fprintf(&b, "\n%d to add, %d to modify, %d to replace, %d to remove; %d generated files changed%s.\n",
		s.Add, s.Modify, s.Replace, s.Remove, s.Files, destructiveCount(s))
	return b.String()
}

func writeResource(b *strings.Builder, r ResourceChange, width int) {
	sign := map[string]string{"Add": "+", "Remove": "-", "Modify": "~"}[r.Action]
	if sign == "" {
		sign = "?"
	}
	line := fmt.Sprintf("  %s %-*s  %s", sign, width, r.LogicalID, r.Type)
	switch r.Replacement {
	case "True":
		line += "  REPLACED"
	case "Conditional":
		line += "  MAY BE REPLACED"
	}
	if r.Action != "Add" && r.Action != "Remove" && r.Action != "Modify" {
		line += "  (" + r.Action + ")"
	}
	b.WriteString(line + "\n")
	if r.Cause != "" {
		fmt.Fprintf(b, "      (%s)\n", r.Cause)
	}
	for _, c := range r.Properties {
		l := "      " + c.Path
		if ba := beforeAfter(c); ba != "" {
			l += ": " + ba
		}
		if c.Replace {
			l += "  [requires replacement]"
		}
		b.WriteString(l + "\n")
		if c.Note != "" {
			b.WriteString("        " + c.Note + "\n")
		}
	}
}

func beforeAfter(c PropertyChange) string {
	switch {
	case c.Before == "" && c.After == "":
		return ""
	case c.Before == "":
		return "added " + clip(c.After)
	case c.After == "":
		return "removed (was " + clip(c.Before) + ")"
	}
	return clip(c.Before) + " -> " + clip(c.After)
}

// shortKeyRe matches the hash of an asset key, shortened in text output.
var shortKeyRe = regexp.MustCompile(`(` + regexp.QuoteMeta(layout.AssetPrefix) + `[0-9a-f]{12})[0-9a-f]{52}`)

// clip shortens a value for the text form: asset hashes to 12 digits, and
// anything longer than maxValue characters.
func clip(s string) string {
	s = shortKeyRe.ReplaceAllString(s, "${1}…")
	if r := []rune(s); len(r) > maxValue {
		return string(r[:maxValue-3]) + "..."
	}
	return s
}

func writeNotes(b *strings.Builder, notes []string) {
	if len(notes) == 0 {
		return
	}
	b.WriteString("\nNotes:\n")
	for _, n := range notes {
		b.WriteString("  - " + n + "\n")
	}
}

// destructiveCount adds the destructive table changes to the summary line,
// when there are any.
func destructiveCount(s Summary) string {
	switch s.Destructive {
	case 0:
		return ""
	case 1:
		return "; 1 destructive table change"
	}
	return fmt.Sprintf("; %d destructive table changes", s.Destructive)
}
