package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind of a value type.
type Kind int

// The kinds of value. Unknown is the type of a node before Check, or of a
// node whose type could not be determined because of an error; Null is the
// type of the NULL literal, which converts to any other type.
const (
	Unknown Kind = iota
	Null
	Boolean
	Int
	Bigint
	Double
	Decimal
	String
	Date
	Timestamp
)

var kindNames = [...]string{
	Unknown:   "unknown",
	Null:      "null",
	Boolean:   "boolean",
	Int:       "int",
	Bigint:    "bigint",
	Double:    "double",
	Decimal:   "decimal",
	String:    "string",
	Date:      "date",
	Timestamp: "timestamp",
}

// String returns the kind's name, e.g. "bigint".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// MaxDecimalPrecision is the largest decimal precision (Spark's and
// DuckDB's limit).
const MaxDecimalPrecision = 38

// Type is a value type. Precision and Scale are used only for Decimal.
type Type struct {
	Kind             Kind
	Precision, Scale int
}

// DecimalOf returns decimal(p,s). It does not validate p and s.
func DecimalOf(p, s int) Type { return Type{Kind: Decimal, Precision: p, Scale: s} }

// String renders the type as in the spec: "int", "decimal(10,2)", ...
func (t Type) String() string {
	if t.Kind == Decimal {
		return fmt.Sprintf("decimal(%d,%d)", t.Precision, t.Scale)
	}
	return t.Kind.String()
}

// IsNumeric reports whether t is int, bigint, decimal or double.
func (t Type) IsNumeric() bool {
	switch t.Kind {
	case Int, Bigint, Decimal, Double:
		return true
	}
	return false
}

// IsIntegral reports whether t is int or bigint.
func (t Type) IsIntegral() bool { return t.Kind == Int || t.Kind == Bigint }

// IsDatetime reports whether t is date or timestamp.
func (t Type) IsDatetime() bool { return t.Kind == Date || t.Kind == Timestamp }

// typeNames are the names a user may write, in the order error messages
// list them.
var typeNames = []string{"string", "int", "bigint", "double", "decimal(p,s)", "boolean", "date", "timestamp"}

// typeNameList returns the type names of the language in the order the spec
// lists them ("decimal(p,s)" stands for every decimal type).
func typeNameList() []string { return append([]string(nil), typeNames...) }

var simpleTypes = map[string]Kind{
	"string": String, "int": Int, "bigint": Bigint, "double": Double,
	"boolean": Boolean, "date": Date, "timestamp": Timestamp,
}

// typeAliases maps type names of other SQL dialects to the name to use
// instead; they are not accepted, only suggested.
var typeAliases = map[string]string{
	"integer": "int", "smallint": "int", "tinyint": "int", "short": "int", "byte": "int",
	"long": "bigint", "int8": "bigint", "int64": "bigint",
	"float": "double", "real": "double", "float8": "double", "double precision": "double",
	"varchar": "string", "char": "string", "text": "string", "character": "string",
	"bool":    "boolean",
	"numeric": "decimal(p,s)", "dec": "decimal(p,s)", "number": "decimal(p,s)",
	"datetime": "timestamp", "timestamptz": "timestamp", "timestamp_ntz": "timestamp",
}

// typeError is why a type name was rejected: a message and a hint.
type typeError struct{ msg, hint string }

// resolveType turns a parsed type name (with its parenthesised integer
// parameters, when present) into a Type. With fold, the name is
// case-insensitive (inside CAST, where keywords are); otherwise names are
// lower-case as in the spec.
func resolveType(name string, params []int, hasParams, fold bool) (Type, *typeError) {
	key := name
	if fold {
		key = strings.ToLower(name)
	}
	if k, ok := simpleTypes[key]; ok {
		if hasParams {
			return Type{}, &typeError{msg: fmt.Sprintf("type %s takes no parameters", key)}
		}
		return Type{Kind: k}, nil
	}
	if key == "decimal" {
		if !hasParams || len(params) != 2 {
			return Type{}, &typeError{msg: "decimal needs a precision and a scale", hint: "write decimal(p,s), e.g. decimal(10,2)"}
		}
		p, s := params[0], params[1]
		if p < 1 || p > MaxDecimalPrecision {
			return Type{}, &typeError{msg: fmt.Sprintf("decimal precision must be between 1 and %d, got %d", MaxDecimalPrecision, p)}
		}
		if s < 0 || s > p {
			return Type{}, &typeError{msg: fmt.Sprintf("decimal scale must be between 0 and the precision %d, got %d", p, s)}
		}
		return DecimalOf(p, s), nil
	}
	te := &typeError{msg: fmt.Sprintf("unknown type %q", name)}
	lower := strings.ToLower(name)
	if alias, ok := typeAliases[lower]; ok {
		te.hint = "use " + alias
	} else if s := Suggest(name, append(mapKeys(simpleTypes), "decimal")); s != "" {
		if s == "decimal" {
			s = "decimal(p,s)"
		}
		te.hint = fmt.Sprintf("did you mean %s?", s)
	} else {
		te.hint = "valid types are " + strings.Join(typeNames, ", ")
	}
	return Type{}, te
}

// ParseType parses a column type as written in the spec: string, int,
// bigint, double, decimal(p,s), boolean, date or timestamp. Names are
// lower-case; spaces are allowed around the parts of decimal( p , s ), and
// 1 <= p <= 38, 0 <= s <= p. The error lists the valid names.
func ParseType(s string) (Type, error) {
	i := 0
	skip := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	skip()
	start := i
	for i < len(s) && isIdentByte(s[i]) {
		i++
	}
	name := s[start:i]
	skip()
	var params []int
	hasParams := false
	if name != "" && i < len(s) && s[i] == '(' {
		hasParams = true
		i++
		for {
			skip()
			ds := i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if ds == i || i-ds > 4 {
				return Type{}, fmt.Errorf("invalid type %q: expected a number inside the parentheses, e.g. decimal(10,2)", s)
			}
			n, _ := strconv.Atoi(s[ds:i])
			params = append(params, n)
			skip()
			if i < len(s) && s[i] == ',' && len(params) < 2 {
				i++
				continue
			}
			if i < len(s) && s[i] == ')' {
				i++
				break
			}
			return Type{}, fmt.Errorf("invalid type %q: expected decimal(p,s)", s)
		}
		skip()
	}
	if name == "" || i != len(s) {
		return Type{}, fmt.Errorf("invalid type %q; valid types are %s", s, strings.Join(typeNames, ", "))
	}
	t, te := resolveType(name, params, hasParams, false)
	if te != nil {
		msg := te.msg
		if te.hint != "" {
			msg += "; " + te.hint
		}
		if !strings.Contains(msg, "valid types are") {
			msg += "; valid types are " + strings.Join(typeNames, ", ")
		}
		return Type{}, fmt.Errorf("%s", msg)
	}
	return t, nil
}

// Numeric type rules (Spark SQL, non-ANSI mode).
//
// Widening order is int < bigint < decimal < double. Where a decimal meets an
// integral type, the integral type is first read as the decimal that holds
// every value of it: int as decimal(10,0), bigint as decimal(20,0) (Spark's
// DecimalType.forType). An integer *literal* next to a decimal in an
// arithmetic operator is read as the narrowest decimal that holds it, e.g.
// 2 as decimal(1,0) (Spark's spark.sql.legacy.literal.pickMinimumPrecision,
// true by default); see literalDecimal.

// asDecimal returns the decimal type that holds every value of t.
func asDecimal(t Type) Type {
	switch t.Kind {
	case Int:
		return DecimalOf(10, 0)
	case Bigint:
		return DecimalOf(20, 0)
	}
	return t
}

// boundedDecimal caps precision and scale at 38 (Spark's DecimalType.bounded).
func boundedDecimal(p, s int) Type {
	return DecimalOf(min(p, MaxDecimalPrecision), min(s, MaxDecimalPrecision))
}

// adjustDecimal is Spark's DecimalType.adjustPrecisionScale with
// spark.sql.decimalOperations.allowPrecisionLoss=true (the default): a result
// wider than 38 digits keeps its integral digits and gives up scale, down to
// a minimum scale of min(s, 6).
func adjustDecimal(p, s int) Type {
	if p <= MaxDecimalPrecision {
		return DecimalOf(p, s)
	}
	intDigits := p - s
	minScale := min(s, 6)
	return DecimalOf(MaxDecimalPrecision, max(MaxDecimalPrecision-intDigits, minScale))
}

// decimalRules give the result precision and scale of an arithmetic operator
// on decimal(p1,s1) and decimal(p2,s2), before adjustDecimal (Spark's
// DecimalPrecision rule):
//
//	add, subtract: scale max(s1,s2), precision max(p1-s1, p2-s2) + scale + 1
//	multiply:      scale s1+s2, precision p1+p2+1
//	divide:        scale max(6, s1+p2+1), precision p1-s1+s2 + scale
//	remainder:     scale max(s1,s2), precision min(p1-s1, p2-s2) + scale
var decimalRules = map[string]func(p1, s1, p2, s2 int) (p, s int){
	"+": addSubRule,
	"-": addSubRule,
	"*": func(p1, s1, p2, s2 int) (int, int) { return p1 + p2 + 1, s1 + s2 },
	"/": func(p1, s1, p2, s2 int) (int, int) {
		s := max(6, s1+p2+1)
		return p1 - s1 + s2 + s, s
	},
	"%": func(p1, s1, p2, s2 int) (int, int) {
		s := max(s1, s2)
		return min(p1-s1, p2-s2) + s, s
	},
}

func addSubRule(p1, s1, p2, s2 int) (int, int) {
	s := max(s1, s2)
	return max(p1-s1, p2-s2) + s + 1, s
}

// decimalArith applies decimalRules[op] to two decimal types.
func decimalArith(op string, a, b Type) Type {
	p, s := decimalRules[op](a.Precision, a.Scale, b.Precision, b.Scale)
	return adjustDecimal(p, s)
}

// numericRank orders the numeric kinds for widening.
var numericRank = map[Kind]int{Int: 1, Bigint: 2, Decimal: 3, Double: 4}

// CommonType is the type two values are converted to when they meet in a
// CASE or a coalesce (Spark's
// findWiderCommonType without its string promotion, which flowc rejects):
//
//   - a type with itself is itself; NULL with T is T; Unknown absorbs all;
//   - numeric with numeric widens: int+bigint is bigint, anything with double
//     is double, decimals widen to hold both (integral types as
//     decimal(10,0)/decimal(20,0)): scale max(s1,s2), integral digits
//     max(p1-s1, p2-s2), capped at 38;
//   - date with timestamp is timestamp;
//   - anything else has no common type (ok is false).
func CommonType(a, b Type) (t Type, ok bool) {
	switch {
	case a.Kind == Unknown || b.Kind == Unknown:
		return Type{}, true
	case a.Kind == Null:
		return b, true
	case b.Kind == Null || a == b:
		return a, true
	case a.IsNumeric() && b.IsNumeric():
		ra, rb := numericRank[a.Kind], numericRank[b.Kind]
		switch {
		case a.Kind == Double || b.Kind == Double:
			return Type{Kind: Double}, true
		case a.Kind == Decimal || b.Kind == Decimal:
			da, db := asDecimal(a), asDecimal(b)
			s := max(da.Scale, db.Scale)
			r := max(da.Precision-da.Scale, db.Precision-db.Scale)
			return boundedDecimal(r+s, s), true
		case ra >= rb:
			return a, true
		default:
			return b, true
		}
	case a.IsDatetime() && b.IsDatetime():
		return Type{Kind: Timestamp}, true
	}
	return Type{}, false
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
