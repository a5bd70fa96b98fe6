package engine

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/expr"
)

func str(s string) *string { return &s }

// TestRunUnit computes a transform and a table over given rows, in memory:
// no file appears in the working directory.
func TestRunUnit(t *testing.T) {
	src, err := os.ReadFile("../examples/flights.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pl, ds := spec.Load("flights.yaml", src, "dev")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	t.Chdir(t.TempDir())
	delayed := &Relation{Name: "delayed_flights", Columns: pl.Transform("delayed_flights").Schema}
	row := func(date, airport, delay string) []*string {
		r := make([]*string, len(delayed.Columns))
		for i, c := range delayed.Columns {
			switch c.Name {
			case "flight_date":
				r[i] = str(date)
			case "dep_time":
				r[i] = str(date + " 10:00:00")
			case "dep_airport":
				r[i] = str(airport)
			case "route":
				r[i] = str(airport + "-BOS")
			case "delay":
				r[i] = str(delay)
			case "year", "month", "day":
				r[i] = str("01")
			}
		}
		return r
	}
	delayed.Rows = [][]*string{row("2001-01-05", "LGA", "70"), row("2001-01-05", "LGA", "91"), row("2001-01-06", "ORD", "61")}
	exp := &Relation{Name: "x", Columns: []expr.Column{{Name: "flights", Type: expr.Type{Kind: expr.Bigint}}, {Name: "avg_delay", Type: expr.Type{Kind: expr.Double}}},
		Rows: [][]*string{{str("2"), str("80.5")}}}
	res, err := RunUnit(context.Background(), pl, Unit{Target: "airport_delays", Given: []*Relation{delayed}, Expected: exp})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Rows {
		var vals []string
		for _, v := range r {
			vals = append(vals, *v)
		}
		got = append(got, strings.Join(vals, " "))
	}
	want := "2001-01-05 LGA 2 1 LGA-BOS 80.5 91|2001-01-06 ORD 1 1 ORD-BOS 61.0 61"
	if strings.Join(got, "|") != want || len(res.Failures) != 0 {
		t.Errorf("rows %q, failures %v; want %q", got, res.Failures, want)
	}
	if len(res.Expected) != 1 || *res.Expected[0][0] != "2" || *res.Expected[0][1] != "80.5" {
		t.Errorf("expected rows rendered as %v", res.Expected)
	}
	// The fact table: its checks all run (a NULL time and a short delay).
	delayed.Rows = [][]*string{row("2001-01-05", "LGA", "60")}
	for i, c := range delayed.Columns {
		if c.Name == "dep_time" {
			delayed.Rows[0][i] = nil
		}
	}
	res, err = RunUnit(context.Background(), pl, Unit{Target: "delayed_flights_fact", Given: []*Relation{delayed}})
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range res.Failures {
		failed = append(failed, f.Check)
	}
	if strings.Join(failed, ",") != "not_null(flight_date,dep_time),expect(delay > 60)" {
		t.Errorf("failures %q", failed)
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Errorf("RunUnit left files: %v", entries)
	}
	if _, err := RunUnit(context.Background(), pl, Unit{Target: "delayed_flights"}); err == nil || !strings.Contains(err.Error(), "no rows given for source flights") {
		t.Errorf("no given rows: %v", err)
	}
}
