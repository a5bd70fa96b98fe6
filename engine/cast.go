package engine

import (
	"github.com/flowc-dev/flowc/spec/expr"
)

// cast translates CAST(x AS to) with Spark's non-ANSI meaning: a value that
// does not convert is NULL, never an error. The cases where duckDB's own
// CAST means something else are spelled out here or in a flowc_* macro:
//
//	string -> int, bigint    trim, [+-]digits[.digits] with the fraction truncated, NULL on overflow
//	string -> double         Java's Double.parseDouble forms, inf/infinity/nan in any case
//	string -> decimal        trim, plain or exponent notation, rounded half up, NULL on overflow
//	string -> boolean        t, true, y, yes, 1 / f, false, n, no, 0 (any case, trimmed)
//	string -> date           yyyy, yyyy-[m]m, yyyy-[m]m-[d]d, then anything after ' ' or 'T'
//	string -> timestamp      yyyy-[m]m-[d]d[ T][h]h:[m]m[:[s]s[.fraction]][Z|+hh:mm]
//	double -> int, bigint    truncated toward zero, saturating, NaN is 0
//	double -> decimal        the decimal digits of the double's shortest form, half up
//	decimal -> int, bigint   truncated toward zero, NULL on overflow
//	bigint -> int            wraps around, as the JVM does
//	number -> timestamp      seconds since 1970-01-01 00:00:00 UTC
//	timestamp -> number      seconds since 1970-01-01 00:00:00 UTC (floored for integers)
//	double -> string         Java's Double.toString (1.0E7, 1.0E-4, NaN, Infinity)
func (tr *translator) cast(x expr.Expr, to expr.Type) string {
	from := x.Type()
	if from.Kind == expr.Null {
		return "CAST(NULL AS " + duckType(to) + ")"
	}
	if l, ok := x.(*expr.Lit); ok && l.Kind == expr.LitString {
		// The checker accepted the literal for this type: say it as one.
		switch to.Kind {
		case expr.Date:
			if d, ok := expr.ParseDateLiteral(l.Str); ok {
				return "DATE " + sqlString(d)
			}
		case expr.Timestamp:
			if ts, ok := expr.ParseTimestampLiteral(l.Str); ok {
				return "TIMESTAMP " + sqlString(ts)
			}
		}
	}
	s := tr.expr(x)
	T := duckType(to)
	if from == to {
		return s
	}
	switch from.Kind {
	case expr.String:
		switch to.Kind {
		case expr.Int:
			return "flowc_str_to_int(" + s + ")"
		case expr.Bigint:
			return "flowc_str_to_bigint(" + s + ")"
		case expr.Double:
			return "flowc_str_to_double(" + s + ")"
		case expr.Decimal:
			return "(CASE WHEN regexp_full_match(" + s + ", '[+-]?[0-9]{1,18}(\\.[0-9]{1,18})?') THEN TRY_CAST(" + s + " AS " + T + ")" +
				" WHEN flowc_is_decimal_text(" + s + ") THEN TRY_CAST(flowc_jtrim(" + s + ") AS " + T + ") END)"
		case expr.Boolean:
			return "flowc_str_to_boolean(" + s + ")"
		case expr.Date:
			return "flowc_str_to_date(" + s + ")"
		case expr.Timestamp:
			return "flowc_str_to_timestamp(" + s + ")"
		}
	case expr.Double:
		switch to.Kind {
		case expr.Int:
			return "flowc_double_to_int(" + s + ")"
		case expr.Bigint:
			return "flowc_double_to_bigint(" + s + ")"
		case expr.Decimal:
			return "TRY_CAST(CAST(" + s + " AS VARCHAR) AS " + T + ")"
		case expr.String:
			return "flowc_double_to_string(" + s + ")"
		case expr.Timestamp:
			return "(CASE WHEN isfinite(" + s + ") THEN try(make_timestamp(CAST(trunc(" + s + " * 1000000) AS BIGINT))) END)"
		}
	case expr.Decimal:
		switch to.Kind {
		case expr.Int, expr.Bigint:
			return "TRY_CAST(trunc(" + s + ") AS " + T + ")"
		case expr.Timestamp:
			return "try(make_timestamp(CAST(trunc(CAST(" + s + " AS DECIMAL(38,6)) * 1000000) AS BIGINT)))"
		}
	case expr.Int, expr.Bigint:
		switch {
		case from.Kind == expr.Bigint && to.Kind == expr.Int:
			return "flowc_wrap_int(" + s + ")"
		case to.Kind == expr.Timestamp:
			return "try(make_timestamp(CAST(" + s + " AS BIGINT) * 1000000))"
		}
	case expr.Timestamp:
		switch to.Kind {
		case expr.Bigint:
			return "CAST(floor(epoch_us(" + s + ") / 1000000) AS BIGINT)"
		case expr.Int:
			return "flowc_wrap_int(CAST(floor(epoch_us(" + s + ") / 1000000) AS BIGINT))"
		case expr.Double:
			return "(epoch_us(" + s + ") / 1000000.0)"
		case expr.Decimal:
			return "TRY_CAST(CAST(epoch_us(" + s + ") AS DECIMAL(38,0)) / 1000000 AS " + T + ")"
		}
	}
	return "TRY_CAST(" + s + " AS " + T + ")"
}
