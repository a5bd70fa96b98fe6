package diag

import (
	"reflect"
	"testing"
)

// Issue 9 item 9: a line ends at LF, CRLF, a lone CR, NEL, LS or PS, as
// yaml.v3 counts them, for the printer and the tests alike.
func TestSplitLines(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"", []string{""}},
		{"a", []string{"a"}},
		{"a\n", []string{"a", ""}},
		{"a\nb", []string{"a", "b"}},
		{"a\r\nb\r\n", []string{"a", "b", ""}},
		{"0:\r\r0", []string{"0:", "", "0"}},
		{"a\r\r\nb", []string{"a", "", "b"}},
		{"a\u0085b\u2028c\u2029d", []string{"a", "b", "c", "d"}},
		{"\xc2", []string{"\xc2"}},
		{"\xe2\x80", []string{"\xe2\x80"}},
	} {
		var got []string
		for _, l := range splitLines([]byte(c.src)) {
			got = append(got, string(l))
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("SplitLines(%q) = %q, want %q", c.src, got, c.want)
		}
		if n := LineCount([]byte(c.src)); n != len(c.want) {
			t.Errorf("LineCount(%q) = %d, want %d", c.src, n, len(c.want))
		}
	}
}
