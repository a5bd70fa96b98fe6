package diag

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
)

// The text format, for people:
//
//	pipeline.yaml:3:2: error: unknown field "ordrs" [FC102]
//	  	ordrs:
//	  	^~~~~
//	  hint: did you mean "orders"?
//
//	pipeline.yaml: error: no environment declared [FC201]
//
//	2 errors, 0 warnings
//
// The first line is the position (unknown parts left out, as Pos.String
// does), the severity, the message and the code. When the source is
// available and the position has a line, the line follows, indented by
// two spaces, and when it has a column a caret line marks it: the padding
// repeats the tabs of the source line, so the caret stays aligned, and
// counts one column per character (Pos.Col counts characters; characters
// that a terminal draws two cells wide are not accounted for). When End is
// on the same line, '~' extends the caret up to End (exclusive); a range
// ending on a later line is marked by the caret alone. Very long lines are
// cut around the column, with "..." where text was left out. A blank line
// separates diagnostics, and a summary follows the last one; nothing at
// all is printed when there are no diagnostics.

// ANSI styles of the text format.
const (
	ansiReset   = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiRed     = "\x1b[1;31m"
	ansiMagenta = "\x1b[1;35m"
	ansiGreen   = "\x1b[1;32m"
	ansiCyan    = "\x1b[1;36m"
)

// Long source lines are cut to maxSourceWidth characters, starting up to
// sourceContext characters before the column.
const (
	maxSourceWidth = 160
	sourceContext  = 60
	ellipsis       = "..."
)

func (p *Printer) printText(buf *bytes.Buffer, diags []Diagnostic) {
	paint := func(style, s string) string {
		if !p.Color || s == "" {
			return s
		}
		return style + s + ansiReset
	}
	src := sourceLines{sources: p.Sources}
	for i, d := range diags {
		if i > 0 {
			buf.WriteByte('\n')
		}
		sevStyle := ansiRed
		if !isError(d) {
			sevStyle = ansiMagenta
		}
		fmt.Fprintf(buf, "%s %s %s", paint(ansiBold, d.Pos.String()+":"), paint(sevStyle, level(d)+":"), d.Message)
		if d.Code != "" {
			fmt.Fprintf(buf, " [%s]", d.Code)
		}
		buf.WriteByte('\n')
		line, col, endLine, endCol := span(d)
		if text, ok := src.line(d.Pos.File, line); ok {
			width := 1
			if endLine == line {
				width = endCol - col
			}
			shown, pad, width := snippet(text, col, width)
			buf.WriteString("  " + shown + "\n")
			if col > 0 {
				buf.WriteString("  " + pad + paint(ansiGreen, "^"+strings.Repeat("~", width-1)) + "\n")
			}
		}
		if d.Hint != "" {
			hint := strings.ReplaceAll(d.Hint, "\n", "\n        ")
			fmt.Fprintf(buf, "  %s %s\n", paint(ansiCyan, "hint:"), hint)
		}
		if r := d.Related; !r.IsZero() {
			fmt.Fprintf(buf, "  %s %s %s\n", paint(ansiBold, r.Pos.String()+":"), paint(ansiCyan, "note:"), r.Message)
		}
	}
	if len(diags) > 0 {
		errs, warns := count(diags)
		fmt.Fprintf(buf, "\n%s, %s\n", plural(errs, "error"), plural(warns, "warning"))
	}
}

// snippet prepares a source line for display under a diagnostic at the
// 1-based column col (0: none) whose range is width characters wide. It
// returns the line to show (control characters other than tab replaced,
// cut when long), the padding that puts a caret under col, and the width
// clamped to the text shown (at least 1; a caret may sit just past the
// end of the line, where a missing value would be).
func snippet(text string, col, width int) (shown, pad string, w int) {
	runes := []rune(text)
	for i, r := range runes {
		if r != '\t' && unicode.IsControl(r) {
			runes[i] = '?'
		}
	}
	start, end := 0, len(runes)
	if len(runes) > maxSourceWidth {
		if col > 1 {
			start = max(0, min(col-1-sourceContext, len(runes)-maxSourceWidth))
		}
		end = start + maxSourceWidth
	}
	var b, p strings.Builder
	if start > 0 {
		b.WriteString(ellipsis)
		p.WriteString(strings.Repeat(" ", len(ellipsis)))
	}
	b.WriteString(string(runes[start:end]))
	if end < len(runes) {
		b.WriteString(ellipsis)
	}
	for i := start; i < col-1; i++ {
		if i < len(runes) && runes[i] == '\t' {
			p.WriteByte('\t')
		} else {
			p.WriteByte(' ')
		}
	}
	// The caret may go one past the text shown (end of line), no further.
	w = max(1, min(width, end+1-(col-1)))
	return b.String(), p.String(), w
}

// plural renders "1 error", "2 errors", "0 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// sourceLines splits the files given by Sources into lines, once each.
type sourceLines struct {
	sources Sources
	files   map[string][][]byte
}

// line returns the 1-based line n of file without its line ending, and
// whether it exists.
func (s *sourceLines) line(file string, n int) (string, bool) {
	if s.sources == nil || n < 1 {
		return "", false
	}
	lines, ok := s.files[file]
	if !ok {
		if src := s.sources(file); src != nil {
			lines = splitLines(src)
		}
		if s.files == nil {
			s.files = map[string][][]byte{}
		}
		s.files[file] = lines
	}
	if n > len(lines) {
		return "", false
	}
	return string(lines[n-1]), true
}
