package expr

// Aggregates beyond the first catalogue (issue 12). count(DISTINCT x) and
// sum(DISTINCT x) are count and sum with DISTINCT; any aggregate takes it.

var (
	bool1  = []param{{"b", argBoolean, false}}
	byArgs = []param{{"x", argAny, false}, {"ord", argAny, false}}
)

var aggFuncs = []Func{
	{Name: "count_if", Sig: "count_if(b boolean) bigint", Doc: "number of rows where b is TRUE",
		Example: "count_if(delay > 15)", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: bool1, result: fixed(typBigint)},
	{Name: "stddev_samp", Sig: "stddev_samp(x number) double", Doc: "sample standard deviation of the non-NULL x; NULL for fewer than 2 values",
		Example: "stddev_samp(delay)", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble),
		Notes: "computed in double precision by both engines: the last digits may differ"},
	{Name: "stddev", Sig: "stddev(x number) double", Doc: "alias of stddev_samp", AliasOf: "stddev_samp", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble)},
	{Name: "std", Sig: "std(x number) double", Doc: "alias of stddev_samp", AliasOf: "stddev_samp", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble)},
	{Name: "stddev_pop", Sig: "stddev_pop(x number) double", Doc: "population standard deviation of the non-NULL x; 0.0 for one value",
		Example: "stddev_pop(delay)", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble),
		Notes: "computed in double precision by both engines: the last digits may differ"},
	{Name: "var_samp", Sig: "var_samp(x number) double", Doc: "sample variance of the non-NULL x; NULL for fewer than 2 values",
		Example: "var_samp(delay)", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble),
		Notes: "computed in double precision by both engines: the last digits may differ"},
	{Name: "variance", Sig: "variance(x number) double", Doc: "alias of var_samp", AliasOf: "var_samp", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble)},
	{Name: "var_pop", Sig: "var_pop(x number) double", Doc: "population variance of the non-NULL x; 0.0 for one value",
		Example: "var_pop(delay)", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: num1, result: fixed(typDouble),
		Notes: "computed in double precision by both engines: the last digits may differ"},
	{Name: "bool_and", Sig: "bool_and(b boolean) boolean", Doc: "TRUE when every non-NULL b is TRUE; NULL when all are NULL",
		Example: "bool_and(delay < 60)", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: bool1, result: fixed(typBoolean)},
	{Name: "every", Sig: "every(b boolean) boolean", Doc: "alias of bool_and", AliasOf: "bool_and", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: bool1, result: fixed(typBoolean)},
	{Name: "bool_or", Sig: "bool_or(b boolean) boolean", Doc: "TRUE when some non-NULL b is TRUE; NULL when all are NULL",
		Example: "bool_or(delay > 180)", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: bool1, result: fixed(typBoolean)},
	{Name: "some", Sig: "some(b boolean) boolean", Doc: "alias of bool_or", AliasOf: "bool_or", Aggregate: true, MinArgs: 1, MaxArgs: 1, params: bool1, result: fixed(typBoolean)},
	{Name: "max_by", Sig: "max_by(x any, ord any) any", Doc: "x of the row with the largest ord (rows with a NULL ord are skipped); among ties the largest non-NULL x",
		Example: "max_by(destination, delay)", Aggregate: true, MinArgs: 2, MaxArgs: 2, params: byArgs, result: sameAsFirst,
		Notes: "Spark and DuckDB pick an arbitrary row among ties: both translations order by (ord, x IS NOT NULL, x) to pick the same"},
	{Name: "min_by", Sig: "min_by(x any, ord any) any", Doc: "x of the row with the smallest ord (rows with a NULL ord are skipped); among ties a NULL x, else the smallest x",
		Example: "min_by(destination, delay)", Aggregate: true, MinArgs: 2, MaxArgs: 2, params: byArgs, result: sameAsFirst,
		Notes: "Spark and DuckDB pick an arbitrary row among ties: both translations order by (ord, x IS NOT NULL, x) to pick the same"},
}
