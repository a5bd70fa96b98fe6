package expr

import (
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/spec/diag"
)

// testScope is the scope of the seed pipeline's select step (after the two
// joins), plus columns of the other types.
func testScope() *Scope {
	s := Type{Kind: String}
	cols := []Column{
		{Name: "date", Type: Type{Kind: Timestamp}},
		{Name: "delay", Type: Type{Kind: Int}},
		{Name: "distance", Type: Type{Kind: Int}},
		{Name: "origin", Type: s},
		{Name: "destination", Type: s},
		{Name: "year", Type: s},
		{Name: "month", Type: s},
		{Name: "day", Type: s},
		{Name: "flight_date", Type: Type{Kind: Date}},
		{Name: "big", Type: Type{Kind: Bigint}},
		{Name: "ratio", Type: Type{Kind: Double}},
		{Name: "price", Type: DecimalOf(10, 2)},
		{Name: "amount", Type: DecimalOf(5, 2)},
		{Name: "whole", Type: DecimalOf(12, 0)},
		{Name: "flag", Type: Type{Kind: Boolean}},
		{Name: "end", Type: s},
	}
	for _, q := range []string{"dep", "arr"} {
		for _, n := range []string{"iata", "name", "city", "state", "country"} {
			cols = append(cols, Column{Qual: q, Name: n, Type: s})
		}
		cols = append(cols, Column{Qual: q, Name: "latitude", Type: Type{Kind: Double}})
	}
	cols = append(cols, Column{Qual: "dep", Name: "elevation", Type: Type{Kind: Int}})
	return &Scope{Columns: cols}
}

func check(t *testing.T, src string, opts Options) (Expr, Type, []*Error) {
	t.Helper()
	e := mustParse(t, src)
	typ, errs := Check(e, testScope(), opts)
	return e, typ, errs
}

var aggOpts = Options{AllowAggregates: true, GroupKeys: []string{"flight_date", "origin"}}

func TestCheckTypes(t *testing.T) {
	tests := []struct{ src, want string }{
		// Literals.
		{"1", "int"},
		{"2147483647", "int"},
		{"-2147483648", "int"},
		{"2147483648", "bigint"},
		{"-2147483649", "bigint"},
		{"9223372036854775807", "bigint"},
		{"9223372036854775808", "decimal(19,0)"},
		{"1.5", "decimal(2,1)"},
		{"-1.5", "decimal(2,1)"},
		{"0.05", "decimal(2,2)"},
		{"100.00", "decimal(5,2)"},
		{".5", "decimal(1,1)"},
		{"5.", "decimal(1,0)"},
		{"000.000", "decimal(3,3)"},
		{"1.5e3", "double"},
		{"1.5D", "double"},
		{"'a'", "string"},
		{"NULL", "null"},
		{"TRUE", "boolean"},
		{"DATE '2001-01-17'", "date"},
		{"TIMESTAMP '2001-01-17 06:05'", "timestamp"},
		// Columns.
		{"delay", "int"},
		{"dep.name", "string"},
		{"elevation", "int"},
		{"`end`", "string"},
		// Integer arithmetic.
		{"delay + 1", "int"},
		{"delay - big", "bigint"},
		{"big * delay", "bigint"},
		{"delay % 7", "int"},
		{"big % delay", "bigint"},
		{"-delay", "int"},
		{"-(5)", "int"},
		{"-(2147483648)", "bigint"},
		// Division is never integral.
		{"delay / 2", "double"},
		{"big / delay", "double"},
		{"delay / ratio", "double"},
		// Double.
		{"delay * ratio", "double"},
		{"ratio % 2", "double"},
		{"price + ratio", "double"},
		{"1.5e3 + 1", "double"},
		// Decimals (Spark DecimalPrecision).
		{"price + price", "decimal(11,2)"},
		{"price + amount", "decimal(11,2)"},
		{"price - amount", "decimal(11,2)"},
		{"price * amount", "decimal(16,4)"},
		{"price / amount", "decimal(18,8)"},
		{"price % amount", "decimal(5,2)"},
		{"price + delay", "decimal(13,2)"},
		{"price + big", "decimal(23,2)"},
		{"delay * price", "decimal(21,2)"},
		{"price * 2", "decimal(12,2)"},
		{"price * -2", "decimal(12,2)"},
		{"price * 100", "decimal(14,2)"},
		{"price * -(2)", "decimal(21,2)"},
		{"price / 3", "decimal(14,6)"},
		{"price + 1.5", "decimal(11,2)"},
		{"-price", "decimal(10,2)"},
		{"CAST(ratio AS decimal(38,10)) * CAST(ratio AS decimal(38,10))", "decimal(38,6)"},
		{"CAST(ratio AS decimal(38,18)) / CAST(ratio AS decimal(38,18))", "decimal(38,6)"},
		{"CAST(ratio AS decimal(38,2)) + 1.5", "decimal(38,2)"},
		// NULL in arithmetic.
		{"NULL + 1", "int"},
		{"price - NULL", "decimal(11,2)"},
		{"NULL + NULL", "double"},
		{"NULL / NULL", "double"},
		{"-NULL", "double"},
		// Strings.
		{"origin || dep.name", "string"},
		{"origin || NULL", "string"},
		// Predicates.
		{"delay > 60", "boolean"},
		{"delay = 1.5", "boolean"},
		{"price >= ratio", "boolean"},
		{"date >= '2001-01-01'", "boolean"},
		{"date < '2001-01-01 06:05:59.5'", "boolean"},
		{"'2001-01-01' <= flight_date", "boolean"},
		{"flight_date = DATE '2001-01-01'", "boolean"},
		{"flight_date < date", "boolean"},
		{"flag = TRUE", "boolean"},
		{"flag != NULL", "boolean"},
		{"NULL = NULL", "boolean"},
		{"origin < 'M'", "boolean"},
		{"NOT flag", "boolean"},
		{"NOT NULL", "boolean"},
		{"flag AND delay > 0 OR NULL", "boolean"},
		{"origin IS NULL", "boolean"},
		{"dep.name IS NOT NULL", "boolean"},
		{"origin IN ('JFK', 'LAX', NULL)", "boolean"},
		{"delay NOT IN (1, 2.5, big)", "boolean"},
		{"flight_date IN ('2001-01-01', DATE '2001-01-02')", "boolean"},
		{"date IN (TIMESTAMP '2001-01-01 06:00', flight_date)", "boolean"},
		{"delay BETWEEN 1 AND 2.5", "boolean"},
		{"flight_date BETWEEN '2001-01-01' AND '2001-12-31'", "boolean"},
		{"origin LIKE 'J%'", "boolean"},
		{"origin NOT LIKE dep.iata || '%'", "boolean"},
		{`origin LIKE 'a\%b\_c\\'`, "boolean"},
		// CASE.
		{"CASE WHEN flag THEN 1 ELSE 2 END", "int"},
		{"CASE WHEN flag THEN 1 ELSE big END", "bigint"},
		{"CASE WHEN flag THEN 1 ELSE 2.5 END", "decimal(11,1)"},
		{"CASE WHEN flag THEN price ELSE 0 END", "decimal(12,2)"},
		{"CASE WHEN flag THEN price WHEN delay > 0 THEN amount ELSE whole END", "decimal(14,2)"},
		{"CASE WHEN flag THEN big ELSE price END", "decimal(22,2)"},
		{"CASE WHEN flag THEN ratio ELSE price END", "double"},
		{"CASE WHEN flag THEN NULL ELSE 'a' END", "string"},
		{"CASE WHEN flag THEN 1 END", "int"},
		{"CASE WHEN flag THEN flight_date ELSE date END", "timestamp"},
		{"CASE WHEN flag THEN NULL END", "null"},
		{"CASE origin WHEN 'JFK' THEN 1 WHEN dep.iata THEN 2 END", "int"},
		{"CASE delay WHEN 1 THEN 'one' WHEN 2.5 THEN 'two' ELSE NULL END", "string"},
		{"CASE flight_date WHEN '2001-01-01' THEN TRUE END", "boolean"},
		// CAST.
		{"CAST(date AS date)", "date"},
		{"CAST(delay AS string)", "string"},
		{"CAST(origin AS int)", "int"},
		{"CAST(origin AS decimal(10,2))", "decimal(10,2)"},
		{"CAST(flag AS int)", "int"},
		{"CAST(delay AS boolean)", "boolean"},
		{"CAST(flag AS string)", "string"},
		{"CAST(origin AS boolean)", "boolean"},
		{"CAST(origin AS date)", "date"},
		{"CAST(origin AS timestamp)", "timestamp"},
		{"CAST(flight_date AS timestamp)", "timestamp"},
		{"CAST(flight_date AS string)", "string"},
		{"CAST(date AS bigint)", "bigint"},
		{"CAST(date AS double)", "double"},
		{"CAST(big AS timestamp)", "timestamp"},
		{"CAST(ratio AS int)", "int"},
		{"CAST(NULL AS date)", "date"},
		{"CAST('2001-01-01' AS date)", "date"},
		{"CAST('2001-01-01 06:05' AS timestamp)", "timestamp"},
		{"CAST('12' AS int)", "int"},
		{"CAST('-1.5' AS decimal(3,1))", "decimal(3,1)"},
		{"CAST('1.5e3' AS double)", "double"},
		{"CAST('TRUE' AS boolean)", "boolean"},
		{"CAST(2147483647 AS int)", "int"},
		{"CAST(year AS int) * 100 + CAST(month AS int)", "int"},
	}
	for _, tt := range tests {
		_, typ, errs := check(t, tt.src, Options{})
		if len(errs) > 0 {
			t.Errorf("Check(%q): unexpected error %v (hint %q)", tt.src, errs[0], errs[0].Hint)
			continue
		}
		if typ.String() != tt.want {
			t.Errorf("Check(%q) = %s, want %s", tt.src, typ, tt.want)
		}
	}
}

func TestCheckAnnotatesEveryNode(t *testing.T) {
	e, _, errs := check(t, "CASE WHEN upper(dep.name) LIKE 'A%' AND delay BETWEEN 1 AND 2 THEN CAST(-delay AS double) / 2 ELSE coalesce(ratio, 0) END", Options{})
	if errs != nil {
		t.Fatal(errs)
	}
	Walk(e, func(x Expr) bool {
		if x.Type().Kind == Unknown {
			t.Errorf("%s has no type", Format(x))
		}
		return true
	})
}

func TestCheckErrors(t *testing.T) {
	tests := []struct {
		src  string
		opts Options
		at   string // the source text the error spans
		code diag.ID
		msg  string
		hint string // substring; "" means none
	}{
		// Names.
		{"dely > 60", Options{}, "dely", codeUnknownColumn, `unknown column "dely"`, `did you mean "delay"?`},
		{"Delay > 60", Options{}, "Delay", codeUnknownColumn, `unknown column "Delay"`, `did you mean "delay"?`},
		{"nme", Options{}, "nme", codeUnknownColumn, `unknown column "nme"`, `did you mean "dep.name" or "arr.name"?`},
		{"elevaton", Options{}, "elevaton", codeUnknownColumn, `unknown column "elevaton"`, `did you mean "dep.elevation"?`},
		{"zzz", Options{}, "zzz", codeUnknownColumn, `unknown column "zzz"`, ""},
		{"dep.nme", Options{}, "dep.nme", codeUnknownColumn, `unknown column "nme" in dep`, `did you mean "dep.name"?`},
		{"arr.elevation", Options{}, "arr.elevation", codeUnknownColumn, `unknown column "elevation" in arr`, ""},
		{"name", Options{}, "name", codeAmbiguous, `ambiguous column "name": it could be dep.name, arr.name`, "qualify it, e.g. dep.name"},
		{"dpe.name", Options{}, "dpe.name", codeUnknownAlias, `unknown alias "dpe": the aliases here are dep, arr`, `did you mean "dep"?`},
		{"x.name", Options{}, "x.name", codeUnknownAlias, `unknown alias "x": the aliases here are dep, arr`, ""},
		// Operators.
		{"delay = '5'", Options{}, "delay = '5'", codeOperandType, "cannot compare int with string", "write the number without quotes: 5"},
		{"delay = year", Options{}, "delay = year", codeOperandType, "cannot compare int with string", "use CAST(year AS int)"},
		{"year > 2000", Options{}, "year > 2000", codeOperandType, "cannot compare string with int", "use CAST(year AS int)"},
		{"flag = 1", Options{}, "flag = 1", codeOperandType, "cannot compare boolean with int", "use CAST(flag AS int)"},
		{"flight_date = 1", Options{}, "flight_date = 1", codeOperandType, "cannot compare date with int", ""},
		{"flight_date = origin", Options{}, "flight_date = origin", codeOperandType, "cannot compare string with date", "use to_date(origin)"},
		{"date > origin", Options{}, "date > origin", codeOperandType, "cannot compare string with timestamp", "use CAST(origin AS timestamp)"},
		{"flight_date >= '2001-13-01'", Options{}, "'2001-13-01'", codeBadLiteral, "'2001-13-01' is not a valid date", "YYYY-MM-DD"},
		{"flight_date >= '2001-01-01 10:00'", Options{}, "'2001-01-01 10:00'", codeBadLiteral, "'2001-01-01 10:00' is not a valid date", "YYYY-MM-DD"},
		{"date >= '17/01/2001'", Options{}, "'17/01/2001'", codeBadLiteral, "'17/01/2001' is not a valid timestamp", "YYYY-MM-DD HH:MM"},
		{"date IN ('2001-01-01 06:05')", Options{}, "'2001-01-01 06:05'", codeOperandType, "a timestamp in an IN list needs a TIMESTAMP literal, not a string", "TIMESTAMP '2001-01-01 06:05'"},
		{"delay IN (1, '2')", Options{}, "'2'", codeOperandType, "cannot compare int with string", "without quotes"},
		{"delay BETWEEN 'a' AND 2", Options{}, "'a'", codeOperandType, "cannot compare int with string", "use CAST('a' AS int)"},
		{"delay BETWEEN 1 AND origin", Options{}, "origin", codeOperandType, "cannot compare int with string", "use CAST(origin AS int)"},
		{"delay AND flag", Options{}, "delay", codeOperandType, "AND expects boolean, got int", "compare it, e.g. delay = 1"},
		{"flag OR origin", Options{}, "origin", codeOperandType, "OR expects boolean, got string", "origin = 'yes'"},
		{"NOT delay", Options{}, "delay", codeOperandType, "NOT expects boolean, got int", "delay = 1"},
		{"NOT flight_date", Options{}, "flight_date", codeOperandType, "NOT expects boolean, got date", ""},
		{"-origin", Options{}, "origin", codeOperandType, "operator - expects a number, got string", "use CAST(origin AS double)"},
		{"-flag", Options{}, "flag", codeOperandType, "operator - expects a number, got boolean", "CAST(flag AS double)"},
		{"year + 1", Options{}, "year", codeOperandType, "operator + expects numbers, got string", "use CAST(year AS int)"},
		{"1 * year", Options{}, "year", codeOperandType, "operator * expects numbers, got string", "use CAST(year AS int)"},
		{"origin + destination", Options{}, "origin + destination", codeOperandType, "operator + expects numbers, got string and string", "use || or concat"},
		{"flag - origin", Options{}, "flag - origin", codeOperandType, "operator - expects numbers, got boolean and string", ""},
		{"delay + '1'", Options{}, "'1'", codeOperandType, "operator + expects numbers, got string", "write the number without quotes: 1"},
		{"ratio / flag", Options{}, "flag", codeOperandType, "operator / expects numbers, got boolean", "use CAST(flag AS double)"},
		{"flight_date + 1", Options{}, "flight_date + 1", codeOperandType, "cannot apply + to date and int", "use date_add(flight_date, 1)"},
		{"1 + flight_date", Options{}, "1 + flight_date", codeOperandType, "cannot apply + to int and date", "use date_add(flight_date, 1)"},
		{"flight_date - 7", Options{}, "flight_date - 7", codeOperandType, "cannot apply - to date and int", "use date_sub(flight_date, 7)"},
		{"flight_date - date", Options{}, "flight_date - date", codeOperandType, "cannot apply - to date and timestamp", "datediff(flight_date, date)"},
		{"date * 2", Options{}, "date * 2", codeOperandType, "cannot apply * to timestamp and int", "date_add, date_sub or datediff"},
		{"origin || delay", Options{}, "delay", codeOperandType, "operator || expects strings, got int", "use CAST(delay AS string)"},
		{"delay LIKE '1%'", Options{}, "delay", codeOperandType, "LIKE expects strings, got int", "CAST(delay AS string)"},
		{"origin LIKE 1", Options{}, "1", codeOperandType, "LIKE expects strings, got int", "CAST(1 AS string)"},
		{`origin LIKE 'a\b'`, Options{}, `'a\b'`, codeBadLikePattern, `invalid LIKE pattern: backslash at character 2 escapes neither %, _ nor \`, `\%`},
		{`origin LIKE 'a\'`, Options{}, `'a\'`, codeBadLikePattern, `invalid LIKE pattern: backslash at character 2 escapes neither %, _ nor \`, ""[0:0] + `\_`},
		{"CASE WHEN delay THEN 1 END", Options{}, "delay", codeOperandType, "CASE WHEN expects boolean, got int", "delay = 1"},
		{"CASE origin WHEN 1 THEN 1 END", Options{}, "1", codeOperandType, "cannot compare string with int", "use CAST(origin AS int)"},
		// Common types.
		{"CASE WHEN flag THEN 1 ELSE 'a' END", Options{}, "'a'", codeNoCommonType, "CASE branches have no common type: int and string", "use CAST('a' AS int)"},
		{"CASE WHEN flag THEN flight_date WHEN TRUE THEN delay END", Options{}, "delay", codeNoCommonType, "CASE branches have no common type: date and int", ""},
		{"coalesce(flight_date, '2001-01-01')", Options{}, "'2001-01-01'", codeNoCommonType, "coalesce arguments have no common type: date and string", "write DATE '2001-01-01'"},
		{"datediff(flight_date, '2001-01-01')", Options{}, "'2001-01-01'", codeArgType, "datediff expects date or timestamp for start, got string", "write DATE '2001-01-01'"},
		{"coalesce(flag, 0)", Options{}, "0", codeNoCommonType, "coalesce arguments have no common type: boolean and int", "CAST(0 AS boolean)"},
		// CAST.
		{"CAST(flight_date AS int)", Options{}, "CAST(flight_date AS int)", codeBadCast, "cannot cast date to int", "year(flight_date)"},
		{"CAST(delay AS date)", Options{}, "CAST(delay AS date)", codeBadCast, "cannot cast int to date", "make_date"},
		{"CAST(date AS boolean)", Options{}, "CAST(date AS boolean)", codeBadCast, "cannot cast timestamp to boolean", "date IS NOT NULL"},
		{"CAST(flag AS date)", Options{}, "CAST(flag AS date)", codeBadCast, "cannot cast boolean to date", ""},
		{"CAST(flag AS timestamp)", Options{}, "CAST(flag AS timestamp)", codeBadCast, "cannot cast boolean to timestamp", ""},
		{"CAST('2001-02-30' AS date)", Options{}, "'2001-02-30'", codeBadLiteral, "'2001-02-30' is not a valid date", "YYYY-MM-DD"},
		{"CAST('noon' AS timestamp)", Options{}, "'noon'", codeBadLiteral, "'noon' is not a valid timestamp", "HH:MM"},
		{"CAST('abc' AS int)", Options{}, "'abc'", codeBadLiteral, "'abc' is not a valid int", ""},
		{"CAST(' 1' AS int)", Options{}, "' 1'", codeBadLiteral, "' 1' is not a valid int", ""},
		{"CAST('1e3' AS decimal(5,0))", Options{}, "'1e3'", codeBadLiteral, "'1e3' is not a valid decimal(5,0)", ""},
		{"CAST('yes' AS boolean)", Options{}, "'yes'", codeBadLiteral, "'yes' is not a valid boolean", "TRUE or FALSE"},
		{"CAST(2147483648 AS int)", Options{}, "2147483648", codeBadLiteral, "2147483648 is out of range for int", ""},
		{"CAST(99999999999999999999 AS bigint)", Options{}, "99999999999999999999", codeBadLiteral, "99999999999999999999 is out of range for bigint", ""},
		// Functions.
		{"uper(origin)", Options{}, "uper", codeUnknownFunc, `unknown function "uper"`, "did you mean upper?"},
		{"explode(origin)", Options{}, "explode", codeUnknownFunc, `unknown function "explode"`, "flowc knows "},
		{"upper(delay)", Options{}, "delay", codeArgType, "upper expects string, got int", "use CAST(delay AS string)"},
		{"upper(origin, 1)", Options{}, "1", codeArgCount, "upper expects 1 argument, got 2", "upper(s string) string"},
		{"upper()", Options{}, "upper()", codeArgCount, "upper expects 1 argument, got 0", "upper(s string) string"},
		{"substring(origin)", Options{}, "substring(origin)", codeArgCount, "substring expects 2 or 3 arguments, got 1", "substring(s string, pos int[, len int]) string"},
		{"substring(origin, 1, 2, 3, 4)", Options{}, "3, 4", codeArgCount, "substring expects 2 or 3 arguments, got 5", ""[0:0] + "substring("},
		{"substring(origin, big)", Options{}, "big", codeArgType, "substring expects int for pos, got bigint", "use CAST(big AS int)"},
		{"substr(origin, '1')", Options{}, "'1'", codeArgType, "substring expects int for pos, got string", "CAST('1' AS int)"},
		{"concat()", Options{}, "concat()", codeArgCount, "concat expects at least 1 argument, got 0", ""[0:0] + "concat("},
		{"concat(origin, delay)", Options{}, "delay", codeArgType, "concat expects string, got int", "CAST(delay AS string)"},
		{"abs(origin)", Options{}, "origin", codeArgType, "abs expects a number, got string", "use CAST(origin AS double)"},
		{"round(price, delay)", Options{}, "delay", codeNotConstant, "round expects a literal int for scale", ""},
		{"round(price, NULL)", Options{}, "NULL", codeNotConstant, "round expects a literal int for scale", ""},
		{"round(price, 1.5)", Options{}, "1.5", codeArgType, "round expects int for scale, got decimal(2,1)", ""},
		{"year(origin)", Options{}, "origin", codeArgType, "year expects date or timestamp, got string", "use to_date(origin)"},
		{"hour(flight_date)", Options{}, "flight_date", codeArgType, "hour expects timestamp, got date", "CAST(flight_date AS timestamp)"},
		{"make_date(year, 1, 1)", Options{}, "year", codeArgType, "make_date expects int for year, got string", "CAST(year AS int)"},
		{"date_add(origin, 1)", Options{}, "origin", codeArgType, "date_add expects date or timestamp for start, got string", "to_date(origin)"},
		{"date_add(flight_date, big)", Options{}, "big", codeArgType, "date_add expects int for days, got bigint", "CAST(big AS int)"},
		{"datediff(flight_date, 1)", Options{}, "1", codeArgType, "datediff expects date or timestamp for start, got int", ""},
		{"to_date(delay)", Options{}, "delay", codeArgType, "to_date expects string, date or timestamp for s, got int", ""},
		{"to_date(origin, destination)", Options{}, "destination", codeNotConstant, "to_date expects a literal string for format", ""},
		{"to_date(date, 'yyyy-MM-dd')", Options{}, "date", codeArgType, "to_date with a format expects string, got timestamp", "to_date(date)"},
		{"to_date(origin, 'dd.MM.yy')", Options{}, "'dd.MM.yy'", codeBadDateFormat, `invalid date format 'dd.MM.yy': pattern "yy" at offset 6 must be yyyy`, "dd/MM/yyyy"},
		{"nullif(delay, origin)", Options{}, "origin", codeOperandType, "cannot compare int with string", ""[0:0] + "CAST(origin AS int)"},
		{"upper(*)", Options{}, "upper(*)", codeBadStar, "* is only allowed in count(*)", ""},
		{"upper(DISTINCT origin)", Options{}, "upper(DISTINCT origin)", codeBadStar, "DISTINCT is only allowed in aggregate functions, not in upper", ""},
		// Aggregates.
		{"count(*) > 1", Options{}, "count(*)", codeAggNotAllowed, "aggregate function count is only allowed in aggregate measures", "aggregate step"},
		{"delay > avg(delay)", Options{}, "avg(delay)", codeAggNotAllowed, "aggregate function avg is only allowed in aggregate measures", "aggregate step"},
		{"sum(count(*))", aggOpts, "count(*)", codeNestedAgg, "aggregate function count cannot be nested inside sum", ""},
		{"max(delay) + delay", aggOpts, "delay", codeNotGrouped, `column "delay" is neither a group key nor inside an aggregate function`, "max(delay)"},
		{"dep.name", aggOpts, "dep.name", codeNotGrouped, `column "dep.name" is neither a group key nor inside an aggregate function`, "max(dep.name)"},
		{"sum(origin)", aggOpts, "origin", codeArgType, "sum expects a number, got string", "CAST(origin AS double)"},
		{"avg(flag)", aggOpts, "flag", codeArgType, "avg expects a number, got boolean", "CAST(flag AS double)"},
		{"count(delay, origin)", aggOpts, "origin", codeArgCount, "count expects 1 argument, got 2", "count(*)"},
		{"sum(*)", aggOpts, "sum(*)", codeBadStar, "* is only allowed in count(*)", ""},
	}
	for _, tt := range tests {
		_, _, errs := check(t, tt.src, tt.opts)
		if len(errs) != 1 {
			t.Errorf("Check(%q) = %v, want one error", tt.src, errs)
			continue
		}
		err := errs[0]
		at := tt.src[err.Span.Start:err.Span.End]
		if at != tt.at || err.Code != tt.code || err.Msg != tt.msg {
			t.Errorf("Check(%q):\n got %q %s %q\nwant %q %s %q", tt.src, at, err.Code, err.Msg, tt.at, tt.code, tt.msg)
		}
		if (tt.hint == "") != (err.Hint == "") || !strings.Contains(err.Hint, tt.hint) {
			t.Errorf("Check(%q) hint = %q, want %q", tt.src, err.Hint, tt.hint)
		}
	}
}

func TestCheckReportsAll(t *testing.T) {
	_, typ, errs := check(t, "dely > 1 AND upper(delay) = 'A' AND foo(x.y) AND name = 'x'", Options{})
	var got []string
	for _, e := range errs {
		got = append(got, e.Code.String())
	}
	want := "FC302 FC307 FC305 FC304 FC303"
	if strings.Join(got, " ") != want {
		t.Errorf("codes %v, want %s", got, want)
	}
	if typ.Kind != Boolean {
		t.Errorf("type %s", typ)
	}
	// An unknown operand does not cascade.
	_, typ, errs = check(t, "(dely + 1) * 2 = upper(nope) || 'x'", Options{})
	if len(errs) != 2 {
		t.Errorf("cascading errors: %v", errs)
	}
	if typ.Kind != Boolean {
		t.Errorf("type %s", typ)
	}
}

func TestCheckAggregates(t *testing.T) {
	tests := []struct{ src, want string }{
		{"count(*)", "bigint"},
		{"count(delay)", "bigint"},
		{"count(DISTINCT dep.name)", "bigint"},
		{"sum(delay)", "bigint"},
		{"sum(big)", "bigint"},
		{"sum(ratio)", "double"},
		{"sum(price)", "decimal(20,2)"},
		{"sum(CAST(ratio AS decimal(35,5)))", "decimal(38,5)"},
		{"sum(NULL)", "double"},
		{"sum(DISTINCT delay)", "bigint"},
		{"avg(delay)", "double"},
		{"avg(big)", "double"},
		{"avg(ratio)", "double"},
		{"avg(price)", "decimal(14,6)"},
		{"avg(CAST(ratio AS decimal(36,35)))", "decimal(38,38)"},
		{"min(delay)", "int"},
		{"max(origin)", "string"},
		{"max(date)", "timestamp"},
		{"min(price)", "decimal(10,2)"},
		{"max(flag)", "boolean"},
		{"flight_date", "date"},
		{"origin || '!'", "string"},
		{"count(*) * 2", "bigint"},
		{"sum(delay) / count(*)", "double"},
		{"CASE WHEN origin = 'JFK' THEN max(delay) ELSE 0 END", "int"},
		{"1", "int"},
	}
	for _, tt := range tests {
		e, typ, errs := check(t, tt.src, aggOpts)
		if errs != nil {
			t.Errorf("Check(%q): %v", tt.src, errs[0])
			continue
		}
		if typ.String() != tt.want {
			t.Errorf("Check(%q) = %s, want %s", tt.src, typ, tt.want)
		}
		if isAggregate(e) != strings.Contains(tt.src, "(") {
			t.Errorf("IsAggregate(%q) = %v", tt.src, isAggregate(e))
		}
	}
}

func TestCheckCanonicalisesAliases(t *testing.T) {
	e, _, errs := check(t, "SUBSTR(origin, 1, 2)", Options{})
	if errs != nil {
		t.Fatal(errs)
	}
	if got := Format(e); got != "substring(origin, 1, 2)" {
		t.Errorf("got %q", got)
	}
}

func TestCheckNilScope(t *testing.T) {
	e := mustParse(t, "1 + 1")
	if typ, errs := Check(e, nil, Options{}); errs != nil || typ.Kind != Int {
		t.Errorf("got %v %v", typ, errs)
	}
	if typ, errs := Check(nil, nil, Options{}); errs != nil || typ.Kind != Unknown {
		t.Errorf("got %v %v", typ, errs)
	}
	e = mustParse(t, "a")
	_, errs := Check(e, nil, Options{})
	if len(errs) != 1 || errs[0].Code != codeUnknownColumn || errs[0].Hint != "" {
		t.Errorf("got %v", errs)
	}
	e = mustParse(t, "a.b")
	_, errs = Check(e, nil, Options{})
	if len(errs) != 1 || errs[0].Code != codeUnknownAlias || errs[0].Msg != `unknown alias "a": no join alias is visible here` {
		t.Errorf("got %v", errs)
	}
}

func TestComparisonType(t *testing.T) {
	tests := []struct{ src, want string }{
		{"date >= '2001-01-01'", "timestamp"},
		{"'2001-01-01' = flight_date", "date"},
		{"flight_date < date", "timestamp"},
		{"delay = 1.5", "decimal(11,1)"},
		{"delay = big", "bigint"},
		{"delay = NULL", "int"},
		{"origin = 'x'", "string"},
	}
	for _, tt := range tests {
		e, _, errs := check(t, tt.src, Options{})
		if errs != nil {
			t.Fatal(errs)
		}
		b := e.(*Binary)
		if got := ComparisonType(b.X, b.Y); got.String() != tt.want {
			t.Errorf("ComparisonType(%q) = %s, want %s", tt.src, got, tt.want)
		}
	}
}

// TestSeedPipeline checks the expressions of the spec's seed pipeline.
func TestSeedPipeline(t *testing.T) {
	s := Type{Kind: String}
	flights := []Column{
		{Name: "date", Type: Type{Kind: Timestamp}}, {Name: "delay", Type: Type{Kind: Int}},
		{Name: "distance", Type: Type{Kind: Int}}, {Name: "origin", Type: s}, {Name: "destination", Type: s},
		{Name: "year", Type: s}, {Name: "month", Type: s}, {Name: "day", Type: s},
	}
	joined := append([]Column(nil), flights...)
	for _, q := range []string{"dep", "arr"} {
		for _, n := range []string{"iata", "name", "city", "state", "country"} {
			joined = append(joined, Column{Qual: q, Name: n, Type: s})
		}
		joined = append(joined, Column{Qual: q, Name: "latitude", Type: Type{Kind: Double}}, Column{Qual: q, Name: "longitude", Type: Type{Kind: Double}})
	}
	delayed := []Column{{Name: "flight_date", Type: Type{Kind: Date}}, {Name: "dep_airport", Type: s}, {Name: "delay", Type: Type{Kind: Int}}}
	tests := []struct {
		src  string
		cols []Column
		opts Options
		want string
	}{
		{"delay > 60", flights, Options{}, "boolean"},
		{"origin = dep.iata", joined, Options{}, "boolean"},
		{"destination = arr.iata", joined, Options{}, "boolean"},
		{"year", joined, Options{}, "string"},
		{"cast(date as date)", joined, Options{}, "date"},
		{"date", joined, Options{}, "timestamp"},
		{"dep.name", joined, Options{}, "string"},
		{"arr.state", joined, Options{}, "string"},
		{"count(*)", delayed, Options{AllowAggregates: true, GroupKeys: []string{"flight_date", "dep_airport"}}, "bigint"},
		{"avg(delay)", delayed, Options{AllowAggregates: true, GroupKeys: []string{"flight_date", "dep_airport"}}, "double"},
		{"max(delay)", delayed, Options{AllowAggregates: true, GroupKeys: []string{"flight_date", "dep_airport"}}, "int"},
	}
	for _, tt := range tests {
		typ, errs := Check(mustParse(t, tt.src), &Scope{Columns: tt.cols}, tt.opts)
		if errs != nil || typ.String() != tt.want {
			t.Errorf("Check(%q) = %s, %v; want %s", tt.src, typ, errs, tt.want)
		}
	}
}
