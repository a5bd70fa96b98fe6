package deploy

import (
	"fmt"
	"strings"
)

// formatMarkdown renders a plan as GitHub-flavoured Markdown: the pull
// request comment and job summary of the CI kit (action.yml).
const formatMarkdown = "markdown"

// renderMarkdown renders a plan for a pull request: the counts, the
// pipeline changes, a table of the resources (replacements in bold), the
// parameters, and the generated files' diffs folded in <details>.
func renderMarkdown(p *Plan) string {
	var b strings.Builder
	where := "`" + p.Stack + "`"
	if p.Region != "" {
		where += " (" + p.Region + ")"
	}
	fmt.Fprintf(&b, "#### Stack %s, compared with %s\n\n", where, mdText(p.Against))
	if p.Empty() {
		b.WriteString("No changes.\n")
		mdNotes(&b, p.Notes)
		return b.String()
	}
	s := p.Summary
	fmt.Fprintf(&b, "**%d to add, %d to modify, %d to replace, %d to remove; %d generated files changed%s.**\n",
		s.Add, s.Modify, s.Replace, s.Remove, s.Files, destructiveCount(s))
	if len(p.Pipeline) > 0 {
		b.WriteString("\nPipeline:\n\n")
		for _, l := range p.Pipeline {
			b.WriteString("- " + mdText(l) + "\n")
		}
	}
	if len(p.Resources) > 0 {
		fmt.Fprintf(&b, "\nResources (replacements from %s, details from %s):\n\n", p.ReplacementsFrom, p.DetailsFrom)
		b.WriteString("| change | resource | type | properties |\n| --- | --- | --- | --- |\n")
		for _, r := range p.Resources {
			change := r.Action
			switch r.Replacement {
			case "True":
				change = "**replace**"
			case "Conditional":
				change = "**may replace**"
			}
			var props []string
			if r.Cause != "" {
				props = append(props, "("+mdText(r.Cause)+")")
			}
			for _, c := range r.Properties {
				x := "`" + mdCode(c.Path) + "`"
				if ba := beforeAfter(c); ba != "" {
					x += ": " + mdText(ba)
				}
				if c.Replace {
					x += " **requires replacement**"
				}
				props = append(props, x)
			}
			fmt.Fprintf(&b, "| %s | `%s` | `%s` | %s |\n", change, mdCode(r.LogicalID), mdCode(r.Type), strings.Join(props, "<br>"))
		}
	}
	if len(p.Parameters) > 0 {
		b.WriteString("\nParameters:\n\n")
		for _, c := range p.Parameters {
			fmt.Fprintf(&b, "- `%s`: %s\n", mdCode(c.Path), mdText(beforeAfter(c)))
		}
	}
	if len(p.Files) > 0 {
		fmt.Fprintf(&b, "\n<details><summary>Generated files (%d)</summary>\n\n", len(p.Files))
		for _, f := range p.Files {
			if f.Status != "changed" {
				fmt.Fprintf(&b, "- %s `%s` (%d lines)\n", f.Status, mdCode(f.Path), strings.Count(f.Unified, "\n")-3)
			}
		}
		for _, f := range p.Files {
			if f.Status == "changed" {
				fence := "```"
				for strings.Contains(f.Unified, fence) {
					fence += "`"
				}
				fmt.Fprintf(&b, "\n%sdiff\n%s%s\n", fence, f.Unified, fence)
			}
		}
		b.WriteString("\n</details>\n")
	}
	mdNotes(&b, p.Notes)
	return b.String()
}

func mdNotes(b *strings.Builder, notes []string) {
	if len(notes) == 0 {
		return
	}
	b.WriteString("\nNotes:\n\n")
	for _, n := range notes {
		b.WriteString("- " + mdText(n) + "\n")
	}
}

// mdText escapes what Markdown would read as markup or HTML in free text.
var mdEscaper = strings.NewReplacer("\\", "\\\\", "<", "&lt;", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "|", "\\|", "\n", " ")

func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCode makes s safe inside `...` in a table: no backticks, no pipes.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|", "\n", " ").Replace(s)
}
