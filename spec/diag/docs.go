package diag

import (
	"bytes"
	"io"
	"strings"
)

// WriteMarkdown renders codes (normally Codes()) as the Markdown page
// docs/diagnostics.md: a title, a line saying the page is generated, and
// one table row per code, in the order given:
//
//	| code | severity | meaning |
//	|------|----------|---------|
//	| FC101 | error | the file is not valid YAML |
//
// '|' in a summary is escaped and line breaks become spaces, so each code
// stays on one row. The output depends only on codes.
func WriteMarkdown(w io.Writer, codes []Code) error {
	var b bytes.Buffer
	b.WriteString("# Diagnostic codes\n\n")
	b.WriteString("<!-- Generated from the code tables in spec/diag; do not edit. -->\n\n")
	b.WriteString("Every diagnostic flowc reports carries one of these codes. A code is never\n")
	b.WriteString("renumbered or reused. Errors make `flowc validate` and `flowc build` exit with 1;\n")
	b.WriteString("warnings do not.\n\n")
	b.WriteString("| code | severity | meaning |\n")
	b.WriteString("|------|----------|---------|\n")
	for _, c := range codes {
		b.WriteString("| " + mdCell(c.ID) + " | " + mdCell(c.Severity.String()) + " | " + mdCell(c.Summary) + " |\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

var mdEscaper = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ")

// mdCell makes s safe inside a table cell.
func mdCell(s string) string { return strings.TrimSpace(mdEscaper.Replace(s)) }
