package main

import (
	"bytes"
	"fmt"
	"github.com/flowc-dev/flowc/internal/golden"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestBuildGolden runs `flowc build` on every case under
// testdata/build/<case>/: the spec is spec.yaml, or the repository path
// written in the file `spec`; extra flags are in `args`. want.txt holds the
// command, stdout, stderr and exit code; out/ holds every file the build
// writes, or those matching the patterns in `golden-files` (one per line;
// the manifest's sha256 pins the others). -update rewrites both.
func TestBuildGolden(t *testing.T) {
	t.Chdir(repoRoot(t))
	dirs, _ := filepath.Glob("testdata/build/*")
	n := 0
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"build"}, caseArgs(t, dir)...)
			args = append(args, "--out", out, caseSpec(t, dir))
			stdout, stderr, code := runCLI(t, args...)
			got := fmt.Sprintf("$ flowc %s\n%s%s-- exit %d\n", strings.Join(args, " "), stdout, stderr, code)
			golden.Check(t, filepath.Join(dir, "want.txt"), []byte(strings.ReplaceAll(got, out, "$OUT")))
			compareTree(t, out, filepath.Join(dir, "out"), goldenPatterns(t, dir))
		})
	}
	if n < 3 {
		t.Fatalf("only %d build cases", n)
	}
}

func caseArgs(t *testing.T, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

func caseSpec(t *testing.T, dir string) string {
	if b, err := os.ReadFile(filepath.Join(dir, "spec")); err == nil {
		return strings.TrimSpace(string(b))
	}
	return filepath.ToSlash(filepath.Join(dir, "spec.yaml"))
}

// goldenPatterns are the patterns of the files a case keeps (nil: all).
func goldenPatterns(t *testing.T, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "golden-files"))
	if err != nil {
		return nil
	}
	pats := strings.Fields(string(b))
	if pats == nil {
		pats = []string{}
	}
	return pats
}

func selected(p string, pats []string) bool {
	if pats == nil {
		return true
	}
	for _, pat := range pats {
		if ok, _ := path.Match(pat, p); ok {
			return true
		}
	}
	return false
}

// readTree returns the files under dir by slash path (nil if dir is
// missing).
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}

// compareTree compares the selected files of got with the golden tree, or
// rewrites the golden tree with -update.
func compareTree(t *testing.T, gotDir, wantDir string, pats []string) {
	t.Helper()
	got := map[string][]byte{}
	for p, b := range readTree(t, gotDir) {
		if selected(p, pats) {
			got[p] = b
		}
	}
	if golden.Updating() {
		if err := os.RemoveAll(wantDir); err != nil {
			t.Fatal(err)
		}
		for p, b := range got {
			dst := filepath.Join(wantDir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := readTree(t, wantDir)
	var paths []string
	for p := range got {
		paths = append(paths, p)
	}
	for p := range want {
		if _, ok := got[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		g, inGot := got[p]
		w, inWant := want[p]
		switch {
		case !inWant:
			t.Errorf("%s: built but not in %s (run with -update and read it)", p, wantDir)
		case !inGot:
			t.Errorf("%s: in %s but not built", p, wantDir)
		case !bytes.Equal(g, w):
			t.Errorf("%s differs from %s (run with -update and read the diff)", p, filepath.Join(wantDir, p))
		}
	}
}

// TestBuildTwiceIdentical: two builds of the same spec are byte-identical,
// into a fresh directory and over an existing build (nothing changes).
func TestBuildTwiceIdentical(t *testing.T) {
	t.Chdir(repoRoot(t))
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, errOut, code := runCLI(t, "build", "--env", "dev", "--out", dir, "examples/flights.yaml"); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	}
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) < 7 || len(ta) != len(tb) {
		t.Fatalf("builds have %d and %d files", len(ta), len(tb))
	}
	for p := range ta {
		if !bytes.Equal(ta[p], tb[p]) {
			t.Errorf("%s differs between two builds", p)
		}
	}
	out, _, code := runCLI(t, "build", "--env", "dev", "--out", a, "examples/flights.yaml")
	if code != 0 || !strings.Contains(out, "(0 changed, 0 removed)") {
		t.Errorf("rebuild: exit %d, stdout %q; want nothing changed", code, out)
	}
}

// TestBuildCheck: --check passes on an up-to-date build, and fails with a
// unified diff when a file was edited, is missing, or is stale.
func TestBuildCheck(t *testing.T) {
	t.Chdir(repoRoot(t))
	dir := t.TempDir()
	if _, errOut, code := runCLI(t, "build", "--env", "dev", "--out", dir, "examples/flights.yaml"); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errOut)
	}
	if out, errOut, code := runCLI(t, "build", "--env", "dev", "--check", "--out", dir, "examples/flights.yaml"); code != 0 || !strings.Contains(out, "is up to date") {
		t.Fatalf("check of a fresh build: exit %d\n%s%s", code, out, errOut)
	}
	sql := filepath.Join(dir, "sql", "airport_delays.sql")
	orig, err := os.ReadFile(sql)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sql, append([]byte("-- edited by hand\n"), orig...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "glue", "airport_delays.py")); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "build", "--env", "dev", "--check", "--out", dir, "examples/flights.yaml")
	if code != exitFail {
		t.Errorf("check of an edited build: exit %d, want 1", code)
	}
	for _, want := range []string{
		"--- " + dir + "/sql/airport_delays.sql\n",
		"+++ " + dir + "/sql/airport_delays.sql (flowc build)\n",
		"\n--- edited by hand\n",
		"--- /dev/null\n+++ " + dir + "/glue/airport_delays.py (flowc build)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "2 of the build's files differ") {
		t.Errorf("stderr: %q", errOut)
	}
	// --check writes nothing.
	if b, _ := os.ReadFile(sql); !bytes.HasPrefix(b, []byte("-- edited by hand")) {
		t.Error("--check rewrote a file")
	}
}

// TestBuildRemovesStaleFiles: files an earlier build wrote that the new one
// does not have are removed (and reported by --check); other files stay.
func TestBuildRemovesStaleFiles(t *testing.T) {
	t.Chdir(repoRoot(t))
	dir := t.TempDir()
	src, err := os.ReadFile("examples/flights.yaml")
	if err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(t.TempDir(), "flights.yaml")
	os.WriteFile(full, src, 0o644)
	if _, errOut, code := runCLI(t, "build", "--env", "dev", "--out", dir, full); code != 0 {
		t.Fatalf("build: %s", errOut)
	}
	os.WriteFile(filepath.Join(dir, "NOTES.md"), []byte("mine\n"), 0o644)
	// Drop the airport_delays table.
	s := string(src)
	i := strings.Index(s, "    airport_delays:\n      from: airport_delays")
	j := strings.Index(s, "\nalerts:")
	if i < 0 || j < i {
		t.Fatal("example changed shape; update this test")
	}
	os.WriteFile(full, []byte(s[:i]+s[j+1:]), 0o644)
	out, errOut, code := runCLI(t, "build", "--env", "dev", "--check", "--out", dir, full)
	if code != exitFail || !strings.Contains(out, "--- "+dir+"/glue/airport_delays.py\n+++ /dev/null (flowc build)") {
		t.Errorf("check: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "build", "--env", "dev", "--out", dir, full)
	if code != 0 || !strings.Contains(out, "2 removed") {
		t.Fatalf("rebuild: exit %d\n%s%s", code, out, errOut)
	}
	for _, p := range []string{"glue/airport_delays.py", "sql/airport_delays.sql"} {
		if _, err := os.Stat(filepath.Join(dir, p)); !os.IsNotExist(err) {
			t.Errorf("%s: stale file not removed (%v)", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "NOTES.md")); err != nil {
		t.Errorf("a file flowc did not write was removed: %v", err)
	}
}

// TestBuildOneTransformChange: changing one transform changes only the
// files that depend on it.
func TestBuildOneTransformChange(t *testing.T) {
	t.Chdir(repoRoot(t))
	src, err := os.ReadFile("examples/flights.yaml")
	if err != nil {
		t.Fatal(err)
	}
	build := func(spec string) map[string][]byte {
		p := filepath.Join(t.TempDir(), "flights.yaml")
		os.WriteFile(p, []byte(spec), 0o644)
		dir := t.TempDir()
		if out, errOut, code := runCLI(t, "build", "--env", "dev", "--out", dir, p); code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		return readTree(t, dir)
	}
	base := build(string(src))
	for _, tc := range []struct {
		name, old, new string
		want           []string
	}{
		{"airport_delays measure", "max_delay: max(delay)", "max_delay: min(delay)",
			[]string{"glue/airport_delays.py", "manifest.json", "template.json"}},
		// airport_delays reads delayed_flights, so both scripts change.
		{"delayed_flights filter", "- filter: delay > 60", "- filter: delay > 90",
			[]string{"glue/airport_delays.py", "glue/delayed_flights_fact.py", "manifest.json", "template.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(src), tc.old) {
				t.Fatalf("example lacks %q; update this test", tc.old)
			}
			got := build(strings.Replace(string(src), tc.old, tc.new, 1))
			var changed []string
			for p, b := range got {
				if !bytes.Equal(b, base[p]) {
					changed = append(changed, p)
				}
			}
			sort.Strings(changed)
			if strings.Join(changed, " ") != strings.Join(tc.want, " ") {
				t.Errorf("changed files: %v, want %v", changed, tc.want)
			}
		})
	}
}

// TestBuildUsage: usage errors exit 2 and say why.
func TestBuildUsage(t *testing.T) {
	t.Chdir(repoRoot(t))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"build"}, "build needs exactly one SPEC file"},
		{[]string{"build", "examples/flights.yaml"}, "choose one with --env"},
		{[]string{"build", "--env", "dev", "no/such.yaml"}, "reading spec"},
	} {
		_, errOut, code := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("flowc %v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

func TestSafePath(t *testing.T) {
	for p, ok := range map[string]bool{
		"template.json": true, "glue/a.py": true, "stacks/tables-01.json": true,
		"": false, "/etc/passwd": false, "../x": false, "a/../../x": false, "a/./b": false, "..": false, `a\b`: false,
	} {
		if _, err := safePath("out", p); (err == nil) != ok {
			t.Errorf("safePath(%q): err %v, want ok=%v", p, err, ok)
		}
	}
}

// TestBuildFailureLeavesOldBuild: a build that fails half way (here: a
// directory stands where the new build wants sql/zz.sql, which sorts after
// glue/*.py and manifest.json) leaves the output directory exactly as it
// was, files flowc did not write included; a build into a directory that
// did not exist leaves nothing behind.
func TestBuildFailureLeavesOldBuild(t *testing.T) {
	t.Chdir(repoRoot(t))
	src, err := os.ReadFile("testdata/build/minimal/spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	specA := filepath.Join(t.TempDir(), "mini.yaml")
	os.WriteFile(specA, src, 0o644)
	dir := filepath.Join(t.TempDir(), "out")
	if _, errOut, code := runCLI(t, "build", "--out", dir, specA); code != 0 {
		t.Fatalf("build: %s", errOut)
	}
	// Spec B adds table zz and changes the merge key of orders, so the
	// template, the manifest, the scripts and orders.sql all change.
	s := strings.Replace(string(src), "key: [id]", "key: [id, customer]", 1) +
		"    zz:\n      from: orders\n      load: append\n      columns: {id: bigint}\n"
	specB := filepath.Join(t.TempDir(), "mini.yaml")
	os.WriteFile(specB, []byte(s), 0o644)
	okDir := t.TempDir()
	if _, errOut, code := runCLI(t, "build", "--out", okDir, specB); code != 0 {
		t.Fatalf("spec B does not build: %s", errOut)
	}
	changed := 0
	before := readTree(t, dir)
	for p, b := range readTree(t, okDir) {
		if !bytes.Equal(b, before[p]) {
			changed++
		}
	}
	if changed < 4 {
		t.Fatalf("spec B changes only %d files; the test needs more", changed)
	}

	os.WriteFile(filepath.Join(dir, "NOTES.md"), []byte("mine\n"), 0o644)
	if err := os.MkdirAll(filepath.Join(dir, "sql", "zz.sql"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "sql", "zz.sql", "keep"), []byte("in the way\n"), 0o644)
	before = readTree(t, dir)
	beforeDirs := listDirs(t, dir)
	out, errOut, code := runCLI(t, "build", "--out", dir, specB)
	if code == 0 {
		t.Fatalf("build over a directory in the way succeeded:\n%s", out)
	}
	if !strings.Contains(errOut, "sql/zz.sql") || !strings.Contains(errOut, "left as it was") {
		t.Errorf("stderr does not say what failed and that %s is unchanged: %q", dir, errOut)
	}
	after := readTree(t, dir)
	for p, b := range before {
		if !bytes.Equal(after[p], b) {
			t.Errorf("%s changed by a failed build", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s appeared after a failed build", p)
		}
	}
	if got := listDirs(t, dir); strings.Join(got, " ") != strings.Join(beforeDirs, " ") {
		t.Errorf("directories after a failed build: %v, want %v", got, beforeDirs)
	}

	// Into a directory that does not exist yet: nothing is left.
	parent := t.TempDir()
	os.WriteFile(filepath.Join(parent, "sql"), []byte("a file where a directory goes\n"), 0o644)
	if _, _, code := runCLI(t, "build", "--out", filepath.Join(parent, "new"), specB); code != 0 {
		t.Fatalf("build into a new directory: exit %d", code)
	}
	if _, _, code := runCLI(t, "build", "--out", parent, specB); code == 0 {
		t.Fatal("build over a file in the way of sql/ succeeded")
	}
	if got := listDirs(t, parent); strings.Join(got, " ") != "new new/glue new/sql" {
		t.Errorf("directories after a failed build: %v", got)
	}
	for p := range readTree(t, parent) {
		if p != "sql" && !strings.HasPrefix(p, "new/") {
			t.Errorf("%s left behind by a failed build", p)
		}
	}
}

// listDirs lists the directories under dir (slash paths, sorted).
func listDirs(t *testing.T, dir string) []string {
	t.Helper()
	var dirs []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != dir {
			rel, _ := filepath.Rel(dir, p)
			dirs = append(dirs, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(dirs)
	return dirs
}

// TestBuildSpecPathSpelling: the build is the same however the spec's
// path is typed (x.yaml, ./x.yaml, ../dir/x.yaml, absolute), so
// `build --check` passes in CI and deploy replaces nothing.
func TestBuildSpecPathSpelling(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "flights.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	proj := t.TempDir()
	for _, d := range []string{"dir", "other"} {
		if err := os.Mkdir(filepath.Join(proj, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	abs := filepath.Join(proj, "dir", "x.yaml")
	os.WriteFile(abs, src, 0o644)
	var first map[string][]byte
	for _, tc := range []struct{ cwd, spec string }{
		{"dir", "x.yaml"}, {"dir", "./x.yaml"}, {"other", "../dir/x.yaml"}, {"other", abs}, {".", "dir/x.yaml"},
	} {
		t.Chdir(filepath.Join(proj, tc.cwd))
		out := t.TempDir()
		if _, errOut, code := runCLI(t, "build", "--env", "dev", "--out", out, tc.spec); code != 0 {
			t.Fatalf("build %s: exit %d\n%s", tc.spec, code, errOut)
		}
		got := readTree(t, out)
		if first == nil {
			first = got
			continue
		}
		for p, b := range first {
			if !bytes.Equal(got[p], b) {
				t.Errorf("spec typed as %s (from %s): %s differs from the build of x.yaml", tc.spec, tc.cwd, p)
			}
		}
	}
}
