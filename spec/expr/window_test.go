package expr

import (
	"strings"
	"testing"
)

// TestCheckWindow: window measures, their types and their errors, with
// the span each error points at.
func TestCheckWindow(t *testing.T) {
	win := Options{Window: true}
	types := []struct{ src, want string }{
		{"row_number()", "int"},
		{"RANK()", "int"},
		{"dense_rank()", "int"},
		{"lag(delay)", "int"},
		{"lag(delay, 2, 0)", "int"},
		{"lag(big, 1, delay)", "bigint"},
		{"lead(price, 1, 0)", "decimal(10,2)"},
		{"lead(ratio, 1, 1.5)", "double"},
		{"lead(origin, 3, NULL)", "string"},
		{"lead(flight_date, 1, DATE '2001-01-01')", "date"},
		{"lag(price, 1, -12345678.99)", "decimal(10,2)"},
		{"first_value(origin)", "string"},
		{"last_value(date)", "timestamp"},
		{"count(*)", "bigint"},
		{"count(origin)", "bigint"},
		{"sum(delay)", "bigint"},
		{"avg(price)", "decimal(14,6)"},
		{"min(flight_date)", "date"},
		{"max(origin)", "string"},
	}
	for _, tt := range types {
		e, errs := Parse(tt.src)
		if len(errs) > 0 {
			t.Fatalf("parse %q: %v", tt.src, errs)
		}
		typ, errs := Check(e, testScope(), win)
		if len(errs) > 0 || typ.String() != tt.want {
			t.Errorf("%q: %s %v, want %s", tt.src, typ, errs, tt.want)
		}
	}
	bad := []struct {
		src  string
		opts Options
		at   string // the text the error spans
		msg  string
	}{
		{"row_number()", Options{}, "row_number()", "window function row_number is only allowed in the measures of a window step"},
		{"lag(delay) + 1", aggOpts, "lag(delay)", "window function lag is only allowed"},
		{"delay + 1", win, "delay + 1", "a window measure is one call of a window function"},
		{"upper(origin)", win, "upper(origin)", "a window measure is one call"},
		{"delay - lag(delay)", win, "lag(delay)", "window function lag must be the whole window measure"},
		{"sum(delay) / count(*)", win, "sum(delay)", "aggregate function sum must be the whole window measure"},
		{"lag(sum(delay))", win, "sum(delay)", "aggregate function sum must be the whole window measure"},
		{"stddev_samp(delay)", win, "stddev_samp", "stddev_samp is not available as a window measure"},
		{"count(DISTINCT origin)", win, "count(DISTINCT origin)", "DISTINCT is not allowed in a window measure"},
		{"lag(delay, 0)", win, "0", "lag offset must be at least 1, got 0"},
		{"lead(delay, delay)", win, "delay", "lead expects a literal int for offset"},
		{"lag(delay, 1, 1.5)", win, "1.5", "lag default must convert to int (the type of x) without loss, got decimal(2,1)"},
		{"lag(delay, 1, big)", win, "big", "lag default must convert to int"},
		{"lag(origin, 1, 0)", win, "0", "lag default must convert to string"},
		{"lead(flight_date, 1, '2001-01-01')", win, "'2001-01-01'", "lead default must convert to date"},
		{"lag(price, 1, 123456789)", win, "123456789", "lag default must convert to decimal(10,2)"},
		{"lag(price, 1, 0.125)", win, "0.125", "lag default must convert to decimal(10,2)"},
		{"row_number(delay)", win, "delay", "row_number expects 0 arguments, got 1"},
		{"row_numbr()", win, "row_numbr", `unknown function "row_numbr"`},
	}
	for _, tt := range bad {
		e, errs := Parse(tt.src)
		if len(errs) > 0 {
			t.Fatalf("parse %q: %v", tt.src, errs)
		}
		_, errs = Check(e, testScope(), tt.opts)
		if len(errs) == 0 {
			t.Errorf("%q: no error, want %q", tt.src, tt.msg)
			continue
		}
		got := errs[0]
		if at := tt.src[got.Span.Start:got.Span.End]; at != tt.at || !strings.Contains(got.Msg, tt.msg) {
			t.Errorf("%q: error %q at %q, want %q at %q", tt.src, got.Msg, at, tt.msg, tt.at)
		}
	}
}
