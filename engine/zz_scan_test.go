package engine

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

func TestZZScanLanding(t *testing.T) {
	paths, _ := filepath.Glob("/tmp/b/landing/*/*/*/flights.csv")
	src := &ir.Source{Name: "s", Format: "csv", CSV: ir.CSVOptions{Header: true, Delimiter: ",", Quote: `"`, Escape: `"`},
		Columns: []expr.Column{{Name: "date", Type: expr.Type{Kind: expr.Timestamp}}, {Name: "delay", Type: expr.Type{Kind: expr.Int}},
			{Name: "distance", Type: expr.Type{Kind: expr.Int}}, {Name: "origin", Type: expr.Type{Kind: expr.String}}, {Name: "destination", Type: expr.Type{Kind: expr.String}}}}
	for k := 0; k < 5; k++ {
		files := make([]inputFile, len(paths))
		for i, p := range paths {
			files[i] = inputFile{path: p, shown: p}
		}
		t0 := time.Now()
		if err := scanFiles(files, src, true, nil); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d files %v typed=%v", len(files), time.Since(t0), files[0].typed)
	}
}
