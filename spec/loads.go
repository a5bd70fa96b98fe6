package spec

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// loads checks what a load can promise across runs (docs/run-model.md,
// issue 16 requirements 2 and 3):
//
//   - append is exactly once per object of the triggered source: the run
//     appends the rows of the files no run loaded yet. That holds only when
//     every row comes from one row of one file: FC413 rejects an aggregate
//     or dedupe over the triggered rows (a row depends on several files), a
//     join that pairs triggered rows with each other or keeps unmatched
//     rows of another input (those rows come out on every run). The files
//     are those of the triggered source, or for a table without one, of
//     the source its from: chain starts at (c.appends, the IR's
//     Table.Appends).
//   - merge replaces the groups of the run's result. A run reads one
//     partition of the triggered source, so a group is complete only if it
//     lies in one partition: proven when the key covers every partition
//     column, unchanged or cast to a string. Otherwise FC414 warns at the
//     key, and the load checks ownership (c.ownerCheck, the IR's
//     Table.OwnerCheck).
func (c *checker) loads() {
	if c.triggered == 0 {
		return // FC208 already says the pipeline never runs
	}
	for _, t := range c.f.Tables() {
		if _, ok := c.schemaOf(t.From.Raw); !ok {
			continue // broken input, reported already
		}
		trig := c.trigger[t]
		if trig == nil && c.multiTrigger(t) {
			continue // FC214
		}
		switch t.loadMode() {
		case loadAppend:
			c.appendOnce(t, trig)
		case LoadMerge:
			if trig != nil && len(t.Key) > 0 {
				c.mergeOwner(t, trig)
			}
		}
	}
}

// multiTrigger reports whether t's lineage reads several triggered sources.
func (c *checker) multiTrigger(t *Table) bool {
	lin := map[string]bool{}
	c.lineage(t.From.Raw, lin, map[string]bool{})
	n := 0
	for _, s := range c.f.Sources {
		if lin[s.Name.Raw] && s.triggerKind() != triggerNone {
			n++
		}
	}
	return n > 1
}

// loadPos is where a load diagnostic points: load:, or the table's name
// when load: is left to its default.
func loadPos(t *Table) Pos {
	if t.Load.IsSet() {
		return t.Load.Pos
	}
	return t.Name.Pos
}

func (c *checker) appendOnce(t *Table, trig *Source) {
	src := c.appendSource(t)
	if src == nil {
		return
	}
	why := c.rowLocal(t.From.Raw, src, map[string]bool{})
	if why == "" {
		c.appends[t] = src
		return
	}
	hint := "use merge with a key: that identifies a row"
	if trig != nil && len(trig.Partitions) > 0 {
		hint = fmt.Sprintf("use replace_partition (the table needs the partition columns %s of source %q), or %s",
			strings.Join(partNames(trig), ", "), trig.Name.Raw, hint)
	}
	c.errorf(loadPos(t), diag.FC413, "table %q loads with append, which loads each file of source %q once, but %s: its rows depend on several files", t.Name.Raw, src.Name.Raw, why).Hint = hint
}

// appendSource is the source whose files an append table loads once each:
// its triggered source, else the source its from: chain starts at (a table
// without a triggered source reads every file of it on every run).
func (c *checker) appendSource(t *Table) *Source {
	if trig := c.trigger[t]; trig != nil {
		return trig
	}
	name := t.From.Raw
	for i := 0; i <= len(c.transforms); i++ {
		tr := c.transforms[name]
		if tr == nil {
			return c.f.Source(name)
		}
		name = tr.From.Raw
	}
	return nil
}

func partNames(s *Source) []string {
	var out []string
	for _, p := range s.Partitions {
		out = append(out, p.Name.Raw)
	}
	return out
}

// reads reports whether name's lineage reads source trig.
func (c *checker) reads(name string, trig *Source) bool {
	lin := map[string]bool{}
	c.lineage(name, lin, map[string]bool{})
	return lin[trig.Name.Raw]
}

// rowLocal returns "" when every row of name comes from exactly one row of
// source trig (the rows of other inputs only joined to it), else why not.
func (c *checker) rowLocal(name string, trig *Source, seen map[string]bool) string {
	t := c.transforms[name]
	if t == nil || seen[name] {
		return ""
	}
	seen[name] = true
	dep := c.reads(t.From.Raw, trig)
	if dep {
		if why := c.rowLocal(t.From.Raw, trig, seen); why != "" {
			return why
		}
	}
	for _, st := range t.Steps {
		switch st.Kind {
		case StepJoin:
			if !c.reads(st.Join.Raw, trig) {
				continue
			}
			switch {
			case dep:
				return fmt.Sprintf("transform %q joins rows of %q with each other", t.Name.Raw, trig.Name.Raw)
			case st.JoinKind.Raw == "left":
				return fmt.Sprintf("transform %q left-joins %q to %q, whose unmatched rows come out on every run", t.Name.Raw, st.Join.Raw, t.From.Raw)
			}
			if why := c.rowLocal(st.Join.Raw, trig, seen); why != "" {
				return why
			}
			dep = true
		case StepAggregate:
			if dep {
				return fmt.Sprintf("transform %q aggregates them", t.Name.Raw)
			}
		case StepDedupe:
			if dep {
				return fmt.Sprintf("transform %q dedupes them", t.Name.Raw)
			}
		case StepWindow:
			if dep {
				return fmt.Sprintf("transform %q computes a window over them", t.Name.Raw)
			}
		}
	}
	return ""
}

// mergeOwner warns (FC414) when t's merge key does not cover trig's
// partition columns, and records that the load must check ownership.
func (c *checker) mergeOwner(t *Table, trig *Source) {
	if len(trig.Partitions) == 0 {
		return // a run reads the whole source: every group is complete
	}
	parts := c.partitionsOf(t.From.Raw, trig, map[string]map[string]string{})
	covered := map[string]bool{}
	for _, k := range t.Key {
		if p := parts[k.Raw]; p != "" {
			covered[p] = true
		}
	}
	var missing []string
	for _, p := range trig.Partitions {
		if !covered[p.Name.Raw] {
			missing = append(missing, p.Name.Raw)
		}
	}
	if len(missing) == 0 {
		return
	}
	c.ownerCheck[t] = true
	keys := make([]string, len(t.Key))
	for i, k := range t.Key {
		keys[i] = k.Raw
	}
	c.ds.Warnf(t.Key[0].Pos, diag.FC414, "merge key [%s] of table %q does not include the partition columns %s of source %q: a group can span partitions, and a run computes it from one; each run checks that its groups come from its own partition and fails otherwise",
		strings.Join(keys, ", "), t.Name.Raw, strings.Join(missing, ", "), trig.Name.Raw).Hint =
		"add the partition columns to key: (a select can carry them: year: year), or keep the key if a group never spans partitions"
}

// partitionsOf maps each output column of the source or transform name that
// is one of trig's partition columns, unchanged or cast to a string, to that
// partition column.
func (c *checker) partitionsOf(name string, trig *Source, memo map[string]map[string]string) map[string]string {
	if m, ok := memo[name]; ok {
		return m
	}
	memo[name] = nil // a cycle (reported by graph) maps nothing
	out := map[string]string{}
	if s := c.f.Source(name); s != nil {
		if s == trig {
			for _, p := range s.Partitions {
				out[p.Name.Raw] = p.Name.Raw
			}
		}
		memo[name] = out
		return out
	}
	t := c.transforms[name]
	if t == nil {
		return out
	}
	type col struct{ qual, name, part string }
	// The row of every column (as transformTypes builds it), each with the
	// partition column it is, if any.
	var row []col
	from, _ := c.schemaOf(t.From.Raw)
	fromParts := c.partitionsOf(t.From.Raw, trig, memo)
	for _, x := range from {
		row = append(row, col{name: x.Name, part: fromParts[x.Name]})
	}
	// resolve finds a reference as expr.Row.Resolve does: exact, or the
	// only joined column of a bare name.
	resolve := func(qual, name string) string {
		var found []col
		for _, x := range row {
			if x.name != name {
				continue
			}
			if x.qual == qual {
				return x.part
			}
			if qual == "" {
				found = append(found, x)
			}
		}
		if len(found) == 1 {
			return found[0].part
		}
		return ""
	}
	partOf := func(e *Expr) string {
		if e == nil {
			return ""
		}
		x := e.AST
		if cast, ok := x.(*expr.Cast); ok && cast.To.Kind == expr.String {
			x = cast.X
		}
		if ref, ok := x.(*expr.Col); ok {
			return resolve(ref.Qual, ref.Name)
		}
		return ""
	}
	ref := func(s string) string {
		q, n, ok := strings.Cut(s, ".")
		if !ok {
			q, n = "", s
		}
		return resolve(q, n)
	}
	// carried is the columns a select list or an aggregate's by: keeps,
	// under their bare names.
	carried := func(names []Str) []col {
		var out []col
		for _, n := range names {
			_, bare, ok := strings.Cut(n.Raw, ".")
			if !ok {
				bare = n.Raw
			}
			out = append(out, col{name: bare, part: ref(n.Raw)})
		}
		return out
	}
	set := func(name, part string) []col {
		for i, x := range row {
			if x.qual == "" && x.name == name {
				row[i].part = part
				return row
			}
		}
		return append(row, col{name: name, part: part})
	}
	for _, st := range t.Steps {
		switch st.Kind {
		case StepJoin:
			joined, _ := c.schemaOf(st.Join.Raw)
			parts := c.partitionsOf(st.Join.Raw, trig, memo)
			for _, x := range joined {
				row = append(row, col{qual: st.alias(), name: x.Name, part: parts[x.Name]})
			}
		case StepDerive:
			for _, ne := range st.Columns {
				row = set(ne.Name.Raw, partOf(ne.Expr))
			}
		case StepSelect:
			next := carried(st.Names)
			for _, ne := range st.Columns {
				next = append(next, col{name: ne.Name.Raw, part: partOf(ne.Expr)})
			}
			row = next
		case StepAggregate:
			row = carried(st.By) // measures are computed: no partition column
		case StepWindow:
			for _, ne := range st.Columns {
				row = set(ne.Name.Raw, "") // computed over several rows
			}
		}
	}
	for _, x := range row {
		if x.part != "" {
			if _, dup := out[x.name]; !dup {
				out[x.name] = x.part
			}
		}
	}
	memo[name] = out
	return out
}
