package expr

import "strings"

// Row is an ordered row of named, typed columns: what a step of a
// transform reads or produces. A column of the main input has Qual ""; a
// column of a joined input carries the join's alias. The spec checker, the
// SQL generator and the engine resolve names in a Row the same way, by
// Resolve, which is also how Check resolves a column reference.
type Row []Column

// QualName is the column's name as written in a spec: name, or
// alias.name for a joined column.
func (c Column) QualName() string {
	if c.Qual == "" {
		return c.Name
	}
	return c.Qual + "." + c.Name
}

// Resolve finds the column a reference means: a qualified reference
// (qual != "") matches its column exactly; a bare one means the main
// input's column of that name, else the only joined column of that name.
// n is how many columns it could mean: 1 when found, 0 when none, more
// when a bare name is ambiguous (then col is the zero Column).
func (r Row) Resolve(qual, name string) (col Column, n int) {
	var found []Column
	for _, c := range r {
		if c.Name != name {
			continue
		}
		if c.Qual == qual {
			return c, 1
		}
		if qual == "" {
			found = append(found, c)
		}
	}
	if len(found) == 1 {
		return found[0], 1
	}
	return Column{}, len(found)
}

// Lookup resolves a column name as written in a spec, "name" or
// "alias.name" (see Resolve); ok is false when it is unknown or ambiguous.
func (r Row) Lookup(ref string) (Column, bool) {
	qual, name, found := strings.Cut(ref, ".")
	if !found {
		qual, name = "", ref
	}
	c, n := r.Resolve(qual, name)
	return c, n == 1
}

// Names are the columns' names as written in a spec (QualName), in order.
func (r Row) Names() []string {
	out := make([]string, 0, len(r))
	for _, c := range r {
		out = append(out, c.QualName())
	}
	return out
}

// Unqualified is a copy of the row with every alias dropped: the row a
// transform outputs.
func (r Row) Unqualified() Row { return r.Qualified("") }

// Qualified is a copy of the row with every column under alias: the
// columns a join adds.
func (r Row) Qualified(alias string) Row {
	out := make(Row, len(r))
	for i, c := range r {
		out[i] = Column{Qual: alias, Name: c.Name, Type: c.Type}
	}
	return out
}

// HasQualified reports whether any column carries a join alias.
func (r Row) HasQualified() bool {
	for _, c := range r {
		if c.Qual != "" {
			return true
		}
	}
	return false
}

// Set gives the main input's column name type t, appending the column if
// the row has none of that name. It changes r in place when the column is
// there, like append.
func (r Row) Set(name string, t Type) Row {
	for i, c := range r {
		if c.Qual == "" && c.Name == name {
			r[i].Type = t
			return r
		}
	}
	return append(r, Column{Name: name, Type: t})
}
