package engine

import "regexp"

// The flowc_* macros give duckDB Spark's meaning where the two differ (see
// cast.go and dialect.go). They are temporary: created in each session the
// engine opens, never stored in the warehouse file. Order matters: a macro
// may call only those above it.
var macros = []struct{ name, params, body string }{
	// Java's String.trim: strips bytes <= ' ' at both ends.
	{"flowc_jtrim", "s", `regexp_replace(s, '^[\x00-\x20]+|[\x00-\x20]+$', '', 'g')`},
	// UTF8String.toLong: [+-]digits[.digits], the fraction truncated; "." and ".5" are 0.
	{"flowc_str_to_bigint_slow", "s", `CASE WHEN regexp_full_match(flowc_jtrim(s), '[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]*)')
		THEN TRY_CAST(regexp_extract(flowc_jtrim(s), '^[+-]?', 0) || coalesce(nullif(regexp_extract(flowc_jtrim(s), '^[+-]?([0-9]*)', 1), ''), '0') AS BIGINT) END`},
	// Double.parseDouble, then Spark's special literals.
	{"flowc_str_to_double_slow", "s", `CASE WHEN regexp_full_match(flowc_jtrim(s), '[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fFdD]?')
		THEN TRY_CAST(rtrim(flowc_jtrim(s), 'fFdD') AS DOUBLE)
		WHEN lower(flowc_jtrim(s)) IN ('nan', '+nan', '-nan') THEN CAST('NaN' AS DOUBLE)
		WHEN lower(flowc_jtrim(s)) IN ('inf', '+inf', 'infinity', '+infinity') THEN CAST('Infinity' AS DOUBLE)
		WHEN lower(flowc_jtrim(s)) IN ('-inf', '-infinity') THEN CAST('-Infinity' AS DOUBLE) END`},
	// Decimal.fromString accepts these texts (trimmed).
	{"flowc_is_decimal_text", "s", `regexp_full_match(flowc_jtrim(s), '[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?')`},
	// StringUtils.isTrueString / isFalseString.
	{"flowc_str_to_boolean", "s", `CASE WHEN lower(flowc_jtrim(s)) IN ('t', 'true', 'y', 'yes', '1') THEN TRUE
		WHEN lower(flowc_jtrim(s)) IN ('f', 'false', 'n', 'no', '0') THEN FALSE END`},
	// DateTimeUtils.stringToDate.
	{"flowc_date_from_parts", "p", `try(make_date(TRY_CAST(p.y AS BIGINT), coalesce(TRY_CAST(nullif(p.m, '') AS BIGINT), 1), coalesce(TRY_CAST(nullif(p.d, '') AS BIGINT), 1)))`},
	{"flowc_str_to_date_slow", "s", `flowc_date_from_parts(regexp_extract(flowc_jtrim(s), '(?s)^([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2})(?:[ T].*)?)?)?$', ['y', 'm', 'd']))`},
	// DateTimeUtils.stringToTimestamp, with Z and numeric offsets (UTC session).
	{"flowc_zone_us", "z", `CASE WHEN z = '' OR z = 'Z' THEN 0 ELSE (CASE WHEN left(z, 1) = '-' THEN -1 ELSE 1 END) *
		(CAST(substr(replace(z, ':', ''), 2, 2) AS BIGINT) * 3600 + coalesce(TRY_CAST(nullif(substr(replace(z, ':', ''), 4, 2), '') AS BIGINT), 0) * 60) * 1000000 END`},
	{"flowc_ts_from_parts", "p", `CASE WHEN coalesce(TRY_CAST(nullif(p.h, '') AS BIGINT), 0) < 24 AND coalesce(TRY_CAST(nullif(p.mi, '') AS BIGINT), 0) < 60
		AND coalesce(TRY_CAST(nullif(p.s, '') AS BIGINT), 0) < 60 THEN try(make_timestamp(
		epoch_us(CAST(flowc_date_from_parts(p) AS TIMESTAMP))
		+ (coalesce(TRY_CAST(nullif(p.h, '') AS BIGINT), 0) * 3600 + coalesce(TRY_CAST(nullif(p.mi, '') AS BIGINT), 0) * 60 + coalesce(TRY_CAST(nullif(p.s, '') AS BIGINT), 0)) * 1000000
		+ CAST(rpad(left(p.f, 6), 6, '0') AS BIGINT) - flowc_zone_us(p.z))) END`},
	{"flowc_str_to_timestamp_slow", "s", `flowc_ts_from_parts(regexp_extract(flowc_jtrim(s),
		'^([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2})(?:[ T]([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\.([0-9]{1,9}))?)?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?)?)?$',
		['y', 'm', 'd', 'h', 'mi', 's', 'f', 'z']))`},
	// Fast paths: the common texts go to duckDB's own CAST, which reads
	// them as Spark does: an integer written as duckDB writes it back, texts
	// made only of the characters of the plain forms (a timestamp's hour 24
	// aside). Anything else, or a NULL from duckDB, takes the exact path.
	{"flowc_str_to_bigint", "s", `CASE WHEN CAST(TRY_CAST(s AS BIGINT) AS VARCHAR) = s THEN TRY_CAST(s AS BIGINT) ELSE flowc_str_to_bigint_slow(s) END`},
	{"flowc_str_to_int", "s", `CASE WHEN CAST(TRY_CAST(s AS INTEGER) AS VARCHAR) = s THEN TRY_CAST(s AS INTEGER) ELSE TRY_CAST(flowc_str_to_bigint_slow(s) AS INTEGER) END`},
	{"flowc_str_to_double", "s", `CASE WHEN NOT regexp_matches(s, '[^0-9+ .eE-]') THEN coalesce(TRY_CAST(s AS DOUBLE), flowc_str_to_double_slow(s))
		ELSE flowc_str_to_double_slow(s) END`},
	{"flowc_str_to_date", "s", `CASE WHEN NOT regexp_matches(s, '[^0-9-]') THEN coalesce(TRY_CAST(s AS DATE), flowc_str_to_date_slow(s))
		ELSE flowc_str_to_date_slow(s) END`},
	{"flowc_str_to_timestamp", "s", `CASE WHEN s >= '0' AND s < ':' AND NOT contains(s, ' 24:') AND NOT contains(s, 'T24:')
		THEN coalesce(TRY_CAST(s AS TIMESTAMP), flowc_str_to_timestamp_slow(s)) ELSE flowc_str_to_timestamp_slow(s) END`},
	// Scala's Double.toInt / toLong: truncate, saturate, NaN is 0.
	{"flowc_double_to_int", "x", `CASE WHEN isnan(x) THEN 0 WHEN x >= 2147483647 THEN 2147483647 WHEN x <= -2147483648 THEN -2147483648 ELSE CAST(trunc(x) AS INTEGER) END`},
	{"flowc_double_to_bigint", "x", `CASE WHEN isnan(x) THEN CAST(0 AS BIGINT) WHEN x >= 9223372036854775807 THEN CAST(9223372036854775807 AS BIGINT)
		WHEN x <= -9223372036854775808 THEN CAST(-9223372036854775808 AS BIGINT) ELSE CAST(trunc(x) AS BIGINT) END`},
	// Long.toInt: two's complement wrap-around.
	{"flowc_wrap_int", "x", `CAST(((CAST(x AS HUGEINT) + 2147483648) % 4294967296 + 4294967296) % 4294967296 - 2147483648 AS INTEGER)`},
	// RoundBase on a double: BigDecimal(Double.toString(x)).setScale(s, HALF_UP).
	{"flowc_round_double", "x, s", `CASE WHEN NOT isfinite(x) OR abs(x) >= 1e20 OR s > 18 THEN round(x, s)
		ELSE CAST(round(CAST(CAST(x AS VARCHAR) AS DECIMAL(38,18)), s) AS DOUBLE) END`},
	// BRound on a double: the same with HALF_EVEN.
	{"flowc_bround_double", "x, s", `CASE WHEN NOT isfinite(x) OR abs(x) >= 1e20 OR s > 18 THEN round_even(x, s)
		ELSE CAST(round_even(CAST(CAST(x AS VARCHAR) AS DECIMAL(38,18)), s) AS DOUBLE) END`},
	// HALF_EVEN on a decimal (duckDB's round_even of a decimal goes
	// through a double): round half up, then a tie whose last kept digit
	// is odd steps back by one unit (unit = 10^-s, factor = 10^s).
	{"flowc_bround_dec", "x, s, unit, factor", `CASE WHEN abs(round(x, s) - x) * 2 = unit AND CAST(round(x, s) * factor AS HUGEINT) % 2 <> 0
		THEN round(x, s) - sign(x) * unit ELSE round(x, s) END`},
	// UTF8String.substringSQL: 1-based, 0 counts as 1, negative from the end.
	{"flowc_substart", "s, pos", `CAST(CASE WHEN pos > 0 THEN pos - 1 WHEN pos < 0 THEN length(s) + pos ELSE 0 END AS BIGINT)`},
	{"flowc_substring", "s, pos, len", `CASE WHEN s IS NULL OR pos IS NULL OR len IS NULL THEN NULL WHEN greatest(flowc_substart(s, pos), 0) >= least(flowc_substart(s, pos) + len, length(s)) THEN ''
		ELSE substring(s, greatest(flowc_substart(s, pos), 0) + 1, least(flowc_substart(s, pos) + len, length(s)) - greatest(flowc_substart(s, pos), 0)) END`},
	// UTF8String.lpad/rpad: cut to len when no padding is needed or pad is empty.
	{"flowc_pad", "s, len, pad, padded", `CASE WHEN s IS NULL OR len IS NULL OR pad IS NULL THEN NULL
		WHEN len <= length(s) OR pad = '' THEN left(s, greatest(len, 0)) ELSE padded END`},
	// InitCap: lower case, then the first letter after a space upper case.
	{"flowc_initcap", "s", `array_to_string(list_transform(string_split(lower(s), ' '), lambda w: upper(left(w, 1)) || substr(w, 2)), ' ')`},
	// StringLocate (a NULL pos is 0, as Hive) and UTF8String.indexOf.
	{"flowc_locate", "sub, s, pos", `CASE WHEN pos IS NULL THEN 0 WHEN sub IS NULL OR s IS NULL THEN NULL WHEN pos < 1 THEN 0 WHEN sub = '' THEN 1
		WHEN instr(substr(s, pos), sub) = 0 THEN 0 ELSE CAST(instr(substr(s, pos), sub) + pos - 1 AS INTEGER) END`},
	// SplitPart: an empty delimiter does not split.
	{"flowc_split_part", "s, d, n", `CASE WHEN d = '' THEN (CASE WHEN n = 1 OR n = -1 THEN s ELSE '' END) ELSE split_part(s, d, n) END`},
	// DateTimeUtils.monthsBetween with roundOff: whole months when the days
	// match or both are month ends, else days and seconds in months of 31
	// days, rounded as Math.round(diff * 1e8) / 1e8.
	{"flowc_secs_of_day", "t", `(hour(t) * 3600 + minute(t) * 60 + second(t))`},
	{"flowc_months_between", "a, b", `CASE WHEN day(a) = day(b) OR (CAST(a AS DATE) = last_day(a) AND CAST(b AS DATE) = last_day(b))
		THEN CAST((year(a) * 12 + month(a)) - (year(b) * 12 + month(b)) AS DOUBLE)
		ELSE floor((((year(a) * 12 + month(a)) - (year(b) * 12 + month(b)))
			+ ((day(a) - day(b)) * 86400 + flowc_secs_of_day(a) - flowc_secs_of_day(b)) / 2678400.0) * 1e8 + 0.5) / 1e8 END`},
	// MakeTimestamp: NULL for a field out of range; sec 60 is the next minute.
	{"flowc_make_timestamp", "y, mo, d, h, mi, sec", `CASE WHEN h BETWEEN 0 AND 23 AND mi BETWEEN 0 AND 59 THEN
		CASE WHEN sec = 60 THEN try(make_timestamp(y, mo, d, h, mi, 0.0)) + INTERVAL 1 MINUTE
		WHEN sec >= 0 AND sec < 60 THEN try(make_timestamp(y, mo, d, h, mi, CAST(sec AS DOUBLE))) END END`},
	// Double.toString: plain between 1e-3 and 1e7, else d.dddE±n.
	{"flowc_sci", "sign, digits, ex", `sign || left(digits, 1) || '.' || coalesce(nullif(substr(digits, 2), ''), '0') || 'E' || CAST(ex AS VARCHAR)`},
	{"flowc_sci_plain", "r", `CASE WHEN split_part(ltrim(r, '-'), '.', 1) <> '0'
		THEN flowc_sci(CASE WHEN left(r, 1) = '-' THEN '-' ELSE '' END, rtrim(replace(ltrim(r, '-'), '.', ''), '0'), length(split_part(ltrim(r, '-'), '.', 1)) - 1)
		ELSE flowc_sci(CASE WHEN left(r, 1) = '-' THEN '-' ELSE '' END, rtrim(ltrim(split_part(r, '.', 2), '0'), '0'),
			-(length(split_part(r, '.', 2)) - length(ltrim(split_part(r, '.', 2), '0')) + 1)) END`},
	{"flowc_double_to_string", "x", `CASE WHEN isnan(x) THEN 'NaN' WHEN x = CAST('Infinity' AS DOUBLE) THEN 'Infinity' WHEN x = CAST('-Infinity' AS DOUBLE) THEN '-Infinity'
		WHEN x = 0 OR (abs(x) >= 0.001 AND abs(x) < 10000000) THEN CAST(x AS VARCHAR)
		WHEN contains(CAST(x AS VARCHAR), 'e') THEN split_part(CAST(x AS VARCHAR), 'e', 1) || CASE WHEN contains(split_part(CAST(x AS VARCHAR), 'e', 1), '.') THEN '' ELSE '.0' END
			|| 'E' || CAST(CAST(split_part(CAST(x AS VARCHAR), 'e', 2) AS INTEGER) AS VARCHAR)
		ELSE flowc_sci_plain(CAST(x AS VARCHAR)) END`},
}

var newlines = regexp.MustCompile(`\n\s*`)

// macroStatements returns the statements that create every flowc_* macro.
// A session creates them as its statements name them (session.go).
func macroStatements() []string {
	out := make([]string, len(macros))
	for i := range macros {
		out[i] = macroStatement(i)
	}
	return out
}

// macroStatement returns the statement that creates macros[i].
func macroStatement(i int) string {
	m := macros[i]
	return "CREATE OR REPLACE TEMP MACRO " + m.name + "(" + m.params + ") AS (" + newlines.ReplaceAllString(m.body, " ") + ")"
}
