package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// This file holds the literal rules: the types of number literals, the
// accepted date and timestamp texts, LIKE pattern escapes and the date
// format patterns of to_date.

// intLitType is the type of an integer literal (Spark): int if it fits 32
// bits, bigint if it fits 64 bits, else decimal(digits,0).
func intLitType(text string) Type {
	if v, err := strconv.ParseInt(text, 10, 64); err == nil {
		if v >= -1<<31 && v < 1<<31 {
			return Type{Kind: Int}
		}
		return Type{Kind: Bigint}
	}
	return DecimalOf(max(1, len(significantDigits(text))), 0)
}

// significantDigits strips the sign, the decimal point and leading zeros.
func significantDigits(text string) string {
	s := strings.TrimPrefix(text, "-")
	s = strings.Replace(s, ".", "", 1)
	return strings.TrimLeft(s, "0")
}

// decimalLitType is the precision and scale of a decimal literal such as
// 1.50, .5 or 5. (Spark's BigDecimal reading): scale is the number of digits
// after the point, precision the number of significant digits, at least
// the scale and at least 1.
func decimalLitType(text string) (p, s int) {
	if i := strings.IndexByte(text, '.'); i >= 0 {
		s = len(text) - i - 1
	}
	p = max(1, len(significantDigits(text)), s)
	return p, s
}

// literalDecimal is the decimal type an integer literal takes next to a
// decimal in arithmetic: the narrowest that holds it (Spark's
// DecimalType.fromLiteral). ok is false when e is not an integer literal.
func literalDecimal(e Expr) (Type, bool) {
	l, ok := e.(*Lit)
	if !ok || l.Kind != LitInt {
		return Type{}, false
	}
	return DecimalOf(max(1, len(significantDigits(l.Text))), 0), true
}

// ParseDateLiteral validates a date written as 'YYYY-MM-DD' (a real
// calendar day, year 0001-9999) and returns it unchanged. It is the form
// accepted by DATE '...' and by a string literal compared with a date.
func ParseDateLiteral(s string) (string, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return "", false
	}
	y, ok1 := atoiN(s[0:4])
	m, ok2 := atoiN(s[5:7])
	d, ok3 := atoiN(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return "", false
	}
	return s, true
}

// ParseTimestampLiteral validates a timestamp written as 'YYYY-MM-DD',
// 'YYYY-MM-DD HH:MM', 'YYYY-MM-DD HH:MM:SS' or with a fraction of 1 to 6
// digits ('T' may replace the space; no time zone), and returns its
// canonical form 'YYYY-MM-DD HH:MM:SS[.fraction]', which both engines read.
func ParseTimestampLiteral(s string) (string, bool) {
	if len(s) < 10 {
		return "", false
	}
	date, ok := ParseDateLiteral(s[:10])
	if !ok {
		return "", false
	}
	rest := s[10:]
	if rest == "" {
		return date + " 00:00:00", true
	}
	if rest[0] != ' ' && rest[0] != 'T' {
		return "", false
	}
	rest = rest[1:]
	if len(rest) < 5 || rest[2] != ':' {
		return "", false
	}
	hh, ok1 := atoiN(rest[0:2])
	mm, ok2 := atoiN(rest[3:5])
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return "", false
	}
	ss, frac := 0, ""
	rest = rest[5:]
	if rest != "" {
		if len(rest) < 3 || rest[0] != ':' {
			return "", false
		}
		v, ok := atoiN(rest[1:3])
		if !ok || v > 59 {
			return "", false
		}
		ss = v
		rest = rest[3:]
		if rest != "" {
			if rest[0] != '.' || len(rest) < 2 || len(rest) > 7 {
				return "", false
			}
			if _, ok := atoiN(rest[1:]); !ok {
				return "", false
			}
			frac = rest
		}
	}
	return fmt.Sprintf("%s %02d:%02d:%02d%s", date, hh, mm, ss, frac), true
}

// atoiN parses a string of ASCII digits only.
func atoiN(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// checkLikePattern validates the escapes of a LIKE pattern: a backslash must
// be followed by %, _ or a backslash (Spark fails at run time otherwise). It
// returns the byte offset of the bad backslash, or -1.
func checkLikePattern(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		if i+1 >= len(s) || (s[i+1] != '%' && s[i+1] != '_' && s[i+1] != '\\') {
			return i
		}
		i++
	}
	return -1
}

// dateFormatFields are the pattern letters to_date accepts (Spark's
// datetime pattern letters), each with its fixed width and its strptime
// directive (DuckDB).
var dateFormatFields = map[byte]struct {
	width    int
	strptime string
}{
	'y': {4, "%Y"},
	'M': {2, "%m"},
	'd': {2, "%d"},
	'H': {2, "%H"},
	'm': {2, "%M"},
	's': {2, "%S"},
}

// dateFormatSeparators may appear unquoted between fields.
const dateFormatSeparators = " -/.:,_"

// patternText copies the separator or 'quoted text' at pattern[i] to b
// as strftime text and returns the bytes read, 0 for quoted text that is
// empty or not closed.
func patternText(b *strings.Builder, pattern string, i int) int {
	if pattern[i] != '\'' {
		b.WriteByte(pattern[i])
		return 1
	}
	j := strings.IndexByte(pattern[i+1:], '\'')
	if j <= 0 {
		return 0
	}
	b.WriteString(strings.ReplaceAll(pattern[i+1:i+1+j], "%", "%%"))
	return j + 2
}

// StrptimeFormat checks a to_date format pattern (Spark datetime pattern
// syntax restricted to yyyy, MM, dd, HH, mm, ss, the separators
// " -/.:,_" and text in single quotes, e.g. yyyy-MM-dd'T'HH:mm) and returns
// the equivalent strptime format for DuckDB (e.g. %Y-%m-%dT%H:%M). yyyy, MM
// and dd are required.
func StrptimeFormat(pattern string) (string, error) {
	var b strings.Builder
	seen := map[byte]bool{}
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'' || strings.IndexByte(dateFormatSeparators, c) >= 0:
			n := patternText(&b, pattern, i)
			if n == 0 {
				return "", fmt.Errorf("quoted text at offset %d is empty or not closed", i)
			}
			i += n
		default:
			f, ok := dateFormatFields[c]
			if !ok {
				return "", fmt.Errorf("unsupported pattern character %q at offset %d; use yyyy, MM, dd, HH, mm, ss, the separators %q and 'quoted text'", string(c), i, dateFormatSeparators)
			}
			j := i
			for j < len(pattern) && pattern[j] == c {
				j++
			}
			if j-i != f.width {
				return "", fmt.Errorf("pattern %q at offset %d must be %s", pattern[i:j], i, strings.Repeat(string(c), f.width))
			}
			if seen[c] {
				return "", fmt.Errorf("pattern %q appears twice", pattern[i:j])
			}
			seen[c] = true
			b.WriteString(f.strptime)
			i = j
		}
	}
	for _, c := range []byte{'y', 'M', 'd'} {
		if !seen[c] {
			return "", fmt.Errorf("pattern needs %s", strings.Repeat(string(c), dateFormatFields[c].width))
		}
	}
	return b.String(), nil
}
