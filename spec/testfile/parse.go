// Package testfile reads the test files of `flowc test`: unit tests of a
// spec's transforms and tables on given rows. Parse builds the tests from
// yaml.Node with the position of every test, row and value; Bind types
// every fixture value by the spec's column types (the IR of one
// environment), reporting problems as diagnostics at the fixture's
// file:line:column with the FC6xx codes (structure: the FC1xx codes of a
// spec); Compare diffs the rows a target computed with the expected ones.
//
// The contract: nothing here reads anything but the test file and the CSV
// fixtures it names (through the reader Bind is given), runs SQL or knows
// AWS; the engine runs what Bind returns.
package testfile

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/internal/yamlloc"
)

// Keys of each mapping of a test file. The JSON Schema (schema.json) says
// the same; TestSchemaAgrees keeps them together.
var (
	topKeys    = []string{"tests"}
	testKeys   = []string{"name", "description", "target", "env", "given", "expect"}
	csvKeys    = []string{"csv"}
	expectKeys = []string{"rows", "ordered", "failure", "error"}
)

// File is one parsed test file.
type File struct {
	Name  string
	Src   []byte
	Tests []*Test
}

// Test is one test: a target, given rows and an expectation.
type Test struct {
	Name      string
	Pos       diag.Pos // of the test's list item
	Target    string
	TargetPos diag.Pos
	Env       string // "" = the spec's first environment
	EnvPos    diag.Pos
	Given     []*Given // in file order
	Expect    Expect
}

// Given is the rows of one source or transform: inline or from a CSV file.
type Given struct {
	Name   string
	Pos    diag.Pos // of the key
	Rows   []*Row   // inline rows
	CSV    string   // a CSV file, relative to the test file; "" for inline rows
	CSVPos diag.Pos
}

// Row is one fixture row as written: its cells in the order given.
type Row struct {
	Pos   diag.Pos
	Cells []*Cell
}

// Cell is one value of a row. Null is set for YAML's null (~, null or
// nothing); Text is the scalar as written (01 stays "01").
type Cell struct {
	Column string
	KeyPos diag.Pos
	Pos    diag.Pos
	Text   string
	Null   bool
	Quoted bool // written in quotes: a string in YAML's eyes
}

// ExpectKind is what a test expects.
type ExpectKind int

const (
	ExpectRows    ExpectKind = iota // expect: {rows: [...], ordered: bool}
	ExpectFailure                   // expect: {failure: CHECK}
	ExpectError                     // expect: {error: TEXT}
)

// Expect is a test's expectation.
type Expect struct {
	Kind    ExpectKind
	Pos     diag.Pos
	Rows    []*Row
	Ordered bool
	Failure string // a check's name (not_null(a,b)) or kind (row_count), or length(col)
	Error   string
}

type parser struct {
	file string
	src  []byte
	ds   *diag.Set
}

func (p *parser) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{File: p.file, Line: n.Line, Col: n.Column}
}

func (p *parser) errorf(n *yaml.Node, code diag.ID, format string, args ...any) *diag.Diagnostic {
	return p.ds.Errorf(p.pos(n), code, format, args...)
}

var yamlLineRe = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

// Parse reads one test file. Every structural problem is reported; the
// tests that are whole are returned.
func Parse(name string, src []byte) (*File, *diag.Set) {
	p := &parser{file: name, src: src, ds: &diag.Set{}}
	f := &File{Name: name, Src: src}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(src)).Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			p.ds.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, diag.FC100, "the test file is empty").Hint = "start with `tests:` and a list of tests"
			return f, p.ds
		}
		p.yamlError(err)
		return f, p.ds
	}
	if len(doc.Content) == 0 {
		p.ds.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, diag.FC100, "the test file is empty")
		return f, p.ds
	}
	top := p.mapping(doc.Content[0], "the test file", topKeys)
	if top == nil {
		return f, p.ds
	}
	tests := top["tests"]
	if tests == nil {
		p.errorf(doc.Content[0], diag.FC104, "the test file has no tests: key")
		return f, p.ds
	}
	if !p.kind(tests.v, yaml.SequenceNode, "tests", "a list of tests") {
		return f, p.ds
	}
	names := map[string]diag.Pos{}
	for _, n := range tests.v.Content {
		t, ok := p.test(n)
		if t == nil {
			continue
		}
		if first, dup := names[t.Name]; dup && t.Name != "" {
			p.ds.Errorf(t.Pos, diag.FC201, "a test named %q is defined twice", t.Name).Related = diag.Related{Pos: first, Message: "the first"}
			continue
		}
		names[t.Name] = t.Pos
		if ok {
			f.Tests = append(f.Tests, t)
		}
	}
	return f, p.ds
}

func (p *parser) yamlError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	pos := diag.Pos{File: p.file, Line: 1}
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			pos.Col, _ = strconv.Atoi(m[2])
		}
		msg = strings.TrimPrefix(strings.TrimSpace(yamlLineRe.ReplaceAllString(msg, "")), ": ")
	}
	code, hint := diag.FC100, ""
	if f, ok := yamlloc.Locate(p.src, err.Error(), pos.Line); ok {
		pos.Line, pos.Col, msg, hint = f.Line, f.Col, f.Msg, f.Hint
		if f.Quote != "" {
			code = diag.FC112
		}
	}
	if code == diag.FC100 {
		msg = "invalid YAML: " + msg
	}
	p.ds.Errorf(pos, code, "%s", msg).Hint = hint
}

// entry is a mapping's value with its key node.
type entry struct{ k, v *yaml.Node }

// mapping returns the entries of a mapping node, reporting unknown and
// duplicate keys (nil when n is no mapping). allowed nil accepts any key.
func (p *parser) mapping(n *yaml.Node, what string, allowed []string) map[string]*entry {
	n = resolve(n)
	if !p.kind(n, yaml.MappingNode, what, "a mapping") {
		return nil
	}
	out := map[string]*entry{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if prev, ok := out[k.Value]; ok {
			p.errorf(k, diag.FC102, "duplicate key %q in %s", k.Value, what).Related = diag.Related{Pos: p.pos(prev.k), Message: "the first"}
			continue
		}
		if allowed != nil && !contains(allowed, k.Value) {
			d := p.errorf(k, diag.FC101, "unknown key %q in %s", k.Value, what)
			d.Hint = "allowed: " + strings.Join(allowed, ", ")
			continue
		}
		out[k.Value] = &entry{k, v}
	}
	return out
}

// entries returns the entries of a mapping node in order, reporting a
// duplicate key as "duplicate " + what (with %q for the key).
func (p *parser) entries(n *yaml.Node, what string) []entry {
	var out []entry
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if seen[k.Value] {
			p.errorf(k, diag.FC102, "duplicate "+what, k.Value)
			continue
		}
		seen[k.Value] = true
		out = append(out, entry{k, v})
	}
	return out
}

func (p *parser) kind(n *yaml.Node, k yaml.Kind, what, want string) bool {
	if n.Kind == k {
		return true
	}
	p.errorf(n, diag.FC103, "%s must be %s", what, want)
	return false
}

func (p *parser) str(e *entry, what string) (string, bool) {
	if e.v.Kind != yaml.ScalarNode || e.v.Tag == "!!null" {
		p.errorf(e.v, diag.FC103, "%s must be a string", what)
		return "", false
	}
	return e.v.Value, true
}

// test reads one test; ok is false when it has errors.
func (p *parser) test(n *yaml.Node) (t *Test, ok bool) {
	errs := p.ds.Len()
	m := p.mapping(n, "a test", testKeys)
	if m == nil {
		return nil, false
	}
	t = &Test{Pos: p.pos(n)}
	ok = true
	for _, key := range []string{"name", "target", "expect"} {
		if m[key] == nil {
			p.errorf(n, diag.FC104, "a test needs %s:", key)
			ok = false
		}
	}
	if e := m["name"]; e != nil {
		t.Name, _ = p.str(e, "name")
	}
	if e := m["target"]; e != nil {
		t.Target, _ = p.str(e, "target")
		t.TargetPos = p.pos(e.v)
	}
	if e := m["description"]; e != nil {
		p.str(e, "description")
	}
	if e := m["env"]; e != nil {
		t.Env, _ = p.str(e, "env")
		t.EnvPos = p.pos(e.v)
	}
	if e := m["given"]; e != nil {
		t.Given = p.given(e.v)
	}
	if e := m["expect"]; e != nil {
		ok = p.expect(e.v, &t.Expect) && ok
	}
	return t, ok && t.Name != "" && t.Target != "" && p.ds.Len() == errs
}

func (p *parser) given(n *yaml.Node) []*Given {
	if !p.kind(n, yaml.MappingNode, "given", "a mapping of sources and transforms to rows") {
		return nil
	}
	var out []*Given
	for _, e := range p.entries(n, "key %q in given") {
		k, v := e.k, e.v
		g := &Given{Name: k.Value, Pos: p.pos(k)}
		switch v.Kind {
		case yaml.MappingNode:
			m := p.mapping(v, "a CSV fixture", csvKeys)
			if m == nil {
				continue
			}
			e := m["csv"]
			if e == nil {
				p.errorf(v, diag.FC104, "a fixture is a list of rows or {csv: FILE}")
				continue
			}
			if g.CSV, _ = p.str(e, "csv"); g.CSV == "" {
				continue
			}
			g.CSVPos = p.pos(e.v)
		case yaml.SequenceNode:
			g.Rows = p.rows(v, "a row of "+k.Value)
		default:
			p.errorf(v, diag.FC103, "the rows of %s must be a list of rows or {csv: FILE}", k.Value)
			continue
		}
		out = append(out, g)
	}
	return out
}

func (p *parser) rows(n *yaml.Node, what string) []*Row {
	rows := []*Row{}
	for _, item := range n.Content {
		item = resolve(item)
		if !p.kind(item, yaml.MappingNode, what, "a mapping of column to value") {
			continue
		}
		r := &Row{Pos: p.pos(item)}
		for _, e := range p.entries(item, "column %q in a row") {
			k, v := e.k, e.v
			if v.Kind != yaml.ScalarNode {
				p.errorf(v, diag.FC103, "the value of column %s must be a scalar", k.Value)
				continue
			}
			c := &Cell{Column: k.Value, KeyPos: p.pos(k), Pos: p.pos(v), Text: v.Value,
				Quoted: v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0}
			c.Null = v.Tag == "!!null" && !c.Quoted
			r.Cells = append(r.Cells, c)
		}
		rows = append(rows, r)
	}
	return rows
}

func (p *parser) expect(n *yaml.Node, x *Expect) bool {
	m := p.mapping(n, "expect", expectKeys)
	if m == nil {
		return false
	}
	x.Pos = p.pos(n)
	var kinds []string
	for _, k := range []string{"rows", "failure", "error"} {
		if m[k] != nil {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		p.errorf(n, diag.FC104, "expect needs exactly one of rows:, failure: or error: (found %d)", len(kinds)).Hint = "rows: [] expects no rows"
		return false
	}
	switch kinds[0] {
	case "rows":
		x.Kind = ExpectRows
		if !p.kind(m["rows"].v, yaml.SequenceNode, "expect rows", "a list of rows") {
			return false
		}
		x.Rows = p.rows(m["rows"].v, "an expected row")
	case "failure":
		x.Kind = ExpectFailure
		x.Failure, _ = p.str(m["failure"], "failure")
	case "error":
		x.Kind = ExpectError
		x.Error, _ = p.str(m["error"], "error")
	}
	if e := m["ordered"]; e != nil {
		if x.Kind != ExpectRows {
			p.errorf(e.k, diag.FC101, "ordered: goes with rows:")
		} else if e.v.Tag != "!!bool" {
			p.errorf(e.v, diag.FC103, "ordered must be true or false")
		} else {
			x.Ordered = e.v.Value == "true"
		}
	}
	return true
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// String renders a row as {col: value, ...} in the order written.
func (r *Row) String() string {
	var parts []string
	for _, c := range r.Cells {
		v := c.Text
		if c.Null {
			v = "null"
		}
		parts = append(parts, fmt.Sprintf("%s: %s", c.Column, v))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
