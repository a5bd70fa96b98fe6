package diag

import (
	"bytes"
	"github.com/flowc-dev/flowc/internal/golden"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// sampleSource is pipeline.yaml of the sample: line 3 is indented with
// tabs, line 4 holds multi-byte characters.
const sampleSource = "name: demo\n" +
	"tables:\n" +
	"\t\torders:\n" +
	"  café: \"prix ≥ 10 €\"\n" +
	"  total: sum(amount) +\n" +
	"    tax\n"

func sampleSources(file string) []byte {
	if file == "pipeline.yaml" {
		return []byte(sampleSource)
	}
	return nil // other.yaml has no source
}

// sampleDiagnostics covers every shape a diagnostic can take; they are
// added out of order, with a duplicate, and printed sorted.
func sampleDiagnostics() []Diagnostic {
	var s Set
	s.Add(Diagnostic{ // a range on a tab-indented line
		Pos: Pos{"pipeline.yaml", 3, 3}, End: Pos{"pipeline.yaml", 3, 9},
		Code: "T101", Message: `table "orders" has no columns`, Hint: "add a columns: list",
	})
	s.Add(Diagnostic{ // a warning with a range over multi-byte characters
		Pos: Pos{"pipeline.yaml", 4, 15}, End: Pos{"pipeline.yaml", 4, 21}, Severity: Warning,
		Code: "T301", Message: "this looks like an expression in a quoted string", Hint: "remove the quotes",
	})
	s.Add(Diagnostic{ // a range ending on the next line
		Pos: Pos{"pipeline.yaml", 5, 10}, End: Pos{"pipeline.yaml", 6, 8},
		Code: "T302", Message: "the expression continues on the next line",
	})
	s.Errorf(Pos{File: "pipeline.yaml"}, T201, "no environment declared").Hint = "add an environments: section"
	s.Warnf(Pos{"other.yaml", 2, 1}, T501, "input %q is never read", "raw")     // no source
	s.Errorf(Pos{"pipeline.yaml", 1, 11}, ID{"T999"}, "missing value")          // past the end; unregistered code
	s.Warnf(Pos{"pipeline.yaml", 2, 0}, T102, `key "a,b: 100%%" is not used`)   // a line, no column
	s.Errorf(Pos{"pipeline.yaml", 3, 3}, T101, `table "orders" has no columns`) // same place, no End
	s.Add(Diagnostic{                                                           // an exact duplicate of the first
		Pos: Pos{"pipeline.yaml", 3, 3}, End: Pos{"pipeline.yaml", 3, 9},
		Code: "T101", Message: `table "orders" has no columns`, Hint: "add a columns: list",
	})
	return s.Sorted()
}

func render(t *testing.T, p Printer, diags []Diagnostic) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := p.Print(&buf, diags); err != nil {
		t.Fatalf("Print(%s): %v", p.Format, err)
	}
	return buf.Bytes()
}

func TestPrintGolden(t *testing.T) {
	cases := map[string][]Diagnostic{"sample": sampleDiagnostics(), "empty": nil}
	for name, diags := range cases {
		for _, f := range Formats() {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				p := Printer{Format: f, Sources: sampleSources, ToolVersion: "1.2.3"}
				got := render(t, p, diags)
				golden.Check(t, filepath.Join("testdata", name+"."+string(f)+".golden"), got)
				if again := render(t, p, diags); !bytes.Equal(got, again) {
					t.Error("two prints differ")
				}
			})
		}
	}
}

func TestSampleIsSortedAndDeduplicated(t *testing.T) {
	ds := sampleDiagnostics()
	if len(ds) != 8 {
		t.Fatalf("got %d diagnostics, want 8 (one duplicate removed)", len(ds))
	}
	var order []string
	for _, d := range ds {
		order = append(order, d.Pos.String()+" "+d.Code)
	}
	want := []string{
		"other.yaml:2:1 T501",
		"pipeline.yaml T201",
		"pipeline.yaml:1:11 T999",
		"pipeline.yaml:2 T102",
		"pipeline.yaml:3:3 T101",
		"pipeline.yaml:3:3 T101",
		"pipeline.yaml:4:15 T301",
		"pipeline.yaml:5:10 T302",
	}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("order:\n%s\nwant:\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
}

func TestZeroPrinterIsText(t *testing.T) {
	ds := sampleDiagnostics()
	got := render(t, Printer{}, ds)
	want := render(t, Printer{Format: FormatText}, ds)
	if !bytes.Equal(got, want) {
		t.Errorf("zero Printer:\n%s\nwant:\n%s", got, want)
	}
	if bytes.Contains(got, []byte("orders:\n")) {
		t.Error("printed a source line without Sources")
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestTextColor(t *testing.T) {
	ds := sampleDiagnostics()
	plain := render(t, Printer{Sources: sampleSources}, ds)
	color := render(t, Printer{Sources: sampleSources, Color: true}, ds)
	if bytes.Contains(plain, []byte("\x1b")) {
		t.Error("escape sequences without Color")
	}
	for _, want := range []string{"\x1b[1;31merror:\x1b[0m", "\x1b[1;35mwarning:\x1b[0m", "\x1b[1;32m^~~~~~\x1b[0m", "\x1b[1;36mhint:\x1b[0m"} {
		if !bytes.Contains(color, []byte(want)) {
			t.Errorf("coloured output lacks %q", want)
		}
	}
	if stripped := ansi.ReplaceAll(color, nil); !bytes.Equal(stripped, plain) {
		t.Errorf("coloured output without its escapes:\n%s\nwant:\n%s", stripped, plain)
	}
}

func TestTextSummary(t *testing.T) {
	for _, tc := range []struct {
		sev  []Severity
		want string
	}{
		{[]Severity{Error}, "1 error, 0 warnings"},
		{[]Severity{Warning}, "0 errors, 1 warning"},
		{[]Severity{Error, Error, Warning, Warning}, "2 errors, 2 warnings"},
	} {
		var ds []Diagnostic
		for i, s := range tc.sev {
			ds = append(ds, Diagnostic{Pos: Pos{"f.yaml", i + 1, 1}, Severity: s, Code: "T101", Message: "m"})
		}
		out := string(render(t, Printer{}, ds))
		if !strings.HasSuffix(out, "\n\n"+tc.want+"\n") {
			t.Errorf("%v: output ends\n%s\nwant summary %q", tc.sev, out, tc.want)
		}
	}
}

func TestTextSourceLines(t *testing.T) {
	src := map[string]string{
		"crlf.yaml": "a: 1\r\nb: 2\r\n",
		"long.yaml": strings.Repeat("x", 100) + "HERE" + strings.Repeat("y", 200) + "\n",
		"ctrl.yaml": "a: \x1b[31mred\n",
		"cr.yaml":   "a: 1\r\rb: 2\r", // CR-only line ends: line 3 is "b: 2", as yaml.v3 counts
	}
	p := Printer{Sources: func(f string) []byte {
		if s, ok := src[f]; ok {
			return []byte(s)
		}
		return nil
	}}
	for _, tc := range []struct {
		d    Diagnostic
		want string
	}{
		{
			Diagnostic{Pos: Pos{"crlf.yaml", 2, 4}, End: Pos{"crlf.yaml", 2, 5}, Code: "T101", Message: "m"},
			"crlf.yaml:2:4: error: m [T101]\n  b: 2\n     ^\n",
		},
		{ // cut to 160 characters, starting 60 before the column
			Diagnostic{Pos: Pos{"long.yaml", 1, 101}, End: Pos{"long.yaml", 1, 105}, Code: "T101", Message: "m"},
			"long.yaml:1:101: error: m [T101]\n  ..." + strings.Repeat("x", 60) + "HERE" + strings.Repeat("y", 96) + "...\n" +
				"  " + strings.Repeat(" ", 63) + "^~~~\n",
		},
		{ // control characters other than tab are not sent to the terminal
			Diagnostic{Pos: Pos{"ctrl.yaml", 1, 9}, Code: "T101", Message: "m"},
			"ctrl.yaml:1:9: error: m [T101]\n  a: ?[31mred\n          ^\n",
		},
		{ // CR-only line ends (issue 9 item 9)
			Diagnostic{Pos: Pos{"cr.yaml", 3, 4}, Code: "T101", Message: "m"},
			"cr.yaml:3:4: error: m [T101]\n  b: 2\n     ^\n",
		},
		{ // a line past the end of the file: no source line
			Diagnostic{Pos: Pos{"crlf.yaml", 9, 1}, Code: "T101", Message: "m"},
			"crlf.yaml:9:1: error: m [T101]\n",
		},
		{ // no code, a hint over two lines
			Diagnostic{Pos: Pos{"x.yaml", 1, 1}, Message: "m", Hint: "one\ntwo"},
			"x.yaml:1:1: error: m\n  hint: one\n        two\n",
		},
	} {
		out := string(render(t, p, []Diagnostic{tc.d}))
		got, _, _ := strings.Cut(out, "\n\n")
		if got+"\n" != tc.want {
			t.Errorf("%s:\n%q\nwant\n%q", tc.d.Pos, got+"\n", tc.want)
		}
	}
}

func TestSnippetCaret(t *testing.T) {
	for _, tc := range []struct {
		text       string
		col, width int
		pad        string
		w          int
	}{
		{"abc", 1, 1, "", 1},
		{"abc", 2, 5, " ", 3},      // clamped to one past the end
		{"abc", 4, 1, "   ", 1},    // just past the end
		{"abc", 2, 0, " ", 1},      // at least a caret
		{"\t\tx", 3, 1, "\t\t", 1}, // tabs repeated
		{"\tab\tc", 5, 2, "\t  \t", 2},
		{"é€x", 3, 1, "  ", 1}, // one column per character, not per byte
		{"", 1, 3, "", 1},
	} {
		_, pad, w := snippet(tc.text, tc.col, tc.width)
		if pad != tc.pad || w != tc.w {
			t.Errorf("snippet(%q, %d, %d) = pad %q width %d, want %q %d", tc.text, tc.col, tc.width, pad, w, tc.pad, tc.w)
		}
	}
}

// TestUnknownFormat: the printer refuses a format it does not know
// (flowc's --format is parsed in cmd/flowc, parseFormat).
func TestUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := (&Printer{Format: "xml"}).Print(&buf, sampleDiagnostics()); err == nil || buf.Len() > 0 {
		t.Errorf("Print with format xml: err %v, wrote %q", err, buf.String())
	}
}
