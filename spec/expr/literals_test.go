package expr

import (
	"strings"
	"testing"
)

func TestDateLiterals(t *testing.T) {
	dates := map[string]bool{
		"2001-01-17": true, "2024-02-29": true, "2000-02-29": true, "0001-01-01": true, "9999-12-31": true,
		"2001-02-29": false, "1900-02-29": false, "2001-04-31": false, "2001-13-01": false, "2001-00-10": false,
		"2001-01-00": false, "0000-01-01": false, "2001-1-17": false, "01-01-2001": false, "2001/01/17": false,
		"2001-01-17 ": false, "": false, "2001-01-1x": false, "+001-01-01": false,
	}
	for s, ok := range dates {
		if got, gotOK := ParseDateLiteral(s); gotOK != ok || (ok && got != s) {
			t.Errorf("ParseDateLiteral(%q) = %q, %v", s, got, gotOK)
		}
	}
	timestamps := map[string]string{
		"2001-01-17":                  "2001-01-17 00:00:00",
		"2001-01-17 06:05":            "2001-01-17 06:05:00",
		"2001-01-17T06:05":            "2001-01-17 06:05:00",
		"2001-01-17 06:05:07":         "2001-01-17 06:05:07",
		"2001-01-17 23:59:59.999999":  "2001-01-17 23:59:59.999999",
		"2001-01-17 06:05:07.5":       "2001-01-17 06:05:07.5",
		"2001-01-17 24:00":            "",
		"2001-01-17 06:60":            "",
		"2001-01-17 06:05:60":         "",
		"2001-01-17 6:05":             "",
		"2001-01-17 06:05:07.":        "",
		"2001-01-17 06:05:07.1234567": "",
		"2001-01-17 06:05:07Z":        "",
		"2001-01-17 06:05+01:00":      "",
		"2001-01-17x06:05":            "",
		"2001-01-17 ":                 "",
		"2001-02-30 00:00":            "",
	}
	for s, want := range timestamps {
		got, ok := ParseTimestampLiteral(s)
		if ok != (want != "") || got != want {
			t.Errorf("ParseTimestampLiteral(%q) = %q, %v; want %q", s, got, ok, want)
		}
	}
}

func TestStrptimeFormat(t *testing.T) {
	good := map[string]string{
		"yyyy-MM-dd":          "%Y-%m-%d",
		"dd/MM/yyyy":          "%d/%m/%Y",
		"yyyyMMdd":            "%Y%m%d",
		"yyyy-MM-dd HH:mm:ss": "%Y-%m-%d %H:%M:%S",
		"yyyy-MM-dd'T'HH:mm":  "%Y-%m-%dT%H:%M",
		"'day' dd, MM.yyyy_":  "day %d, %m.%Y_",
		"yyyy-MM-dd'%'":       "%Y-%m-%d%%",
	}
	for in, want := range good {
		got, err := StrptimeFormat(in)
		if err != nil || got != want {
			t.Errorf("StrptimeFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"yy-MM-dd":       `pattern "yy" at offset 0 must be yyyy`,
		"yyyy-M-dd":      `pattern "M" at offset 5 must be MM`,
		"yyyy-MM-dd hh":  `unsupported pattern character "h" at offset 11`,
		"yyyy-MM-ddTHH":  `unsupported pattern character "T" at offset 10`,
		"yyyy-MM-dd'T":   "quoted text at offset 10 is empty or not closed",
		"yyyy-MM-dd''":   "quoted text at offset 10 is empty or not closed",
		"yyyy-MM":        "pattern needs dd",
		"MM-dd":          "pattern needs yyyy",
		"yyyy-MM-dd-dd":  `pattern "dd" appears twice`,
		"yyyy-MM-dd EEE": `unsupported pattern character "E"`,
		"":               "pattern needs yyyy",
	}
	for in, want := range bad {
		_, err := StrptimeFormat(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("StrptimeFormat(%q) error = %v, want %q", in, err, want)
		}
	}
}

func TestLikePattern(t *testing.T) {
	tests := map[string]int{`a%`: -1, `a\%`: -1, `a\_b`: -1, `a\\`: -1, `\`: 0, `a\b`: 1, `ab\`: 2, `\\\`: 2, ``: -1}
	for in, want := range tests {
		if got := checkLikePattern(in); got != want {
			t.Errorf("checkLikePattern(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestQuoting(t *testing.T) {
	if got := quoteString("it's"); got != "'it''s'" {
		t.Errorf("QuoteString = %s", got)
	}
	for in, want := range map[string]string{"a": "a", "_a1": "_a1", "end": "`end`", "END": "`END`", "1a": "`1a`",
		"a b": "`a b`", "a`b": "`a``b`", "date": "date", "": "``"} {
		if got := quoteIdent(in); got != want {
			t.Errorf("quoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}
