package expr

import (
	"fmt"
	"strconv"
)

// The result rules of the functions whose type depends on their arguments
// (Spark 3.3, Glue 4.0). Each gets the argument types with NULL replaced by
// the parameter's default type and none Unknown.

// coalesceType: the CommonType of all arguments.
func coalesceType(c *checker, n *Call, _ []Type) Type {
	return c.unify(n.Args, "coalesce arguments")
}

// nullifType: a and b must compare; the result has a's type.
func nullifType(c *checker, n *Call, args []Type) Type {
	c.comparable(n.Args[0], n.Args[1], n.Args[1].Span(), true)
	return args[0]
}

// roundType: int, bigint and double keep their type; decimal(p,s) rounded
// to scale d becomes decimal(p-s+1+min(s,d), min(s,d)), or for d < 0
// decimal(max(p-s+1, 1-d), 0), capped at 38 (one more integral digit for the
// carry, as Spark 3.3's RoundBase).
func roundType(_ *Call, args []Type, scale int) Type {
	t := args[0]
	if t.Kind != Decimal {
		return t
	}
	intDigits := t.Precision - t.Scale + 1
	if scale < 0 {
		return boundedDecimal(max(intDigits, 1-scale), 0)
	}
	s := min(t.Scale, scale)
	return boundedDecimal(intDigits+s, s)
}

func roundRule(_ *checker, n *Call, args []Type) Type {
	scale := 0
	if len(n.Args) == 2 {
		v, err := strconv.Atoi(n.Args[1].(*Lit).Text)
		if err != nil {
			return Type{}
		}
		scale = v
	}
	return roundType(n, args, scale)
}

// floorCeilType: bigint for int, bigint and double; a decimal(p,0) keeps
// its type; decimal(p,s) becomes decimal(p-s+1,0).
func floorCeilType(_ *checker, _ *Call, args []Type) Type {
	t := args[0]
	switch {
	case t.Kind != Decimal:
		return typBigint
	case t.Scale == 0:
		return t
	}
	return boundedDecimal(t.Precision-t.Scale+1, 0)
}

// sumType: bigint for int and bigint, double for double, decimal(p+10,s)
// for decimal(p,s), capped at 38.
func sumType(_ *checker, _ *Call, args []Type) Type {
	switch t := args[0]; t.Kind {
	case Int, Bigint:
		return typBigint
	case Decimal:
		return boundedDecimal(t.Precision+10, t.Scale)
	}
	return typDouble
}

// avgType: double, or decimal(p+4,s+4) for decimal(p,s), capped at 38.
func avgType(_ *checker, _ *Call, args []Type) Type {
	if t := args[0]; t.Kind == Decimal {
		return boundedDecimal(t.Precision+4, t.Scale+4)
	}
	return typDouble
}

// toDateType: with a format, the input must be a string and the format a
// literal pattern that StrptimeFormat accepts.
func toDateType(c *checker, n *Call, args []Type) Type {
	if len(n.Args) == 2 {
		if args[0].Kind != String {
			c.report(n.Args[0].Span(), codeArgType, fmt.Sprintf("drop the format: to_date(%s)", Format(n.Args[0])),
				"to_date with a format expects string, got %s", args[0])
			return Type{}
		}
		l := n.Args[1].(*Lit)
		if _, err := StrptimeFormat(l.Str); err != nil {
			c.report(l.Sp, codeBadDateFormat, "e.g. 'yyyy-MM-dd', 'dd/MM/yyyy' or 'yyyy-MM-dd HH:mm:ss'",
				"invalid date format %s: %v", Format(l), err)
			return Type{}
		}
	}
	return typDate
}
