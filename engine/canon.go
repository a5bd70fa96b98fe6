package engine

import "github.com/flowc-dev/flowc/spec/expr"

// The typed read. Reading a CSV source as text, converting every value
// with Spark's CAST (the flowc_str_to_* macros) and checking that it parsed
// costs more than the read itself; duckDB's typed CSV reader converts while
// it parses. But the two do not agree on every text: duckDB reads "1.5" as
// the integer 2 and "1e2" as 100, where Spark's CAST gives 1 and NULL, and
// each has its own rules for spaces, signs, words and odd dates. They agree
// on the plain texts, the canonical forms:
//
//	int, bigint   -?(0|[1-9][0-9]*) in the type's range, not -0
//	double        -?[0-9]+(\.[0-9]+)?, at most 24 characters (both round correctly)
//	decimal(p,s)  -?[0-9]+(\.[0-9]+)? with at most p-s integer and s fraction digits
//	boolean       true, false, t, f, 1, 0
//	date          yyyy-mm-dd, a day of the calendar in the years 1000 to 9999
//	timestamp     yyyy-mm-dd[( |T)hh:mm[:ss[.f{1,6}]]], a valid time of such a day
//	string        anything
//
// scanFile reads every CSV file whole anyway, to count its rows; in that
// pass it checks that every line has the source's columns, that every value
// of a typed column is empty, the CSV null string or canonical, and that the
// file is UTF-8 text without quotes, NUL bytes, or carriage returns but
// before a newline. Such a file is typed. A source whose files are all typed
// is read by duckDB's typed reader with nothing left to convert or check
// (readTyped); any other source takes the text path, which converts exactly
// and finds the first bad value. TestTypedReadAgrees holds the typed reader
// to the text path on the canonical forms, and Run runs a typed run that
// fails otherwise than on bad input or a check again on the text path.

// canonKind is how a column's values are checked.
type canonKind uint8

const (
	canonString canonKind = iota
	canonInt
	canonBigint
	canonDouble
	canonDecimal
	canonBoolean
	canonDate
	canonTimestamp
	canonNone // a type without a canonical form: the source is never typed
)

// canonCol is a column's check; digits and scale bound a decimal's.
type canonCol struct {
	kind          canonKind
	digits, scale int
}

// canonColumn is the check of a column of type t.
func canonColumn(t expr.Type) canonCol {
	switch t.Kind {
	case expr.String:
		return canonCol{kind: canonString}
	case expr.Int:
		return canonCol{kind: canonInt}
	case expr.Bigint:
		return canonCol{kind: canonBigint}
	case expr.Double:
		return canonCol{kind: canonDouble}
	case expr.Decimal:
		if t.Precision < 1 || t.Precision > 38 || t.Scale < 0 || t.Scale > t.Precision {
			return canonCol{kind: canonNone}
		}
		return canonCol{kind: canonDecimal, digits: t.Precision - t.Scale, scale: t.Scale}
	case expr.Boolean:
		return canonCol{kind: canonBoolean}
	case expr.Date:
		return canonCol{kind: canonDate}
	case expr.Timestamp:
		return canonCol{kind: canonTimestamp}
	}
	return canonCol{kind: canonNone}
}

// canonValue reports whether f (not empty) is a canonical text of col.
func canonValue(col *canonCol, f []byte) bool {
	switch col.kind {
	case canonInt, canonBigint:
		return canonInteger(f, col.kind == canonBigint)
	case canonDouble:
		if len(f) > 24 {
			return false
		}
		_, _, ok := canonNumber(f)
		return ok
	case canonDecimal:
		intDigits, fracDigits, ok := canonNumber(f)
		return ok && intDigits <= col.digits && fracDigits <= col.scale
	case canonBoolean:
		switch string(f) {
		case "true", "false", "t", "f", "1", "0":
			return true
		}
		return false
	case canonDate:
		return len(f) == 10 && canonDay(f)
	case canonTimestamp:
		return canonTime(f)
	}
	return false
}

// canonInteger checks -?(0|[1-9][0-9]*) in the range of int or bigint.
func canonInteger(f []byte, big bool) bool {
	limit := "2147483647"
	if big {
		limit = "9223372036854775807"
	}
	if f[0] == '-' {
		f = f[1:]
		limit = "2147483648"
		if big {
			limit = "9223372036854775808"
		}
		if len(f) == 0 || f[0] == '0' {
			return false // "-0" is 0 to both, but duckDB writes it 0: keep to the plain forms
		}
	}
	if len(f) == 0 || len(f) > len(limit) || (f[0] == '0' && len(f) > 1) {
		return false
	}
	for _, b := range f {
		if b-'0' > 9 {
			return false
		}
	}
	return len(f) < len(limit) || string(f) <= limit
}

// canonNumber checks -?[0-9]+(\.[0-9]+)? and counts the integer digits
// that matter (none in 0 and 0.5) and the fraction digits.
func canonNumber(f []byte) (intDigits, fracDigits int, ok bool) {
	if f[0] == '-' {
		f = f[1:]
	}
	i, lead := 0, 0
	for i < len(f) && f[i] >= '0' && f[i] <= '9' {
		if f[i] == '0' && lead == i {
			lead++
		}
		i++
	}
	if i == 0 {
		return 0, 0, false
	}
	if i == len(f) {
		return i - lead, 0, true
	}
	if f[i] != '.' || i+1 == len(f) {
		return 0, 0, false
	}
	for _, b := range f[i+1:] {
		if b < '0' || b > '9' {
			return 0, 0, false
		}
	}
	return i - lead, len(f) - i - 1, true
}

// digits2 reads two ASCII digits; -1 when they are not.
func digits2(a, b byte) int {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return -1
	}
	return int(a-'0')*10 + int(b-'0')
}

// canonDay checks yyyy-mm-dd: a day of the calendar, years 1000 to 9999.
func canonDay(f []byte) bool {
	hi, lo := digits2(f[0], f[1]), digits2(f[2], f[3])
	if hi < 10 || lo < 0 || f[4] != '-' || f[7] != '-' {
		return false
	}
	year := hi*100 + lo
	month, day := digits2(f[5], f[6]), digits2(f[8], f[9])
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day <= days
}

// canonTime checks yyyy-mm-dd[( |T)hh:mm[:ss[.f{1,6}]]].
func canonTime(f []byte) bool {
	n := len(f)
	if n != 10 && n != 16 && n != 19 && (n < 21 || n > 26) {
		return false
	}
	if !canonDay(f[:10]) {
		return false
	}
	if n == 10 {
		return true
	}
	if f[10] != ' ' && f[10] != 'T' || f[13] != ':' {
		return false
	}
	if h, m := digits2(f[11], f[12]), digits2(f[14], f[15]); h < 0 || h > 23 || m < 0 || m > 59 {
		return false
	}
	if n == 16 {
		return true
	}
	if s := digits2(f[17], f[18]); f[16] != ':' || s < 0 || s > 59 {
		return false
	}
	if n == 19 {
		return true
	}
	if f[19] != '.' {
		return false
	}
	for _, b := range f[20:] {
		if b < '0' || b > '9' {
			return false
		}
	}
	return true
}
