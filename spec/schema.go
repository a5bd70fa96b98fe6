package spec

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/spec/diag"
)

//go:embed schema.json
var schemaJSON []byte

// SchemaJSON returns the JSON Schema of the spec language, as printed by
// `flowc schema` for editors (yaml-language-server).
func SchemaJSON() []byte { return append([]byte(nil), schemaJSON...) }

var (
	schemaOnce     sync.Once
	compiledSchema *jsonschema.Schema
	schemaErr      error
)

func compileSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft7
		const url = "https://flowc.dev/schema/spec-v1.json"
		if err := c.AddResource(url, bytes.NewReader(schemaJSON)); err != nil {
			schemaErr = err
			return
		}
		compiledSchema, schemaErr = c.Compile(url)
	})
	return compiledSchema, schemaErr
}

// nodeToValue converts a YAML node tree into the values the JSON Schema
// validator expects: YAML dates and timestamps stay the strings written,
// non-string keys become their text, aliases are followed.
func nodeToValue(n *yaml.Node, depth int) any {
	n = resolve(n)
	if n == nil || depth > 200 {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return nodeToValue(n.Content[0], depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = nodeToValue(n.Content[i+1], depth+1)
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = nodeToValue(c, depth+1)
		}
		return s
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil
		case "!!bool":
			var b bool
			if n.Decode(&b) == nil {
				return b
			}
		case "!!int":
			if v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
				return json.Number(strconv.FormatInt(v, 10))
			}
		case "!!float":
			if v, err := strconv.ParseFloat(n.Value, 64); err == nil {
				return json.Number(strconv.FormatFloat(v, 'g', -1, 64))
			}
		}
		return n.Value
	}
	return nil
}

// validateSchema checks the document against the JSON Schema and maps every
// leaf error's JSON pointer back to the YAML node it names.
func validateSchema(file string, root *yaml.Node, ds *diag.Set) {
	sch, err := compileSchema()
	if err != nil {
		ds.Errorf(Pos{File: file}, diag.FC107, "internal error: the embedded JSON Schema does not compile: %v (please report this)", err)
		return
	}
	err = sch.Validate(nodeToValue(root, 0))
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return
	}
	for _, leaf := range leaves(ve) {
		n, key := nodeAt(root, leaf.InstanceLocation)
		p := Pos{File: file, Line: 1, Col: 1}
		if key != nil {
			p = Pos{File: file, Line: key.Line, Col: key.Column}
		} else if n != nil {
			p = Pos{File: file, Line: n.Line, Col: n.Column}
		}
		where := leaf.InstanceLocation
		if where == "" {
			where = "/"
		}
		ds.Errorf(p, diag.FC107, "schema: %s at %s", leaf.Message, where)
	}
}

func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// nodeAt follows a JSON pointer through a YAML tree. It returns the value
// node and, when the last step was a mapping key, the key node.
func nodeAt(n *yaml.Node, ptr string) (val, key *yaml.Node) {
	n = resolve(n)
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = resolve(n.Content[0])
	}
	if ptr == "" || ptr == "/" {
		return n, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if n == nil {
			return nil, key
		}
		key = nil
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					key, next = n.Content[i], resolve(n.Content[i+1])
				}
			}
			if next == nil {
				return n, nil
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return n, nil
			}
			n = resolve(n.Content[i])
		default:
			return n, nil
		}
	}
	return n, key
}

// ValidateSchema runs only the JSON Schema over a spec's YAML; tests use it
// to keep the schema and the decoder in agreement.
func ValidateSchema(file string, src []byte) *diag.Set {
	ds := &diag.Set{}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		(&decoder{file: file, src: src, ds: ds}).yamlError(err)
		return ds
	}
	validateSchema(file, &doc, ds)
	return ds
}

var _ = fmt.Sprint
