package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// The same input loads the same warehouse, value for value, also when a
// transform sums doubles (route_day's sum(fare)): duckDB's parallel
// aggregate would add them in another order on each run, so such runs
// compute their transforms on one thread (orderSensitive).
func TestRunDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a few hundred thousand rows three times")
	}
	ir, err := legsSpec()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeLegs(t, dir, "01", 300000, 30000)
	var first string
	for i := 0; i < 3; i++ {
		wh := filepath.Join(dir, fmt.Sprintf("wh%d.duckdb", i))
		if _, err := Run(context.Background(), ir, Options{SpecDir: dir, Warehouse: wh}); err != nil {
			t.Fatal(err)
		}
		got := whState(t, wh)
		if i == 0 {
			first = got
		} else if got != first {
			t.Fatalf("run %d loaded\n%s\nrun 1 loaded\n%s", i+1, got, first)
		}
	}
}
