package starter

import (
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/spec"
)

func TestPipelineFromDir(t *testing.T) {
	for in, want := range map[string]string{
		"orders":                            "orders",
		"Orders_Data":                       "orders-data",
		"2024 web events":                   "web-events",
		"my..pipe--line":                    "my-pipe-line",
		"___":                               defaultPipeline,
		"/":                                 defaultPipeline,
		".":                                 defaultPipeline,
		"données":                           "donn-es",
		strings.Repeat("abcdefghij", 5):     "abcdefghijabcdefghijabcdefghijab",
		"abcdefghijabcdefghijabcdefghija-b": "abcdefghijabcdefghijabcdefghija",
	} {
		got := PipelineFromDir(in)
		if got != want {
			t.Errorf("PipelineFromDir(%q) = %q, want %q", in, got, want)
		}
		if CheckPipeline(got) != nil {
			t.Errorf("PipelineFromDir(%q) = %q is not a valid name", in, got)
		}
	}
}

// TestStarterWorks: for short, long and odd names the starter loads
// without a diagnostic and compiles for both environments.
func TestStarterWorks(t *testing.T) {
	for _, name := range []string{"a", "orders", "x-1", strings.Repeat("p", 32), "ends-with-"} {
		files, err := Files(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 2 || files[0].Path != SpecFile || files[1].Path != SchemaFile {
			t.Fatalf("files: %v", files)
		}
		f, irs, ds := spec.LoadAll(SpecFile, files[0].Data)
		if ds.Len() > 0 {
			t.Fatalf("%s: diagnostics:\n%v", name, ds)
		}
		if f.Pipeline.Raw != name {
			t.Errorf("pipeline %q, want %q", f.Pipeline.Raw, name)
		}
		if len(irs) != 2 {
			t.Errorf("%s: %d environments, want dev and prod", name, len(irs))
		}
		for _, pl := range irs {
			if _, ds := compiler.Compile(pl); ds.HasErrors() {
				t.Errorf("%s/%s does not build:\n%v", name, pl.Env, ds)
			}
		}
	}
}

func TestFilesRejectsBadNames(t *testing.T) {
	for _, name := range []string{"", "Orders", "1st", "has space", strings.Repeat("p", 33)} {
		if _, err := Files(name); err == nil {
			t.Errorf("Files(%q) accepted", name)
		}
	}
}

// TestStarterTeaches: the comments name every step kind, trigger and load
// mode, so a reader learns the language from the file.
func TestStarterTeaches(t *testing.T) {
	files, _ := Files("orders")
	src := string(files[0].Data)
	for _, word := range []string{"filter", "join", "derive", "select", "dedupe", "aggregate",
		"on_arrival", "schedule", "none", "append", "replace_partition", "merge",
		"${params.", "${env}", "flowc validate", "flowc graph", "flowc build"} {
		if !strings.Contains(src, word) {
			t.Errorf("the starter never mentions %q", word)
		}
	}
}
