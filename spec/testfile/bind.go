package testfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Case is a test bound to the IR of its environment: every fixture value
// typed and in canonical text form, ready for the engine.
type Case struct {
	Test   *Test
	Target string
	Table  *ir.Table // the target, when it is a table
	// Columns is the target's output row (for a table, its columns with
	// the type the transform feeds them).
	Columns []expr.Column
	Given   []*Relation
	// Expected holds the expected rows (Kind ExpectRows): only the columns
	// the test names, in the order of Columns.
	Expected *Relation
	// Key is the target's key (a merge key, or the by: of a final aggregate
	// or dedupe): rows with the same key are shown as changed, not as one
	// missing and one unexpected.
	Key []string
	// RunError is a bad value of a CSV fixture: like a bad value in a
	// source file, it fails the run (expect: {error: TEXT} may expect it).
	RunError string
}

// Relation is typed rows: Rows[i][j] is the canonical text of column j (nil
// is NULL), which the engine casts to the column's type.
type Relation struct {
	Name    string
	Columns []expr.Column
	Rows    [][]*string
	RowPos  []diag.Pos
	// Named says which columns each expected row names: only those are
	// compared (nil: all).
	Named [][]bool
}

// ReadFile reads a CSV fixture named relative to the test file.
type ReadFile func(name string) ([]byte, error)

// Bind types test t of f against pl. read reads CSV fixtures (a path
// relative to the test file, joined by Bind).
func Bind(f *File, t *Test, pl *ir.IR, read ReadFile) (*Case, *diag.Set) {
	ds := &diag.Set{}
	c := &Case{Test: t, Target: t.Target}
	start := t.Target // where the target's reads start
	if tb := table(pl, t.Target); tb != nil {
		c.Table = tb
		for _, col := range tb.Columns {
			c.Columns = append(c.Columns, expr.Column{Name: col.Name, Type: col.From})
		}
		c.Key = tb.Key
		start = tb.From
	} else if tr := pl.Transform(t.Target); tr != nil {
		c.Columns = tr.Schema
		c.Key = transformKey(tr)
	} else {
		ds.Errorf(t.TargetPos, diag.FC600, "target %q is no transform or table of the spec", t.Target).Hint = "name a transform or a warehouse table"
		return nil, ds
	}
	given := map[string]bool{}
	for _, g := range t.Given {
		given[g.Name] = true
	}
	reads, missing := reach(pl, start, given)
	for _, g := range t.Given {
		var cols []expr.Column
		if s := pl.Source(g.Name); s != nil {
			cols = s.Schema
		} else if tr := pl.Transform(g.Name); tr != nil {
			cols = tr.Schema
		} else {
			ds.Errorf(g.Pos, diag.FC600, "given %q is no source or transform of the spec", g.Name)
			continue
		}
		if !reads[g.Name] {
			ds.Warnf(g.Pos, diag.FC604, "the target %s does not read %s (or reads it only through a relation given too): its rows are not used", t.Target, g.Name)
		}
		rel := &Relation{Name: g.Name, Columns: cols}
		if g.CSV != "" {
			msg := bindCSV(f, g, rel, read, ds)
			if msg != "" && c.RunError == "" {
				c.RunError = msg
			}
		} else {
			bindRows(g.Rows, rel, true, fmt.Sprintf("%s (%s)", g.Name, kindOf(pl, g.Name)), ds)
		}
		c.Given = append(c.Given, rel)
	}
	for _, name := range missing {
		ds.Errorf(t.TargetPos, diag.FC603, "target %s reads source %s: the test gives no rows for it", t.Target, name).Hint =
			fmt.Sprintf("add `%s: []` under given: for no rows", name)
	}
	switch t.Expect.Kind {
	case ExpectRows:
		c.Expected = expected(t.Expect.Rows, c.Columns, t.Target, ds)
	case ExpectFailure:
		if c.Table == nil {
			ds.Errorf(t.Expect.Pos, diag.FC606, "expect failure: the target %s is a transform, which has no checks", t.Target)
		} else if !hasCheck(c.Table, t.Expect.Failure) {
			ds.Errorf(t.Expect.Pos, diag.FC606, "table %s has no check %q", c.Table.Name, t.Expect.Failure).Hint = "checks: " + strings.Join(checkNames(c.Table), ", ")
		}
	}
	return c, ds
}

func kindOf(pl *ir.IR, name string) string {
	if pl.Source(name) != nil {
		return "source"
	}
	return "transform"
}

func table(pl *ir.IR, name string) *ir.Table {
	for _, tb := range pl.Tables {
		if tb.Name == name {
			return tb
		}
	}
	return nil
}

// reach walks what the target reads, from start (a table's from, or the
// transform itself), not past the given relations: it returns every
// relation reached (given ones included) and, in the order met, the
// sources reached that are not given.
func reach(pl *ir.IR, start string, given map[string]bool) (seen map[string]bool, missing []string) {
	seen = map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		if given[n] {
			return
		}
		if pl.Source(n) != nil {
			missing = append(missing, n)
			return
		}
		if t := pl.Transform(n); t != nil {
			walk(t.From)
			for _, st := range t.Steps {
				if st.Join != "" {
					walk(st.Join)
				}
			}
		}
	}
	walk(start)
	return seen, missing
}

// transformKey is the by: of a transform's last step when it is an
// aggregate or dedupe (unqualified names only).
func transformKey(t *ir.Transform) []string {
	if len(t.Steps) == 0 {
		return nil
	}
	st := t.Steps[len(t.Steps)-1]
	if st.Kind != ir.StepAggregate && st.Kind != ir.StepDedupe {
		return nil
	}
	var out []string
	for _, b := range st.By {
		if strings.Contains(b, ".") {
			return nil
		}
		out = append(out, b)
	}
	return out
}

func hasCheck(tb *ir.Table, name string) bool {
	for _, n := range checkNames(tb) {
		if n == name {
			return true
		}
	}
	for _, c := range tb.Checks {
		if string(c.Kind) == name {
			return true
		}
	}
	if name == string(ir.CheckUnique) && tb.Load == ir.LoadMerge && len(tb.Key) > 0 {
		return true
	}
	return strings.HasPrefix(name, "length(") && strings.HasSuffix(name, ")") &&
		hasColumn(tb, strings.TrimSuffix(strings.TrimPrefix(name, "length("), ")"))
}

func hasColumn(tb *ir.Table, name string) bool {
	for _, c := range tb.Columns {
		if c.Name == name && (c.Type.Kind == ir.RSVarchar || c.Type.Kind == ir.RSChar) {
			return true
		}
	}
	return false
}

// checkNames are the names of a table's checks, as a failure names them.
func checkNames(tb *ir.Table) []string {
	var out []string
	for _, c := range tb.Checks {
		out = append(out, c.Name)
	}
	if tb.Load == ir.LoadMerge && len(tb.Key) > 0 {
		out = append(out, "merge key unique("+strings.Join(tb.Key, ",")+")") // as sqlgen.LoadChecks names it
	}
	return out
}

// bindRows types inline rows into rel; a column left out is NULL when
// fill is set.
func bindRows(rows []*Row, rel *Relation, fill bool, what string, ds *diag.Set) {
	idx := map[string]int{}
	for i, c := range rel.Columns {
		idx[c.Name] = i
	}
	for _, r := range rows {
		vals := make([]*string, len(rel.Columns))
		for _, cell := range r.Cells {
			i, ok := idx[cell.Column]
			if !ok {
				d := ds.Errorf(cell.KeyPos, diag.FC602, "%s has no column %q", what, cell.Column)
				d.Hint = "columns: " + strings.Join(expr.Row(rel.Columns).Names(), ", ")
				continue
			}
			if cell.Null {
				continue
			}
			v, err := canonical(cell.Text, rel.Columns[i].Type)
			if err != nil {
				ds.Errorf(cell.Pos, diag.FC601, "column %s: %v", cell.Column, err)
				continue
			}
			vals[i] = &v
		}
		rel.Rows = append(rel.Rows, vals)
		rel.RowPos = append(rel.RowPos, r.Pos)
	}
}

// expected types the expected rows: the columns the rows name (the union
// over the rows), and in Named which ones each row names.
func expected(rows []*Row, cols []expr.Column, target string, ds *diag.Set) *Relation {
	named := map[string]bool{}
	for _, r := range rows {
		for _, c := range r.Cells {
			named[c.Column] = true
		}
	}
	rel := &Relation{Name: target}
	for _, c := range cols {
		if named[c.Name] {
			rel.Columns = append(rel.Columns, c)
		}
	}
	full := &Relation{Name: target, Columns: cols}
	bindRows(rows, full, true, "target "+target, ds)
	// Keep the named columns of each row.
	keep := make([]int, 0, len(rel.Columns))
	for i, c := range cols {
		if named[c.Name] {
			keep = append(keep, i)
		}
	}
	for k, r := range full.Rows {
		has := map[string]bool{}
		if k < len(rows) {
			for _, c := range rows[k].Cells {
				has[c.Column] = true
			}
		}
		var row []*string
		var named []bool
		for _, i := range keep {
			row = append(row, r[i])
			named = append(named, has[cols[i].Name])
		}
		rel.Rows = append(rel.Rows, row)
		rel.Named = append(rel.Named, named)
	}
	rel.RowPos = full.RowPos
	return rel
}

// bindCSV reads a CSV fixture: a header naming columns of the relation (in
// any order; the others are NULL), then rows; an empty field is NULL. A
// bad value is the run's error (returned), as in a source file.
func bindCSV(f *File, g *Given, rel *Relation, read ReadFile, ds *diag.Set) string {
	name := g.CSV
	if !filepath.IsAbs(name) {
		name = path.Join(path.Dir(filepath.ToSlash(f.Name)), filepath.ToSlash(name))
	}
	src, err := read(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		ds.Errorf(g.CSVPos, diag.FC605, "cannot read the CSV fixture %s: %v", name, err)
		return ""
	}
	r := csv.NewReader(bytes.NewReader(src))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		ds.Errorf(g.CSVPos, diag.FC605, "the CSV fixture %s has no header: %v", name, cleanCSV(err))
		return ""
	}
	idx := map[string]int{}
	for i, c := range rel.Columns {
		idx[c.Name] = i
	}
	at := make([]int, len(header))
	bad := false
	for j, h := range header {
		i, ok := idx[strings.TrimSpace(h)]
		if !ok {
			ds.Errorf(g.CSVPos, diag.FC605, "the CSV fixture %s has a column %q that %s does not have", name, h, g.Name).Hint = "columns: " + strings.Join(expr.Row(rel.Columns).Names(), ", ")
			bad = true
		}
		at[j] = i
	}
	if bad {
		return ""
	}
	runErr := ""
	for {
		line, _ := r.FieldPos(0)
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			ds.Errorf(g.CSVPos, diag.FC605, "the CSV fixture %s is not valid CSV: %v", name, cleanCSV(err))
			return ""
		}
		line, _ = r.FieldPos(0)
		if len(rec) != len(header) {
			ds.Errorf(g.CSVPos, diag.FC605, "%s:%d: %d fields, the header has %d", name, line, len(rec), len(header))
			return ""
		}
		vals := make([]*string, len(rel.Columns))
		for j, v := range rec {
			if v == "" {
				continue
			}
			col := rel.Columns[at[j]]
			cv, err := canonical(v, col.Type)
			if err != nil {
				if runErr == "" {
					runErr = fmt.Sprintf("%s:%d: column %s: %v", name, line, col.Name, err)
				}
				continue
			}
			vals[at[j]] = &cv
		}
		rel.Rows = append(rel.Rows, vals)
		rel.RowPos = append(rel.RowPos, diag.Pos{File: name, Line: line})
	}
	return runErr
}

func cleanCSV(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d: %v", pe.Line, pe.Err)
	}
	return err.Error()
}

var decimalRe = regexp.MustCompile(`^[+-]?([0-9]+)(?:\.([0-9]+))?$`)

// canonical checks that text is a value of type t as a fixture writes it,
// and returns it in the form the engine casts: integers and decimals
// plain, doubles in Go's shortest form (or NaN, inf, -inf), booleans
// true/false, dates yyyy-mm-dd, timestamps yyyy-mm-dd hh:mm:ss[.ffffff].
func canonical(text string, t expr.Type) (string, error) {
	switch t.Kind {
	case expr.String:
		return text, nil
	case expr.Int, expr.Bigint:
		bits := 64
		if t.Kind == expr.Int {
			bits = 32
		}
		n, err := strconv.ParseInt(text, 10, bits)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return "", fmt.Errorf("%q is out of the range of %s", text, t)
			}
			return "", fmt.Errorf("%q is not a valid %s", text, t)
		}
		return strconv.FormatInt(n, 10), nil
	case expr.Double:
		switch strings.ToLower(text) {
		case "nan", ".nan":
			return "NaN", nil
		case "inf", "infinity", "+inf", "+infinity", ".inf", "+.inf":
			return "inf", nil
		case "-inf", "-infinity", "-.inf":
			return "-inf", nil
		}
		v, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(v, 0) {
			return "", fmt.Errorf("%q is not a valid double", text)
		}
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case expr.Decimal:
		m := decimalRe.FindStringSubmatch(text)
		if m == nil {
			return "", fmt.Errorf("%q is not a valid %s", text, t)
		}
		intDigits := len(strings.TrimLeft(m[1], "0"))
		if intDigits > t.Precision-t.Scale {
			return "", fmt.Errorf("%q has %d digits before the point; %s holds %d", text, intDigits, t, t.Precision-t.Scale)
		}
		if len(m[2]) > t.Scale {
			return "", fmt.Errorf("%q has %d digits after the point; %s keeps %d", text, len(m[2]), t, t.Scale)
		}
		return text, nil
	case expr.Boolean:
		switch strings.ToLower(text) {
		case "true":
			return "true", nil
		case "false":
			return "false", nil
		}
		return "", fmt.Errorf("%q is not a valid boolean (true or false)", text)
	case expr.Date:
		if d, ok := expr.ParseDateLiteral(text); ok {
			return d, nil
		}
		return "", fmt.Errorf("%q is not a valid date (yyyy-mm-dd)", text)
	case expr.Timestamp:
		if ts, ok := expr.ParseTimestampLiteral(text); ok {
			return ts, nil
		}
		return "", fmt.Errorf("%q is not a valid timestamp (yyyy-mm-dd hh:mm[:ss])", text)
	}
	return "", fmt.Errorf("a column of type %s cannot be given in a fixture", t)
}

// Sources lists the sources target (a transform or table) reads, in the
// order met; ok is false when target is neither.
func Sources(pl *ir.IR, target string) (sources []string, ok bool) {
	start := target
	if tb := table(pl, target); tb != nil {
		start = tb.From
	} else if pl.Transform(target) == nil {
		return nil, false
	}
	_, missing := reach(pl, start, nil)
	return missing, true
}
