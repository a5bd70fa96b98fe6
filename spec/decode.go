package spec

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// decoder turns yaml.Nodes into spec values, reporting structural problems
// (YAML syntax, unknown and duplicate keys, wrong kinds of value, missing
// keys) with positions, and carrying on with what it can read.
type decoder struct {
	file string
	src  []byte
	ds   *diag.Set
	// strs collects every string value read, for ${...} checks; refs
	// marks those read inside environment params (which may use ${env}
	// but not other params).
	strs     []*Str
	inParams bool
}

func (d *decoder) pos(n *yaml.Node) Pos {
	return Pos{File: d.file, Line: n.Line, Col: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, code, format string, args ...any) *diag.Diagnostic {
	return d.ds.Errorf(d.pos(n), code, format, args...)
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!int", "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		}
		return "a string"
	}
	return "nothing"
}

// entry is one key/value pair of a mapping, in file order.
type entry struct {
	Key *yaml.Node
	Val *yaml.Node
}

// mapping returns the entries of a mapping node, reporting duplicates.
// If allowed is non-nil, keys outside it are reported with a suggestion.
// what names the mapping in messages ("source \"flights\"").
func (d *decoder) mapping(n *yaml.Node, what string, allowed []string) ([]entry, bool) {
	n = resolve(n)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil, true
		}
		d.errorf(n, "FC103", "%s must be a mapping, got %s", what, kindName(n))
		return nil, false
	}
	var out []entry
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "FC103", "keys in %s must be strings, got %s", what, kindName(k))
			continue
		}
		if k.Tag == "!!merge" {
			d.errorf(k, "FC103", "merge keys (<<) are not supported in %s", what)
			continue
		}
		if prev, dup := seen[k.Value]; dup {
			d.errorf(k, "FC102", "duplicate key %q in %s", k.Value, what).Hint =
				fmt.Sprintf("first defined at line %d", prev.Line)
			continue
		}
		seen[k.Value] = k
		if allowed != nil && !contains(allowed, k.Value) {
			dg := d.errorf(k, "FC101", "unknown key %q in %s", k.Value, what)
			if s := expr.Suggest(k.Value, allowed); s != "" {
				dg.Hint = fmt.Sprintf("did you mean %q?", s)
			} else {
				dg.Hint = "valid keys: " + strings.Join(allowed, ", ")
			}
			continue
		}
		out = append(out, entry{k, v})
	}
	return out, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fields is mapping plus required-key checks, returned as a lookup.
type fields struct {
	d       *decoder
	parent  *yaml.Node
	entries []entry
}

func (d *decoder) fields(n *yaml.Node, what string, allowed []string) *fields {
	es, _ := d.mapping(n, what, allowed)
	return &fields{d: d, parent: resolve(n), entries: es}
}

func (f *fields) get(key string) *yaml.Node {
	for _, e := range f.entries {
		if e.Key.Value == key {
			return e.Val
		}
	}
	return nil
}

func (f *fields) key(key string) *yaml.Node {
	for _, e := range f.entries {
		if e.Key.Value == key {
			return e.Key
		}
	}
	return nil
}

// require reports missing keys, at the mapping.
func (f *fields) require(what string, keys ...string) {
	if f.parent == nil || f.parent.Kind != yaml.MappingNode {
		return
	}
	for _, k := range keys {
		if f.get(k) == nil {
			f.d.errorf(f.parent, "FC104", "%s is missing required key %q", what, k)
		}
	}
}

// str reads a scalar string. Numbers, booleans and dates are taken as the
// text written (a YAML date is a string to flowc). Null gives an unset Str.
func (d *decoder) str(n *yaml.Node, what string) Str {
	n = resolve(n)
	if n == nil {
		return Str{}
	}
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, "FC103", "%s must be a string, got %s", what, kindName(n))
		return Str{}
	}
	if n.Tag == "!!null" && (n.Value == "" || n.Value == "~" || n.Value == "null") {
		return Str{Pos: d.pos(n)}
	}
	st := Str{Raw: n.Value, Pos: d.pos(n), sm: newScalarMap(d.file, d.src, n)}
	if !d.inParams {
		d.strs = append(d.strs, &st)
	}
	return st
}

// keyStr reads a mapping key as a Str.
func (d *decoder) keyStr(k *yaml.Node) Str {
	return Str{Raw: k.Value, Pos: d.pos(k), sm: newScalarMap(d.file, d.src, k)}
}

func (d *decoder) integer(n *yaml.Node, what string) Int {
	n = resolve(n)
	if n == nil {
		return Int{}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err == nil && v >= -1<<31 && v < 1<<31 {
			return Int{Value: int(v), Pos: d.pos(n), Set: true}
		}
	}
	d.errorf(n, "FC103", "%s must be an integer, got %s", what, describe(n))
	return Int{Pos: d.pos(n)}
}

func (d *decoder) boolean(n *yaml.Node, what string) Bool {
	n = resolve(n)
	if n == nil {
		return Bool{}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return Bool{Value: b, Pos: d.pos(n), Set: true}
		}
	}
	d.errorf(n, "FC103", "%s must be true or false, got %s", what, describe(n))
	return Bool{Pos: d.pos(n)}
}

func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return fmt.Sprintf("%q", n.Value)
	}
	return kindName(n)
}

// strList reads a list of strings; a single string is taken as a list of one.
func (d *decoder) strList(n *yaml.Node, what string) []Str {
	n = resolve(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []Str{d.str(n, what)}
	}
	if n.Kind != yaml.SequenceNode {
		if n.Tag == "!!null" {
			return nil
		}
		d.errorf(n, "FC103", "%s must be a list of strings, got %s", what, kindName(n))
		return nil
	}
	var out []Str
	for _, c := range n.Content {
		s := d.str(c, what+" entry")
		if s.Pos.Line > 0 {
			out = append(out, s)
		}
	}
	return out
}

// list returns the items of a sequence node.
func (d *decoder) list(n *yaml.Node, what string) []*yaml.Node {
	n = resolve(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		if n.Tag == "!!null" {
			return nil
		}
		d.errorf(n, "FC103", "%s must be a list, got %s", what, kindName(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = resolve(c)
	}
	return out
}

// enum checks that s is one of values.
func (d *decoder) enum(s Str, what string, values ...string) {
	if s.Raw == "" && !s.IsSet() {
		return
	}
	if contains(values, s.Raw) {
		return
	}
	dg := d.ds.Errorf(s.Pos, "FC105", "%s must be one of %s, got %q", what, strings.Join(values, ", "), s.Raw)
	if sug := expr.Suggest(s.Raw, values); sug != "" {
		dg.Hint = fmt.Sprintf("did you mean %q?", sug)
	}
}

var yamlLineRe = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

// yamlError converts a yaml.v3 syntax error into a diagnostic.
func (d *decoder) yamlError(err error) {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	p := Pos{File: d.file}
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			p.Col, _ = strconv.Atoi(m[2])
		}
		msg = strings.TrimSpace(yamlLineRe.ReplaceAllString(msg, ""))
		msg = strings.TrimPrefix(msg, ": ")
	}
	if p.Line == 0 {
		p.Line = 1
	}
	d.ds.Errorf(p, "FC100", "invalid YAML: %s", msg)
}

func itoa(i int) string { return strconv.Itoa(i) }
