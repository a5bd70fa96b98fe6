package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeT records failures instead of failing the test.
type fakeT struct {
	testing.TB
	errs []string
}

func (f *fakeT) Helper()                        {}
func (f *fakeT) Name() string                   { return "TestX" }
func (f *fakeT) Errorf(format string, a ...any) { f.errs = append(f.errs, format) }
func (f *fakeT) Fatalf(format string, a ...any) { f.errs = append(f.errs, format) }
func (f *fakeT) Fatal(a ...any)                 { f.errs = append(f.errs, "fatal") }

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "want.txt")
	ft := &fakeT{TB: t}
	Check(ft, path, []byte("a\n"))
	if len(ft.errs) != 1 || !strings.Contains(ft.errs[0], "missing golden") {
		t.Fatalf("missing file: %v", ft.errs)
	}
	*update = true
	Check(ft, path, []byte("a\nb\n"))
	*update = false
	if b, _ := os.ReadFile(path); string(b) != "a\nb\n" {
		t.Fatalf("-update wrote %q", b)
	}
	ft.errs = nil
	Check(ft, path, []byte("a\nb\n"))
	if len(ft.errs) != 0 {
		t.Fatalf("equal content reported: %v", ft.errs)
	}
	Check(ft, path, []byte("a\nc\n"))
	if len(ft.errs) != 1 {
		t.Fatalf("difference not reported: %v", ft.errs)
	}
	if d := diff("g", []byte("a\nb\n"), []byte("a\nc\n")); !strings.Contains(d, "-b\n") || !strings.Contains(d, "+c\n") {
		t.Fatalf("diff: %q", d)
	}
}
