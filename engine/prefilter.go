package engine

import (
	"bytes"
	"strconv"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// A source read by one reader that starts with filter steps is read with
// those filters in its statement (prefilter). Of them, the comparisons of
// an integer column of the file with an integer literal can be decided on
// a line of a typed file (canon.go), whose integers are canonical: the
// scan, which reads every line anyway, then drops the lines they reject,
// and duckDB reads a copy of the file with the rest (its CSV reader, not
// the filter, is most of the cost of a read). The scan only ever drops a
// line whose row the filters reject (a NULL or a value it cannot read is
// kept); duckDB applies every filter again to the rows it reads, so the
// result is the same with or without this (TestScanFilterSame).

// filterLines lets the scan drop lines; tests turn it off to compare.
var filterLines = true

// intCond is col OP v on the file's column col (an index), an int or a
// bigint.
type intCond struct {
	col int
	op  string // = != < <= > >=
	v   int64
}

// lineFilter is the conditions (all must hold) the scan decides; nil when
// none.
type lineFilter []intCond

// newLineFilter takes from conds (ANDed) the comparisons it can decide.
func newLineFilter(src *ir.Source, conds []expr.Expr) lineFilter {
	if !filterLines {
		return nil
	}
	var f lineFilter
	var walk func(e expr.Expr)
	walk = func(e expr.Expr) {
		b, ok := e.(*expr.Binary)
		if !ok {
			return
		}
		if b.Op == "AND" {
			walk(b.X)
			walk(b.Y)
			return
		}
		flip := map[string]string{"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
		op, ok := flip[b.Op]
		if !ok {
			return
		}
		c, cok := b.X.(*expr.Col)
		l, lok := b.Y.(*expr.Lit)
		if !cok || !lok {
			if c, cok = b.Y.(*expr.Col); !cok {
				return
			}
			if l, lok = b.X.(*expr.Lit); !lok {
				return
			}
		} else {
			op = b.Op
		}
		if l.Kind != expr.LitInt || c.Qual != "" {
			return
		}
		v, err := strconv.ParseInt(l.Text, 10, 64)
		if err != nil {
			return
		}
		for i, col := range src.Columns {
			if col.Name == c.Name && (col.Type.Kind == expr.Int || col.Type.Kind == expr.Bigint) {
				f = append(f, intCond{col: i, op: op, v: v})
				return
			}
		}
	}
	for _, c := range conds {
		walk(c)
	}
	return f
}

// rejects reports whether the filter rejects the line (without its \n),
// whose fields are split by delim: a condition on a value it reads, not
// NULL, is false.
func (f lineFilter) rejects(line []byte, delim byte) bool {
	for _, c := range f {
		v, ok := intField(line, c.col, delim)
		if !ok {
			continue
		}
		var holds bool
		switch c.op {
		case "=":
			holds = v == c.v
		case "!=":
			holds = v != c.v
		case "<":
			holds = v < c.v
		case "<=":
			holds = v <= c.v
		case ">":
			holds = v > c.v
		case ">=":
			holds = v >= c.v
		}
		if !holds {
			return true
		}
	}
	return false
}

// intField reads field i of a line as a canonical integer, -?[0-9]{1,18};
// ok is false for anything else (an empty field, NULL, \r at the end).
func intField(line []byte, i int, delim byte) (v int64, ok bool) {
	for ; i > 0; i-- {
		k := bytes.IndexByte(line, delim)
		if k < 0 {
			return 0, false
		}
		line = line[k+1:]
	}
	if k := bytes.IndexByte(line, delim); k >= 0 {
		line = line[:k]
	}
	neg := len(line) > 0 && line[0] == '-'
	if neg {
		line = line[1:]
	}
	if len(line) == 0 || len(line) > 18 {
		return 0, false
	}
	for _, b := range line {
		if b-'0' > 9 {
			return 0, false
		}
		v = v*10 + int64(b-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// keepLines appends to c.kept the lines of b (whole lines, each ended by
// \n) the filter does not reject. Past a half of the bytes seen (a copy
// would save duckDB too little), or past 64 MiB (the memory a scan of a
// large file may hold), it stops and drops what it kept: duckDB reads
// the file itself.
func (c *canonChecker) keepLines(b []byte) {
	c.seen += len(b)
	for len(b) > 0 {
		k := bytes.IndexByte(b, '\n')
		line := b[:k+1]
		b = b[k+1:]
		if !c.filter.rejects(line[:k], c.delim) {
			c.kept = append(c.kept, line...)
		}
	}
	if c.seen > 1<<20 && len(c.kept) > c.seen/2 || len(c.kept) > 64<<20 {
		c.filter, c.kept = nil, nil
	}
}
