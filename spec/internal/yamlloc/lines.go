package yamlloc

import (
	"unicode/utf8"

	"github.com/flowc-dev/flowc/spec/diag"
)

// span is one line of the source: src[start:end] is its text without the
// line break.
type span struct{ start, end int }

// splitLines cuts src into lines the way yaml.v3 counts them: a line break
// is LF, CRLF, a lone CR, NEL (U+0085), LS (U+2028) or PS (U+2029), as
// diag.BreakLen decides for the printer too.
func splitLines(src []byte) []span {
	var out []span
	start := 0
	for i := 0; i < len(src); {
		n := diag.BreakLen(src, i)
		if n == 0 {
			i++
			continue
		}
		out = append(out, span{start, i})
		i += n
		start = i
	}
	return append(out, span{start, len(src)})
}

// column returns the 1-based column of byte offset off of line text, in
// characters as yaml.v3 counts them (an invalid byte counts as one). A
// UTF-8 byte order mark at the start of the file is not a column.
func column(text []byte, off int, first bool) int {
	if off > len(text) {
		off = len(text)
	}
	pre := text[:off]
	if first && len(pre) >= 3 && pre[0] == 0xEF && pre[1] == 0xBB && pre[2] == 0xBF {
		pre = pre[3:]
	}
	return utf8.RuneCount(pre) + 1
}

// Offset returns the byte offset in src of 1-based line and column (in
// characters), as yaml.v3 positions nodes, or -1 when there is none.
func Offset(src []byte, line, col int) int {
	lines := splitLines(src)
	if line < 1 || line > len(lines) || col < 1 {
		return -1
	}
	sp := lines[line-1]
	off := sp.start
	if line == 1 && len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		off += 3
	}
	for c := 1; c < col; c++ {
		if off >= sp.end {
			return -1
		}
		_, n := utf8.DecodeRune(src[off:sp.end])
		off += n
	}
	return off
}
