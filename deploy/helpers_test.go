package deploy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/layout"
)

// loadTree reads a build tree of testdata into a Bundle. Assets are the
// Glue scripts, the pipeline's description and nested templates;
// "@asset:PATH@" in templates is
// replaced by PATH's content-addressed key, as the compiler writes them.
func loadTree(t *testing.T, dir string) *Bundle {
	t.Helper()
	files := treeFiles(t, dir)
	b := &Bundle{Pipeline: "flights", Env: "dev", Stack: "flights-dev", Region: "us-east-1"}
	keys := map[string]string{}
	subst := func(p string) {
		for ap, k := range keys {
			files[p] = bytes.ReplaceAll(files[p], []byte("@asset:"+ap+"@"), []byte(k))
		}
	}
	// Scripts and the description first, then nested templates (which name
	// scripts), then the root.
	for _, stage := range []func(string) bool{
		func(p string) bool { return strings.HasPrefix(p, "glue/") || p == layout.DescriptionPath },
		func(p string) bool { return strings.HasPrefix(p, "stacks/") },
	} {
		for _, p := range sortedKeys(files) {
			if !stage(p) {
				continue
			}
			subst(p)
			keys[p] = templateKey(files[p])
			if strings.HasSuffix(p, ".py") {
				keys[p] = strings.TrimSuffix(keys[p], ".json") + ".py"
			}
			b.Assets = append(b.Assets, Asset{Path: p, Key: keys[p]})
		}
	}
	subst(layout.TemplatePath)
	for _, p := range sortedKeys(files) {
		b.Files = append(b.Files, File{Path: p, Data: files[p]})
	}
	sort.Slice(b.Assets, func(i, j int) bool { return b.Assets[i].Path < b.Assets[j].Path })
	return b
}

// olderFlowc makes b a build of a flowc from before the pipeline's
// description: no pipeline.json, and no pointer in the root template.
func olderFlowc(t *testing.T, b *Bundle) *Bundle {
	t.Helper()
	var tm map[string]any
	if err := json.Unmarshal(b.Template(), &tm); err != nil {
		t.Fatal(err)
	}
	delete(tm, "Metadata")
	body, err := json.MarshalIndent(tm, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	old := &Bundle{Pipeline: b.Pipeline, Env: b.Env, Stack: b.Stack, Region: b.Region, Account: b.Account}
	for _, f := range b.Files {
		switch f.Path {
		case layout.DescriptionPath:
		case layout.TemplatePath:
			old.Files = append(old.Files, File{Path: f.Path, Data: append(body, '\n')})
		default:
			old.Files = append(old.Files, f)
		}
	}
	for _, a := range b.Assets {
		if a.Path != layout.DescriptionPath {
			old.Assets = append(old.Assets, a)
		}
	}
	return old
}

// treeFiles reads a tree's files by build path. A tree with a file BASE
// holds only what differs from the tree BASE names (a sibling directory).
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	if base, err := os.ReadFile(filepath.Join(dir, "BASE")); err == nil {
		files = treeFiles(t, filepath.Join(filepath.Dir(dir), strings.TrimSpace(string(base))))
	}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "BASE" {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
