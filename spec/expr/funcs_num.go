package expr

// Conditionals and numbers beyond the first catalogue (issue 12). Spark
// 3.3's meaning is the reference: the notes say how DuckDB is made to agree.

var (
	any2   = []param{{"a", argAny, false}, {"b", argAny, false}}
	num2   = []param{{"x", argNumeric, false}, {"y", argNumeric, false}}
	scaled = []param{{"x", argNumeric, false}, {"scale", argInt, true}}
)

var condNumFuncs = []Func{
	{Name: "if", Sig: "if(cond boolean, a any, b any) any", Doc: "a when cond is TRUE, else b (also when cond is NULL), in the common type of a and b",
		Example: "if(delay > 15, 'late', 'on time')",
		MinArgs: 3, MaxArgs: 3, params: []param{{"cond", argBoolean, false}, {"a", argAny, false}, {"b", argAny, false}},
		result: func(c *checker, n *Call, _ []Type) Type { return c.unify(n.Args[1:], "if branches") }},
	{Name: "ifnull", Sig: "ifnull(a any, b any) any", Doc: "a unless it is NULL, then b, in their common type (coalesce of two)",
		Example: "ifnull(delay, 0)", MinArgs: 2, MaxArgs: 2, params: any2,
		result: func(c *checker, n *Call, _ []Type) Type { return c.unify(n.Args, "ifnull arguments") }},
	{Name: "nvl", Sig: "nvl(a any, b any) any", Doc: "alias of ifnull", AliasOf: "ifnull", MinArgs: 2, MaxArgs: 2, params: any2,
		result: func(c *checker, n *Call, _ []Type) Type { return c.unify(n.Args, "ifnull arguments") }},
	{Name: "nvl2", Sig: "nvl2(x any, a any, b any) any", Doc: "a when x is not NULL, else b, in the common type of a and b",
		Example: "nvl2(delay, 'reported', 'missing')",
		MinArgs: 3, MaxArgs: 3, params: []param{{"x", argAny, false}, {"a", argAny, false}, {"b", argAny, false}},
		result: func(c *checker, n *Call, _ []Type) Type { return c.unify(n.Args[1:], "nvl2 branches") }},

	{Name: "greatest", Sig: "greatest(x any, y any, ...) any", Doc: "the largest non-NULL argument (NULL if all are), in their common type; NaN is larger than any number",
		Example: "greatest(delay, 0)", MinArgs: 2, MaxArgs: -1, params: any1,
		result: func(c *checker, n *Call, _ []Type) Type { return c.unify(n.Args, "greatest arguments") }},
	{Name: "least", Sig: "least(x any, y any, ...) any", Doc: "the smallest non-NULL argument (NULL if all are), in their common type",
		Example: "least(delay, 60)", MinArgs: 2, MaxArgs: -1, params: any1,
		result: func(c *checker, n *Call, _ []Type) Type { return c.unify(n.Args, "least arguments") }},
	{Name: "mod", Sig: "mod(x number, y number) number", Doc: "x % y: the remainder with the sign of x, NULL when y is 0; typed as %",
		Example: "mod(delay, 60)", MinArgs: 2, MaxArgs: 2, params: num2, result: modType},
	{Name: "pmod", Sig: "pmod(x number, y number) number", Doc: "the remainder of x / y made non-negative for a positive y (pmod(-7, 3) is 2), NULL when y is 0; typed as %",
		Example: "pmod(delay, 7)", MinArgs: 2, MaxArgs: 2, params: num2, result: modType,
		Notes: "DuckDB: (x % y + y) % y where x % y is negative, as Spark's Pmod"},
	{Name: "power", Sig: "power(x number, y number) double", Doc: "x raised to y as doubles (power(0, -1) is Infinity, a negative x to a fraction NaN)",
		Example: "power(load_factor, 2)", MinArgs: 2, MaxArgs: 2, params: num2, result: fixed(typDouble)},
	{Name: "pow", Sig: "pow(x number, y number) double", Doc: "alias of power", AliasOf: "power", MinArgs: 2, MaxArgs: 2, params: num2, result: fixed(typDouble)},
	{Name: "sqrt", Sig: "sqrt(x number) double", Doc: "square root of x as a double; NaN for a negative x",
		Example: "sqrt(load_factor)", MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble),
		Notes: "DuckDB fails on a negative x: the translation gives NaN"},
	{Name: "exp", Sig: "exp(x number) double", Doc: "e raised to x as a double (Infinity when too large)",
		Example: "exp(load_factor)", MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble)},
	{Name: "ln", Sig: "ln(x number) double", Doc: "natural logarithm of x; NULL when x <= 0",
		Example: "ln(load_factor)", MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble),
		Notes: "DuckDB fails when x <= 0: the translation gives NULL"},
	{Name: "log10", Sig: "log10(x number) double", Doc: "base-10 logarithm of x; NULL when x <= 0",
		Example: "log10(distance)", MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble),
		Notes: "DuckDB fails when x <= 0: the translation gives NULL"},
	{Name: "sign", Sig: "sign(x number) double", Doc: "-1.0, 0.0 or 1.0 by the sign of x, as a double; NaN for NaN, -0.0 for -0.0",
		Example: "sign(delay)", MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble),
		Notes: "DuckDB's sign is an integer and 0 for NaN: the translation keeps Spark's double"},
	{Name: "signum", Sig: "signum(x number) double", Doc: "alias of sign", AliasOf: "sign", MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble)},
	{Name: "bround", Sig: "bround(x number[, scale int]) number",
		Doc:     "x rounded half to even (banker's rounding) to scale digits after the point (default 0, negative rounds left of it); scale is a literal; typed as round",
		Example: "bround(fare, 1)", MinArgs: 1, MaxArgs: 2, params: scaled, result: roundRule,
		Notes: "a double is rounded on its shortest decimal form, as Spark (BigDecimal of Double.toString)"},
}

// modType is the type of x % y.
func modType(c *checker, n *Call, args []Type) Type {
	return arithType("%", n.Args[0], n.Args[1], args[0], args[1])
}
