package expr

import (
	"strings"
	"testing"
)

func TestParseType(t *testing.T) {
	good := map[string]string{
		"string": "string", "int": "int", "bigint": "bigint", "double": "double",
		"boolean": "boolean", "date": "date", "timestamp": "timestamp",
		"decimal(10,2)": "decimal(10,2)", "decimal( 10 , 2 )": "decimal(10,2)",
		"decimal(38,38)": "decimal(38,38)", "decimal(1,0)": "decimal(1,0)", " int ": "int",
	}
	for in, want := range good {
		typ, err := ParseType(in)
		if err != nil || typ.String() != want {
			t.Errorf("ParseType(%q) = %v, %v; want %s", in, typ, err, want)
		}
	}
	bad := map[string]string{
		"integer":          `unknown type "integer"; use int; valid types are string, int, bigint, double, decimal(p,s), boolean, date, timestamp`,
		"INT":              `unknown type "INT"; did you mean int?; valid types are`,
		"strin":            `unknown type "strin"; did you mean string?`,
		"varchar(10)":      `unknown type "varchar"; use string`,
		"blob":             `unknown type "blob"; valid types are string, int`,
		"decimal":          "decimal needs a precision and a scale; write decimal(p,s), e.g. decimal(10,2)",
		"decimal(10)":      "decimal needs a precision and a scale",
		"decimal(0,0)":     "decimal precision must be between 1 and 38, got 0",
		"decimal(39,2)":    "decimal precision must be between 1 and 38, got 39",
		"decimal(5,6)":     "decimal scale must be between 0 and the precision 5, got 6",
		"decimal(10,2":     `invalid type "decimal(10,2": expected decimal(p,s)`,
		"decimal(10,2,3)":  `invalid type "decimal(10,2,3)": expected decimal(p,s)`,
		"decimal(a,2)":     `invalid type "decimal(a,2)": expected a number`,
		"decimal(99999,2)": `expected a number`,
		"int(4)":           "type int takes no parameters",
		"":                 `invalid type ""; valid types are`,
		"int x":            `invalid type "int x"`,
		"double precision": `invalid type "double precision"`,
	}
	for in, want := range bad {
		_, err := ParseType(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseType(%q) error = %v, want %q", in, err, want)
		}
	}
}

func TestTypeMethods(t *testing.T) {
	for k, want := range map[Kind]string{Unknown: "unknown", Null: "null", Boolean: "boolean", Int: "int",
		Bigint: "bigint", Double: "double", String: "string", Date: "date", Timestamp: "timestamp", Kind(99): "kind(99)"} {
		if got := (Type{Kind: k}).String(); got != want {
			t.Errorf("%d: %q", k, got)
		}
	}
	if DecimalOf(10, 2).String() != "decimal(10,2)" {
		t.Error("decimal")
	}
	numeric := map[Kind]bool{Int: true, Bigint: true, Decimal: true, Double: true}
	for k := Unknown; k <= Timestamp; k++ {
		typ := Type{Kind: k}
		if typ.IsNumeric() != numeric[k] || typ.IsIntegral() != (k == Int || k == Bigint) || typ.IsDatetime() != (k == Date || k == Timestamp) {
			t.Errorf("%s: predicates wrong", typ)
		}
	}
	if len(typeNameList()) != 8 {
		t.Error("TypeNames")
	}
}

func TestCommonType(t *testing.T) {
	ty := func(s string) Type {
		if s == "null" {
			return Type{Kind: Null}
		}
		if s == "unknown" {
			return Type{}
		}
		typ, err := ParseType(s)
		if err != nil {
			t.Fatal(err)
		}
		return typ
	}
	tests := []struct{ a, b, want string }{
		{"int", "int", "int"},
		{"int", "bigint", "bigint"},
		{"bigint", "int", "bigint"},
		{"int", "double", "double"},
		{"decimal(10,2)", "double", "double"},
		{"int", "decimal(5,2)", "decimal(12,2)"},
		{"bigint", "decimal(5,2)", "decimal(22,2)"},
		{"decimal(10,2)", "decimal(5,4)", "decimal(12,4)"},
		{"decimal(38,2)", "decimal(38,10)", "decimal(38,10)"},
		{"null", "date", "date"},
		{"string", "null", "string"},
		{"null", "null", "null"},
		{"date", "timestamp", "timestamp"},
		{"unknown", "string", "unknown"},
		{"string", "int", ""},
		{"boolean", "int", ""},
		{"date", "string", ""},
		{"date", "int", ""},
	}
	for _, tt := range tests {
		got, ok := CommonType(ty(tt.a), ty(tt.b))
		if tt.want == "" {
			if ok {
				t.Errorf("CommonType(%s, %s) = %s, want none", tt.a, tt.b, got)
			}
			continue
		}
		if !ok || got.String() != tt.want {
			t.Errorf("CommonType(%s, %s) = %s, %v; want %s", tt.a, tt.b, got, ok, tt.want)
		}
	}
}

func TestCastMatrix(t *testing.T) {
	// Spark's Cast.canCast on flowc's types: the rows are sources.
	want := map[Kind]string{
		Boolean:   "boolean int bigint double decimal string",
		Int:       "boolean int bigint double decimal string timestamp",
		Bigint:    "boolean int bigint double decimal string timestamp",
		Double:    "boolean int bigint double decimal string timestamp",
		Decimal:   "boolean int bigint double decimal string timestamp",
		String:    "boolean int bigint double decimal string date timestamp",
		Date:      "string date timestamp",
		Timestamp: "int bigint double decimal string date timestamp",
	}
	for from := Boolean; from <= Timestamp; from++ {
		var got []string
		for to := Boolean; to <= Timestamp; to++ {
			if castable(Type{Kind: from}, Type{Kind: to}) {
				got = append(got, to.String())
			}
		}
		if strings.Join(got, " ") != want[from] {
			t.Errorf("%s casts to %v, want %s", from, got, want[from])
		}
	}
}
