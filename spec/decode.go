package spec

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
	"github.com/flowc-dev/flowc/spec/internal/yamlloc"
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
	// quoted holds the positions of values reported as needing quotes
	// (FC112), whose follow-on errors are left out.
	quoted map[Pos]bool
}

func (d *decoder) pos(n *yaml.Node) Pos {
	return Pos{File: d.file, Line: n.Line, Col: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, code diag.ID, format string, args ...any) *diag.Diagnostic {
	return d.ds.Errorf(d.pos(n), code, format, args...)
}

// shapeErr reports that value n has the wrong shape where the user wrote
// it: at the alias when n came through one (orig), with where its anchor is.
func (d *decoder) shapeErr(orig, n *yaml.Node, code diag.ID, format string, args ...any) *diag.Diagnostic {
	if orig == nil || orig.Kind != yaml.AliasNode || n == nil {
		return d.errorf(n, code, format, args...)
	}
	dg := d.errorf(orig, code, format, args...)
	dg.Related = diag.Related{Pos: d.pos(n), Message: fmt.Sprintf("*%s stands for the value anchored here", orig.Value)}
	return dg
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
	orig := n
	n = resolve(n)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil, true
		}
		d.shapeErr(orig, n, diag.FC103, "%s must be a mapping, got %s", what, kindName(n))
		return nil, false
	}
	var out []entry
	seen := map[string]*yaml.Node{}
	content := d.joinSplits(n)
	for i := 0; i+1 < len(content); i += 2 {
		// Values stay unresolved: errors about them go where they are written.
		k, v := content[i], content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, diag.FC103, "keys in %s must be strings, got %s", what, kindName(k))
			continue
		}
		if k.Tag == "!!merge" {
			d.errorf(k, diag.FC103, "merge keys (<<) are not supported in %s", what)
			continue
		}
		if prev, dup := seen[k.Value]; dup {
			d.errorf(k, diag.FC102, "duplicate key %q in %s", k.Value, what).Related =
				diag.Related{Pos: d.pos(prev), Message: fmt.Sprintf("%q is first defined here", k.Value)}
			continue
		}
		seen[k.Value] = k
		if allowed != nil && !contains(allowed, k.Value) {
			dg := d.errorf(k, diag.FC101, "unknown key %q in %s", k.Value, what)
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
			f.d.errorf(f.parent, diag.FC104, "%s is missing required key %q", what, k)
		}
	}
}

// str reads a scalar string. Numbers, booleans and dates are taken as the
// text written (a YAML date is a string to flowc). Null gives an unset Str.
func (d *decoder) str(n *yaml.Node, what string) Str {
	orig := n
	n = resolve(n)
	if n == nil {
		return Str{}
	}
	if n.Kind != yaml.ScalarNode {
		d.shapeErr(orig, n, diag.FC103, "%s must be a string, got %s", what, kindName(n))
		return Str{}
	}
	if n.Tag == "!!null" && (n.Value == "" || n.Value == "~" || n.Value == "null") {
		return Str{Pos: d.pos(n)}
	}
	if !d.inParams && n.Style == 0 && (n.Tag == "!!int" || n.Tag == "!!float") {
		// The JSON Schema wants a string here (params alone take numbers).
		d.quoteIt(n, "%s %s must be quoted: %q", what, n.Value, n.Value).Hint =
			fmt.Sprintf("unquoted, YAML reads %s as a number", n.Value)
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
	orig := n
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
	d.shapeErr(orig, n, diag.FC103, "%s must be an integer, got %s", what, describe(n))
	return Int{Pos: d.pos(n)}
}

func (d *decoder) boolean(n *yaml.Node, what string) Bool {
	orig := n
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
	d.shapeErr(orig, n, diag.FC103, "%s must be true or false, got %s", what, describe(n))
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
	orig := n
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
		d.shapeErr(orig, n, diag.FC103, "%s must be a list of strings, got %s", what, kindName(n))
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
	orig := n
	n = resolve(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		if n.Tag == "!!null" {
			return nil
		}
		d.shapeErr(orig, n, diag.FC103, "%s must be a list, got %s", what, kindName(n))
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
	if s.Raw == "" && !s.IsSet() || d.quoted[s.Pos] {
		return
	}
	if contains(values, s.Raw) {
		return
	}
	dg := d.ds.Errorf(s.Pos, diag.FC105, "%s must be one of %s, got %q", what, strings.Join(values, ", "), s.Raw)
	if sug := expr.Suggest(s.Raw, values); sug != "" {
		dg.Hint = fmt.Sprintf("did you mean %q?", sug)
	}
}

// quoteIt reports a value YAML misreads unquoted (FC112), once.
func (d *decoder) quoteIt(n *yaml.Node, format string, args ...any) *diag.Diagnostic {
	if d.quoted == nil {
		d.quoted = map[Pos]bool{}
	}
	d.quoted[d.pos(n)] = true
	return d.errorf(n, diag.FC112, format, args...)
}

// joinSplits returns the entries of mapping n, with the pieces of values
// that YAML split joined again. Inside {...} a comma ends an entry, so an
// unquoted decimal(10,2) becomes the value "decimal(10" and a key "2)"
// with no value. Such pieces (parentheses left open, then keys without
// values that close them) are joined back into the text written, reported
// once (FC112), and decoding goes on with the joined value.
func (d *decoder) joinSplits(n *yaml.Node) []*yaml.Node {
	c := n.Content
	if n.Style&yaml.FlowStyle == 0 {
		return c
	}
	plain := func(x *yaml.Node) bool { return x.Kind == yaml.ScalarNode && x.Style == 0 }
	out := make([]*yaml.Node, 0, len(c))
	for i := 0; i+1 < len(c); i += 2 {
		v := c[i+1]
		out = append(out, c[i], v)
		depth := parenDepth(v.Value)
		if !plain(v) || depth <= 0 {
			continue
		}
		pieces := []string{strconv.Quote(v.Value)}
		j := i + 2
		for ; j+1 < len(c) && depth > 0; j += 2 {
			k, kv := c[j], c[j+1]
			if !plain(k) || !plain(kv) || kv.Tag != "!!null" || kv.Value != "" {
				break
			}
			depth += parenDepth(k.Value)
			pieces = append(pieces, "a key "+strconv.Quote(k.Value))
		}
		last := c[j-2]
		start := yamlloc.Offset(d.src, v.Line, v.Column)
		end := yamlloc.Offset(d.src, last.Line, last.Column)
		if depth != 0 || j == i+2 || start < 0 || end < start || end+len(last.Value) > len(d.src) {
			continue
		}
		text := string(d.src[start : end+len(last.Value)])
		joined := *v
		joined.Value, joined.Tag = text, "!!str"
		out[len(out)-1] = &joined
		d.quoteIt(v, "%s inside {...} must be quoted: %q", text, text).Hint =
			"in a {...} mapping a comma ends an entry, so unquoted YAML reads " + strings.Join(pieces, " and ")
		i = j - 2
	}
	return out
}

func parenDepth(s string) int { return strings.Count(s, "(") - strings.Count(s, ")") }

var yamlLineRe = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

// yamlError converts a yaml.v3 syntax error into a diagnostic. yaml.v3's
// line is often the start of the enclosing node (or missing): yamlloc finds
// the true line and column from the bytes when it can.
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
	code, hint := diag.FC100, ""
	if f, ok := yamlloc.Locate(d.src, err.Error(), p.Line); ok {
		p.Line, p.Col, msg, hint = f.Line, f.Col, f.Msg, f.Hint
		if f.Quote != "" {
			code = diag.FC112 // a value that must be quoted: the message says so
		}
	}
	if p.Line == 0 {
		p.Line = 1
	}
	if code == diag.FC100 {
		msg = "invalid YAML: " + msg
	}
	d.ds.Errorf(p, code, "%s", msg).Hint = hint
}

func itoa(i int) string { return strconv.Itoa(i) }
