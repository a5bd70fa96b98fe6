package engine

import (
	"strings"
	"testing"
	"testing/iotest"
)

// countLines must count what DuckDB reads: non-empty lines, \r\n or \n,
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
