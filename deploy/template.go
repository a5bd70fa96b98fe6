package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/layout"
)

// template is the part of a CloudFormation template a diff reads.
type template struct {
	Parameters map[string]any
	Resources  map[string]*resource
	Outputs    map[string]any
	Metadata   map[string]any // template-level
}

// resource is one resource of a template.
type resource struct {
	Type       string
	Properties map[string]any
	// Attrs are the resource attributes other than Type and Properties
	// (DeletionPolicy, UpdateReplacePolicy, Metadata, DependsOn, Condition).
	Attrs map[string]any
}

// parseTemplate reads a JSON template. An empty body is an empty template
// (no stack yet).
func parseTemplate(body []byte) (*template, error) {
	t := &template{Parameters: map[string]any{}, Resources: map[string]*resource{}, Outputs: map[string]any{}}
	if len(bytes.TrimSpace(body)) == 0 {
		return t, nil
	}
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("reading template: %w (flowc diffs JSON templates only)", err)
	}
	if m, ok := raw["Parameters"].(map[string]any); ok {
		t.Parameters = m
	}
	if m, ok := raw["Outputs"].(map[string]any); ok {
		t.Outputs = m
	}
	if m, ok := raw["Metadata"].(map[string]any); ok {
		t.Metadata = m
	}
	res, _ := raw["Resources"].(map[string]any)
	for id, v := range res {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("reading template: resource %s is not an object", id)
		}
		r := &resource{Properties: map[string]any{}, Attrs: map[string]any{}}
		for k, v := range m {
			switch k {
			case "Type":
				r.Type, _ = v.(string)
			case "Properties":
				if p, ok := v.(map[string]any); ok {
					r.Properties = p
				}
			default:
				r.Attrs[k] = v
			}
		}
		t.Resources[id] = r
	}
	return t, nil
}

// HasParameter reports whether the template declares the parameter.
func (t *template) HasParameter(name string) bool {
	_, ok := t.Parameters[name]
	return ok
}

// HasNestedStacks reports whether the template holds nested stacks.
func (t *template) HasNestedStacks() bool {
	for _, r := range t.Resources {
		if r.Type == "AWS::CloudFormation::Stack" {
			return true
		}
	}
	return false
}

// Retained lists the logical IDs of resources CloudFormation keeps when the
// stack is deleted (DeletionPolicy Retain or RetainExceptOnCreate), sorted.
func (t *template) Retained() []string {
	var ids []string
	for id, r := range t.Resources {
		if p, _ := r.Attrs["DeletionPolicy"].(string); p == "Retain" || p == "RetainExceptOnCreate" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// assetKeyRe matches flowc's content-addressed asset keys:
// flowc/assets/<sha256><ext>, or flowc/assets/<sha256>/<name><ext> for an
// asset that keeps its file name (the Glue runtime, flowc_runtime.py).
var assetKeyRe = regexp.MustCompile(regexp.QuoteMeta(layout.AssetPrefix) + `[0-9a-f]{64}(/[A-Za-z0-9_]+\.[A-Za-z0-9]+|\.[A-Za-z0-9]+)?`)

// assetKeys returns the asset keys a resource refers to, sorted.
func (r *resource) assetKeys() []string {
	b, _ := json.Marshal(r.Properties)
	seen := map[string]bool{}
	for _, k := range assetKeyRe.FindAllString(string(b), -1) {
		seen[k] = true
	}
	return sortedKeys(seen)
}

// refs returns the logical IDs a value refers to through Ref, Fn::GetAtt
// and ${...} in Fn::Sub.
func refs(v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 1 {
			if r, ok := x["Ref"].(string); ok {
				out[r] = true
				return
			}
			if g, ok := x["Fn::GetAtt"]; ok {
				switch a := g.(type) {
				case []any:
					if len(a) > 0 {
						if s, ok := a[0].(string); ok {
							out[s] = true
						}
					}
				case string:
					out[strings.SplitN(a, ".", 2)[0]] = true
				}
				return
			}
			if s, ok := x["Fn::Sub"]; ok {
				var str string
				switch a := s.(type) {
				case string:
					str = a
				case []any:
					if len(a) > 0 {
						str, _ = a[0].(string)
					}
					if len(a) > 1 {
						refs(a[1], out)
					}
				}
				for _, m := range subVarRe.FindAllStringSubmatch(str, -1) {
					out[strings.SplitN(m[1], ".", 2)[0]] = true
				}
				return
			}
		}
		for _, e := range x {
			refs(e, out)
		}
	case []any:
		for _, e := range x {
			refs(e, out)
		}
	}
}

var subVarRe = regexp.MustCompile(`\$\{([A-Za-z0-9:._]+)\}`)

// canonical renders a JSON value compactly with sorted keys.
func canonical(v any) string {
	if v == nil {
		return ""
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// pretty renders a JSON value indented with two spaces and a newline.
func pretty(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
	return b.String()
}
