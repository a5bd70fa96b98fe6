package deploy

import (
	"fmt"
	"sort"
	"strings"
)

// resourceAttrs are the resource attributes a diff compares besides
// Properties.
var resourceAttrs = []string{"DeletionPolicy", "UpdateReplacePolicy", "UpdatePolicy", "Condition", "DependsOn", "Metadata"}

// diffTemplates compares two templates resource by resource and predicts
// replacements from create-only properties, then propagates them: a
// resource that refers to a replaced one changes too (CloudFormation's
// "Conditional" when the reference is in a create-only property). prefix
// is put before logical IDs (for nested stacks).
func diffTemplates(prefix string, old, new *template, assets map[string]string) []ResourceChange {
	changes := map[string]*ResourceChange{}
	ids := unionKeys(old.Resources, new.Resources)
	for _, id := range ids {
		o, n := old.Resources[id], new.Resources[id]
		switch {
		case o == nil:
			changes[id] = &ResourceChange{Action: "Add", LogicalID: prefix + id, Type: n.Type}
		case n == nil:
			changes[id] = &ResourceChange{Action: "Remove", LogicalID: prefix + id, Type: o.Type}
		case o.Type != n.Type:
			changes[id] = &ResourceChange{Action: "Modify", LogicalID: prefix + id, Type: n.Type, Replacement: "True",
				Properties: []PropertyChange{{Path: "Type", Before: quote(o.Type), After: quote(n.Type), Replace: true}}}
		default:
			var props []PropertyChange
			diffValues("", o.Properties, n.Properties, &props)
			for _, a := range resourceAttrs {
				diffValues(a, o.Attrs[a], n.Attrs[a], &props)
			}
			if len(props) == 0 {
				continue
			}
			co := createOnlyChanged(n.Type, o.Properties, n.Properties)
			for i := range props {
				for _, c := range co {
					if underPath(props[i].Path, c) {
						props[i].Replace = true
					}
				}
			}
			repl := "False"
			if len(co) > 0 {
				repl = "True"
			}
			changes[id] = &ResourceChange{Action: "Modify", LogicalID: prefix + id, Type: n.Type, Replacement: repl,
				Properties: annotate(n.Type, props, assets)}
		}
	}
	propagate(prefix, new, changes)
	out := make([]ResourceChange, 0, len(changes))
	for _, id := range sortedKeys(changes) {
		out = append(out, *changes[id])
	}
	return out
}

// propagate marks the resources that refer to a replaced resource: their
// references resolve to a new physical ID, so CloudFormation updates them,
// and replaces them ("Conditional") when the reference is create-only.
func propagate(prefix string, new *template, changes map[string]*ResourceChange) {
	replaced := map[string]bool{}
	for id, c := range changes {
		if c.Replaced() {
			replaced[id] = true
		}
	}
	for grown := true; grown; {
		grown = false
		for _, id := range sortedKeys(new.Resources) {
			r := new.Resources[id]
			if replaced[id] || (changes[id] != nil && changes[id].Action == "Add") {
				continue
			}
			all := map[string]bool{}
			refs(r.Properties, all)
			var hit []string
			for ref := range all {
				if replaced[ref] {
					hit = append(hit, ref)
				}
			}
			if len(hit) == 0 {
				continue
			}
			sort.Strings(hit)
			cond := false
			for _, p := range createOnlyProperties[r.Type] {
				v := map[string]bool{}
				refs(lookup(r.Properties, strings.Split(p, "/")), v)
				for _, h := range hit {
					cond = cond || v[h]
				}
			}
			c := changes[id]
			if c == nil {
				c = &ResourceChange{Action: "Modify", LogicalID: prefix + id, Type: r.Type, Replacement: "False"}
				changes[id] = c
			}
			cause := fmt.Sprintf("refers to %s, which is replaced", strings.Join(hit, ", "))
			if c.Cause != cause {
				c.Cause = cause
				grown = true
			}
			if cond && c.Replacement != "Conditional" && c.Replacement != "True" {
				c.Replacement = "Conditional"
				replaced[id] = true
				grown = true
			}
		}
	}
}

// annotate collapses a state machine's definition into one change (its
// text is shown as a unified diff) and names the generated file behind a
// changed asset key.
func annotate(typ string, props []PropertyChange, assets map[string]string) []PropertyChange {
	var out []PropertyChange
	defSeen := map[string]bool{}
	for _, p := range props {
		if typ == "AWS::StepFunctions::StateMachine" {
			if root := strings.SplitN(strings.SplitN(p.Path, ".", 2)[0], "[", 2)[0]; root == "Definition" || root == "DefinitionString" {
				if !defSeen[root] {
					defSeen[root] = true
					out = append(out, PropertyChange{Path: root, Note: "the definition changed; see the statemachine.asl.json diff"})
				}
				continue
			}
		}
		if oldKey, newKey := firstAsset(p.Before), firstAsset(p.After); newKey != "" && oldKey != newKey {
			what := assets[newKey]
			if what == "" {
				what = newKey
			}
			if typ == "AWS::CloudFormation::Stack" {
				p.Note = "nested stack " + what + " changed; its resources are listed with its name as prefix"
			} else {
				p.Note = "content of " + what + " changed; see its diff"
			}
		}
		out = append(out, p)
	}
	return out
}

func firstAsset(s string) string { return assetKeyRe.FindString(s) }
