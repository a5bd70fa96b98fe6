package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// Format is an output format of the Printer.
type Format string

// The formats of the Printer. The zero Format prints text.
const (
	FormatText   Format = "text"   // for people: location, source line, caret, hint
	FormatJSON   Format = "json"   // one JSON document (see printJSON)
	FormatGitHub Format = "github" // GitHub Actions workflow commands
	FormatSARIF  Format = "sarif"  // SARIF 2.1.0, for code scanning
)

// Formats returns every format, in the order a usage message lists them.
func Formats() []Format {
	return []Format{FormatText, FormatJSON, FormatGitHub, FormatSARIF}
}

// Sources returns the contents of the file named in a Pos, or nil when it
// is not available. The text printer uses it to show the source line.
type Sources func(file string) []byte

// Printer renders diagnostics. It is the only code in flowc that formats
// diagnostics for output; commands choose a Format and call Print.
// The zero Printer prints plain text without source lines.
type Printer struct {
	Format Format
	// Sources gives the source line under a text diagnostic; may be nil.
	Sources Sources
	// Color turns on ANSI colour in text. Set it only when the output
	// is a terminal.
	Color bool
	// ToolVersion is the flowc version reported in SARIF; may be "".
	ToolVersion string
}

// Print writes diags to w in p.Format, in the order given (normally
// Set.Sorted). Every format also reports the numbers of errors and
// warnings, except github, which has one line per diagnostic and nothing
// else. The output is written with a single call to w.Write.
func (p *Printer) Print(w io.Writer, diags []Diagnostic) error {
	var buf bytes.Buffer
	var err error
	switch p.Format {
	case FormatText, "":
		p.printText(&buf, diags)
	case FormatJSON:
		err = printJSON(&buf, diags)
	case FormatGitHub:
		printGitHub(&buf, diags)
	case FormatSARIF:
		err = printSARIF(&buf, diags, p.ToolVersion)
	default:
		return fmt.Errorf("unknown diagnostics format %q", p.Format)
	}
	if err != nil {
		return fmt.Errorf("printing diagnostics: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// isError reports whether d counts as an error (as in Set.Counts).
func isError(d Diagnostic) bool { return d.Severity != Warning }

// count returns the numbers of errors and warnings in diags.
func count(diags []Diagnostic) (errors, warnings int) {
	for _, d := range diags {
		if isError(d) {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// level is the severity name used by every format: "error" or "warning".
func level(d Diagnostic) string {
	if isError(d) {
		return "error"
	}
	return "warning"
}

// messageWithHint is the message followed by " (hint: HINT)" when there
// is a hint, for the formats that have no field of their own for it.
func messageWithHint(d Diagnostic) string {
	if d.Hint == "" {
		return d.Message
	}
	return d.Message + " (hint: " + d.Hint + ")"
}

// span returns the 1-based start and the exclusive end of d, dropping
// what is unknown: no line means no columns, and an End without a line,
// or before the start, is unknown (endLine 0).
func span(d Diagnostic) (line, col, endLine, endCol int) {
	line, col = max(d.Pos.Line, 0), max(d.Pos.Col, 0)
	if line == 0 {
		return 0, 0, 0, 0
	}
	endLine, endCol = d.End.Line, max(d.End.Col, 0)
	if endLine < line || (endLine == line && (col == 0 || endCol <= col)) {
		return line, col, 0, 0
	}
	return line, col, endLine, endCol
}

// slashPath is the file name with forward slashes, as GitHub and SARIF
// expect.
func slashPath(file string) string { return filepath.ToSlash(file) }

// jsonDiagnostic is one element of the json format; the field order is
// the documented one.
type jsonDiagnostic struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Hint      string `json:"hint"`
	// Related is left out when the diagnostic has no related position.
	Related []jsonRelated `json:"related,omitempty"`
}

// jsonRelated is a related position: another place the finding involves.
type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonDocument struct {
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
	Errors      int              `json:"errors"`
	Warnings    int              `json:"warnings"`
}

// printJSON writes one document:
//
//	{"diagnostics":[{"file","line","column","end_line","end_column",
//	"severity","code","message","hint"[,"related":[{"file","line",
//	"column","message"}]]}],"errors":N,"warnings":N}
//
// Every field but related is always present; diagnostics is [] when there
// are none; related is there only when the diagnostic names another place.
// Lines and columns are 1-based, 0 when unknown. When the end is unknown,
// end_line and end_column equal line and column (an empty range at the
// start); end_column is exclusive. hint is "" when there is none.
// Indented by two spaces, with a trailing newline.
func printJSON(buf *bytes.Buffer, diags []Diagnostic) error {
	doc := jsonDocument{Diagnostics: make([]jsonDiagnostic, 0, len(diags))}
	doc.Errors, doc.Warnings = count(diags)
	for _, d := range diags {
		line, col, endLine, endCol := span(d)
		if endLine == 0 {
			endLine, endCol = line, col
		}
		doc.Diagnostics = append(doc.Diagnostics, jsonDiagnostic{
			File: d.Pos.File, Line: line, Column: col, EndLine: endLine, EndColumn: endCol,
			Severity: level(d), Code: d.Code, Message: d.Message, Hint: d.Hint,
		})
		if r := d.Related; !r.IsZero() {
			doc.Diagnostics[len(doc.Diagnostics)-1].Related = []jsonRelated{{File: r.Pos.File, Line: r.Pos.Line, Column: r.Pos.Col, Message: r.Message}}
		}
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// printGitHub writes one workflow command per diagnostic:
//
//	::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE::MESSAGE (hint: HINT)
//
// Unknown properties are left out. Values are escaped as the Actions
// runner expects (see escapeData and escapeProperty).
func printGitHub(buf *bytes.Buffer, diags []Diagnostic) {
	for _, d := range diags {
		line, col, endLine, endCol := span(d)
		var props []string
		add := func(k, v string) { props = append(props, k+"="+escapeProperty(v)) }
		if d.Pos.File != "" {
			add("file", slashPath(d.Pos.File))
		}
		if line > 0 {
			add("line", strconv.Itoa(line))
		}
		if col > 0 {
			add("col", strconv.Itoa(col))
		}
		if endLine > 0 {
			add("endLine", strconv.Itoa(endLine))
			if endCol > 0 {
				add("endColumn", strconv.Itoa(endCol))
			}
		}
		if d.Code != "" {
			add("title", d.Code)
		}
		buf.WriteString("::" + level(d))
		if len(props) > 0 {
			buf.WriteString(" " + strings.Join(props, ","))
		}
		msg := messageWithHint(d)
		if r := d.Related; !r.IsZero() {
			// Annotations have no related locations: name it in the text.
			msg += " (" + r.Pos.String() + ": " + r.Message + ")"
		}
		buf.WriteString("::" + escapeData(msg) + "\n")
	}
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeData escapes the message of a workflow command.
func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes a property value of a workflow command, which
// additionally may not hold ':' or ','.
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
