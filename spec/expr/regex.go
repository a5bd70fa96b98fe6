package expr

import (
	"fmt"
	"regexp/syntax"
	"strconv"
	"strings"
)

// Regular expressions: Spark reads them with java.util.regex, DuckDB with
// RE2. flowc accepts the subset both read alike and rewrites the few
// constructs whose meaning differs into RE2 that means what Java means:
//
//   - . excludes every Java line terminator (RE2's excludes only \n);
//   - \s includes the vertical tab (RE2's does not);
//   - $ (without MULTILINE) also matches before a final line terminator in
//     Java: it is accepted only where consuming that terminator cannot
//     change the result (rlike, and a regexp_extract group that does not
//     contain it).
//
// Refused, at the character: lookaround, backreferences, possessive
// quantifiers, atomic and named groups, inline flags, \p{...} classes,
// class intersections and nested classes, \Q...\E, \b, \B, \Z, \G, \R, \h,
// \v, \X, \u, octal and control escapes, {n} repeats over 1000, and a {
// that does not start a repeat.

// regexError is why a pattern is refused: the byte range in the decoded
// pattern, a message and a hint.
type regexError struct {
	from, to  int
	msg, hint string
}

// javaRegex is a checked pattern: its RE2 form for DuckDB, its number of
// capturing groups, and the groups that contain a top-level-unsafe $.
type javaRegex struct {
	re2    string
	groups int
	// dollarDepth0 is true when a $ occurs outside every group; dollarIn
	// lists the groups (1-based) that contain a $.
	dollar       bool
	dollarGroups map[int]bool
}

const javaLineTerminators = `\n\r\x{85}\x{2028}\x{2029}`

// parseJavaRegex checks p and translates it.
func parseJavaRegex(p string) (*javaRegex, *regexError) {
	r := &javaRegex{dollarGroups: map[int]bool{}}
	var b strings.Builder
	var open []int   // group numbers of the open groups (0 for non-capturing)
	var openAt []int // their offsets
	refuse := func(i, n int, msg, hint string) (*javaRegex, *regexError) {
		return nil, &regexError{from: i, to: min(i+n, len(p)), msg: msg, hint: hint}
	}
	// canRepeat: the previous item may take a quantifier.
	canRepeat := false
	for i := 0; i < len(p); {
		c := p[i]
		switch c {
		case '\\', '[':
			item := regexClass
			if c == '\\' {
				item = func(p string, i int) (string, int, *regexError) { return regexEscape(p, i, false) }
			}
			s, n, e := item(p, i)
			if e != nil {
				return nil, e
			}
			b.WriteString(s)
			i += n
			canRepeat = true
		case '(':
			openAt = append(openAt, i)
			if strings.HasPrefix(p[i:], "(?:") {
				open = append(open, 0)
				b.WriteString("(?:")
				i += 3
				canRepeat = false
				continue
			}
			if strings.HasPrefix(p[i:], "(?") {
				what := "inline flags"
				hint := "write the pattern without flags, e.g. lower(s) for case-insensitive matching"
				switch {
				case strings.HasPrefix(p[i:], "(?=") || strings.HasPrefix(p[i:], "(?!"):
					what, hint = "lookahead", "match the text itself, or test a second condition with rlike"
				case strings.HasPrefix(p[i:], "(?<=") || strings.HasPrefix(p[i:], "(?<!"):
					what, hint = "lookbehind", "match the text itself, or test a second condition with rlike"
				case strings.HasPrefix(p[i:], "(?<") || strings.HasPrefix(p[i:], "(?P<"):
					what, hint = "a named group", "use a plain group and its number"
				case strings.HasPrefix(p[i:], "(?>"):
					what, hint = "an atomic group", "use (?:...)"
				}
				return refuse(i, 3, what+" is not supported (RE2, which the local engine uses, lacks it or reads it differently)", hint)
			}
			r.groups++
			open = append(open, r.groups)
			b.WriteByte('(')
			i++
			canRepeat = false
		case ')':
			if len(open) == 0 {
				return refuse(i, 1, "a ) without its (", `write \) for the character`)
			}
			open, openAt = open[:len(open)-1], openAt[:len(openAt)-1]
			b.WriteByte(')')
			i++
			canRepeat = true
		case '*', '+', '?', '{':
			n := 1
			if c == '{' {
				m := repeatLen(p[i:])
				if m == 0 {
					return refuse(i, 1, "a { that does not start a repeat {n}, {n,} or {n,m}", `write \{ for a literal brace`)
				}
				for _, f := range strings.FieldsFunc(p[i+1:i+m-1], func(r rune) bool { return r == ',' }) {
					if v, _ := strconv.Atoi(f); v > 1000 {
						return refuse(i, m, "a repeat count above 1000", "RE2 limits repeats to 1000")
					}
				}
				n = m
			}
			if !canRepeat {
				return refuse(i, n, "a quantifier with nothing to repeat", `write \`+string(c)+` for the character`)
			}
			b.WriteString(p[i : i+n])
			i += n
			if i < len(p) && p[i] == '+' {
				return refuse(i-n, n+1, "a possessive quantifier", "use the greedy form, without the +")
			}
			if i < len(p) && p[i] == '?' {
				b.WriteByte('?')
				i++
			}
			canRepeat = false
		case '.':
			b.WriteString("[^" + javaLineTerminators + "]")
			i++
			canRepeat = true
		case '$':
			if len(open) == 0 {
				r.dollar = true
			}
			for _, g := range open {
				if g > 0 {
					r.dollarGroups[g] = true
				}
			}
			// Java's $ also matches before a final line terminator.
			b.WriteString(`(?:\r\n|[` + javaLineTerminators + `])?$`)
			i++
			canRepeat = false
		default:
			b.WriteByte(c)
			i++
			canRepeat = c != '^' && c != '|'
		}
	}
	if len(openAt) > 0 {
		return refuse(openAt[len(openAt)-1], 1, "a ( that is not closed", `close it with ), or write \( for the character`)
	}
	r.re2 = b.String()
	// A last guard: what RE2 cannot parse (a reversed range such as [9-0],
	// a range to a class such as [a-\d]) is also an error in Java.
	if _, err := syntax.Parse(r.re2, syntax.Perl); err != nil {
		return refuse(0, len(p), "a pattern the local engine's RE2 cannot read ("+strings.TrimPrefix(err.Error(), "error parsing regexp: ")+")", "")
	}
	return r, nil
}

// repeatLen is the length of the repeat {n}, {n,} or {n,m} at the start of
// s, or 0.
func repeatLen(s string) int {
	j := strings.IndexByte(s, '}')
	if j < 2 {
		return 0
	}
	lo, hi, comma := strings.Cut(s[1:j], ",")
	if !allDigits(lo) || lo == "" || (comma && hi != "" && !allDigits(hi)) {
		return 0
	}
	return j + 1
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// regexEscape translates the escape at p[i] ('\\'); inClass is true inside
// [...]. It returns the RE2 text and the length read.
func regexEscape(p string, i int, inClass bool) (string, int, *regexError) {
	if i+1 >= len(p) {
		return "", 0, &regexError{from: i, to: i + 1, msg: "a pattern cannot end with a backslash", hint: `write \\ for a backslash`}
	}
	c := p[i+1]
	switch {
	case c == 's':
		if inClass {
			return `\t\n\x0B\f\r `, 2, nil
		}
		return `[\t\n\x0B\f\r ]`, 2, nil
	case c == 'S':
		if inClass {
			return "", 0, &regexError{from: i, to: i + 2, msg: `\S inside [...] is not supported`, hint: `use [^...] around \s`}
		}
		return `[^\t\n\x0B\f\r ]`, 2, nil
	case strings.IndexByte("dDwWtnrfa", c) >= 0:
		return p[i : i+2], 2, nil
	case c == 'A' || c == 'z':
		if inClass {
			break
		}
		return p[i : i+2], 2, nil
	case c == 'x':
		if n := hexEscapeLen(p[i:]); n > 0 {
			return p[i : i+n], n, nil
		}
		return "", 0, &regexError{from: i, to: i + 2, msg: `\x must be followed by two hex digits or {hex}`}
	case c > ' ' && c < 0x7f && !isLetterOrDigit(c):
		return p[i : i+2], 2, nil // an escaped punctuation character
	}
	what := fmt.Sprintf(`the escape \%c`, c)
	hint := ""
	switch c {
	case 'p', 'P':
		what, hint = `a \p{...} class`, "spell the characters out, e.g. [A-Za-z]"
	case 'b', 'B':
		what, hint = "a word boundary", `Java's \b is Unicode-aware and RE2's is not; match the separator instead, e.g. (^|[^A-Za-z0-9_])`
	case 'k', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		what, hint = "a backreference", "RE2 has no backreferences"
	case 'Q':
		what, hint = `\Q...\E quoting`, `escape each special character with a backslash`
	case 'u':
		what, hint = `a \u escape`, `write the character itself, or \x{hhhh}`
	}
	return "", 0, &regexError{from: i, to: i + 2, msg: what + " is not supported (RE2, which the local engine uses, lacks it or reads it differently)", hint: hint}
}

func isLetterOrDigit(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// hexEscapeLen is the length of \xhh or \x{h...} at the start of s, or 0.
func hexEscapeLen(s string) int {
	isHex := func(c byte) bool { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') }
	if len(s) >= 4 && isHex(s[2]) && isHex(s[3]) {
		return 4
	}
	if len(s) >= 4 && s[2] == '{' {
		j := strings.IndexByte(s, '}')
		if j > 3 && j <= 9 {
			for k := 3; k < j; k++ {
				if !isHex(s[k]) {
					return 0
				}
			}
			return j + 1
		}
	}
	return 0
}

// regexClass translates the class [...] at p[i].
func regexClass(p string, i int) (string, int, *regexError) {
	var b strings.Builder
	b.WriteByte('[')
	j := i + 1
	if j < len(p) && p[j] == '^' {
		b.WriteByte('^')
		j++
	}
	if j < len(p) && p[j] == ']' {
		return "", 0, &regexError{from: j, to: j + 1, msg: "a ] first in a class", hint: `write \] for the character`}
	}
	for j < len(p) {
		c := p[j]
		switch {
		case c == ']':
			if j == i+1 || (j == i+2 && p[i+1] == '^') {
				return "", 0, &regexError{from: i, to: j + 1, msg: "an empty class"}
			}
			b.WriteByte(']')
			return b.String(), j + 1 - i, nil
		case c == '\\':
			s, n, e := regexEscape(p, j, true)
			if e != nil {
				return "", 0, e
			}
			b.WriteString(s)
			j += n
		case c == '[':
			return "", 0, &regexError{from: j, to: j + 1, msg: "a nested class or [:name:] inside a class",
				hint: `Java reads [[:alpha:]] as a union of characters, not a POSIX class: spell the characters out, e.g. [A-Za-z], and write \[ for a bracket`}
		case c == '&' && j+1 < len(p) && p[j+1] == '&':
			return "", 0, &regexError{from: j, to: j + 2, msg: "a class intersection &&", hint: "list the characters of the intersection"}
		default:
			b.WriteByte(c)
			j++
		}
	}
	return "", 0, &regexError{from: i, to: i + 1, msg: "a class that is not closed", hint: `close it with ], or write \[ for a bracket`}
}

// javaReplacement translates a regexp_replace replacement (Java: $n is
// group n, \c is the character c) to RE2's (\n is group n, \\ a
// backslash).
func javaReplacement(s string, groups int) (string, *regexError) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 >= len(s) {
				return "", &regexError{from: i, to: i + 1, msg: "a replacement cannot end with a backslash", hint: `write \\ for a backslash`}
			}
			i++
			if s[i] == '\\' {
				b.WriteString(`\\`)
			} else {
				b.WriteByte(s[i])
			}
		case '$':
			if i+1 >= len(s) || !isDigit(s[i+1]) {
				return "", &regexError{from: i, to: i + 1, msg: "a $ not followed by a group number", hint: `write \$ for a dollar sign`}
			}
			if i+2 < len(s) && isDigit(s[i+2]) {
				return "", &regexError{from: i, to: i + 3, msg: "a group number of two digits", hint: "use groups 0 to 9"}
			}
			if int(s[i+1]-'0') > groups {
				return "", &regexError{from: i, to: i + 2, msg: fmt.Sprintf("group %c does not exist: the pattern has %d", s[i+1], groups)}
			}
			b.WriteByte('\\')
			b.WriteByte(s[i+1])
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// litSpan maps the byte range [from, to) of a string literal's value to
// its span in the source (two quotes in the source stand for one).
func litSpan(l *Lit, from, to int) Span {
	src, d := 1, 0
	start := -1
	for src < len(l.Text)-1 {
		if d == from && start < 0 {
			start = src
		}
		if d == to {
			break
		}
		if l.Text[src] == '\'' {
			src++
		}
		src++
		d++
	}
	if start < 0 {
		start = src
	}
	return Span{l.Sp.Start + start, l.Sp.Start + max(src, start+1)}
}

// RegexRE2 is the RE2 form of a checked Java pattern (see parseJavaRegex).
func RegexRE2(pattern string) (string, error) {
	r, e := parseJavaRegex(pattern)
	if e != nil {
		return "", fmt.Errorf("%s", e.msg)
	}
	return r.re2, nil
}

// ReplacementRE2 is the RE2 form of a checked regexp_replace replacement.
func ReplacementRE2(pattern, repl string) (string, error) {
	r, e := parseJavaRegex(pattern)
	if e != nil {
		return "", fmt.Errorf("%s", e.msg)
	}
	s, e := javaReplacement(repl, r.groups)
	if e != nil {
		return "", fmt.Errorf("%s", e.msg)
	}
	return s, nil
}

// The catalogue's regular-expression functions.
var regexFuncs = []Func{
	{Name: "rlike", Sig: "rlike(s string, pattern string) boolean", Doc: "whether pattern (a literal Java regular expression) matches somewhere in s",
		Example: `rlike(origin, '^[A-Z]{3}$')`, MinArgs: 2, MaxArgs: 2,
		params: []param{{"s", argString, false}, {"pattern", argString, true}}, result: regexRule,
		Notes: regexNotes},
	{Name: "regexp_extract", Sig: "regexp_extract(s string, pattern string[, group int]) string",
		Doc:     "the text of group (a literal, default 1; 0 is the whole match) in the first match of pattern in s; '' when nothing matches or the group did not take part",
		Example: `regexp_extract(dep.name, '([A-Z]+) Airport', 1)`, MinArgs: 2, MaxArgs: 3,
		params: []param{{"s", argString, false}, {"pattern", argString, true}, {"group", argInt, true}}, result: regexRule,
		Notes: regexNotes},
	{Name: "regexp_replace", Sig: "regexp_replace(s string, pattern string, repl string) string",
		Doc:     "s with every match of pattern replaced by repl (a literal: $1 is group 1, \\$ a dollar sign)",
		Example: `regexp_replace(origin, '[^A-Z]', '')`, MinArgs: 3, MaxArgs: 3,
		params: []param{{"s", argString, false}, {"pattern", argString, true}, {"repl", argString, true}}, result: regexRule,
		Notes: regexNotes},
}

const regexNotes = "the pattern is read by Java in Spark and by RE2 in DuckDB: flowc accepts their common subset (. and \\s are rewritten to Java's meaning) and refuses lookaround, backreferences, possessive quantifiers, \\p{...}, inline flags and the like at the character"

// regexRule checks the literal pattern (and group, replacement) of rlike,
// regexp_extract and regexp_replace.
func regexRule(c *checker, n *Call, _ []Type) Type {
	res := map[string]Type{"rlike": typBoolean}[n.Name]
	if res.Kind == Unknown {
		res = typString
	}
	l, ok := n.Args[1].(*Lit)
	if !ok || l.Kind != LitString {
		return res // a NULL pattern: NULL
	}
	bad := func(lit *Lit, e *regexError, what string) Type {
		c.report(litSpan(lit, e.from, e.to), codeBadRegex, e.hint, "%s: %s", what, e.msg)
		return Type{}
	}
	r, e := parseJavaRegex(l.Str)
	if e != nil {
		return bad(l, e, "unsupported regular expression")
	}
	dollarErr := func() Type {
		i := strings.IndexByte(l.Str, '$')
		return bad(l, &regexError{from: i, to: i + 1, msg: "a $ here is not supported",
			hint: "Java's $ also matches before a final line break, RE2's does not; strip line breaks first, or keep the $ outside the extracted group"}, "unsupported regular expression")
	}
	switch n.Name {
	case "regexp_extract":
		g := 1
		if len(n.Args) == 3 {
			if v, ok := litInt(n.Args[2]); ok {
				g = v
			}
		}
		if g < 0 || g > r.groups {
			sp := n.Sp
			if len(n.Args) == 3 {
				sp = n.Args[2].Span()
			}
			c.report(sp, codeBadLiteral, "count the ( of the pattern: groups are numbered from 1, 0 is the whole match",
				"regexp_extract group %d does not exist: the pattern has %d", g, r.groups)
			return Type{}
		}
		if (g == 0 && (r.dollar || len(r.dollarGroups) > 0)) || r.dollarGroups[g] {
			return dollarErr()
		}
	case "regexp_replace":
		if r.dollar || len(r.dollarGroups) > 0 {
			return dollarErr()
		}
		if rl, ok := n.Args[2].(*Lit); ok && rl.Kind == LitString {
			if _, e := javaReplacement(rl.Str, r.groups); e != nil {
				return bad(rl, e, "unsupported replacement")
			}
		}
	}
	return res
}
