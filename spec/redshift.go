package spec

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// rsKind is a Redshift column type (the IR's vocabulary).
type rsKind = ir.RSKind

// Redshift types a table column may have.
const (
	rsUnknown     = ir.RSUnknown
	RSSmallint    = ir.RSSmallint
	RSInteger     = ir.RSInteger
	RSBigint      = ir.RSBigint
	RSDecimal     = ir.RSDecimal
	RSReal        = ir.RSReal
	RSDouble      = ir.RSDouble
	RSBoolean     = ir.RSBoolean
	RSChar        = ir.RSChar
	rsVarchar     = ir.RSVarchar
	RSDate        = ir.RSDate
	RSTimestamp   = ir.RSTimestamp
	RSTimestamptz = ir.RSTimestamptz
)

// RedshiftType is a parsed Redshift column type.
type RedshiftType = ir.RedshiftType

// redshiftTypeNames lists the type names a table column may use.
var redshiftTypeNames = []string{"smallint", "integer", "bigint", "decimal(p,s)", "real", "double precision", "boolean", "char(n)", "varchar(n)", "date", "timestamp", "timestamptz"}

// Common spellings users bring from other systems, and what to write instead.
var rsAliases = map[string]string{
	"int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint", "float": "double precision",
	"float8": "double precision", "float4": "real", "double": "double precision", "bool": "boolean",
	"string": "varchar(n)", "text": "varchar(n)", "varchar": "varchar(n)", "char": "char(n)",
	"numeric": "decimal(p,s)", "decimal": "decimal(p,s)", "timestamp with time zone": "timestamptz",
	"timestamp without time zone": "timestamp",
}

var rsParamRe = regexp.MustCompile(`^(decimal|numeric|char|character|varchar|character varying)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$`)

// ParseRedshiftType parses a table column type. The error's text is
// user-facing; it suggests the spelling flowc expects.
func ParseRedshiftType(s string) (RedshiftType, error) {
	t := strings.Join(strings.Fields(strings.ToLower(s)), " ")
	if rt, ok := ir.RedshiftTypeNamed(t); ok {
		return rt, nil
	}
	if m := rsParamRe.FindStringSubmatch(t); m != nil {
		a, _ := strconv.Atoi(m[2])
		switch m[1] {
		case "decimal", "numeric":
			sc := 0
			if m[3] != "" {
				sc, _ = strconv.Atoi(m[3])
			}
			if a < 1 || a > 38 || sc > a {
				return RedshiftType{}, fmt.Errorf("decimal precision must be 1 to 38 and scale at most the precision, got %q", s)
			}
			return RedshiftType{Kind: RSDecimal, Precision: a, Scale: sc}, nil
		case "char", "character":
			if m[3] != "" || a < 1 || a > 4096 {
				return RedshiftType{}, fmt.Errorf("char length must be 1 to 4096, got %q", s)
			}
			return RedshiftType{Kind: RSChar, Length: a}, nil
		default:
			if m[3] != "" || a < 1 || a > 65535 {
				return RedshiftType{}, fmt.Errorf("varchar length must be 1 to 65535, got %q", s)
			}
			return RedshiftType{Kind: rsVarchar, Length: a}, nil
		}
	}
	if alt, ok := rsAliases[t]; ok {
		return RedshiftType{}, fmt.Errorf("unknown Redshift type %q; write %s", s, alt)
	}
	return RedshiftType{}, fmt.Errorf("unknown Redshift type %q", s)
}

// intDigits is how many decimal digits each integer type holds in full.
func intDigits(k expr.Kind) int {
	switch k {
	case expr.Int:
		return 10
	case expr.Bigint:
		return 19
	}
	return 0
}

func rsIntDigits(k rsKind) int {
	switch k {
	case RSSmallint:
		return 5
	case RSInteger:
		return 10
	case RSBigint:
		return 19
	}
	return 0
}

// assignable says whether a value of type from may be loaded into a column of
// type to. narrowing is true when the load would lose information (an
// error unless the transform casts explicitly); reason explains a refusal.
func assignable(from expr.Type, to RedshiftType) (ok bool, narrowing bool, reason string) {
	k := from.Kind
	if k == expr.Null || k == expr.Unknown {
		return true, false, ""
	}
	isInt := func(r rsKind) bool { return r == RSSmallint || r == RSInteger || r == RSBigint }
	switch k {
	case expr.Int, expr.Bigint:
		switch {
		case isInt(to.Kind):
			if rsIntDigits(to.Kind) < intDigits(k) || (k == expr.Bigint && to.Kind != RSBigint) || (k == expr.Int && to.Kind == RSSmallint) {
				return false, true, fmt.Sprintf("%s does not fit in %s", from, to)
			}
			return true, false, ""
		case to.Kind == RSDecimal:
			if to.Precision-to.Scale < intDigits(k) {
				return false, true, fmt.Sprintf("%s may need %d integer digits; %s has %d", from, intDigits(k), to, to.Precision-to.Scale)
			}
			return true, false, ""
		case to.Kind == RSDouble:
			return true, false, ""
		case to.Kind == RSReal:
			return false, true, fmt.Sprintf("%s loses digits in real", from)
		}
	case expr.Decimal:
		switch {
		case to.Kind == RSDecimal:
			if to.Scale < from.Scale || to.Precision-to.Scale < from.Precision-from.Scale {
				return false, true, fmt.Sprintf("%s loses digits in %s", from, to)
			}
			return true, false, ""
		case isInt(to.Kind):
			if from.Scale > 0 || from.Precision > rsIntDigits(to.Kind)-1 {
				return false, true, fmt.Sprintf("%s loses digits in %s", from, to)
			}
			return true, false, ""
		case to.Kind == RSDouble || to.Kind == RSReal:
			if to.Kind == RSReal || from.Precision > 15 {
				return false, true, fmt.Sprintf("%s loses digits in %s", from, to)
			}
			return true, false, ""
		}
	case expr.Double:
		switch {
		case to.Kind == RSDouble:
			return true, false, ""
		case to.Kind == RSReal, isInt(to.Kind), to.Kind == RSDecimal:
			return false, true, fmt.Sprintf("double loses precision in %s", to)
		}
	case expr.String:
		if to.Kind == RSChar || to.Kind == rsVarchar {
			return true, false, "" // lengths are checked by the run before loading
		}
	case expr.Boolean:
		if to.Kind == RSBoolean {
			return true, false, ""
		}
	case expr.Date:
		if to.Kind == RSDate || to.Kind == RSTimestamp || to.Kind == RSTimestamptz {
			return true, false, ""
		}
	case expr.Timestamp:
		switch to.Kind {
		case RSTimestamp, RSTimestamptz:
			return true, false, ""
		case RSDate:
			return false, true, "timestamp into date drops the time of day"
		}
	}
	return false, false, fmt.Sprintf("a %s cannot be loaded into %s", from, to)
}
