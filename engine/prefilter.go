package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/expr"
)

// A source read by one reader that starts with filter steps is read with
// those filters in its statement (prefilter). Of them, the comparisons of
// a column of the file with literals (integers, dates and timestamps:
// = != < <= > >=, IN, BETWEEN; strings: = != and IN) and IS [NOT] NULL
// can be decided on a line of a typed file (canon.go), whose values are
// canonical and strings unquoted: the scan, which reads every line anyway,
// then drops the lines they reject, and duckDB reads a copy of the file
// with the rest (its CSV reader, not the filter, is most of the cost of a
// read: on the example, 0.26 s of the 0.43 s its transform took). The scan
// only ever drops a line whose row the filters reject (a value it cannot
// read is kept); duckDB applies every filter again to the rows it reads,
// so the result is the same with or without this (TestScanFilterSame,
// TestLineFilterAgreesWithDuckDB).

// filterLines lets the scan drop lines; tests turn it off to compare.
var filterLines = true

// lineCond is a condition on the file's column col (an index): col OP a
// literal, or col IN a list of literals (op "in"). An int or bigint column
// compares integers (v); a string column strings (s: = and != only); a
// date or timestamp column their texts in one fixed form (s, timeKey).
type lineCond struct {
	col  int
	kind byte // 'i' integer, 's' string, 't' date or timestamp
	op   string
	v    int64
	s    []byte
	ints []int64
	strs [][]byte
}

// lineFilter is the conditions (all must hold) the scan decides; nil when
// none.
type lineFilter []lineCond

// newLineFilter takes from conds (ANDed) the comparisons it can decide.
func newLineFilter(src *ir.Source, conds []expr.Expr) lineFilter {
	if !filterLines {
		return nil
	}
	column := func(e expr.Expr) (int, expr.Kind, bool) {
		c, ok := e.(*expr.Col)
		if !ok || c.Qual != "" {
			return 0, 0, false
		}
		for i, col := range src.Columns {
			if col.Name == c.Name {
				switch k := col.Type.Kind; k {
				case expr.Int, expr.Bigint, expr.String, expr.Date, expr.Timestamp:
					return i, k, true
				}
			}
		}
		return 0, 0, false
	}
	// literal reads a literal as a value of a column of kind k: the
	// integer, or the string (a date or timestamp in its timeKey form).
	// A string literal compared with a date or timestamp is that date or
	// timestamp (Spark's meaning, which the translations to both engines
	// spell out).
	literal := func(e expr.Expr, k expr.Kind) (int64, string, bool) {
		l, ok := e.(*expr.Lit)
		if !ok {
			return 0, "", false
		}
		switch k {
		case expr.Int, expr.Bigint:
			if l.Kind != expr.LitInt {
				return 0, "", false
			}
			v, err := strconv.ParseInt(l.Text, 10, 64)
			return v, "", err == nil
		case expr.String:
			return 0, l.Str, l.Kind == expr.LitString
		case expr.Date:
			if l.Kind == expr.LitDate || l.Kind == expr.LitString {
				if d, ok := expr.ParseDateLiteral(l.Str); ok {
					key, ok := timeKey(make([]byte, 26), []byte(d))
					return 0, string(key), ok
				}
			}
		case expr.Timestamp:
			if l.Kind == expr.LitTimestamp || l.Kind == expr.LitString {
				if ts, ok := expr.ParseTimestampLiteral(l.Str); ok {
					key, ok := timeKey(make([]byte, 26), []byte(ts))
					return 0, string(key), ok
				}
			}
		}
		return 0, "", false
	}
	condKind := map[expr.Kind]byte{expr.Int: 'i', expr.Bigint: 'i', expr.String: 's', expr.Date: 't', expr.Timestamp: 't'}
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
			col, k, ok := column(x)
			if !ok || k == expr.String && op != "=" && op != "!=" {
				return
			}
			if v, s, ok := literal(y, k); ok {
				f = append(f, lineCond{col: col, kind: condKind[k], op: op, v: v, s: []byte(s)})
			}
		case *expr.In:
			col, k, ok := column(e.X)
			if !ok || e.Not || len(e.List) == 0 {
				return
			}
			c := lineCond{col: col, kind: condKind[k], op: "in"}
			for _, it := range e.List {
				v, s, ok := literal(it, k)
				if !ok {
					return
				}
				c.ints, c.strs = append(c.ints, v), append(c.strs, []byte(s))
			}
			f = append(f, c)
		case *expr.IsNull:
			if col, k, ok := column(e.X); ok {
				op := "null"
				if e.Not {
					op = "notnull"
				}
				f = append(f, lineCond{col: col, kind: condKind[k], op: op})
			}
		case *expr.Between:
			col, k, ok := column(e.X)
			if !ok || k == expr.String || e.Not {
				return
			}
			lo, los, ok1 := literal(e.Lo, k)
			hi, his, ok2 := literal(e.Hi, k)
			if ok1 && ok2 {
				f = append(f, lineCond{col: col, kind: condKind[k], op: ">=", v: lo, s: []byte(los)}, lineCond{col: col, kind: condKind[k], op: "<=", v: hi, s: []byte(his)})
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
	var buf [26]byte
	for i := range f {
		c := &f[i]
		raw, ok := field(line, c.col, delim)
		if !ok {
			continue
		}
		isNull := len(raw) == 0 || null != nil && bytes.Equal(raw, null)
		switch {
		case c.op == "null" || c.op == "notnull":
			// a typed file's value that is not empty nor the null string
			// is not NULL
			if isNull != (c.op == "null") {
				return true
			}
			continue
		case isNull:
			continue
		}
		if c.kind == 't' {
			if raw, ok = timeKey(buf[:], raw); !ok {
				continue
			}
		}
		var cmp int
		switch {
		case c.kind == 'i':
			v, ok := intValue(raw)
			if !ok {
				continue
			}
			if c.op == "in" {
				if !slices.Contains(c.ints, v) {
					return true
				}
				continue
			}
			cmp = cmpInt(v, c.v)
		case c.op == "in":
			in := false
			for _, s := range c.strs {
				in = in || bytes.Equal(raw, s)
			}
			if !in {
				return true
			}
			continue
		default:
			// strings: = and != only (a string's order is not the same to
			// every reader); dates and timestamps: their timeKey forms
			cmp = bytes.Compare(raw, c.s)
		}
		if !c.holds(cmp) {
			return true
		}
	}
	return false
}

// holds says whether the condition holds for a value whose comparison with
// the literal is cmp (-1, 0, 1).
func (c *lineCond) holds(cmp int) bool {
	switch c.op {
	case "=":
		return cmp == 0
	case "!=":
		return cmp != 0
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	case ">=":
		return cmp >= 0
	}
	return false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// timeKey writes a canonical date or timestamp text (canonTime: yyyy-mm-dd,
// then [ T]hh:mm, :ss, .f to .ffffff) into buf (26 bytes) as yyyy-mm-dd
// hh:mm:ss.ffffff, whose byte order is time order; ok is false for other
// text.
func timeKey(buf, b []byte) ([]byte, bool) {
	n := len(b)
	if n < 10 || n > 26 || n > 10 && b[10] != ' ' && b[10] != 'T' || n > 10 && n < 16 || n == 17 || n == 18 || n == 20 {
		return nil, false
	}
	key := buf[:26]
	copy(key, "0000-00-00 00:00:00.000000")
	copy(key, b)
	key[10] = ' ' // or T
	for i, c := range key {
		switch i {
		case 4, 7:
			if c != '-' {
				return nil, false
			}
		case 10:
			continue
		case 13, 16:
			if c != ':' {
				return nil, false
			}
		case 19:
			if c != '.' {
				return nil, false
			}
		default:
			if c-'0' > 9 {
				return nil, false
			}
		}
	}
	return key, true
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
			c.kept.rows++
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
	n    int   // bytes added
	rows int64 // lines kept (after the header)
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
