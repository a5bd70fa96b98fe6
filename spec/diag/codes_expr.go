package diag

// Expression codes (FC3xx), reported by spec/expr.
var exprCodes = []Code{
	{ID: "FC301", Severity: Error, Summary: "expression syntax error"},
	{ID: "FC302", Severity: Error, Summary: "unknown column in an expression"},
	{ID: "FC303", Severity: Error, Summary: "ambiguous column: several joined inputs have it; qualify it with the join alias"},
	{ID: "FC304", Severity: Error, Summary: "unknown join alias in a qualified column"},
	{ID: "FC305", Severity: Error, Summary: "unknown function"},
	{ID: "FC306", Severity: Error, Summary: "wrong number of arguments to a function"},
	{ID: "FC307", Severity: Error, Summary: "function argument of the wrong type"},
	{ID: "FC308", Severity: Error, Summary: "operator or condition applied to operands of the wrong types"},
	{ID: "FC309", Severity: Error, Summary: "aggregate function outside the measures of an aggregate step"},
	{ID: "FC310", Severity: Error, Summary: "column in an aggregate measure that is neither a group key nor aggregated"},
	{ID: "FC311", Severity: Error, Summary: "aggregate function nested inside another aggregate"},
	{ID: "FC312", Severity: Error, Summary: "CAST between types that cannot be converted"},
	{ID: "FC313", Severity: Error, Summary: "unknown or invalid type name in CAST"},
	{ID: "FC314", Severity: Error, Summary: "expression nested too deeply"},
	{ID: "FC315", Severity: Error, Summary: "CASE branches or coalesce arguments have no common type"},
	{ID: "FC316", Severity: Error, Summary: "literal out of range or not valid for the type it is used as"},
	{ID: "FC317", Severity: Error, Summary: "function argument that must be a literal is not one"},
	{ID: "FC318", Severity: Error, Summary: "unsupported date format pattern in to_date"},
	{ID: "FC319", Severity: Error, Summary: "invalid escape in a LIKE pattern"},
	{ID: "FC320", Severity: Error, Summary: "* or DISTINCT used in a call that does not take it"},
}

func init() { codeTables = append(codeTables, exprCodes) }
