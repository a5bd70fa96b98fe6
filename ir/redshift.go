package ir

import "fmt"

// RSKind is a Redshift column type.
type RSKind int

// Redshift types a table column may have.
const (
	RSUnknown RSKind = iota
	RSSmallint
	RSInteger
	RSBigint
	RSDecimal
	RSReal
	RSDouble
	RSBoolean
	RSChar
	RSVarchar
	RSDate
	RSTimestamp
	RSTimestamptz
)

// RedshiftType is a parsed Redshift column type.
type RedshiftType struct {
	Kind      RSKind
	Precision int // decimal
	Scale     int // decimal
	Length    int // char, varchar
}

// rsNames are the types written without parameters, by DDL name.
var rsNames = []struct {
	name string
	kind RSKind
}{
	{"smallint", RSSmallint}, {"integer", RSInteger}, {"bigint", RSBigint}, {"real", RSReal},
	{"double precision", RSDouble}, {"boolean", RSBoolean}, {"date", RSDate},
	{"timestamp", RSTimestamp}, {"timestamptz", RSTimestamptz},
}

// RedshiftTypeNamed returns the type without parameters whose DDL name is
// name (lower case, single spaces), if there is one.
func RedshiftTypeNamed(name string) (RedshiftType, bool) {
	for _, n := range rsNames {
		if name == n.name {
			return RedshiftType{Kind: n.kind}, true
		}
	}
	return RedshiftType{}, false
}

// String renders the type as DDL.
func (t RedshiftType) String() string {
	switch t.Kind {
	case RSDecimal:
		return fmt.Sprintf("decimal(%d,%d)", t.Precision, t.Scale)
	case RSChar:
		return fmt.Sprintf("char(%d)", t.Length)
	case RSVarchar:
		return fmt.Sprintf("varchar(%d)", t.Length)
	}
	for _, n := range rsNames {
		if n.kind == t.Kind {
			return n.name
		}
	}
	return "unknown"
}
