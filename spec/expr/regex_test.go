package expr

import (
	"regexp"
	"testing"
	"unicode/utf8"
)

func TestParseJavaRegex(t *testing.T) {
	ok := map[string]string{ // Java pattern -> RE2
		`^[A-Z]{3}$`:       `^[A-Z]{3}(?:\r\n|[\n\r\x{85}\x{2028}\x{2029}])?$`,
		`a.b`:              `a[^\n\r\x{85}\x{2028}\x{2029}]b`,
		`\s+|[\s,]\S`:      `[\t\n\x0B\f\r ]+|[\t\n\x0B\f\r ,][^\t\n\x0B\f\r ]`,
		`(?:ab)*?c+?d??`:   `(?:ab)*?c+?d??`,
		`\d\w\.\x41\x{e9}`: `\d\w\.\x41\x{e9}`,
		`[^a-z\]\-]{1,3}`:  `[^a-z\]\-]{1,3}`,
		`é|\(\)`:           `é|\(\)`,
	}
	for p, want := range ok {
		r, e := parseJavaRegex(p)
		if e != nil {
			t.Errorf("%q: %s", p, e.msg)
			continue
		}
		if r.re2 != want {
			t.Errorf("%q -> %q, want %q", p, r.re2, want)
		}
	}
	bad := map[string]int{ // pattern -> offset of the refused feature
		`a(?<=b)`:     1,
		`(?=x)`:       0,
		`(a)\1`:       3,
		`a*+`:         1,
		`a{2}+`:       1,
		`\p{Alpha}`:   0,
		`(?i)abc`:     0,
		`(?<n>a)`:     0,
		`[a-z&&[^e]]`: 4,
		`[[:alpha:]]`: 1,
		`\bword`:      0,
		`a{`:          1,
		`x{1001}`:     1,
		`*a`:          0,
		`[]a]`:        1,
		`[abc`:        0,
		`\Qa\E`:       0,
		`ab\`:         2,
		`\ `:          0,
		`a)`:          1,
		`(a(b)`:       0,
		`[9-0]`:       0,
	}
	for p, off := range bad {
		_, e := parseJavaRegex(p)
		if e == nil {
			t.Errorf("%q accepted", p)
			continue
		}
		if e.from != off {
			t.Errorf("%q refused at %d (%s), want %d", p, e.from, e.msg, off)
		}
	}
}

func TestJavaReplacement(t *testing.T) {
	for in, want := range map[string]string{`<$1>`: `<\1>`, `\$\\x`: `$\\x`, `$0$2`: `\0\2`} {
		if got, e := javaReplacement(in, 2); e != nil || got != want {
			t.Errorf("%q -> %q, %v; want %q", in, got, e, want)
		}
	}
	for _, in := range []string{`$3`, `$12`, `$x`, `a\`} {
		if _, e := javaReplacement(in, 2); e == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestRegexPositions(t *testing.T) {
	tests := []struct {
		src        string
		start, end int
	}{
		{`rlike(origin, '(?<=a)b')`, 15, 18},
		{`rlike(origin, 'it''s\1')`, 20, 22},
		{`regexp_replace(origin, '(a)', '$2')`, 31, 33},
		{`regexp_extract(origin, '(a)', 2)`, 30, 31},
		{`regexp_extract(origin, '(a$)', 1)`, 26, 27},
		{`regexp_replace(origin, 'a$', '')`, 25, 26},
	}
	for _, tt := range tests {
		_, _, errs := check(t, tt.src, Options{})
		if len(errs) != 1 {
			t.Errorf("%s: %v", tt.src, errs)
			continue
		}
		if errs[0].Span != (Span{tt.start, tt.end}) {
			t.Errorf("%s: span %v (%q), want %d-%d", tt.src, errs[0].Span, tt.src[errs[0].Span.Start:errs[0].Span.End], tt.start, tt.end)
		}
	}
	for _, src := range []string{`rlike(origin, 'a$')`, `regexp_extract(origin, '(a)$', 1)`, `regexp_replace(origin, '(a)(b)', '$2$1')`} {
		if _, _, errs := check(t, src, Options{}); errs != nil {
			t.Errorf("%s: %v", src, errs[0])
		}
	}
}

// FuzzRegex: a pattern flowc accepts translates to RE2 that compiles (Go's
// regexp reads RE2 syntax), with as many groups as flowc counted.
func FuzzRegex(f *testing.F) {
	for _, s := range []string{`^[A-Z]{3}$`, `(a|b)*?c\d+\s.\S`, `[^\]\-a-z\s]{2,5}`, `\x41\x{e9}(?:x)`, `(a)(b(c))$`, `a{2}+`, `(?<=a)`, `[[:alpha:]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if !utf8.ValidString(p) {
			return // a string literal is valid UTF-8 (the lexer checks)
		}
		r, e := parseJavaRegex(p)
		if e != nil {
			if e.from < 0 || e.from > e.to || e.to > len(p) || e.msg == "" {
				t.Fatalf("%q: bad error %+v", p, e)
			}
			return
		}
		re, err := regexp.Compile(r.re2)
		if err != nil {
			t.Fatalf("%q accepted, but its RE2 form %q does not compile: %v", p, r.re2, err)
		}
		if re.NumSubexp() != r.groups {
			t.Fatalf("%q: %d groups counted, RE2 has %d", p, r.groups, re.NumSubexp())
		}
	})
}
