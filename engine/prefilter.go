package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// A source read by one reader that starts with filter steps is read with
// those filters in its statement (prefilter). Of them, the comparisons of
// a column of the file with literals (integers: = != < <= > >=, IN,
// BETWEEN; strings: = != and IN) can be decided on a line of a typed file
// (canon.go), whose integers are canonical and strings unquoted: the
// scan, which reads every line anyway, then drops the lines they reject,
// and duckDB reads a copy of the file with the rest (its CSV reader, not
// the filter, is most of the cost of a read). The scan only ever drops a
// line whose row the filters reject (a NULL or a value it cannot read is
// kept); duckDB applies every filter again to the rows it reads, so the
// result is the same with or without this (TestScanFilterSame).

// filterLines lets the scan drop lines; tests turn it off to compare.
var filterLines = true

// lineCond is a condition on the file's column col (an index): col OP v
// for an int or bigint column, col OP s for a string column (= and !=
// only), or col IN a list of such literals (op "in").
type lineCond struct {
	col  int
	str  bool // a string column
	op   string
	v    int64
	s    string
	ints []int64
	strs []string
}

// lineFilter is the conditions (all must hold) the scan decides; nil when
// none.
type lineFilter []lineCond

// newLineFilter takes from conds (ANDed) the comparisons it can decide.
func newLineFilter(src *ir.Source, conds []expr.Expr) lineFilter {
	if !filterLines {
		return nil
	}
	column := func(e expr.Expr) (int, bool, bool) {
		c, ok := e.(*expr.Col)
		if !ok || c.Qual != "" {
			return 0, false, false
		}
		for i, col := range src.Columns {
			if col.Name == c.Name {
				switch col.Type.Kind {
				case expr.Int, expr.Bigint:
					return i, false, true
				case expr.String:
					return i, true, true
				}
			}
		}
		return 0, false, false
	}
	// literal reads a literal of the column's kind.
	literal := func(e expr.Expr, str bool) (int64, string, bool) {
		l, ok := e.(*expr.Lit)
		switch {
		case !ok:
			return 0, "", false
		case str:
			return 0, l.Str, l.Kind == expr.LitString
		case l.Kind == expr.LitInt:
			v, err := strconv.ParseInt(l.Text, 10, 64)
			return v, "", err == nil
		}
		return 0, "", false
	}
	flip := map[string]string{"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
	var f lineFilter
	var walk func(e expr.Expr)
	walk = func(e expr.Expr) {
		switch e := e.(type) {
		case *expr.Binary:
			if e.Op == "AND" {
				walk(e.X)
				walk(e.Y)
				return
			}
			op, ok := flip[e.Op]
			if !ok {
				return
			}
			x, y := e.X, e.Y
			if _, _, ok := column(x); ok {
				op = e.Op
			} else {
				x, y = y, x
			}
			col, str, ok := column(x)
			if !ok || str && op != "=" && op != "!=" {
				return
			}
			if v, s, ok := literal(y, str); ok {
				f = append(f, lineCond{col: col, str: str, op: op, v: v, s: s})
			}
		case *expr.In:
			col, str, ok := column(e.X)
			if !ok || e.Not || len(e.List) == 0 {
				return
			}
			c := lineCond{col: col, str: str, op: "in"}
			for _, it := range e.List {
				v, s, ok := literal(it, str)
				if !ok {
					return
				}
				c.ints, c.strs = append(c.ints, v), append(c.strs, s)
			}
			f = append(f, c)
		case *expr.Between:
			col, str, ok := column(e.X)
			if !ok || str || e.Not {
				return
			}
			lo, _, ok1 := literal(e.Lo, false)
			hi, _, ok2 := literal(e.Hi, false)
			if ok1 && ok2 {
				f = append(f, lineCond{col: col, op: ">=", v: lo}, lineCond{col: col, op: "<=", v: hi})
			}
		}
	}
	for _, c := range conds {
		walk(c)
	}
	return f
}

// rejects reports whether the filter rejects the line (without its \n),
// whose fields are split by delim and hold no quote: a condition on a
// value it reads, not NULL (empty or null), is false. A line that starts
// with a byte order mark is kept (the reader may drop it from the value).
func (f lineFilter) rejects(line []byte, delim byte, null []byte) bool {
	if bytes.HasPrefix(line, []byte("\ufeff")) {
		return false
	}
	line = bytes.TrimSuffix(line, []byte{'\r'}) // a \r\n line end
	for _, c := range f {
		raw, ok := field(line, c.col, delim)
		if !ok || len(raw) == 0 || null != nil && bytes.Equal(raw, null) {
			continue
		}
		var holds bool
		if c.str {
			switch c.op {
			case "=":
				holds = string(raw) == c.s
			case "!=":
				holds = string(raw) != c.s
			case "in":
				for _, s := range c.strs {
					holds = holds || string(raw) == s
				}
			}
		} else {
			v, ok := intValue(raw)
			if !ok {
				continue
			}
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
			case "in":
				for _, x := range c.ints {
					holds = holds || v == x
				}
			}
		}
		if !holds {
			return true
		}
	}
	return false
}

// field returns field i of a line split by delim.
func field(line []byte, i int, delim byte) ([]byte, bool) {
	for ; i > 0; i-- {
		k := bytes.IndexByte(line, delim)
		if k < 0 {
			return nil, false
		}
		line = line[k+1:]
	}
	if k := bytes.IndexByte(line, delim); k >= 0 {
		line = line[:k]
	}
	return line, true
}

// intValue reads a canonical integer, -?[0-9]{1,18}; ok is false for
// anything else.
func intValue(b []byte) (v int64, ok bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	for _, d := range b {
		if d-'0' > 9 {
			return 0, false
		}
		v = v*10 + int64(d-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// keptInMemory is how many bytes of kept lines a scan holds before it
// writes them (a variable for tests).
var keptInMemory = 4 << 20

// lineKeep is what a scan needs to drop a source's lines: its filter, and
// where to write the copies.
type lineKeep struct {
	filter lineFilter
	tmp    func() (string, error)
}

// keepLines adds to c.kept the lines of b (whole lines, each ended by \n)
// the filter does not reject. Past a half of the bytes seen, a copy would
// save duckDB too little: it stops, and duckDB reads the file itself.
func (c *canonChecker) keepLines(b []byte) {
	c.seen += len(b)
	for len(b) > 0 {
		k := bytes.IndexByte(b, '\n')
		line := b[:k+1]
		b = b[k+1:]
		if !c.filter.rejects(line[:k], c.delim, c.null) {
			c.kept.add(line)
		}
	}
	if c.seen > 1<<20 && c.kept.n > c.seen/2 || c.kept.err != nil {
		c.stopKeeping()
	}
}

// stopKeeping drops the filter and what it kept.
func (c *canonChecker) stopKeeping() {
	if c.kept != nil {
		c.kept.discard()
	}
	c.filter, c.kept = nil, nil
}

// keptLines collects the lines a filter keeps: in memory up to
// keptInMemory bytes, then in a file of tmp, so that a scan of a large
// file holds little.
type keptLines struct {
	tmp  func() (string, error)
	buf  []byte
	n    int // bytes added
	file *os.File
	err  error
}

func (k *keptLines) add(line []byte) {
	k.buf = append(k.buf, line...)
	k.n += len(line)
	if len(k.buf) >= keptInMemory {
		k.flush()
	}
}

// flush writes the lines held in memory to the file, creating it.
func (k *keptLines) flush() {
	if k.err != nil {
		return
	}
	if k.file == nil {
		dir, err := k.tmp()
		if err == nil {
			err = os.MkdirAll(filepath.Join(dir, "kept"), 0o755)
		}
		if err == nil {
			k.file, err = os.CreateTemp(filepath.Join(dir, "kept"), "*.csv")
		}
		if err != nil {
			k.err = err
			return
		}
	}
	_, k.err = k.file.Write(k.buf)
	k.buf = k.buf[:0]
}

// finish writes what is left and returns the copy's path.
func (k *keptLines) finish() (string, error) {
	k.flush()
	if k.err == nil {
		k.err = k.file.Close()
	}
	if k.err != nil {
		k.discard()
		return "", k.err
	}
	return k.file.Name(), nil
}

// discard removes the copy.
func (k *keptLines) discard() {
	k.buf = nil
	if k.file != nil {
		k.file.Close()
		os.Remove(k.file.Name())
	}
}
