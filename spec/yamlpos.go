package spec

import (
	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/spec/diag"
)

// scalarMap maps byte offsets of a decoded YAML scalar back to the file.
// It is built lazily: most strings never need it.
type scalarMap struct {
	src   []byte
	node  *yaml.Node
	file  string
	built bool
	pos   []Pos // pos[i] is the position of decoded byte i
}

func newScalarMap(file string, src []byte, n *yaml.Node) *scalarMap {
	return &scalarMap{src: src, node: n, file: file}
}

// at returns the position of decoded byte i; base is the scalar's position.
func (m *scalarMap) at(base Pos, i int) Pos {
	if m == nil {
		return base
	}
	if !m.built {
		m.build()
	}
	if len(m.pos) == 0 {
		return base
	}
	if i < 0 {
		i = 0
	}
	if i >= len(m.pos) {
		// One past the end: the column after the last byte.
		p := m.pos[len(m.pos)-1]
		p.Col += i - len(m.pos) + 1
		return p
	}
	return m.pos[i]
}

// build aligns the decoded value with the source text, consuming the two in
// lockstep: equal bytes map to each other, escapes in double-quoted scalars
// and doubled quotes in single-quoted ones map to their first source byte,
// and source bytes that folding removed (line breaks, indentation, block
// headers) are skipped. When alignment fails, the map stays empty and every
// offset maps to the scalar's start: never wrong by more than the scalar.
func (m *scalarMap) build() {
	m.built = true
	n := m.node
	val := n.Value
	if n.Line <= 0 || n.Column <= 0 || len(val) == 0 {
		return
	}
	// Offset of the node's start in src.
	p, line := 0, 1
	for line < n.Line && p < len(m.src) {
		if b := diag.BreakLen(m.src, p); b > 0 {
			line++
			p += b
			continue
		}
		p++
	}
	p += n.Column - 1
	col := n.Column
	adv := func() {
		if p < len(m.src) && diag.BreakLen(m.src, p) > 0 && !(m.src[p] == '\r' && diag.BreakLen(m.src, p) == 2) {
			// A line break (LF, lone CR, NEL, LS, PS; the CR of a CRLF
			// waits for its LF), counted as yaml.v3 counts them.
			line++
			col = 1
		} else if p+1 >= len(m.src) || m.src[p+1]&0xC0 != 0x80 {
			col++ // columns count characters, as yaml.v3 does
		}
		p++
	}
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		adv() // opening quote
	case yaml.LiteralStyle, yaml.FoldedStyle:
		for p < len(m.src) && m.src[p] != '\n' {
			adv()
		}
		adv()
	}
	out := make([]Pos, 0, len(val))
	for i := 0; i < len(val); {
		if p >= len(m.src) {
			return
		}
		c := m.src[p]
		switch {
		case n.Style == yaml.DoubleQuotedStyle && c == '\\':
			out = append(out, Pos{File: m.file, Line: line, Col: col})
			adv()
			if p >= len(m.src) {
				return
			}
			e := m.src[p]
			adv()
			if e == '\n' { // escaped line break: no output
				out = out[:len(out)-1]
				for p < len(m.src) && (m.src[p] == ' ' || m.src[p] == '\t') {
					adv()
				}
				continue
			}
			// The escape produced one decoded rune; attribute all its bytes.
			width := 1
			switch e {
			case 'x':
				width, p, col = 1, p+2, col+2
			case 'u':
				p, col = p+4, col+4
			case 'U':
				p, col = p+8, col+8
			}
			if e == 'u' || e == 'U' || e == 'x' {
				// decoded rune may be several UTF-8 bytes
				if i < len(val) {
					r := val[i]
					switch {
					case r >= 0xF0:
						width = 4
					case r >= 0xE0:
						width = 3
					case r >= 0xC0:
						width = 2
					}
				}
			}
			for k := 1; k < width; k++ {
				out = append(out, out[len(out)-1])
			}
			i += width
		case c == val[i]:
			out = append(out, Pos{File: m.file, Line: line, Col: col})
			adv()
			i++
			if n.Style == yaml.SingleQuotedStyle && c == '\'' && p < len(m.src) && m.src[p] == '\'' {
				adv()
			}
		case (val[i] == ' ' || val[i] == '\n') && (c == '\n' || c == '\r'):
			// A line break folded into a space or kept as a newline.
			out = append(out, Pos{File: m.file, Line: line, Col: col})
			adv()
			i++
		default:
			adv() // indentation, folded break, block header
		}
	}
	m.pos = out
}
