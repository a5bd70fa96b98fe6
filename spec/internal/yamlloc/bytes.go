package yamlloc

import (
	"fmt"
	"unicode/utf8"
)

// badByte finds the first byte sequence that is not UTF-8 or a character
// YAML does not allow in a stream (YAML 1.2, 5.1: tab, line breaks and the
// printable characters; C0 and C1 controls, DEL and U+FFFE/U+FFFF are out).
// Files in UTF-16 (they start with a byte order mark) are left to yaml.v3.
func badByte(src []byte) (Finding, bool) {
	if len(src) >= 2 && (src[0] == 0xFF && src[1] == 0xFE || src[0] == 0xFE && src[1] == 0xFF) {
		return Finding{}, false
	}
	lines := splitLines(src)
	for li, sp := range lines {
		text := src[sp.start:sp.end]
		for off := 0; off < len(text); {
			r, n := utf8.DecodeRune(text[off:])
			var f Finding
			switch {
			case r == utf8.RuneError && n <= 1:
				f.Msg = fmt.Sprintf("byte 0x%02X is not UTF-8", text[off])
				f.Hint = "save the spec as UTF-8 (this looks like Latin-1 or another 8-bit encoding)"
			case !allowed(r):
				f.Msg = fmt.Sprintf("control character %U%s is not allowed in YAML", r, controlName(r))
				f.Hint = "remove it; write it as an escape (\"\\x00\") inside a double-quoted string if it is wanted"
			default:
				off += n
				continue
			}
			f.Line, f.Col = li+1, column(text, off, li == 0)
			return f, true
		}
	}
	return Finding{}, false
}

func allowed(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r', r == 0x85:
		return true
	case r < 0x20, r == 0x7F, r >= 0x80 && r <= 0x9F, r == 0xFFFE, r == 0xFFFF:
		return false
	}
	return true
}

func controlName(r rune) string {
	if r == 0 {
		return " (NUL)"
	}
	return ""
}
