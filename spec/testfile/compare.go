package testfile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/spec/diag"
)

// Diff is how a target's rows differ from the expected ones. Rows are
// shown with the expected columns only.
type Diff struct {
	Columns    []string
	Missing    []DiffRow // expected, not computed
	Unexpected []DiffRow // computed, not expected
	Changed    []Change  // matched by the key, with other values
	Got, Want  int       // row counts
}

// DiffRow is one row of a Diff; Pos is an expected row's position.
type DiffRow struct {
	Pos    diag.Pos
	Index  int // the row's number (0-based) in its list
	Values []*string
	Named  []bool // an expected row's named columns (nil: all)
}

// Change is an expected row and the computed row with the same key.
type Change struct {
	Pos     diag.Pos
	Key     string // col=value, ...
	Columns []ColumnChange
}

// ColumnChange is one column of a Change.
type ColumnChange struct {
	Column    string
	Want, Got *string
}

// Empty reports whether the rows agree.
func (d *Diff) Empty() bool { return len(d.Missing)+len(d.Unexpected)+len(d.Changed) == 0 }

// Compare compares the computed rows (columns gotCols) with the expected
// ones (want: columns a subset of gotCols; want.Named says which columns
// each row names, and only those are compared). Unless ordered, the order
// of rows is ignored: each expected row is matched with a computed row of
// its own (a maximum matching). Rows left unmatched that share the key
// (every key column named) are paired as changed rows.
func Compare(want *Relation, wantRows [][]*string, gotCols []string, got [][]*string, key []string, ordered bool) *Diff {
	var wantCols []string
	for _, c := range want.Columns {
		wantCols = append(wantCols, c.Name)
	}
	if len(wantRows) == 0 {
		wantCols = gotCols // rows: []: an unexpected row is shown whole
	}
	idx := map[string]int{}
	for i, c := range gotCols {
		idx[c] = i
	}
	proj := make([][]*string, len(got))
	for i, r := range got {
		p := make([]*string, len(wantCols))
		for j, c := range wantCols {
			p[j] = r[idx[c]]
		}
		proj[i] = p
	}
	named := func(i int) []bool {
		if i < len(want.Named) {
			return want.Named[i]
		}
		all := make([]bool, len(wantCols))
		for j := range all {
			all[j] = true
		}
		return all
	}
	agree := func(i int, g []*string) bool {
		for j, on := range named(i) {
			if on && !same(wantRows[i][j], g[j]) {
				return false
			}
		}
		return true
	}
	d := &Diff{Columns: wantCols, Got: len(got), Want: len(wantRows)}
	pos := func(i int) diag.Pos {
		if i < len(want.RowPos) {
			return want.RowPos[i]
		}
		return diag.Pos{}
	}
	missingRow := func(i int) DiffRow {
		return DiffRow{Pos: pos(i), Index: i, Values: wantRows[i], Named: named(i)}
	}
	if ordered {
		for i := 0; i < len(wantRows) || i < len(proj); i++ {
			switch {
			case i >= len(proj):
				d.Missing = append(d.Missing, missingRow(i))
			case i >= len(wantRows):
				d.Unexpected = append(d.Unexpected, DiffRow{Index: i, Values: proj[i]})
			case !agree(i, proj[i]):
				d.Changed = append(d.Changed, change(fmt.Sprintf("row %d", i+1), pos(i), wantCols, named(i), wantRows[i], proj[i]))
			}
		}
		return d
	}
	// Maximum bipartite matching (augmenting paths): expected row i may
	// take computed row j when they agree.
	matchOf := make([]int, len(proj)) // computed row -> expected row, or -1
	for j := range matchOf {
		matchOf[j] = -1
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for j, g := range proj {
			if seen[j] || !agree(i, g) {
				continue
			}
			seen[j] = true
			if matchOf[j] < 0 || try(matchOf[j], seen) {
				matchOf[j] = i
				return true
			}
		}
		return false
	}
	var missing, unexpected []DiffRow
	for i := range wantRows {
		if !try(i, make([]bool, len(proj))) {
			missing = append(missing, missingRow(i))
		}
	}
	for j, r := range proj {
		if matchOf[j] < 0 {
			unexpected = append(unexpected, DiffRow{Index: j, Values: r})
		}
	}
	// Pair missing and unexpected rows with the same key.
	var keyAt []int
	for _, k := range key {
		j := indexOf(wantCols, k)
		if j < 0 {
			keyAt = nil
			break
		}
		keyAt = append(keyAt, j)
	}
	if len(keyAt) > 0 {
		used := map[int]bool{}
		var still []DiffRow
		for _, m := range missing {
			found := -1
			for ui, u := range unexpected {
				if !used[ui] && allNamed(m.Named, keyAt) && sameAt(m.Values, u.Values, keyAt) {
					found = ui
					break
				}
			}
			if found < 0 {
				still = append(still, m)
				continue
			}
			used[found] = true
			var parts []string
			for _, j := range keyAt {
				parts = append(parts, wantCols[j]+"="+show(m.Values[j]))
			}
			d.Changed = append(d.Changed, change(strings.Join(parts, ", "), m.Pos, wantCols, m.Named, m.Values, unexpected[found].Values))
		}
		var rest []DiffRow
		for ui, u := range unexpected {
			if !used[ui] {
				rest = append(rest, u)
			}
		}
		missing, unexpected = still, rest
	}
	d.Missing, d.Unexpected = missing, unexpected
	sort.SliceStable(d.Unexpected, func(i, j int) bool { return rowKey(d.Unexpected[i].Values) < rowKey(d.Unexpected[j].Values) })
	return d
}

func change(key string, pos diag.Pos, cols []string, named []bool, want, got []*string) Change {
	c := Change{Pos: pos, Key: key}
	for j := range cols {
		if named[j] && !same(want[j], got[j]) {
			c.Columns = append(c.Columns, ColumnChange{Column: cols[j], Want: want[j], Got: got[j]})
		}
	}
	return c
}

func same(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func allNamed(named []bool, at []int) bool {
	for _, j := range at {
		if !named[j] {
			return false
		}
	}
	return true
}

func sameAt(a, b []*string, at []int) bool {
	for _, j := range at {
		if !same(a[j], b[j]) {
			return false
		}
	}
	return true
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// rowKey is a row's values as one comparable string (NULL differs from
// every string).
func rowKey(r []*string) string {
	var b strings.Builder
	for _, v := range r {
		if v == nil {
			b.WriteString("\x00N")
		} else {
			b.WriteString("\x00S")
			b.WriteString(*v)
		}
	}
	return b.String()
}

// show renders a value: NULL, or the text (quoted when it has spaces at
// its ends, is empty, or would read as NULL).
func show(v *string) string {
	if v == nil {
		return "NULL"
	}
	s := *v
	if s == "" || s == "NULL" || strings.TrimSpace(s) != s || strings.ContainsAny(s, ",{}\n") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// showRow renders a row as {col: value, ...}, only the named columns
// (named nil: all).
func showRow(cols []string, vals []*string, named []bool) string {
	var parts []string
	for i, c := range cols {
		if named == nil || named[i] {
			parts = append(parts, c+": "+show(vals[i]))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// Lines renders the diff for people, one line each: "- " a missing row,
// "+ " an unexpected row, "~ " a changed one with its columns.
func (d *Diff) Lines() []string {
	var out []string
	for _, m := range d.Missing {
		out = append(out, fmt.Sprintf("- %s  (expected at %s, not computed)", showRow(d.Columns, m.Values, m.Named), m.Pos))
	}
	for _, u := range d.Unexpected {
		out = append(out, fmt.Sprintf("+ %s  (computed, not expected)", showRow(d.Columns, u.Values, nil)))
	}
	for _, c := range d.Changed {
		var parts []string
		for _, cc := range c.Columns {
			parts = append(parts, fmt.Sprintf("%s: %s -> %s", cc.Column, show(cc.Want), show(cc.Got)))
		}
		out = append(out, fmt.Sprintf("~ %s  (expected at %s): %s", c.Key, c.Pos, strings.Join(parts, ", ")))
	}
	return out
}
