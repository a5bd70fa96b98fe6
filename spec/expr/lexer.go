package expr

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a token.
type tokKind int

const (
	tEOF     tokKind = iota
	tIdent           // unquoted identifier or keyword
	tQIdent          // `quoted identifier`
	tInt             // 42
	tDecimal         // 1.5
	tDouble          // 1.5e3, 1.5D
	tString          // 'text'
	tOp              // operator or punctuation
)

// token is one lexical token. text is the source text; val is the decoded
// value of a string or quoted identifier (the text for others).
type token struct {
	kind     tokKind
	pos, end int
	text     string
	val      string
}

func (t token) span() Span { return Span{t.pos, t.end} }

// keywords are reserved (case-insensitive) and cannot name a column unless
// quoted with backticks. Type and function names are not keywords.
var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "IS": true, "NULL": true, "IN": true,
	"BETWEEN": true, "LIKE": true, "CASE": true, "WHEN": true, "THEN": true,
	"ELSE": true, "END": true, "CAST": true, "AS": true, "DISTINCT": true,
	"TRUE": true, "FALSE": true,
}

// isKeyword reports whether an unquoted identifier is a reserved word.
func isKeyword(s string) bool {
	return len(s) <= 8 && keywords[strings.ToUpper(s)]
}

// is reports whether t is the keyword kw (upper-case) or the operator kw.
func (t token) is(kw string) bool {
	switch t.kind {
	case tIdent:
		return strings.EqualFold(t.text, kw)
	case tOp:
		return t.text == kw
	}
	return false
}

// describe renders a token for messages: "end of expression", ">", keyword END.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tIdent:
		if isKeyword(t.text) {
			return "keyword " + strings.ToUpper(t.text)
		}
	case tString:
		return "string " + t.text
	}
	return fmt.Sprintf("%q", t.text)
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentByte(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lex splits src into tokens, ending with tEOF. It stops at the first
// lexical error.
func lex(src string) ([]token, *Error) {
	var toks []token
	i := 0
	for {
		for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
			i++
		}
		if i >= len(src) {
			return append(toks, token{kind: tEOF, pos: len(src), end: len(src)}), nil
		}
		t, err := lexOne(src, i)
		if err != nil {
			return toks, err
		}
		toks = append(toks, t)
		i = t.end
	}
}

// twoCharOps are the operators of two bytes, tried before single bytes.
var twoCharOps = []string{"||", "==", "!=", "<>", "<=", ">="}

const singleCharOps = "+-*/%=<>(),."

// lexOne reads the token starting at src[i] (not whitespace).
func lexOne(src string, i int) (token, *Error) {
	c := src[i]
	switch {
	case isIdentStart(c):
		j := i + 1
		for j < len(src) && isIdentByte(src[j]) {
			j++
		}
		return token{kind: tIdent, pos: i, end: j, text: src[i:j], val: src[i:j]}, nil
	case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
		return lexNumber(src, i)
	case c == '\'':
		return lexString(src, i)
	case c == '`':
		return lexQuotedIdent(src, i)
	case c == '"':
		j := strings.IndexByte(src[i+1:], '"')
		end := len(src)
		if j >= 0 {
			end = i + 1 + j + 1
		}
		return token{}, &Error{Span: Span{i, end}, Code: codeSyntax,
			Msg:  "double quotes are not allowed",
			Hint: "write a string in single quotes ('text') and quote a column name with backticks (`name`)"}
	}
	if strings.HasPrefix(src[i:], "<=>") {
		return token{}, &Error{Span: Span{i, i + 3}, Code: codeSyntax,
			Msg:  `operator "<=>" is not supported`,
			Hint: "use (a = b OR (a IS NULL AND b IS NULL))"}
	}
	if strings.HasPrefix(src[i:], "--") || strings.HasPrefix(src[i:], "/*") {
		return token{}, &Error{Span: Span{i, i + 2}, Code: codeSyntax,
			Msg:  "comments are not allowed in expressions",
			Hint: `write "- -x" or "-(-x)" for a double negation`}
	}
	for _, op := range twoCharOps {
		if strings.HasPrefix(src[i:], op) {
			return token{kind: tOp, pos: i, end: i + 2, text: op, val: op}, nil
		}
	}
	if strings.IndexByte(singleCharOps, c) >= 0 {
		return token{kind: tOp, pos: i, end: i + 1, text: src[i : i+1], val: src[i : i+1]}, nil
	}
	r, size := utf8.DecodeRuneInString(src[i:])
	e := &Error{Span: Span{i, i + size}, Code: codeSyntax}
	switch {
	case r == utf8.RuneError && size <= 1:
		e.Msg = "invalid UTF-8 byte"
	case c == '|':
		e.Msg, e.Hint = `unexpected "|"`, "use || to concatenate strings"
	case c == '!':
		e.Msg, e.Hint = `unexpected "!"`, "use NOT for negation and != for inequality"
	case c == '&':
		e.Msg, e.Hint = `unexpected "&"`, "use AND"
	default:
		e.Msg = fmt.Sprintf("unexpected character %q", string(r))
	}
	return token{}, e
}

// lexNumber reads digits[.digits][e[+-]digits][D], or .digits[...].
func lexNumber(src string, i int) (token, *Error) {
	j := i
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	kind := tInt
	if j < len(src) && src[j] == '.' {
		kind = tDecimal
		j++
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && isDigit(src[k]) {
			for k < len(src) && isDigit(src[k]) {
				k++
			}
			kind, j = tDouble, k
		}
	}
	if j < len(src) && (src[j] == 'd' || src[j] == 'D') && (j+1 >= len(src) || !isIdentByte(src[j+1])) {
		kind = tDouble
		j++
	}
	if j < len(src) && isIdentByte(src[j]) {
		k := j
		for k < len(src) && isIdentByte(src[k]) {
			k++
		}
		return token{}, &Error{Span: Span{i, k}, Code: codeSyntax,
			Msg:  fmt.Sprintf("invalid number %q", src[i:k]),
			Hint: "numbers are written 42, 1.5, 1.5e3 or 1.5D; use CAST(... AS type) for other types"}
	}
	return token{kind: kind, pos: i, end: j, text: src[i:j], val: src[i:j]}, nil
}

// lexString reads a single-quoted string, in which two single quotes stand
// for one. Backslash has no special meaning.
func lexString(src string, i int) (token, *Error) {
	var b strings.Builder
	j := i + 1
	for {
		k := strings.IndexByte(src[j:], '\'')
		if k < 0 {
			return token{}, &Error{Span: Span{i, len(src)}, Code: codeSyntax,
				Msg: "unterminated string literal", Hint: "close it with ' (write '' for a quote inside)"}
		}
		b.WriteString(src[j : j+k])
		j += k + 1
		if j < len(src) && src[j] == '\'' {
			b.WriteByte('\'')
			j++
			continue
		}
		break
	}
	val := b.String()
	if !utf8.ValidString(val) {
		return token{}, &Error{Span: Span{i, j}, Code: codeSyntax, Msg: "string literal is not valid UTF-8"}
	}
	return token{kind: tString, pos: i, end: j, text: src[i:j], val: val}, nil
}

// lexQuotedIdent reads a `backtick quoted` identifier; two backticks inside stand for one
// backtick.
func lexQuotedIdent(src string, i int) (token, *Error) {
	var b strings.Builder
	j := i + 1
	for {
		k := strings.IndexByte(src[j:], '`')
		if k < 0 {
			return token{}, &Error{Span: Span{i, len(src)}, Code: codeSyntax,
				Msg: "unterminated quoted identifier", Hint: "close it with `"}
		}
		b.WriteString(src[j : j+k])
		j += k + 1
		if j < len(src) && src[j] == '`' {
			b.WriteByte('`')
			j++
			continue
		}
		break
	}
	val := b.String()
	switch {
	case val == "":
		return token{}, &Error{Span: Span{i, j}, Code: codeSyntax, Msg: "empty quoted identifier"}
	case !utf8.ValidString(val):
		return token{}, &Error{Span: Span{i, j}, Code: codeSyntax, Msg: "quoted identifier is not valid UTF-8"}
	}
	return token{kind: tQIdent, pos: i, end: j, text: src[i:j], val: val}, nil
}
