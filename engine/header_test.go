package engine

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// countLines must count what duckDB reads: non-empty lines, \r\n or \n,
// with or without a last newline, whatever the read sizes.
func TestCountLines(t *testing.T) {
	cases := map[string]int64{
		"":                   0,
		"a\n":                1,
		"a":                  1,
		"a\nb":               2,
		"a\r\nb\r\n":         2,
		"a\n\nb\n":           2,
		"\n\na\n":            1,
		"a\r\n\r\nb\r\n\r\n": 2,
		"a\n\r\n\r\r\nb":     2,
		strings.Repeat("x,1\n", 1000) + "\n" + strings.Repeat("y,2\r\n", 1000): 2000,
	}
	for in, want := range cases {
		for _, rd := range []func(string) (int64, bool){
			func(s string) (int64, bool) { return countLines(strings.NewReader(s), '"') },
			func(s string) (int64, bool) { return countLines(iotest.OneByteReader(strings.NewReader(s)), '"') },
			func(s string) (int64, bool) { return countLines(iotest.HalfReader(strings.NewReader(s)), '"') },
		} {
			if got, exact := rd(in); got != want || !exact {
				t.Errorf("countLines(%.20q) = %d, %v; want %d", in, got, exact, want)
			}
		}
	}
	if _, exact := countLines(strings.NewReader("a,\"b\"\n"), '"'); exact {
		t.Error("a quote must make the count inexact")
	}
}

// Spark reads a line at each \n, \r\n or lone \r, in any mix, and skips
// empty lines; a file whose line ends duckDB does not take is read from a
// copy with \n line ends, and has the same lines at the same numbers.
func TestLineEnds(t *testing.T) {
	cases := []struct {
		in        string
		irregular bool
		want      string // the normalized copy
	}{
		{"a\nb\n", false, ""},
		{"a\r\nb\r\n", false, ""},
		{"a\r\nb", false, ""},
		{"a\nb\r\nc\n", true, "a\nb\nc\n"},
		{"a\r\r\nb\r\r\n", true, "a\n\nb\n\n"},
		{"a\rb\rc", true, "a\nb\nc"},
		{"a\nb\r", true, "a\nb\n"},
		{"a\r", true, "a\n"},
		{strings.Repeat("x,1\n", 1000) + strings.Repeat("y,2\r\n", 1000), true, strings.Repeat("x,1\n", 1000) + strings.Repeat("y,2\n", 1000)},
	}
	dir := t.TempDir()
	for i, c := range cases {
		for _, split := range []func(io.Reader) io.Reader{
			func(r io.Reader) io.Reader { return r },
			iotest.OneByteReader,
			iotest.HalfReader,
		} {
			var le lineEnds
			if err := le.rest(&lineEndsReader{split(strings.NewReader(c.in)), &le}, make([]byte, 7)); (err == errLineEnds) != c.irregular {
				t.Errorf("%.20q: rest = %v, want irregular %v", c.in, err, c.irregular)
			}
		}
		if !c.irregular {
			continue
		}
		path := filepath.Join(dir, fmt.Sprintf("%d.csv", i))
		if err := os.WriteFile(path, []byte(c.in), 0o644); err != nil {
			t.Fatal(err)
		}
		f := inputFile{path: path, shown: path}
		if err := normalizeLineEnds(&f, make([]byte, 3), func() (string, error) { return dir, nil }); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(f.path)
		if err != nil || string(got) != c.want || f.shown != path {
			t.Errorf("%.20q: normalized to %.20q (%v), want %.20q", c.in, got, err, c.want)
		}
	}
}

// A header that is not the declared one is quoted in a few words, however
// long the file's first line is.
func TestHeaderMismatchShort(t *testing.T) {
	want := []string{"date", "delay"}
	long := strings.Repeat("2001-01-01 00:47;66;1750;DTW;LAS\r", 10000)
	msg := headerMismatch([]string{"date", long}, want, "flights")
	if len(msg) > 200 || !strings.Contains(msg, "...") {
		t.Errorf("message of %d bytes: %.300s", len(msg), msg)
	}
}
