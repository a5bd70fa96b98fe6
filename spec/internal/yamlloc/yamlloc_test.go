package yamlloc

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

// locate runs yaml.v3 on src and Locate on its error.
func locate(t testing.TB, src string) (Finding, bool, error) {
	var n yaml.Node
	err := yaml.Unmarshal([]byte(src), &n)
	if err == nil {
		return Finding{}, false, nil
	}
	line := 0
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	f, ok := Locate([]byte(src), err.Error(), line)
	return f, ok, err
}

func TestLocate(t *testing.T) {
	cases := []struct {
		name, src string
		line, col int
		msg       string // a part of the message
	}{
		{"tab", "a:\n  b: 1\n\t c: 2\n", 3, 1, "a tab indents"},
		{"tab after spaces", "a:\n  b:\n    c: 1\n  \t d: 2\n", 4, 3, "a tab indents"},
		{"mapping entry one short", "a:\n  b:\n    c: 1\n   d: 2\n", 4, 4, "indented by 3"},
		{"list item one short", "a:\n  b:\n    - x: 1\n      y: 2\n   - z: 3\n", 5, 4, "indented by 3"},
		{"deeper than allowed", "a:\n  b: 1\n    c: 2\n", 3, 5, "deeper"},
		{"unclosed [", "a: [1, 2\nb: 3\n", 1, 4, "[ here is not closed before line 2"},
		{"unclosed { at the end", "a:\n  b: {x: 1,\n", 2, 6, "{ here is not closed before the end of the file"},
		{"unclosed \"", "a:\n  b: \"x\n  c: 1\nd: \"e\"\n", 2, 6, "not closed before line 3"},
		{"unclosed '", "a: 'it\nb: c\n", 1, 4, "not closed before line 2"},
		{"latin-1", "a: 1\nb: caf\xe9\n", 2, 7, "0xE9 is not UTF-8"},
		{"nul", "a: 1\nb: x\x00\n", 2, 5, "U+0000 (NUL)"},
		{"crlf lines", "a: 1\r\nb: x\x01\r\n", 2, 5, "U+0001"},
		{"cr lines", "a: 1\rb: \xff\r", 2, 4, "0xFF"},
		{"undefined alias", "a: 1\nb:\n  c: *nosuch\n", 3, 6, "*nosuch refers to no anchor"},
		{"alias before anchor", "a: *x\nb: &x 1\n", 1, 4, "before its anchor &x (line 2)"},
		{"alias in flow", "a: [1, *q]\n", 1, 8, "*q refers"},
		{"cron in flow", "t: {schedule: cron(0 12 * * ? *)}\n", 1, 15, `must be quoted: "cron(0 12 * * ? *)"`},
		{"star value", "a:\n  s: * * * * ? *\n", 2, 6, `must be quoted: "* * * * ? *"`},
		{"after unicode", "é: [ä\nb: 1\n", 1, 4, "[ here"},
		{"block scalar skipped", "a: |\n  x: [\n\t y\nb:\n  c: 1\n d: 2\n", 6, 2, "indented by 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ok, err := locate(t, c.src)
			if err == nil {
				t.Fatalf("yaml.v3 accepts %q", c.src)
			}
			if !ok {
				t.Fatalf("no finding for %v", err)
			}
			if f.Line != c.line || f.Col != c.col || !strings.Contains(f.Msg, c.msg) {
				t.Errorf("got %d:%d %q, want %d:%d containing %q (yaml.v3: %v)", f.Line, f.Col, f.Msg, c.line, c.col, c.msg, err)
			}
		})
	}
}

// TestNoFindingsInValidYAML: the scan flags nothing in the specs flowc
// ships and tests with that yaml.v3 accepts.
func TestNoFindingsInValidYAML(t *testing.T) {
	paths, _ := filepath.Glob("../../../testdata/*/*/spec.yaml")
	more, _ := filepath.Glob("../../../examples/*.yaml")
	paths = append(paths, more...)
	n := 0
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if yaml.Unmarshal(src, &doc) != nil {
			continue
		}
		n++
		if s := scan(src); len(s.found) > 0 {
			t.Errorf("%s: valid YAML, but the scan found %+v", p, s.found[0])
		}
	}
	if n < 20 {
		t.Fatalf("only %d valid files", n)
	}
}

// FuzzLocate: Locate never panics and its positions lie inside the file.
func FuzzLocate(f *testing.F) {
	for _, s := range []string{"a: [1\nb: 2\n", "a:\n\tb: 1\n", "a: \"x\nb: 1", "x: *y\n", "a: caf\xe9", "t: {s: cron(0 * ? *)}", "a:\r  b: 1\r c: 2\r", "a: |\n  x\n b: 1\n"} {
		f.Add([]byte(s), 2)
	}
	f.Fuzz(func(t *testing.T, src []byte, line int) {
		msgs := []string{"did not find expected key", "did not find expected ',' or ']'", "invalid trailing UTF-8 octet", "unknown anchor 'a' referenced"}
		for _, m := range msgs {
			fd, ok := Locate(src, "yaml: line 2: "+m, line)
			if !ok {
				continue
			}
			lines := splitLines(src)
			if fd.Line < 1 || fd.Line > len(lines) {
				t.Fatalf("%s: line %d outside 1..%d", m, fd.Line, len(lines))
			}
			sp := lines[fd.Line-1]
			if max := column(src[sp.start:sp.end], sp.end-sp.start, fd.Line == 1); fd.Col < 1 || fd.Col > max {
				t.Fatalf("%s: column %d outside 1..%d of line %d", m, fd.Col, max, fd.Line)
			}
		}
	})
}
