package engine

import (
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/spec/expr"
)

// The duckDB translations of the functions added by issue 12; each gives
// the meaning the catalogue (spec/expr) documents, which is Spark 3.3's.

var (
	tDouble    = expr.Type{Kind: expr.Double}
	tString    = expr.Type{Kind: expr.String}
	tBoolean   = expr.Type{Kind: expr.Boolean}
	tInt       = expr.Type{Kind: expr.Int}
	tBigint    = expr.Type{Kind: expr.Bigint}
	tDate      = expr.Type{Kind: expr.Date}
	tTimestamp = expr.Type{Kind: expr.Timestamp}
)

// moreCall translates a function of issue 12; ok is false for a function
// it does not know.
func (tr *translator) moreCall(n *expr.Call) (s string, ok bool) {
	a := func(i int, t expr.Type) string { return tr.conv(n.Args[i], t) }
	dbl := func(i int) string { return a(i, tDouble) }
	switch n.Name {
	case "if":
		return "(CASE WHEN " + a(0, tBoolean) + " THEN " + a(1, n.T) + " ELSE " + a(2, n.T) + " END)", true
	case "ifnull":
		return "coalesce(" + a(0, n.T) + ", " + a(1, n.T) + ")", true
	case "nvl2":
		return "(CASE WHEN " + tr.expr(n.Args[0]) + " IS NOT NULL THEN " + a(1, n.T) + " ELSE " + a(2, n.T) + " END)", true
	case "greatest", "least":
		var parts []string
		for i := range n.Args {
			parts = append(parts, a(i, n.T))
		}
		return n.Name + "(" + strings.Join(parts, ", ") + ")", true
	case "mod":
		return tr.arith(&expr.Binary{Op: "%", X: n.Args[0], Y: n.Args[1], T: n.T}), true
	case "pmod":
		return tr.pmod(n), true
	case "power":
		return "pow(" + dbl(0) + ", " + dbl(1) + ")", true
	case "sqrt":
		return "(CASE WHEN " + dbl(0) + " < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(" + dbl(0) + ") END)", true
	case "exp":
		return "exp(" + dbl(0) + ")", true
	case "ln", "log10":
		// duckDB orders NaN above every number, so NaN > 0 keeps NaN.
		return "(CASE WHEN " + dbl(0) + " > 0 THEN " + n.Name + "(" + dbl(0) + ") END)", true
	case "sign":
		return "(CASE WHEN " + dbl(0) + " = 0 OR isnan(" + dbl(0) + ") THEN " + dbl(0) + " ELSE CAST(sign(" + dbl(0) + ") AS DOUBLE) END)", true
	case "concat_ws":
		var parts []string
		for i := range n.Args {
			parts = append(parts, a(i, tString))
		}
		return "concat_ws(" + strings.Join(parts, ", ") + ")", true
	case "replace":
		if len(n.Args) == 2 {
			return "replace(" + a(0, tString) + ", " + a(1, tString) + ", '')", true
		}
		return "replace(" + a(0, tString) + ", " + a(1, tString) + ", " + a(2, tString) + ")", true
	case "translate":
		return "translate(" + a(0, tString) + ", " + a(1, tString) + ", " + a(2, tString) + ")", true
	case "lpad", "rpad":
		s, l, p := a(0, tString), a(1, tInt), a(2, tString)
		return "flowc_pad(" + s + ", " + l + ", " + p + ", " + n.Name + "(" + s + ", " + l + ", " + p + "))", true
	case "left":
		return "flowc_substring(" + a(0, tString) + ", 1, " + a(1, tInt) + ")", true
	case "right":
		s, l := a(0, tString), a(1, tInt)
		return "(CASE WHEN " + s + " IS NULL THEN NULL WHEN " + l + " <= 0 THEN '' ELSE flowc_substring(" + s + ", -CAST(" + l + " AS BIGINT), 2147483647) END)", true
	case "initcap":
		return "flowc_initcap(" + a(0, tString) + ")", true
	case "reverse":
		return "array_to_string(list_reverse(string_split(" + a(0, tString) + ", '')), '')", true
	case "instr":
		return "CAST(instr(" + a(0, tString) + ", " + a(1, tString) + ") AS INTEGER)", true
	case "locate":
		pos := "1"
		if len(n.Args) == 3 {
			pos = a(2, tInt)
		}
		return "flowc_locate(" + a(0, tString) + ", " + a(1, tString) + ", " + pos + ")", true
	case "split_part":
		return "flowc_split_part(" + a(0, tString) + ", " + a(1, tString) + ", " + a(2, tInt) + ")", true
	case "startswith":
		return "starts_with(" + a(0, tString) + ", " + a(1, tString) + ")", true
	case "endswith":
		return "ends_with(" + a(0, tString) + ", " + a(1, tString) + ")", true
	case "contains":
		return "contains(" + a(0, tString) + ", " + a(1, tString) + ")", true
	case "md5":
		return "md5(" + a(0, tString) + ")", true
	case "sha2":
		return "sha256(" + a(0, tString) + ")", true
	case "octet_length":
		return "CAST(strlen(" + a(0, tString) + ") AS INTEGER)", true
	case "rlike", "regexp_extract", "regexp_replace":
		return tr.regex(n), true
	case "date_trunc", "trunc":
		return tr.trunc(n), true
	case "date_format":
		return "strftime(" + a(0, tTimestamp) + ", " + tr.strftime(n.Args[1]) + ")", true
	case "from_unixtime":
		f := sqlString("%Y-%m-%d %H:%M:%S")
		if len(n.Args) == 2 {
			f = tr.strftime(n.Args[1])
		}
		return "strftime(try(make_timestamp(CAST(" + a(0, tBigint) + " AS BIGINT) * 1000000)), " + f + ")", true
	case "to_timestamp":
		if len(n.Args) == 2 {
			return tr.strptime(n), true
		}
		return tr.cast(n.Args[0], tTimestamp), true
	case "unix_timestamp":
		ts := a(0, tTimestamp)
		if argType(n.Args[0], expr.String).Kind == expr.String {
			ts = tr.strptime(n)
		}
		return "(epoch_us(" + ts + ") // 1000000)", true
	case "dayofweek":
		return "CAST(dayofweek(" + a(0, tDate) + ") + 1 AS INTEGER)", true
	case "dayofyear", "quarter":
		return "CAST(" + n.Name + "(" + a(0, tDate) + ") AS INTEGER)", true
	case "weekofyear":
		return "CAST(week(" + a(0, tDate) + ") AS INTEGER)", true
	case "last_day":
		return "last_day(" + a(0, tDate) + ")", true
	case "add_months":
		return "CAST(" + a(0, tDate) + " + to_months(" + a(1, tInt) + ") AS DATE)", true
	case "months_between":
		return "flowc_months_between(" + a(0, tTimestamp) + ", " + a(1, tTimestamp) + ")", true
	case "next_day":
		l, _ := n.Args[1].(*expr.Lit)
		if l == nil {
			return tr.fail("next_day weekday is not a literal"), true
		}
		d := a(0, tDate)
		wd := strconv.Itoa(expr.Weekdays[strings.ToLower(l.Str)])
		return "CAST(" + d + " + CAST((" + wd + " - isodow(" + d + ") + 6) % 7 + 1 AS INTEGER) AS DATE)", true
	case "make_timestamp":
		var parts []string
		for i := 0; i < 5; i++ {
			parts = append(parts, "CAST("+a(i, tInt)+" AS BIGINT)")
		}
		sec := "TRY_CAST(" + a(5, argType(n.Args[5], expr.Double)) + " AS DECIMAL(8,6))"
		return "flowc_make_timestamp(" + strings.Join(parts, ", ") + ", " + sec + ")", true
	case "from_utc_timestamp", "to_utc_timestamp":
		l, _ := n.Args[1].(*expr.Lit)
		if l == nil {
			return tr.fail("%s time zone is not a literal", n.Name), true
		}
		tz := sqlString(l.Str)
		if n.Name == "from_utc_timestamp" {
			return "timezone(" + tz + ", timezone('UTC', " + a(0, tTimestamp) + "))", true
		}
		return "timezone('UTC', timezone(" + tz + ", " + a(0, tTimestamp) + "))", true
	case "count_if":
		// Spark's count_if is count(NULLIF(b, FALSE)): 0 when no b is TRUE.
		return "count(" + distinct(n) + "CASE WHEN " + a(0, tBoolean) + " THEN TRUE END)", true
	case "stddev_samp", "stddev_pop", "var_samp", "var_pop":
		return n.Name + "(" + distinct(n) + dbl(0) + ")", true
	case "bool_and", "bool_or":
		return n.Name + "(" + distinct(n) + a(0, tBoolean) + ")", true
	case "max_by", "min_by":
		fn := map[string]string{"max_by": "arg_max_null", "min_by": "arg_min_null"}[n.Name]
		x, o := tr.expr(n.Args[0]), tr.expr(n.Args[1])
		return fn + "(" + distinct(n) + x + ", CASE WHEN " + o + " IS NULL THEN NULL ELSE {'o': " + o + ", 'n': " + x + " IS NOT NULL, 'x': " + x + "} END)", true
	case "bround":
		return tr.roundWith(n, "round_even", "flowc_bround_double"), true
	}
	return "", false
}

// pmod is Spark's Pmod: r = x % y; r < 0 ? (r + y) % y : r, computed one
// size up so that r + y cannot overflow, then cast to the result type.
func (tr *translator) pmod(n *expr.Call) string {
	r := tr.arith(&expr.Binary{Op: "%", X: n.Args[0], Y: n.Args[1], T: n.T})
	wide := duckType(n.T)
	switch n.T.Kind {
	case expr.Int:
		wide = "BIGINT"
	case expr.Bigint:
		wide = "HUGEINT"
	}
	y := tr.conv(n.Args[1], n.T)
	if n.T.Kind == expr.Decimal {
		y = tr.conv(n.Args[1], expr.DecimalOf(expr.MaxDecimalPrecision, n.T.Scale))
	}
	wr := "CAST(" + r + " AS " + wide + ")"
	return "CAST((CASE WHEN " + r + " < 0 THEN ((" + wr + " + " + y + ") % " + y + ") ELSE " + r + " END) AS " + duckType(n.T) + ")"
}

// regex translates rlike, regexp_extract and regexp_replace with the RE2
// form of their checked Java pattern and replacement.
func (tr *translator) regex(n *expr.Call) string {
	lit := func(i int) string {
		l, ok := n.Args[i].(*expr.Lit)
		if !ok || l.Kind != expr.LitString {
			tr.fail("%s argument %d is not a string literal", n.Name, i+1)
			return ""
		}
		return l.Str
	}
	pat := lit(1)
	re, err := expr.RegexRE2(pat)
	if err != nil {
		return tr.fail("%s pattern %q: %v", n.Name, pat, err)
	}
	s := tr.conv(n.Args[0], tString)
	switch n.Name {
	case "rlike":
		return "regexp_matches(" + s + ", " + sqlString(re) + ")"
	case "regexp_extract":
		g := "1"
		if len(n.Args) == 3 {
			g = tr.conv(n.Args[2], tInt)
		}
		return "regexp_extract(" + s + ", " + sqlString(re) + ", " + g + ")"
	}
	repl, err := expr.ReplacementRE2(pat, lit(2))
	if err != nil {
		return tr.fail("regexp_replace replacement: %v", err)
	}
	return "regexp_replace(" + s + ", " + sqlString(re) + ", " + sqlString(repl) + ", 'g')"
}

// trunc translates date_trunc(unit, ts) and trunc(d, unit).
func (tr *translator) trunc(n *expr.Call) string {
	ui, x, to := 0, 1, tTimestamp
	if n.Name == "trunc" {
		ui, x, to = 1, 0, tDate
	}
	l, _ := n.Args[ui].(*expr.Lit)
	if l == nil {
		return tr.fail("%s unit is not a literal", n.Name)
	}
	part := expr.TruncUnits[strings.ToLower(l.Str)]
	return "CAST(date_trunc(" + sqlString(part) + ", " + tr.conv(n.Args[x], to) + ") AS " + duckType(to) + ")"
}

// strftime is the duckDB format of a checked date_format pattern literal.
func (tr *translator) strftime(e expr.Expr) string {
	l, _ := e.(*expr.Lit)
	if l == nil {
		return tr.fail("date format is not a literal")
	}
	f, err := expr.StrftimeFormat(l.Str)
	if err != nil {
		return tr.fail("date format %q: %v", l.Str, err)
	}
	return sqlString(f)
}

// strptime parses the string argument of to_timestamp or unix_timestamp
// with its format (unix_timestamp's default is yyyy-MM-dd HH:mm:ss).
func (tr *translator) strptime(n *expr.Call) string {
	pattern := "yyyy-MM-dd HH:mm:ss"
	if len(n.Args) == 2 {
		l, _ := n.Args[1].(*expr.Lit)
		if l == nil {
			return tr.fail("%s format is not a literal", n.Name)
		}
		pattern = l.Str
	}
	f, err := expr.StrptimeFormat(pattern)
	if err != nil {
		return tr.fail("%s format %q: %v", n.Name, pattern, err)
	}
	return "try_strptime(" + tr.conv(n.Args[0], tString) + ", " + sqlString(f) + ")"
}

// distinct is "DISTINCT " for an aggregate call with DISTINCT.
func distinct(n *expr.Call) string {
	if n.Distinct {
		return "DISTINCT "
	}
	return ""
}
