package engine

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/ir"
)

// Sample reads sources as Run reads them (opts.Inputs, the local mirror
// under opts.SpecDir, or the source's location; every value checked) on an
// in-memory duckDB, and returns the first limit rows of each, in the
// files' order, as text that RunUnit reads back (flowc test --generate).
// No warehouse is opened.
func Sample(ctx context.Context, pl *ir.IR, opts Options, sources []string, limit int) ([]*Relation, error) {
	r := &runner{pl: pl, opts: opts, now: time.Now,
		inputs: map[string]*input{}, counts: map[string][]int64{}, stored: map[string]bool{}}
	closeDB, err := r.openMemory(ctx)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	if r.plan, r.carries, err = carryRuns(pl); err != nil {
		return nil, err
	}
	defer func() {
		if r.tmp != "" {
			os.RemoveAll(r.tmp)
		}
	}()
	var order []*ir.Source
	for _, name := range sources {
		s := pl.Source(name)
		if s == nil {
			return nil, fmt.Errorf("%s is no source of the spec", name)
		}
		in, err := r.list(ctx, s, nil)
		if err != nil {
			return nil, err
		}
		r.inputs[name] = in
		order = append(order, s)
	}
	<-r.scan(order, nil)
	var out []*Relation
	for _, s := range order {
		if _, err := r.readSource(ctx, r.inputs[s.Name], false, nil); err != nil {
			return nil, err
		}
		var items []string
		for _, c := range s.Schema {
			items = append(items, "CAST("+duck.Ident(c.Name)+" AS VARCHAR)")
		}
		rows, err := r.textRows(ctx, fmt.Sprintf("SELECT %s FROM %s LIMIT %d", strings.Join(items, ", "), srcTable(s.Name), limit), len(items))
		if err != nil {
			return nil, fmt.Errorf("sampling source %s: %s", s.Name, cleanErr(err))
		}
		out = append(out, &Relation{Name: s.Name, Columns: s.Schema, Rows: rows})
	}
	return out, nil
}
