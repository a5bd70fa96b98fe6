package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/flowc-dev/flowc/layout"
)

// fileDiffs returns unified diffs of the generated files that differ
// (state machine, Glue scripts, DDL), in path order. The pipeline's
// description is left out: the plan says its changes in words.
func fileDiffs(old, new map[string][]byte, nested []string) []FileDiff {
	skip := map[string]bool{layout.TemplatePath: true, layout.ManifestPath: true, layout.DescriptionPath: true}
	for _, n := range nested {
		skip[n] = true
	}
	var out []FileDiff
	for _, p := range unionKeys(old, new) {
		if skip[p] {
			continue
		}
		o, oOK := old[p]
		n, nOK := new[p]
		if oOK && nOK && bytes.Equal(o, n) {
			continue
		}
		status := "changed"
		switch {
		case !oOK:
			status = "added"
		case !nOK:
			status = "removed"
		}
		out = append(out, FileDiff{Path: p, Status: status, Unified: unified(p, o, n)})
	}
	return out
}

// unified renders a unified diff of one file with three lines of context,
// labelled a/PATH and b/PATH as git does.
func unified(path string, old, new []byte) string {
	ud := difflib.UnifiedDiff{
		A:        splitLines(old),
		B:        splitLines(new),
		FromFile: "a/" + path,
		ToFile:   "b/" + path,
		Context:  3,
	}
	if len(old) == 0 {
		ud.A = nil
		ud.FromFile = "/dev/null"
	}
	if len(new) == 0 {
		ud.B = nil
		ud.ToFile = "/dev/null"
	}
	s, err := difflib.GetUnifiedDiffString(ud)
	if err != nil {
		return fmt.Sprintf("(cannot diff %s: %v)\n", path, err)
	}
	return s
}

// splitLines splits text into lines that keep their newline; a last line
// without one is marked as git marks it.
func splitLines(b []byte) []string {
	lines := strings.SplitAfter(string(b), "\n")
	if last := lines[len(lines)-1]; last == "" {
		lines = lines[:len(lines)-1]
	} else {
		lines[len(lines)-1] = last + "\n\\ No newline at end of file\n"
	}
	return lines
}

// definitions extracts the state machine definitions of a template,
// pretty-printed, by build path: statemachine.asl.json for a single state
// machine or the pipeline's, freshness.asl.json for the freshness check,
// statemachine/<LogicalID>.asl.json for any other.
// Definition (an object), DefinitionString and DefinitionString through
// Fn::Sub are understood; ${...} placeholders are kept as written.
func definitions(t *template) map[string][]byte {
	var ids []string
	for _, id := range sortedKeys(t.Resources) {
		if t.Resources[id].Type == "AWS::StepFunctions::StateMachine" {
			ids = append(ids, id)
		}
	}
	out := map[string][]byte{}
	for _, id := range ids {
		p := layout.StateMachinePath
		if len(ids) > 1 {
			switch id {
			case layout.StateMachineID:
			case layout.FreshnessMachineID:
				p = layout.FreshnessMachinePath
			default:
				p = "statemachine/" + id + ".asl.json"
			}
		}
		if def, ok := definitionText(t.Resources[id].Properties); ok {
			out[p] = []byte(def)
		}
	}
	return out
}

func definitionText(props map[string]any) (string, bool) {
	if d, ok := props["Definition"]; ok {
		return pretty(d), true
	}
	var s string
	switch v := props["DefinitionString"].(type) {
	case string:
		s = v
	case map[string]any:
		switch sub := v["Fn::Sub"].(type) {
		case string:
			s = sub
		case []any:
			if len(sub) > 0 {
				s, _ = sub[0].(string)
			}
		default:
			return pretty(v), true
		}
	default:
		return "", false
	}
	var parsed any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&parsed); err == nil {
		return pretty(parsed), true
	}
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s, true
}

// assetsToFetch pairs the deployed template's asset keys with the new
// build's asset paths, resource by resource: where the same logical
// resource refers to one asset on each side with the same extension, the
// old key holds the old content of that path. Nested stacks are followed
// by the caller through the returned paths (stacks/*.json).
func assetsToFetch(old, new *template, newAssets map[string]string) map[string]string {
	out := map[string]string{}
	for _, id := range sortedKeys(new.Resources) {
		o := old.Resources[id]
		if o == nil {
			continue
		}
		nk, ok := old2new(o.assetKeys(), new.Resources[id].assetKeys())
		if !ok {
			continue
		}
		for oldKey, newKey := range nk {
			if p := newAssets[newKey]; p != "" {
				out[p] = oldKey
			}
		}
	}
	return out
}

// old2new matches a resource's old and new asset keys by extension (by
// file name for an asset that keeps it, flowc/assets/<sha256>/<name>) when
// each occurs once on both sides.
func old2new(oldKeys, newKeys []string) (map[string]string, bool) {
	const hashEnd = len(layout.AssetPrefix) + 64
	byExt := func(keys []string) map[string][]string {
		m := map[string][]string{}
		for _, k := range keys {
			ext := "" // what follows the hash: "", ".py", "/flowc_runtime.py"
			if len(k) > hashEnd {
				ext = k[hashEnd:]
			}
			m[ext] = append(m[ext], k)
		}
		return m
	}
	om, nm := byExt(oldKeys), byExt(newKeys)
	out := map[string]string{}
	for ext, ns := range nm {
		if os := om[ext]; len(os) == 1 && len(ns) == 1 {
			out[os[0]] = ns[0]
		}
	}
	return out, len(out) > 0
}
