package diag

// What a line is, settled once for the reader (yaml.v3), the printer and the
// tests: a line ends at LF, CRLF or a lone CR, and also at NEL (U+0085), LS
// (U+2028) and PS (U+2029), which yaml.v3 counts as line breaks too (YAML 1.1
// rules; its scanner's is_break). Diagnostic positions come from yaml.v3, so
// the printer must count lines as it does or a position on a CR-only file
// points past the end.

// BreakLen returns the length of the line break starting at src[i], or 0
// when src[i] does not start one. CRLF is one break of length 2.
func BreakLen(src []byte, i int) int {
	switch c := src[i]; {
	case c == '\n':
		return 1
	case c == '\r':
		if i+1 < len(src) && src[i+1] == '\n' {
			return 2
		}
		return 1
	case c == 0xC2:
		if i+1 < len(src) && src[i+1] == 0x85 {
			return 2
		}
	case c == 0xE2:
		if i+2 < len(src) && src[i+1] == 0x80 && (src[i+2] == 0xA8 || src[i+2] == 0xA9) {
			return 3
		}
	}
	return 0
}

// splitLines splits src into its lines without their line breaks. A file
// ending in a break has an empty last line, as with bytes.Split on "\n".
func splitLines(src []byte) [][]byte {
	var lines [][]byte
	start := 0
	for i := 0; i < len(src); {
		if n := BreakLen(src, i); n > 0 {
			lines = append(lines, src[start:i])
			i += n
			start = i
			continue
		}
		i++
	}
	return append(lines, src[start:])
}

// LineCount returns the number of lines splitLines finds in src.
func LineCount(src []byte) int {
	n := 1
	for i := 0; i < len(src); {
		if b := BreakLen(src, i); b > 0 {
			n++
			i += b
			continue
		}
		i++
	}
	return n
}

// KeepInside moves every position in file that lies past the end of src
// (yaml.v3 places the null node of a document that ends early on the line
// after the last) to the end of src's last line, so a diagnostic always
// points at text the printer can show.
func (s *Set) KeepInside(file string, src []byte) {
	lines := splitLines(src)
	last := Pos{File: file, Line: len(lines), Col: len([]rune(string(lines[len(lines)-1]))) + 1}
	past := func(p Pos) bool { return p.File == file && p.Line > last.Line }
	for i := range s.items {
		d := &s.items[i]
		if past(d.Pos) {
			d.Pos = last
		}
		if past(d.End) {
			d.End = last
		}
	}
}
