package expr

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Dates and times beyond the first catalogue (issue 12). Timestamps have
// no time zone: Spark runs with the session time zone UTC.

var (
	unitParam  = param{"unit", argString, true}
	fmtParam   = param{"format", argString, true}
	intParams5 = []param{{"year", argInt, false}, {"month", argInt, false}, {"day", argInt, false}, {"hour", argInt, false}, {"min", argInt, false}, {"sec", argNumeric, false}}
	tzParams   = []param{{"ts", argDate, false}, {"tz", argString, true}}
)

var dateFuncs = []Func{
	{Name: "date_trunc", Sig: "date_trunc(unit string, ts timestamp) timestamp",
		Doc:     "ts truncated to the start of its unit: 'year', 'quarter', 'month', 'week' (Monday), 'day', 'hour', 'minute', 'second', 'millisecond' or 'microsecond' (a literal, any case; also 'yyyy', 'yy', 'mon', 'mm', 'dd')",
		Example: "date_trunc('month', date)", MinArgs: 2, MaxArgs: 2, params: []param{unitParam, {"ts", argDate, false}}, result: truncRule},
	{Name: "trunc", Sig: "trunc(d date, unit string) date",
		Doc:     "d truncated to the start of its unit: 'year', 'quarter', 'month' or 'week' (Monday) (a literal, any case; also 'yyyy', 'yy', 'mon', 'mm')",
		Example: "trunc(flight_date, 'month')", MinArgs: 2, MaxArgs: 2, params: []param{{"d", argDate, false}, unitParam}, result: truncRule},
	{Name: "date_format", Sig: "date_format(ts timestamp, format string) string",
		Doc:     "ts as text in format, a literal Java pattern of yyyy, yy, M, MM, MMM, MMMM, d, dd, D, DDD, H, HH, h, hh, m, mm, s, ss, SSS, SSSSSS, a, E, EEE, EEEE, the separators \" -/.:,_\" and 'quoted text'",
		Example: "date_format(date, 'yyyy-MM')", MinArgs: 2, MaxArgs: 2, params: []param{{"ts", argDate, false}, fmtParam}, result: dateFormatRule,
		Notes: "DuckDB formats with strftime: the pattern is translated, and letters with no strftime equivalent are refused"},
	{Name: "to_timestamp", Sig: "to_timestamp(s string|date|timestamp[, format string]) timestamp",
		Doc:     "s as a timestamp: a string cast as CAST(s AS timestamp) (or parsed by format, a literal such as 'dd/MM/yyyy HH:mm'), or a date's midnight; NULL when it does not parse",
		Example: "to_timestamp(origin, 'yyyy-MM-dd HH:mm:ss')", MinArgs: 1, MaxArgs: 2,
		params: []param{{"s", argDateInput, false}, fmtParam}, result: parsedRule(Type{Kind: Timestamp})},
	{Name: "unix_timestamp", Sig: "unix_timestamp(s string|date|timestamp[, format string]) bigint",
		Doc:     "seconds from 1970-01-01 00:00:00 UTC to s (a string is parsed by format, default 'yyyy-MM-dd HH:mm:ss'; NULL when it does not parse); fractions are truncated toward zero",
		Example: "unix_timestamp(date)", MinArgs: 1, MaxArgs: 2,
		params: []param{{"s", argDateInput, false}, fmtParam}, result: parsedRule(typBigint),
		Notes: "unix_timestamp() without an argument is the current time, which is refused"},
	{Name: "from_unixtime", Sig: "from_unixtime(seconds bigint[, format string]) string",
		Doc:     "the UTC time seconds after 1970-01-01 00:00:00 as text in format (default 'yyyy-MM-dd HH:mm:ss'; the patterns of date_format)",
		Example: "from_unixtime(dep_epoch)", MinArgs: 1, MaxArgs: 2,
		params: []param{{"seconds", argIntegral, false}, fmtParam}, result: dateFormatRule},
	{Name: "dayofweek", Sig: "dayofweek(d date) int", Doc: "day of the week 1-7, 1 being Sunday and 7 Saturday",
		Example: "dayofweek(flight_date)", MinArgs: 1, MaxArgs: 1, params: date1, result: fixed(typInt),
		Notes: "DuckDB's dayofweek counts from 0: the translation adds 1"},
	{Name: "dayofyear", Sig: "dayofyear(d date) int", Doc: "day of the year 1-366",
		Example: "dayofyear(flight_date)", MinArgs: 1, MaxArgs: 1, params: date1, result: fixed(typInt)},
	{Name: "weekofyear", Sig: "weekofyear(d date) int", Doc: "ISO 8601 week of the year 1-53: weeks start on Monday, week 1 holds the year's first Thursday (2021-01-01 is in week 53)",
		Example: "weekofyear(flight_date)", MinArgs: 1, MaxArgs: 1, params: date1, result: fixed(typInt)},
	{Name: "quarter", Sig: "quarter(d date) int", Doc: "quarter of the year 1-4",
		Example: "quarter(flight_date)", MinArgs: 1, MaxArgs: 1, params: date1, result: fixed(typInt)},
	{Name: "last_day", Sig: "last_day(d date) date", Doc: "the last day of d's month",
		Example: "last_day(flight_date)", MinArgs: 1, MaxArgs: 1, params: date1, result: fixed(typDate)},
	{Name: "add_months", Sig: "add_months(start date, months int) date", Doc: "start plus months; a day past the end of the target month becomes its last day (2001-01-31 plus 1 is 2001-02-28)",
		Example: "add_months(flight_date, 1)", MinArgs: 2, MaxArgs: 2, params: []param{{"start", argDate, false}, {"months", argInt, false}}, result: fixed(typDate)},
	{Name: "months_between", Sig: "months_between(end timestamp, start timestamp) double",
		Doc:     "months from start to end: whole when the days of the month are equal or both are month ends, else the day and time difference counted in months of 31 days, rounded to 8 digits",
		Example: "months_between(date, flight_date)", MinArgs: 2, MaxArgs: 2, params: []param{{"end", argDate, false}, {"start", argDate, false}}, result: fixed(typDouble)},
	{Name: "next_day", Sig: "next_day(start date, weekday string) date",
		Doc:     "the first date after start that falls on weekday, a literal such as 'Mon', 'monday' or 'MO'",
		Example: "next_day(flight_date, 'Sunday')", MinArgs: 2, MaxArgs: 2, params: []param{{"start", argDate, false}, {"weekday", argString, true}}, result: nextDayRule},
	{Name: "make_timestamp", Sig: "make_timestamp(year int, month int, day int, hour int, min int, sec number) timestamp",
		Doc:     "the timestamp of those fields, sec with its fraction (up to microseconds); sec 60 is the next minute; NULL when there is no such time",
		Example: "make_timestamp(2001, 1, 17, 6, 5, 7.5)", MinArgs: 6, MaxArgs: 6, params: intParams5, result: fixed(Type{Kind: Timestamp}),
		Notes: "DuckDB normalises an hour of 24 and fails on other bad fields: the translation gives NULL as Spark"},
	{Name: "from_utc_timestamp", Sig: "from_utc_timestamp(ts timestamp, tz string) timestamp",
		Doc:     "the local time in tz (a literal region such as 'Europe/Paris', or 'UTC') of ts read as UTC",
		Example: "from_utc_timestamp(date, 'America/New_York')", MinArgs: 2, MaxArgs: 2, params: tzParams, result: tzRule,
		Notes: "DuckDB converts with ICU: only region names and UTC, which both engines know, are accepted"},
	{Name: "to_utc_timestamp", Sig: "to_utc_timestamp(ts timestamp, tz string) timestamp",
		Doc:     "the UTC time of ts read as local time in tz (a literal region such as 'Europe/Paris', or 'UTC')",
		Example: "to_utc_timestamp(date, 'Europe/Paris')", MinArgs: 2, MaxArgs: 2, params: tzParams, result: tzRule,
		Notes: "DuckDB converts with ICU: only region names and UTC, which both engines know, are accepted"},
}

// TruncUnits maps the units of date_trunc (all) and trunc (those up to
// week) to DuckDB's date_trunc part.
var TruncUnits = map[string]string{
	"year": "year", "yyyy": "year", "yy": "year", "quarter": "quarter", "month": "month", "mon": "month", "mm": "month",
	"week": "week", "day": "day", "dd": "day", "hour": "hour", "minute": "minute", "second": "second",
	"millisecond": "millisecond", "microsecond": "microsecond",
}

var dateOnlyUnits = map[string]bool{"year": true, "quarter": true, "month": true, "week": true}

func truncRule(c *checker, n *Call, _ []Type) Type {
	res, ui := Type{Kind: Timestamp}, 0
	if n.Name == "trunc" {
		res, ui = typDate, 1
	}
	l := n.Args[ui].(*Lit)
	part, ok := TruncUnits[strings.ToLower(l.Str)]
	if ok && n.Name == "trunc" && !dateOnlyUnits[part] {
		ok = false
	}
	if !ok {
		hint := "use 'year', 'quarter', 'month', 'week', 'day', 'hour', 'minute' or 'second'"
		if n.Name == "trunc" {
			hint = "use 'year', 'quarter', 'month' or 'week'; date_trunc truncates to days and below"
		}
		c.report(l.Sp, codeBadLiteral, hint, "%s does not know the unit %s", n.Name, Format(l))
		return Type{}
	}
	return res
}

// dateFormatRule checks the format of date_format and from_unixtime.
func dateFormatRule(c *checker, n *Call, _ []Type) Type {
	if len(n.Args) == 2 {
		l := n.Args[1].(*Lit)
		if _, err := StrftimeFormat(l.Str); err != nil {
			pe := err.(*patternError)
			c.report(litSpan(l, pe.Offset, pe.Offset+pe.Len), codeBadDateFormat,
				"use yyyy, yy, M, MM, MMM, MMMM, d, dd, D, DDD, H, HH, h, hh, m, mm, s, ss, SSS, SSSSSS, a, E, EEEE, the separators \" -/.:,_\" and 'quoted text'",
				"invalid date format %s: %v", Format(l), err)
			return Type{}
		}
	}
	return typString
}

// parsedRule is the rule of to_timestamp and unix_timestamp: with a
// format, the input is a string and the format one StrptimeFormat reads.
func parsedRule(res Type) func(*checker, *Call, []Type) Type {
	return func(c *checker, n *Call, args []Type) Type {
		if len(n.Args) == 2 {
			if args[0].Kind != String {
				c.report(n.Args[0].Span(), codeArgType, fmt.Sprintf("drop the format: %s(%s)", n.Name, Format(n.Args[0])),
					"%s with a format expects string, got %s", n.Name, args[0])
				return Type{}
			}
			l := n.Args[1].(*Lit)
			if _, err := StrptimeFormat(l.Str); err != nil {
				c.report(l.Sp, codeBadDateFormat, "e.g. 'yyyy-MM-dd HH:mm:ss' or 'dd/MM/yyyy HH:mm'", "invalid date format %s: %v", Format(l), err)
				return Type{}
			}
		}
		return res
	}
}

// Weekdays maps the names next_day accepts to ISO day numbers (Monday 1).
var Weekdays = map[string]int{}

func init() {
	for i, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		Weekdays[d], Weekdays[d[:3]], Weekdays[d[:2]] = i+1, i+1, i+1
	}
}

func nextDayRule(c *checker, n *Call, _ []Type) Type {
	l := n.Args[1].(*Lit)
	if _, ok := Weekdays[strings.ToLower(l.Str)]; !ok {
		c.report(l.Sp, codeBadLiteral, "e.g. 'Mon', 'Monday' or 'MO'", "next_day does not know the weekday %s", Format(l))
		return Type{}
	}
	return typDate
}

var tzRegion = regexp.MustCompile(`^(UTC|[A-Z][A-Za-z]+(/[A-Z][A-Za-z_+-]*[A-Za-z_]){1,2})$`)

func tzRule(c *checker, n *Call, _ []Type) Type {
	l := n.Args[1].(*Lit)
	if !tzRegion.MatchString(l.Str) {
		c.report(l.Sp, codeBadLiteral, "use a region such as 'Europe/Paris' or 'America/New_York', or 'UTC'",
			"time zone %s is not supported: offsets and abbreviations read differently on the two engines", Format(l))
		return Type{}
	}
	return Type{Kind: Timestamp}
}

// strftimeFields are the pattern letters date_format accepts: for each
// run length, the strftime directive (DuckDB).
var strftimeFields = map[byte]map[int]string{
	'y': {2: "%y", 4: "%Y"},
	'M': {1: "%-m", 2: "%m", 3: "%b", 4: "%B"},
	'd': {1: "%-d", 2: "%d"},
	'D': {1: "%-j", 3: "%j"},
	'H': {1: "%-H", 2: "%H"},
	'h': {1: "%-I", 2: "%I"},
	'm': {1: "%-M", 2: "%M"},
	's': {1: "%-S", 2: "%S"},
	'S': {3: "%g", 6: "%f"},
	'a': {1: "%p"},
	'E': {1: "%a", 2: "%a", 3: "%a", 4: "%A"},
}

// patternError is why StrftimeFormat refused a pattern: the byte range
// of the pattern at fault.
type patternError struct {
	Offset, Len int
	Msg         string
}

func (e *patternError) Error() string { return e.Msg }

// patternHints name what a refused letter is in Java.
var patternHints = map[byte]string{
	'Y': "Y is the week-based year: use yyyy",
	'u': "u is not supported: use E for the day of the week or yyyy for the year",
	'w': "w (week of the year) has no common meaning: use weekofyear(ts)",
	'T': "quote letters that are text: 'T'",
	'Z': "timestamps have no time zone: quote a fixed suffix, e.g. 'Z'",
	'X': "timestamps have no time zone: quote a fixed suffix, e.g. 'Z'",
}

// StrftimeFormat checks a date_format pattern (Java pattern letters, see
// strftimeFields) and returns the strftime format for DuckDB; the error is
// a *patternError.
func StrftimeFormat(pattern string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'':
			if strings.HasPrefix(pattern[i:], "''") {
				b.WriteByte('\'')
				i += 2
				continue
			}
			fallthrough
		case strings.IndexByte(dateFormatSeparators, c) >= 0:
			n := patternText(&b, pattern, i)
			if n == 0 {
				return "", &patternError{i, len(pattern) - i, "quoted text is empty or not closed"}
			}
			i += n
		default:
			j := i
			for j < len(pattern) && pattern[j] == c {
				j++
			}
			f, ok := strftimeFields[c]
			if !ok {
				msg := fmt.Sprintf("unsupported pattern character %q", string(c))
				if h := patternHints[c]; h != "" {
					msg += "; " + h
				}
				return "", &patternError{i, j - i, msg}
			}
			d, ok := f[j-i]
			if !ok {
				return "", &patternError{i, j - i, fmt.Sprintf("pattern %q is not supported", pattern[i:j])}
			}
			b.WriteString(d)
			i = j
		}
	}
	return b.String(), nil
}

// refusedFuncs are functions flowc knows and refuses, with why and what
// to do instead.
var refusedFuncs = map[string][2]string{
	"current_date":                {"its value depends on when the job runs, so a rerun would give other rows", "use a column of the data, e.g. its partition date"},
	"current_timestamp":           {"its value depends on when the job runs, so a rerun would give other rows", "use a column of the data, e.g. its partition date"},
	"now":                         {"its value depends on when the job runs, so a rerun would give other rows", "use a column of the data, e.g. its partition date"},
	"localtimestamp":              {"its value depends on when the job runs, so a rerun would give other rows", "use a column of the data, e.g. its partition date"},
	"rand":                        {"it is random, so a rerun would give other rows", "derive a stable value from the row, e.g. md5 of its key"},
	"random":                      {"it is random, so a rerun would give other rows", "derive a stable value from the row, e.g. md5 of its key"},
	"randn":                       {"it is random, so a rerun would give other rows", "derive a stable value from the row, e.g. md5 of its key"},
	"uuid":                        {"it is random, so a rerun would give other rows", "derive a stable key from the row, e.g. md5(concat_ws('/', a, b))"},
	"monotonically_increasing_id": {"its values depend on how Spark partitions the data", "derive a stable key from the row, e.g. md5(concat_ws('/', a, b))"},
	"input_file_name":             {"the local engine reads other file names than Glue", "use the source's partition columns"},
	"approx_count_distinct":       {"Spark's HyperLogLog++ and DuckDB's HyperLogLog give different estimates, with no bound flowc can promise", "use count(DISTINCT x), which is exact on both"},
	"percentile_approx":           {"Spark's and DuckDB's approximations pick different values, with no bound flowc can promise", "use min, max, avg or stddev_samp"},
	"approx_percentile":           {"Spark's and DuckDB's approximations pick different values, with no bound flowc can promise", "use min, max, avg or stddev_samp"},
}

// refusedList lists the functions that are refused, sorted by name,
// each with the reason and the hint.
func refusedList() [][3]string {
	var out [][3]string
	for name, r := range refusedFuncs {
		out = append(out, [3]string{name, r[0], r[1]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
