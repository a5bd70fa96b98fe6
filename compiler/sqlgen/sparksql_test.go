package sqlgen

import (
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/spec/expr"
)

// sparkScope is the row the sparkSQL tests' expressions read.
var sparkScope = &expr.Scope{Columns: []expr.Column{
	{Name: "i", Type: expr.Type{Kind: expr.Int}},
	{Name: "j", Type: expr.Type{Kind: expr.Int}},
	{Name: "b", Type: expr.Type{Kind: expr.Bigint}},
	{Name: "x", Type: expr.Type{Kind: expr.Double}},
	{Name: "m", Type: expr.DecimalOf(10, 2)},
	{Name: "s", Type: expr.Type{Kind: expr.String}},
	{Name: "t", Type: expr.Type{Kind: expr.String}},
	{Name: "ok", Type: expr.Type{Kind: expr.Boolean}},
	{Name: "d", Type: expr.Type{Kind: expr.Date}},
	{Name: "ts", Type: expr.Type{Kind: expr.Timestamp}},
	{Name: "date", Type: expr.Type{Kind: expr.Timestamp}},
	{Qual: "dep", Name: "name", Type: expr.Type{Kind: expr.String}},
}}

// checked parses and checks src against sparkScope (aggregates allowed
// when agg).
func checked(t *testing.T, src string, agg bool) expr.Expr {
	t.Helper()
	e, errs := expr.Parse(src)
	if len(errs) > 0 {
		t.Fatalf("parse %q: %v", src, errs[0])
	}
	opts := expr.Options{AllowAggregates: agg}
	if agg {
		opts.GroupKeys = []string{"s"}
	}
	if _, errs := expr.Check(e, sparkScope, opts); len(errs) > 0 {
		t.Fatalf("check %q: %v", src, errs[0])
	}
	return e
}

func TestSparkSQLNodes(t *testing.T) {
	tests := []struct{ in, want string }{
		// Literals: Spark must type each as Check did.
		{"NULL", "NULL"},
		{"TRUE", "TRUE"},
		{"false", "FALSE"},
		{"42", "42"},
		{"-7", "-7"},
		{"-2147483648", "CAST(-2147483648 AS INT)"},
		{"3000000000", "3000000000L"},
		{"-9223372036854775808", "CAST(-9223372036854775808 AS BIGINT)"},
		{"123456789012345678901234", "CAST(123456789012345678901234 AS DECIMAL(24,0))"},
		{"1.5", "1.5"},
		{".5", ".5"},
		{"1.5e3", "1.5e3D"},
		{"10d", "10D"},
		{"'it''s'", `'it\'s'`},
		{`'a\b'`, `'a\\b'`},
		{"DATE '2001-01-17'", "DATE '2001-01-17'"},
		{"TIMESTAMP '2001-01-17 06:05'", "TIMESTAMP '2001-01-17 06:05:00'"},
		// Columns.
		{"i", "`i`"},
		{"date", "`date`"},
		{"dep.name", "`dep`.`name`"},
		// Operators, every one parenthesised.
		{"-i", "(-`i`)"},
		{"- -i", "(-(-`i`))"},
		{"i - -5", "(`i` - (-5))"},
		{"NOT ok", "(NOT `ok`)"},
		{"i + j * 2", "(`i` + (`j` * 2))"},
		{"(i + j) * 2", "((`i` + `j`) * 2)"},
		{"i / j", "(`i` / `j`)"},
		{"i % j", "(`i` % `j`)"},
		{"m * 2", "(`m` * 2)"},
		{"x - b", "(`x` - `b`)"},
		{"s || t", "(`s` || `t`)"},
		{"NULL + NULL", "(CAST(NULL AS DOUBLE) + CAST(NULL AS DOUBLE))"},
		{"i + NULL", "(`i` + CAST(NULL AS INT))"},
		{"-NULL", "(-CAST(NULL AS DOUBLE))"},
		{"i = j", "(`i` = `j`)"},
		{"i == j", "(`i` = `j`)"},
		{"i != j", "(`i` <> `j`)"},
		{"i <> j", "(`i` <> `j`)"},
		{"i < j AND i <= j OR i > j AND i >= j", "(((`i` < `j`) AND (`i` <= `j`)) OR ((`i` > `j`) AND (`i` >= `j`)))"},
		{"d = '2001-01-17'", "(`d` = DATE '2001-01-17')"},
		{"'2001-01-17 06:05' < ts", "(TIMESTAMP '2001-01-17 06:05:00' < `ts`)"},
		{"d < ts", "(`d` < `ts`)"},
		// Predicates.
		{"s IS NULL", "(`s` IS NULL)"},
		{"s IS NOT NULL", "(`s` IS NOT NULL)"},
		{"(i = j) IS NULL", "((`i` = `j`) IS NULL)"},
		{"i IN (1, 2, 3)", "(`i` IN (1, 2, 3))"},
		{"s NOT IN ('a', 'b')", "(`s` NOT IN ('a', 'b'))"},
		{"d IN ('2001-01-17', d)", "(`d` IN (DATE '2001-01-17', `d`))"},
		{"i BETWEEN 1 AND j + 1", "(`i` BETWEEN 1 AND (`j` + 1))"},
		{"d NOT BETWEEN '2001-01-01' AND '2001-12-31'", "(`d` NOT BETWEEN DATE '2001-01-01' AND DATE '2001-12-31')"},
		{`s LIKE 'a\_%'`, `(` + "`s`" + ` LIKE 'a\\_%')`},
		{"s NOT LIKE t", "(`s` NOT LIKE `t`)"},
		// CASE and CAST.
		{"CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' ELSE 'zero' END",
			"CASE WHEN (`i` > 0) THEN 'pos' WHEN (`i` < 0) THEN 'neg' ELSE 'zero' END"},
		{"CASE s WHEN 'a' THEN 1 END", "CASE `s` WHEN 'a' THEN 1 END"},
		{"CASE d WHEN '2001-01-17' THEN 1 ELSE 2 END", "CASE `d` WHEN DATE '2001-01-17' THEN 1 ELSE 2 END"},
		{"CAST(s AS int)", "CAST(`s` AS INT)"},
		{"CAST(s AS bigint)", "CAST(`s` AS BIGINT)"},
		{"CAST(s AS double)", "CAST(`s` AS DOUBLE)"},
		{"CAST(s AS decimal(12, 3))", "CAST(`s` AS DECIMAL(12,3))"},
		{"CAST(i AS string)", "CAST(`i` AS STRING)"},
		{"CAST(s AS boolean)", "CAST(`s` AS BOOLEAN)"},
		{"CAST(ts AS date)", "CAST(`ts` AS DATE)"},
		{"CAST(d AS timestamp)", "CAST(`d` AS TIMESTAMP)"},
	}
	for _, tt := range tests {
		got, err := sparkSQL(checked(t, tt.in, false))
		if err != nil {
			t.Errorf("SparkSQL(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("SparkSQL(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// TestSparkSQLFunctions covers every function of the catalogue.
func TestSparkSQLFunctions(t *testing.T) {
	tests := map[string][2]string{ // function -> expression, Spark SQL
		"abs":       {"abs(m)", "abs(`m`)"},
		"avg":       {"avg(DISTINCT i)", "avg(DISTINCT `i`)"},
		"ceil":      {"ceil(x)", "ceil(`x`)"},
		"coalesce":  {"coalesce(i, b, 0)", "coalesce(`i`, `b`, 0)"},
		"concat":    {"concat(s, '-', t)", "concat(`s`, '-', `t`)"},
		"count":     {"count(*) + count(i) + count(DISTINCT s)", "((count(*) + count(`i`)) + count(DISTINCT `s`))"},
		"date_add":  {"date_add(d, 1)", "date_add(`d`, 1)"},
		"date_sub":  {"date_sub(ts, i)", "date_sub(`ts`, `i`)"},
		"datediff":  {"datediff(d, ts)", "datediff(`d`, `ts`)"},
		"day":       {"day(d)", "dayofmonth(`d`)"},
		"floor":     {"floor(m)", "floor(`m`)"},
		"hour":      {"hour(ts)", "hour(`ts`)"},
		"length":    {"length(s)", "length(`s`)"},
		"lower":     {"lower(s)", "lower(`s`)"},
		"ltrim":     {"ltrim(s)", "ltrim(`s`)"},
		"make_date": {"make_date(i, j, 1)", "make_date(`i`, `j`, 1)"},
		"max":       {"max(ts)", "max(`ts`)"},
		"min":       {"min(s)", "min(`s`)"},
		"minute":    {"minute(ts)", "minute(`ts`)"},
		"month":     {"month(ts)", "month(`ts`)"},
		"nullif":    {"nullif(d, '2001-01-17')", "nullif(`d`, DATE '2001-01-17')"},
		"round":     {"round(m, 1) + round(x)", "(round(`m`, 1) + round(`x`))"},
		"rtrim":     {"rtrim(s)", "rtrim(`s`)"},
		"second":    {"second(ts)", "second(`ts`)"},
		"substr":    {"substr(s, 2)", "substring(`s`, 2)"},
		"substring": {"substring(s, -3, 2)", "substring(`s`, -3, 2)"},
		"sum":       {"sum(b)", "sum(`b`)"},
		"to_date":   {"coalesce(to_date(s), to_date(s, 'dd/MM/yyyy'), to_date(ts))", "coalesce(to_date(`s`), to_date(`s`, 'dd/MM/yyyy'), to_date(`ts`))"},
		"trim":      {"trim(s)", "trim(`s`)"},
		"upper":     {"upper(s)", "upper(`s`)"},
		"year":      {"year(d)", "year(`d`)"},
		// Issue 12: conditionals and numbers.
		"if":       {"if(ok, i, x)", "if(`ok`, `i`, `x`)"},
		"ifnull":   {"ifnull(s, 'x')", "ifnull(`s`, 'x')"},
		"nvl":      {"nvl(i, b)", "ifnull(`i`, `b`)"},
		"nvl2":     {"nvl2(d, 1, 0)", "nvl2(`d`, 1, 0)"},
		"greatest": {"greatest(i, j, NULL)", "greatest(`i`, `j`, NULL)"},
		"least":    {"least(d, ts)", "least(`d`, `ts`)"},
		"mod":      {"mod(i, -j)", "(`i` % (-`j`))"},
		"pmod":     {"pmod(m, 3)", "pmod(`m`, 3)"},
		"power":    {"power(x, 2)", "power(`x`, 2)"},
		"pow":      {"pow(i, 0.5)", "power(`i`, 0.5)"},
		"sqrt":     {"sqrt(m)", "sqrt(`m`)"},
		"exp":      {"exp(x)", "exp(`x`)"},
		"ln":       {"ln(x)", "ln(`x`)"},
		"log10":    {"log10(i)", "log10(`i`)"},
		"sign":     {"sign(x)", "sign(`x`)"},
		"signum":   {"signum(b)", "sign(`b`)"},
		"bround":   {"bround(m, 1) + bround(x)", "(bround(`m`, 1) + bround(`x`))"},
		// Issue 12: strings.
		"concat_ws":        {"concat_ws(',', s, t)", "concat_ws(',', `s`, `t`)"},
		"replace":          {"replace(s, 'a') || replace(s, 'a', t)", "(replace(`s`, 'a') || replace(`s`, 'a', `t`))"},
		"translate":        {"translate(s, 'ab', 'c')", "translate(`s`, 'ab', 'c')"},
		"lpad":             {"lpad(s, i, '0')", "lpad(`s`, `i`, '0')"},
		"rpad":             {"rpad(s, 3, ' ')", "rpad(`s`, 3, ' ')"},
		"left":             {"left(s, 2)", "left(`s`, 2)"},
		"right":            {"right(s, i)", "right(`s`, `i`)"},
		"initcap":          {"initcap(s)", "initcap(`s`)"},
		"reverse":          {"reverse(s)", "reverse(`s`)"},
		"instr":            {"instr(s, 'x')", "instr(`s`, 'x')"},
		"locate":           {"locate('x', s, 2)", "locate('x', `s`, 2)"},
		"split_part":       {"split_part(s, ',', -1)", "split_part(`s`, ',', -1)"},
		"startswith":       {"startswith(s, t)", "startswith(`s`, `t`)"},
		"endswith":         {"endswith(s, 'x')", "endswith(`s`, 'x')"},
		"contains":         {"contains(s, 'x')", "contains(`s`, 'x')"},
		"md5":              {"md5(s)", "md5(`s`)"},
		"sha2":             {"sha2(s, 0)", "sha2(`s`, 0)"},
		"char_length":      {"char_length(s)", "length(`s`)"},
		"character_length": {"character_length(s)", "length(`s`)"},
		"octet_length":     {"octet_length(s)", "octet_length(`s`)"},
		"rlike":            {`rlike(s, '\\d+$')`, `rlike(` + "`s`" + `, '\\\\d+$')`},
		"regexp_extract":   {"regexp_extract(s, '(a)(b)', 2)", "regexp_extract(`s`, '(a)(b)', 2)"},
		"regexp_replace":   {"regexp_replace(s, '(a)', '$1$1')", "regexp_replace(`s`, '(a)', '$1$1')"},
		// Issue 12: dates and times.
		"date_trunc":         {"date_trunc('MM', d)", "date_trunc('MM', `d`)"},
		"trunc":              {"trunc(ts, 'year')", "trunc(`ts`, 'year')"},
		"date_format":        {"date_format(ts, 'yyyy-MM')", "date_format(`ts`, 'yyyy-MM')"},
		"to_timestamp":       {"to_timestamp(s, 'dd/MM/yyyy HH:mm')", "to_timestamp(`s`, 'dd/MM/yyyy HH:mm')"},
		"unix_timestamp":     {"unix_timestamp(d)", "unix_timestamp(`d`)"},
		"from_unixtime":      {"from_unixtime(b, 'HH:mm')", "from_unixtime(`b`, 'HH:mm')"},
		"dayofweek":          {"dayofweek(d)", "dayofweek(`d`)"},
		"dayofyear":          {"dayofyear(ts)", "dayofyear(`ts`)"},
		"weekofyear":         {"weekofyear(d)", "weekofyear(`d`)"},
		"quarter":            {"quarter(d)", "quarter(`d`)"},
		"last_day":           {"last_day(d)", "last_day(`d`)"},
		"add_months":         {"add_months(d, -1)", "add_months(`d`, -1)"},
		"months_between":     {"months_between(ts, d)", "months_between(`ts`, `d`)"},
		"next_day":           {"next_day(d, 'TU')", "next_day(`d`, 'TU')"},
		"make_timestamp":     {"make_timestamp(i, 1, 1, 0, 0, m)", "make_timestamp(`i`, 1, 1, 0, 0, `m`)"},
		"from_utc_timestamp": {"from_utc_timestamp(ts, 'UTC')", "from_utc_timestamp(`ts`, 'UTC')"},
		"to_utc_timestamp":   {"to_utc_timestamp(ts, 'Asia/Tokyo')", "to_utc_timestamp(`ts`, 'Asia/Tokyo')"},
		// Issue 12: aggregates.
		"count_if":    {"count_if(i > 0)", "count_if((`i` > 0))"},
		"stddev_samp": {"stddev_samp(m)", "stddev_samp(`m`)"},
		"stddev":      {"stddev(x)", "stddev_samp(`x`)"},
		"std":         {"std(DISTINCT i)", "stddev_samp(DISTINCT `i`)"},
		"stddev_pop":  {"stddev_pop(i)", "stddev_pop(`i`)"},
		"var_samp":    {"var_samp(x)", "var_samp(`x`)"},
		"variance":    {"variance(b)", "var_samp(`b`)"},
		"var_pop":     {"var_pop(x)", "var_pop(`x`)"},
		"bool_and":    {"bool_and(ok)", "bool_and(`ok`)"},
		"every":       {"every(i > 0)", "bool_and((`i` > 0))"},
		"bool_or":     {"bool_or(ok)", "bool_or(`ok`)"},
		"some":        {"some(ok)", "bool_or(`ok`)"},
		"max_by":      {"max_by(t, i)", "max_by(`t`, IF(`i` IS NULL, NULL, named_struct('o', `i`, 'n', `t` IS NOT NULL, 'x', `t`)))"},
		"min_by":      {"min_by(t, d)", "min_by(`t`, IF(`d` IS NULL, NULL, named_struct('o', `d`, 'n', `t` IS NOT NULL, 'x', `t`)))"},
		// Issue 12: window functions (with an OVER clause given).
		"row_number":  {"row_number()", "row_number() OVER (ORDER BY `i`)"},
		"rank":        {"rank()", "rank() OVER (ORDER BY `i`)"},
		"dense_rank":  {"dense_rank()", "dense_rank() OVER (ORDER BY `i`)"},
		"lag":         {"lag(b, 2, i)", "lag(`b`, 2, CAST(`i` AS BIGINT)) OVER (ORDER BY `i`)"},
		"lead":        {"lead(i, 1, NULL)", "lead(`i`, 1, NULL) OVER (ORDER BY `i`)"},
		"first_value": {"first_value(s)", "first_value(`s`) OVER (ORDER BY `i`)"},
		"last_value":  {"last_value(x)", "last_value(`x`) OVER (ORDER BY `i`)"},
	}
	for _, f := range expr.Funcs() {
		tt, ok := tests[f.Name]
		if !ok {
			t.Errorf("function %s has no SparkSQL test", f.Name)
			continue
		}
		if f.Window {
			e, _ := expr.Parse(tt[0])
			if _, errs := expr.Check(e, sparkScope, expr.Options{Window: true}); len(errs) > 0 {
				t.Fatalf("check %q: %v", tt[0], errs[0])
			}
			got, err := Spark.Window(e, "ORDER BY `i`")
			if err != nil || got != tt[1] {
				t.Errorf("Spark.Window(%q)\n got %s (%v)\nwant %s", tt[0], got, err, tt[1])
			}
			continue
		}
		got, err := sparkSQL(checked(t, tt[0], f.Aggregate || strings.Contains(tt[0], "count(")))
		if err != nil {
			t.Errorf("SparkSQL(%q): %v", tt[0], err)
			continue
		}
		if got != tt[1] {
			t.Errorf("SparkSQL(%q)\n got %s\nwant %s", tt[0], got, tt[1])
		}
	}
}

func TestSparkDialect(t *testing.T) {
	if got := Spark.Ident("a`b"); got != "`a``b`" {
		t.Errorf("Ident = %s", got)
	}
	if got := sparkString(`it's \ `); got != `'it\'s \\ '` {
		t.Errorf("SparkString = %s", got)
	}
	if _, err := Spark.CastType(expr.Type{Kind: expr.Null}); err == nil {
		t.Error("CastType(null) should fail")
	}
	if _, err := sparkSQL(&expr.Call{Name: "nosuch"}); err == nil {
		t.Error("an unknown function should fail")
	}
}
