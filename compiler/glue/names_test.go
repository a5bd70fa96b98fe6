package glue_test

import (
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/flowc-dev/flowc/compiler/glue"
	"github.com/flowc-dev/flowc/ir"
)

func TestStagePrefixFitsRedshift(t *testing.T) {
	long := ""
	for len(long) < ir.MaxRedshiftIdent {
		long += "t"
	}
	if n := len(glue.StagePrefix(long)) + 16; n > ir.MaxRedshiftIdent {
		t.Errorf("staging table name of %d bytes", n)
	}
	if got := glue.StagePrefix("fact"); got != "fact__flowc_stage_" {
		t.Errorf("stagePrefix = %s", got)
	}
}

// TestPyLiteralRoundTrip has Python read back what pyLiteral and pySQL
// wrote.
func TestPyLiteralRoundTrip(t *testing.T) {
	py := python(t, "read back Python literals")
	tricky := []string{"", `"`, `'`, `\`, `"""`, "a\nb", "tab\there", "\x00\x01\x7f", "é ü 日本 🚀", "\u2028\u2029\u0085", `\x41`, "end\\"}
	lit, err := glue.PyLiteral(tricky)
	if err != nil {
		t.Fatal(err)
	}
	prog := "import ast, json, sys\nv = " + lit + "\nw = [" + glue.PySQL(tricky[5]) + ", " + glue.PySQL(`x"""y\`) + "]\nprint(json.dumps([v, w]))\n"
	out, err := exec.Command(py, "-c", prog).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s\n%s", err, out, prog)
	}
	var got [2][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for i, s := range tricky {
		if got[0][i] != s {
			t.Errorf("glue.PyLiteral(%q) read back as %q", s, got[0][i])
		}
	}
	if got[1][0] != "\na\nb\n" || got[1][1] != "\nx\"\"\"y\\\n" {
		t.Errorf("pySQL read back as %q", got[1])
	}
}
