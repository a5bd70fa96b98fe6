package engine

import (
	"fmt"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Runs computed together. Every row of a triggered source carries its run
// (partition) number in the hidden column _flowc_run, and carryRuns
// rewrites a copy of the IR so that everything computed from such a source
// keeps it: selects pass it through, aggregates and dedupes group by it,
// and a join of two such relations matches rows of the same run only. The
// SQL is then generated from the rewritten IR by the shared generator, so a
// run's rows are exactly what the Glue job computes for that partition.

var (
	runType  = expr.Type{Kind: expr.Int}
	boolType = expr.Type{Kind: expr.Boolean}
)

// carryRuns returns a copy of ir in which the triggered sources and every
// transform computed from one carry runCol; carries names them.
func carryRuns(pl *ir.IR) (*ir.IR, map[string]bool, error) {
	cp := *pl
	carries := map[string]bool{}
	cp.Sources = nil
	for _, s := range pl.Sources {
		s2 := *s
		if err := reserved(s.Name, s.Schema); err != nil {
			return nil, nil, err
		}
		if s.Triggered() {
			s2.Schema = append(append([]expr.Column(nil), s.Schema...), expr.Column{Name: runCol, Type: runType})
			carries[s.Name] = true
		}
		cp.Sources = append(cp.Sources, &s2)
	}
	cp.Transforms = nil
	for _, t := range pl.Transforms {
		t2, err := carryTransform(t, carries)
		if err != nil {
			return nil, nil, err
		}
		cp.Transforms = append(cp.Transforms, t2)
	}
	cp.Tables = nil
	for _, tb := range pl.Tables {
		tb2 := *tb
		for _, c := range tb.Columns {
			if c.Name == runCol {
				return nil, nil, fmt.Errorf("table %s: the column name %s is reserved by flowc run", tb.Name, runCol)
			}
		}
		if carries[tb.From] {
			tb2.Columns = append(append([]*ir.TableColumn(nil), tb.Columns...),
				&ir.TableColumn{Name: runCol, Type: spec.RedshiftType{Kind: spec.RSInteger}, From: runType})
		}
		cp.Tables = append(cp.Tables, &tb2)
	}
	return &cp, carries, nil
}

func reserved(what string, row []expr.Column) error {
	for _, c := range row {
		if c.Name == runCol {
			return fmt.Errorf("%s: the column name %s is reserved by flowc run", what, runCol)
		}
	}
	return nil
}

// carryTransform rewrites one transform's steps; see carryRuns.
func carryTransform(t *ir.Transform, carries map[string]bool) (*ir.Transform, error) {
	t2 := *t
	t2.Steps = nil
	// ref is the row column holding the run: unqualified, or a join
	// alias's; nil while the row has none.
	var ref *expr.Column
	if carries[t.From] {
		ref = &expr.Column{Name: runCol, Type: runType}
	}
	for _, st := range t.Steps {
		if err := reserved("transform "+t.Name, st.Schema); err != nil {
			return nil, err
		}
		s2 := *st
		s2.Schema = append([]expr.Column(nil), st.Schema...)
		switch st.Kind {
		case spec.StepJoin:
			if carries[st.Join] {
				other := &expr.Col{Qual: st.Alias, Name: runCol, T: runType}
				if ref == nil {
					ref = &expr.Column{Qual: st.Alias, Name: runCol, Type: runType}
				} else {
					// Rows of one run meet rows of the same run only.
					same := &expr.Binary{Op: "=", T: boolType, X: refCol(ref), Y: other}
					s2.Cond = &expr.Binary{Op: "AND", T: boolType, X: st.Cond, Y: same}
				}
			}
		case spec.StepSelect:
			if ref != nil {
				s2.Columns = append(append([]*ir.NamedExpr(nil), st.Columns...), &ir.NamedExpr{Name: runCol, Expr: refCol(ref)})
				ref = &expr.Column{Name: runCol, Type: runType}
			}
		case spec.StepAggregate, spec.StepDedupe, spec.StepWindow:
			// A window partitions by the run too: rows of one run never
			// see rows of another.
			if ref != nil {
				s2.By = append(append([]string(nil), st.By...), refName(ref))
				if st.Kind == spec.StepAggregate {
					ref = &expr.Column{Name: runCol, Type: runType}
				}
			}
		}
		if ref != nil {
			s2.Schema = append(s2.Schema, *ref)
		}
		t2.Steps = append(t2.Steps, &s2)
	}
	if ref != nil {
		carries[t.Name] = true
		t2.Schema = append(append([]expr.Column(nil), t.Schema...), expr.Column{Name: runCol, Type: runType})
	}
	return &t2, nil
}

func refCol(c *expr.Column) *expr.Col { return &expr.Col{Qual: c.Qual, Name: c.Name, T: c.Type} }

func refName(c *expr.Column) string {
	if c.Qual == "" {
		return c.Name
	}
	return c.Qual + "." + c.Name
}
