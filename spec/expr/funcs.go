package expr

import (
	"sort"
	"strings"
)

// Func describes one function of the language. The catalogue is data: the
// docs generator and the translators read it, and Check applies it.
type Func struct {
	Name      string // lower-case name as written
	Sig       string // e.g. "substring(s string, pos int[, len int]) string"
	Doc       string // one line
	Aggregate bool   // count, sum, avg, min, max
	Window    bool   // row_number, lag...: only in the measures of a window step
	MinArgs   int
	MaxArgs   int    // -1: any number
	AliasOf   string // for an alias (substr), the canonical name; Check rewrites calls to it
	Example   string // an expression using it (over the columns of docs/functions.md), "" for an alias
	Notes     string // how the engines are made to agree, or what is refused; "" when nothing to say
	Category  string // the section of docs/functions.md, set in init

	params []param // the last one repeats when MaxArgs is -1
	// result computes the call's type from the argument types (Null
	// arguments already replaced by the parameter's default type) and may
	// report errors; it returns Unknown when an argument is Unknown.
	result func(c *checker, call *Call, args []Type) Type
}

// param is one parameter: its name in messages, the types it accepts, and
// whether the argument must be a literal.
type param struct {
	name    string
	class   argClass
	literal bool
}

// argClass is a set of accepted argument types.
type argClass int

const (
	argAny       argClass = iota // any type
	argString                    // string
	argInt                       // int (a bigint must be cast explicitly)
	argNumeric                   // int, bigint, decimal, double
	argDate                      // date, or timestamp truncated to its date
	argTimestamp                 // timestamp
	argDateInput                 // string, date or timestamp (to_date)
	argBoolean                   // boolean
	argIntegral                  // int or bigint
)

// argClasses: what each class accepts, how messages name it, which type a
// NULL argument takes (Spark's default for the class), and the cast to
// suggest for a string argument.
var argClasses = map[argClass]struct {
	accepts func(Type) bool
	name    string
	null    Type
}{
	argAny:       {func(Type) bool { return true }, "any type", Type{Kind: Null}},
	argString:    {func(t Type) bool { return t.Kind == String }, "string", Type{Kind: String}},
	argInt:       {func(t Type) bool { return t.Kind == Int }, "int", Type{Kind: Int}},
	argNumeric:   {Type.IsNumeric, "a number", Type{Kind: Double}},
	argDate:      {Type.IsDatetime, "date or timestamp", Type{Kind: Date}},
	argTimestamp: {func(t Type) bool { return t.Kind == Timestamp }, "timestamp", Type{Kind: Timestamp}},
	argDateInput: {func(t Type) bool { return t.Kind == String || t.IsDatetime() }, "string, date or timestamp", Type{Kind: String}},
	argBoolean:   {func(t Type) bool { return t.Kind == Boolean }, "boolean", Type{Kind: Boolean}},
	argIntegral:  {Type.IsIntegral, "int or bigint", Type{Kind: Bigint}},
}

var (
	typInt     = Type{Kind: Int}
	typBigint  = Type{Kind: Bigint}
	typDouble  = Type{Kind: Double}
	typString  = Type{Kind: String}
	typDate    = Type{Kind: Date}
	typBoolean = Type{Kind: Boolean}
)

// fixed returns a result rule with a constant type.
func fixed(t Type) func(*checker, *Call, []Type) Type {
	return func(*checker, *Call, []Type) Type { return t }
}

// sameAsFirst returns the first argument's type.
func sameAsFirst(_ *checker, _ *Call, args []Type) Type { return args[0] }

var (
	str1     = []param{{"s", argString, false}}
	num1     = []param{{"x", argNumeric, false}}
	date1    = []param{{"d", argDate, false}}
	ts1      = []param{{"ts", argTimestamp, false}}
	any1     = []param{{"x", argAny, false}}
	dateDays = []param{{"start", argDate, false}, {"days", argInt, false}}
)

// funcs is the catalogue, sorted by name in init.
var funcs = []Func{
	// Strings.
	{Name: "upper", Example: "upper(origin)", Sig: "upper(s string) string", Doc: "s in upper case", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typString)},
	{Name: "lower", Example: "lower(dep.city)", Sig: "lower(s string) string", Doc: "s in lower case", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typString)},
	{Name: "trim", Example: "trim(dep.name)", Sig: "trim(s string) string", Doc: "s without leading and trailing spaces", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typString)},
	{Name: "ltrim", Example: "ltrim(dep.name)", Sig: "ltrim(s string) string", Doc: "s without leading spaces", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typString)},
	{Name: "rtrim", Example: "rtrim(dep.name)", Sig: "rtrim(s string) string", Doc: "s without trailing spaces", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typString)},
	{Name: "length", Example: "length(dep.name)", Sig: "length(s string) int", Doc: "number of characters of s (trailing spaces count)", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typInt)},
	{Name: "substring", Example: "substring(origin, 1, 2)", Sig: "substring(s string, pos int[, len int]) string",
		Doc:     "len characters of s (all when omitted) from pos: 1 is the first, 0 counts as 1, negative counts from the end",
		MinArgs: 2, MaxArgs: 3, params: []param{{"s", argString, false}, {"pos", argInt, false}, {"len", argInt, false}}, result: fixed(typString)},
	{Name: "substr", Sig: "substr(s string, pos int[, len int]) string", Doc: "alias of substring", AliasOf: "substring",
		MinArgs: 2, MaxArgs: 3, params: []param{{"s", argString, false}, {"pos", argInt, false}, {"len", argInt, false}}, result: fixed(typString)},
	{Name: "concat", Example: "concat(origin, '-', destination)", Sig: "concat(s string, ...) string", Doc: "the strings joined; NULL if any is NULL", MinArgs: 1, MaxArgs: -1,
		params: str1, result: fixed(typString)},

	// Conditionals.
	{Name: "coalesce", Example: "coalesce(delay, 0)", Sig: "coalesce(x any, ...) any", Doc: "the first non-NULL argument, all converted to their common type",
		MinArgs: 1, MaxArgs: -1, params: any1, result: coalesceType},
	{Name: "nullif", Example: "nullif(dep.city, '')", Sig: "nullif(a any, b any) any", Doc: "NULL if a = b, else a (type of a)",
		MinArgs: 2, MaxArgs: 2, params: []param{{"a", argAny, false}, {"b", argAny, false}}, result: nullifType},

	// Numbers.
	{Name: "abs", Example: "abs(delay)", Sig: "abs(x number) number", Doc: "absolute value of x, same type", MinArgs: 1, MaxArgs: 1, params: num1, result: sameAsFirst},
	{Name: "round", Example: "round(fare * 1.1, 2)", Sig: "round(x number[, scale int]) number",
		Doc:     "x rounded half away from zero to scale digits after the point (default 0, negative rounds left of it); scale is a literal; int stays int, decimal(p,s) becomes decimal(p-s+1+min(s,scale), min(s,scale))",
		MinArgs: 1, MaxArgs: 2, params: []param{{"x", argNumeric, false}, {"scale", argInt, true}}, result: roundRule},
	{Name: "floor", Example: "floor(load_factor * 10)", Sig: "floor(x number) bigint", Doc: "largest integer <= x: bigint, or decimal(p-s+1,0) for decimal(p,s) with s > 0",
		MinArgs: 1, MaxArgs: 1, params: num1, result: floorCeilType},
	{Name: "ceil", Example: "ceil(distance / 100)", Sig: "ceil(x number) bigint", Doc: "smallest integer >= x: bigint, or decimal(p-s+1,0) for decimal(p,s) with s > 0",
		MinArgs: 1, MaxArgs: 1, params: num1, result: floorCeilType},

	// Dates and times.
	{Name: "year", Example: "year(flight_date)", Sig: "year(d date) int", Doc: "year of a date or timestamp", MinArgs: 1, MaxArgs: 1, params: date1, result: fixed(typInt)},
	{Name: "month", Example: "month(flight_date)", Sig: "month(d date) int", Doc: "month 1-12 of a date or timestamp", MinArgs: 1, MaxArgs: 1, params: date1, result: fixed(typInt)},
	{Name: "day", Example: "day(flight_date)", Sig: "day(d date) int", Doc: "day of the month 1-31 of a date or timestamp", MinArgs: 1, MaxArgs: 1, params: date1, result: fixed(typInt)},
	{Name: "hour", Example: "hour(date)", Sig: "hour(ts timestamp) int", Doc: "hour 0-23 of a timestamp", MinArgs: 1, MaxArgs: 1, params: ts1, result: fixed(typInt)},
	{Name: "minute", Example: "minute(date)", Sig: "minute(ts timestamp) int", Doc: "minute 0-59 of a timestamp", MinArgs: 1, MaxArgs: 1, params: ts1, result: fixed(typInt)},
	{Name: "second", Example: "second(date)", Sig: "second(ts timestamp) int", Doc: "second 0-59 of a timestamp (fraction dropped)", MinArgs: 1, MaxArgs: 1, params: ts1, result: fixed(typInt)},
	{Name: "to_date", Example: "to_date(origin, 'dd/MM/yyyy')", Sig: "to_date(s string|date|timestamp[, format string]) date",
		Doc:     "s as a date: a string 'YYYY-MM-DD' (or parsed by format, a literal such as 'dd/MM/yyyy'), or a timestamp's date; NULL when it does not parse",
		MinArgs: 1, MaxArgs: 2, params: []param{{"s", argDateInput, false}, {"format", argString, true}}, result: toDateType},
	{Name: "make_date", Example: "make_date(2001, 1, 17)", Sig: "make_date(year int, month int, day int) date", Doc: "the date of year, month, day; NULL when there is no such day",
		MinArgs: 3, MaxArgs: 3, params: []param{{"year", argInt, false}, {"month", argInt, false}, {"day", argInt, false}}, result: fixed(typDate)},
	{Name: "date_add", Example: "date_add(flight_date, 7)", Sig: "date_add(start date, days int) date", Doc: "start plus days (a timestamp is truncated to its date first)",
		MinArgs: 2, MaxArgs: 2, params: dateDays, result: fixed(typDate)},
	{Name: "date_sub", Example: "date_sub(flight_date, 7)", Sig: "date_sub(start date, days int) date", Doc: "start minus days (a timestamp is truncated to its date first)",
		MinArgs: 2, MaxArgs: 2, params: dateDays, result: fixed(typDate)},
	{Name: "datediff", Example: "datediff(flight_date, DATE '2001-01-01')", Sig: "datediff(end date, start date) int", Doc: "days from start to end (timestamps are truncated to their dates first)",
		MinArgs: 2, MaxArgs: 2, params: []param{{"end", argDate, false}, {"start", argDate, false}}, result: fixed(typInt)},

	// Aggregates.
	{Name: "count", Example: "count(DISTINCT origin)", Sig: "count(*) bigint, count([DISTINCT] x any) bigint", Doc: "number of rows, of non-NULL x, or of distinct non-NULL x",
		Aggregate: true, MinArgs: 1, MaxArgs: 1, params: any1, result: fixed(typBigint)},
	{Name: "sum", Example: "sum(distance)", Sig: "sum([DISTINCT] x number) number", Doc: "sum of the non-NULL x: bigint for int and bigint, double for double, decimal(p+10,s) for decimal(p,s)",
		Aggregate: true, MinArgs: 1, MaxArgs: 1, params: num1, result: sumType},
	{Name: "avg", Example: "avg(delay)", Sig: "avg([DISTINCT] x number) number", Doc: "mean of the non-NULL x: double, or decimal(p+4,s+4) for decimal(p,s)",
		Aggregate: true, MinArgs: 1, MaxArgs: 1, params: num1, result: avgType},
	{Name: "min", Example: "min(flight_date)", Sig: "min(x any) any", Doc: "smallest non-NULL x, same type", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: any1, result: sameAsFirst},
	{Name: "max", Example: "max(delay)", Sig: "max(x any) any", Doc: "largest non-NULL x, same type", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: any1, result: sameAsFirst},
}

var funcIndex = map[string]*Func{}

// categories are the sections of docs/functions.md, in order.
var categories = []string{"Strings", "Regular expressions", "Numbers", "Conditionals", "Dates and times", "Aggregates", "Window functions"}

var baseCategories = map[string]string{
	"coalesce": "Conditionals", "nullif": "Conditionals", "if": "Conditionals", "ifnull": "Conditionals", "nvl": "Conditionals",
	"nvl2": "Conditionals", "greatest": "Conditionals", "least": "Conditionals",
	"abs": "Numbers", "round": "Numbers", "floor": "Numbers", "ceil": "Numbers",
}

func init() {
	for i := range funcs {
		funcs[i].Category = "Strings"
		if cl := funcs[i].params[0].class; cl == argDate || cl == argTimestamp || funcs[i].Name == "make_date" || funcs[i].Name == "to_date" {
			funcs[i].Category = "Dates and times"
		}
	}
	for _, g := range []struct {
		cat string
		fs  []Func
	}{{"Numbers", condNumFuncs}, {"Strings", strFuncs}, {"Regular expressions", regexFuncs}, {"Dates and times", dateFuncs}, {"Aggregates", aggFuncs}, {"Window functions", windowFuncs}} {
		for _, f := range g.fs {
			f.Category = g.cat
			funcs = append(funcs, f)
		}
	}
	for i := range funcs {
		if c, ok := baseCategories[funcs[i].Name]; ok {
			funcs[i].Category = c
		}
		if funcs[i].Aggregate {
			funcs[i].Category = "Aggregates"
		}
	}
	sort.Slice(funcs, func(i, j int) bool { return funcs[i].Name < funcs[j].Name })
	for i := range funcs {
		funcIndex[funcs[i].Name] = &funcs[i]
	}
}

// Funcs returns the catalogue sorted by name (aliases included).
func Funcs() []Func { return append([]Func(nil), funcs...) }

// LookupFunc finds a function by name, case-insensitively.
func LookupFunc(name string) (Func, bool) {
	f, ok := funcIndex[strings.ToLower(name)]
	if !ok {
		return Func{}, false
	}
	return *f, true
}

func funcNames() []string {
	out := make([]string, len(funcs))
	for i, f := range funcs {
		out[i] = f.Name
	}
	return out
}

// param returns the i-th parameter, repeating the last for variadic
// functions.
func (f *Func) param(i int) param {
	if i >= len(f.params) {
		return f.params[len(f.params)-1]
	}
	return f.params[i]
}
