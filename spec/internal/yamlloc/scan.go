package yamlloc

import (
	"bytes"
	"fmt"
	"strings"
)

// at is a place in the source: a 0-based line index and a byte offset in
// that line's text.
type at struct{ line, off int }

// level is an open block collection: its indentation (0-based column) and
// the last line that had an entry at that indentation.
type level struct{ col, last int }

// opener is an open flow collection or quoted string.
type opener struct {
	at
	indent int  // indentation of the line it is on
	ch     byte // [ { " '
}

type use struct {
	name string
	at   at
}

// scanner walks the source line by line, keeping just enough state to tell
// where the block structure breaks: the indentations of the open block
// collections, whether the last line opened a nested block or ended in a
// plain scalar that may continue, open flow collections and quoted
// strings, and block scalars whose lines it skips.
type scanner struct {
	src   []byte
	lines []span
	li    int    // current line
	text  []byte // its text

	levels     []level
	rooted     bool // a first block line has set the root indentation
	opensChild bool // the previous line expects a nested block (`key:`, `-`)
	plainCont  bool // the previous line ended in a plain scalar
	lost       bool // a construct the scan does not model: stop judging structure

	flow  []opener
	quote *opener
	block struct {
		active          bool
		parent, content int
	}

	anchors map[string]at // first definition of each anchor
	aliases []use
	found   []finding // structural problems and traps, in file order
}

const maxFound = 64

func scan(src []byte) *scanner {
	s := &scanner{src: src, lines: splitLines(src), anchors: map[string]at{}}
	for s.li = 0; s.li < len(s.lines); s.li++ {
		sp := s.lines[s.li]
		s.text = src[sp.start:sp.end]
		s.line()
	}
	s.li = len(s.lines) - 1
	if s.quote != nil {
		s.unclosedQuote(-1)
	}
	if len(s.flow) > 0 {
		s.unclosedFlow(-1)
	}
	return s
}

func (s *scanner) col(p at) int {
	sp := s.lines[p.line]
	return column(s.src[sp.start:sp.end], p.off, p.line == 0)
}

func (s *scanner) report(kind int, p at, msg, hint string) {
	if s.lost || len(s.found) >= maxFound {
		return
	}
	s.found = append(s.found, finding{Finding{Line: p.line + 1, Col: s.col(p), Msg: msg, Hint: hint}, kind})
}

func isWS(c byte) bool { return c == ' ' || c == '\t' }

func skipWS(t []byte, j int) int {
	for j < len(t) && isWS(t[j]) {
		j++
	}
	return j
}

// endOrComment reports whether only a comment or nothing follows j.
func endOrComment(t []byte, j int) bool {
	return j >= len(t) || t[j] == '#'
}

func (s *scanner) line() {
	t := s.text
	i := 0
	if s.li == 0 && bytes.HasPrefix(t, []byte("\xEF\xBB\xBF")) {
		i = 3
	}
	j := skipWS(t, i)
	if s.block.active {
		ind := j - i
		if j == len(t) {
			return
		}
		if s.block.content < 0 && ind > s.block.parent {
			s.block.content = ind
			return
		}
		if s.block.content >= 0 && ind >= s.block.content {
			return
		}
		s.block.active = false
	}
	if s.quote != nil {
		if j-i <= s.quote.indent && startsEntry(t, j) {
			s.unclosedQuote(s.li)
			s.quote, s.flow = nil, nil
		} else {
			end := closeQuote(t, i, s.quote.ch)
			if end < 0 {
				return
			}
			s.quote = nil
			if len(s.flow) > 0 {
				s.flowScan(end)
			}
			return
		}
	}
	if len(s.flow) > 0 {
		if j-i <= s.flow[0].indent && startsEntry(t, j) {
			s.unclosedFlow(s.li)
			s.flow = nil
		} else {
			s.flowScan(i)
			return
		}
	}
	s.blockLine(i, j)
}

// startsEntry reports whether a line's content at j starts a block entry
// (`key:` or `- `): the sign that an open string or bracket above it was
// not meant to run on.
func startsEntry(t []byte, j int) bool {
	if j >= len(t) {
		return false
	}
	if t[j] == '-' && (j+1 == len(t) || isWS(t[j+1])) {
		return true
	}
	return keyEnd(t, j) >= 0
}

// blockLine handles a line in block context whose content starts at j
// after indentation from i.
func (s *scanner) blockLine(i, j int) {
	t := s.text
	if endOrComment(t, j) {
		return
	}
	if k := bytes.IndexByte(t[i:j], '\t'); k >= 0 {
		s.report(kindTab, at{s.li, i + k}, "a tab indents this line; YAML indents with spaces only",
			"replace the tab with spaces")
	}
	if i == 0 && (bytes.HasPrefix(t, []byte("---")) || bytes.HasPrefix(t, []byte("..."))) && (len(t) == 3 || isWS(t[3])) {
		s.levels, s.rooted, s.opensChild, s.plainCont = nil, false, false, false
		return
	}
	if i == 0 && j == 0 && t[0] == '%' {
		return
	}
	n := j - i
	popped := false
	var last level
	for len(s.levels) > 0 && s.levels[len(s.levels)-1].col > n {
		last = s.levels[len(s.levels)-1]
		s.levels = s.levels[:len(s.levels)-1]
		popped = true
	}
	top := len(s.levels) - 1
	switch {
	case !s.rooted:
		s.rooted = true
		s.levels = append(s.levels, level{n, s.li})
	case top >= 0 && s.levels[top].col == n:
		s.levels[top].last = s.li
	case top >= 0 && s.opensChild && !popped:
		s.levels = append(s.levels, level{n, s.li})
	case top >= 0 && s.plainCont && !popped && keyEnd(t, j) < 0:
		return // the next line of a multi-line plain scalar
	default:
		s.misindent(j, n, popped, last)
		s.levels = append(s.levels, level{n, s.li})
	}
	s.opensChild, s.plainCont = false, false
	s.node(j)
}

func (s *scanner) misindent(j, n int, popped bool, last level) {
	var opts []string
	if popped {
		opts = append(opts, fmt.Sprintf("by %d like line %d", last.col, last.last+1))
	}
	if top := len(s.levels) - 1; top >= 0 {
		opts = append(opts, fmt.Sprintf("by %d like line %d", s.levels[top].col, s.levels[top].last+1))
	}
	msg := fmt.Sprintf("this line is indented by %d, which lines up with no enclosing mapping or list", n)
	if !popped {
		msg = fmt.Sprintf("this line is indented by %d, deeper than the line above allows", n)
	}
	hint := "indent it with spaces like the entries it belongs with"
	if len(opts) > 0 {
		hint = "indent it " + strings.Join(opts, ", or ")
	}
	s.report(kindIndent, at{s.li, j}, msg, hint)
}

func (s *scanner) push(col int) {
	if top := len(s.levels) - 1; top < 0 || s.levels[top].col < col {
		s.levels = append(s.levels, level{col, s.li})
	}
}

// node reads the block node that starts at j: `- ` indicators, a key, and
// the value after them.
func (s *scanner) node(j int) {
	t := s.text
	for j < len(t) && t[j] == '-' && (j+1 == len(t) || isWS(t[j+1])) {
		s.push(j)
		j = skipWS(t, j+1)
		if endOrComment(t, j) {
			s.opensChild = true
			return
		}
	}
	if t[j] == '?' && (j+1 == len(t) || isWS(t[j+1])) {
		s.lost = true // explicit keys are not modelled
		return
	}
	if k := keyEnd(t, j); k >= 0 {
		s.push(j)
		j = skipWS(t, k)
		if endOrComment(t, j) {
			s.opensChild = true
			return
		}
	}
	s.value(j)
}

// value reads a block value starting at j.
func (s *scanner) value(j int) {
	t := s.text
	j = s.props(j)
	if endOrComment(t, j) {
		s.opensChild = true
		return
	}
	switch c := t[j]; c {
	case '*':
		s.alias(j, false)
	case '|', '>':
		s.block.active, s.block.content = true, -1
		s.block.parent = 0
		if top := len(s.levels) - 1; top >= 0 {
			s.block.parent = s.levels[top].col
		}
	case '"', '\'':
		if closeQuote(t, j+1, c) < 0 {
			s.quote = &opener{at{s.li, j}, s.indent(), c}
		}
	case '[', '{':
		s.flowScan(j)
	default:
		s.plainCont = true
	}
}

func (s *scanner) indent() int {
	i := 0
	if s.li == 0 && bytes.HasPrefix(s.text, []byte("\xEF\xBB\xBF")) {
		i = 3
	}
	return skipWS(s.text, i) - i
}

// props skips anchors (&name) and tags (!tag) at j, recording anchors.
func (s *scanner) props(j int) int {
	t := s.text
	for j < len(t) && (t[j] == '&' || t[j] == '!') {
		e := nameEnd(t, j+1)
		if t[j] == '&' {
			name := string(t[j+1 : e])
			if _, ok := s.anchors[name]; !ok && name != "" {
				s.anchors[name] = at{s.li, j}
			}
		}
		j = skipWS(t, e)
	}
	return j
}

// alias records the alias at j; an alias with no name is a value that
// needed quotes (a cron expression or a wildcard starting with *).
func (s *scanner) alias(j int, flow bool) int {
	t := s.text
	e := nameEnd(t, j+1)
	if e > j+1 {
		s.aliases = append(s.aliases, use{string(t[j+1 : e]), at{s.li, j}})
		return e
	}
	end := len(t)
	if flow {
		end = plainEndFlow(t, j+1)
	} else if k := bytes.Index(t[j:], []byte(" #")); k >= 0 {
		end = j + k
	}
	s.trap(at{s.li, j}, strings.TrimRight(string(t[j:end]), " \t"), "unquoted, a value starting with * is read as an alias (*name)")
	return end
}

func (s *scanner) trap(p at, text, why string) {
	if s.lost || len(s.found) >= maxFound {
		return
	}
	f := finding{Finding{Line: p.line + 1, Col: s.col(p), Quote: text}, kindTrap}
	f.Msg = fmt.Sprintf("%s must be quoted: %q", text, text)
	f.Hint = why
	s.found = append(s.found, f)
}

// nameEnd returns the end of an anchor, alias or tag name starting at j.
func nameEnd(t []byte, j int) int {
	for j < len(t) && !isWS(t[j]) && !strings.ContainsRune(",[]{}", rune(t[j])) {
		j++
	}
	return j
}

// closeQuote returns the offset after the quote that closes a string of
// quote character q whose text starts at j, or -1 when the line ends first.
func closeQuote(t []byte, j int, q byte) int {
	for ; j < len(t); j++ {
		switch {
		case q == '"' && t[j] == '\\':
			j++
		case t[j] == q && q == '\'' && j+1 < len(t) && t[j+1] == '\'':
			j++
		case t[j] == q:
			return j + 1
		}
	}
	return -1
}

// keyEnd returns the offset after the ':' of a block mapping key that
// starts at j, or -1 when none does.
func keyEnd(t []byte, j int) int {
	if j >= len(t) {
		return -1
	}
	c := t[j]
	if c == '"' || c == '\'' {
		e := closeQuote(t, j+1, c)
		if e < 0 {
			return -1
		}
		e = skipWS(t, e)
		if e < len(t) && t[e] == ':' && (e+1 == len(t) || isWS(t[e+1])) {
			return e + 1
		}
		return -1
	}
	if strings.ContainsRune("[]{},#&*!|>%@`", rune(c)) {
		return -1
	}
	if (c == '-' || c == '?' || c == ':') && (j+1 == len(t) || isWS(t[j+1])) {
		return -1
	}
	for k := j; k < len(t); k++ {
		if t[k] == '#' && k > j && isWS(t[k-1]) {
			return -1
		}
		if t[k] == ':' && (k+1 == len(t) || isWS(t[k+1])) {
			return k + 1
		}
	}
	return -1
}

// plainEndFlow returns the end of a plain scalar inside [...] or {...}.
func plainEndFlow(t []byte, j int) int {
	for ; j < len(t); j++ {
		switch c := t[j]; {
		case strings.ContainsRune(",[]{}", rune(c)):
			return j
		case c == ':' && (j+1 == len(t) || isWS(t[j+1]) || strings.ContainsRune(",[]{}", rune(t[j+1]))):
			return j
		case c == '#' && isWS(t[j-1]):
			return j
		}
	}
	return j
}

// flowScan reads the current line from j inside flow collections (or
// from a [ or { that opens one).
func (s *scanner) flowScan(j int) {
	t := s.text
	for j < len(t) {
		c := t[j]
		switch {
		case isWS(c):
			j++
		case c == '#' && (j == 0 || isWS(t[j-1])):
			return
		case c == '[' || c == '{':
			s.flow = append(s.flow, opener{at{s.li, j}, s.indent(), c})
			j++
		case c == ']' || c == '}':
			j++
			if len(s.flow) > 0 {
				s.flow = s.flow[:len(s.flow)-1]
			}
			if len(s.flow) == 0 {
				return // what follows a closed collection is not modelled
			}
		case c == ',':
			j++
		case c == '"' || c == '\'':
			e := closeQuote(t, j+1, c)
			if e < 0 {
				s.quote = &opener{at{s.li, j}, s.indent(), c}
				return
			}
			j = e
		case c == '&' || c == '!':
			j = s.props(j)
		case c == '*':
			j = s.alias(j, true)
		case (c == ':' || c == '?' || c == '-') && (j+1 == len(t) || isWS(t[j+1]) || strings.ContainsRune(",[]{}", rune(t[j+1]))):
			j++
		default:
			j = s.flowPlain(j)
		}
	}
}

// flowPlain reads a plain scalar inside a flow collection. An EventBridge
// schedule there is a trap: its commas, '?' and '*' are YAML syntax.
func (s *scanner) flowPlain(j int) int {
	t := s.text
	for _, fn := range []string{"cron(", "rate("} {
		if !bytes.HasPrefix(t[j:], []byte(fn)) {
			continue
		}
		k := bytes.IndexByte(t[j:], ')')
		if k < 0 {
			break
		}
		text := string(t[j : j+k+1])
		if strings.ContainsAny(text, ",?*[]{}#") {
			s.trap(at{s.li, j}, text, "inside {...} or [...], the commas, '?' and '*' of a schedule are YAML syntax; quote it or write the mapping as a block")
			return j + k + 1
		}
	}
	e := plainEndFlow(t, j)
	if e == j {
		e++
	}
	return e
}

func (s *scanner) unclosedFlow(upTo int) {
	o := s.flow[len(s.flow)-1]
	what, closer := "list", "]"
	if o.ch == '{' {
		what, closer = "mapping", "}"
	}
	msg := fmt.Sprintf("the %c here is not closed before the end of the file", o.ch)
	if upTo >= 0 {
		msg = fmt.Sprintf("the %c here is not closed before line %d", o.ch, upTo+1)
	}
	s.report(kindFlow, o.at, msg,
		fmt.Sprintf("close the %s with %s, or quote the value if the %c is part of the text", what, closer, o.ch))
}

func (s *scanner) unclosedQuote(upTo int) {
	o := *s.quote
	msg := fmt.Sprintf("the string opened by this %c is not closed before the end of the file", o.ch)
	if upTo >= 0 {
		msg = fmt.Sprintf("the string opened by this %c is not closed before line %d", o.ch, upTo+1)
	}
	s.report(kindQuote, o.at, msg, fmt.Sprintf("end the string with %c on the line where it starts", o.ch))
}
