// Package evolve compares the table a warehouse holds with the table a
// spec declares, classifies every difference and writes the migration that
// turns one into the other, for Redshift and for the local DuckDB
// warehouse. It does no I/O: `flowc diff` and `flowc deploy` compare the
// deployed description with the build's, `flowc run` compares the live
// local table with the spec, and the Glue runtime does the same with the
// live Redshift table (templates/glue_runtime.py, same classes).
//
// The classes (docs/table-evolution.md):
//
//	additive     a new column (flowc columns are nullable, without default)
//	in_place     a rename (declared with renamed_from, never guessed), a
//	             varchar widening, a sort key change
//	destructive  a dropped column, any other type change (narrowing,
//	             char widening, integer -> bigint, ...), a change of
//	             distkey or diststyle
//
// Redshift alters in place only what its ALTER TABLE documents (AWS,
// Amazon Redshift Database Developer Guide, "ALTER TABLE"): ADD COLUMN (one
// column per statement, not a distkey or sortkey column), DROP COLUMN (not
// a distkey or sortkey column), RENAME COLUMN, ALTER COLUMN ... TYPE, which
// "changes the size of a column defined as a VARCHAR data type" and "can't
// alter columns within a transaction block", and ALTER [COMPOUND] SORTKEY
// (ALTER SORTKEY AUTO for a sort key the spec no longer declares).
// Every other destructive change is a deep copy (create the new table with
// its keys, insert the old rows with casts, drop the old table, rename the
// new one) in the load's transaction. ALTER DISTKEY and ALTER DISTSTYLE
// exist too, but they rewrite every row in the background and cannot run
// while a VACUUM does; flowc Rebuilds instead, inside the load's
// transaction, and counts a distribution change as destructive.
package evolve

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Kind is what changed.
type Kind string

// Change kinds.
const (
	Add    Kind = "add"
	Drop   Kind = "drop"
	Retype Kind = "retype"
	Rename Kind = "rename"
	Key    Kind = "key"
)

// Class says what a change costs.
type Class string

// Change classes.
const (
	Additive    Class = "additive"
	InPlace     Class = "in_place"
	Destructive Class = "destructive"
)

// Change is one difference between the table a warehouse holds (before)
// and the one the spec declares (after).
type Change struct {
	// Column is the column's name in the spec (its old name for a drop);
	// for a key change, "distkey", "diststyle" or "sortkey".
	Column string `json:"column"`
	Change Kind   `json:"change"`
	Before string `json:"before"` // type, old name (rename) or key; "" for add
	After  string `json:"after"`  // type, new name (rename) or key; "" for drop
	Class  Class  `json:"class"`
	// Rebuild: the migration is a deep copy of the table (destructive
	// changes that ALTER TABLE cannot make).
	Rebuild bool `json:"-"`
}

// TableChanges are the changes of one table, in the JSON of `flowc diff`.
type TableChanges struct {
	Table   string   `json:"table"`
	Changes []Change `json:"changes"`
}

// Words renders a change as `flowc diff` says it, e.g.
// "+ column late_legs bigint (additive)".
func (c Change) Words() string {
	class := string(c.Class)
	if c.Class == Destructive {
		class += ": drop"
		if c.Rebuild {
			class = "destructive: rebuild"
		}
	}
	switch c.Change {
	case Add:
		return fmt.Sprintf("+ column %s %s (%s)", c.Column, c.After, class)
	case Drop:
		return fmt.Sprintf("- column %s %s (%s)", c.Column, c.Before, class)
	case Rename:
		return fmt.Sprintf("~ column %s renamed to %s (%s)", c.Before, c.After, class)
	case Key:
		return fmt.Sprintf("~ %s %s -> %s (%s)", c.Column, c.Before, c.After, class)
	}
	return fmt.Sprintf("~ column %s %s -> %s (%s)", c.Column, c.Before, c.After, class)
}

// Options say what a comparison looks at.
type Options struct {
	// Keys compares distribution and sort keys: Redshift's, and the ones
	// the local warehouse notes (it has none; flowc run reports their
	// changes and migrates only the columns, Compare without Keys).
	Keys bool
}

// UnknownLength is the type of a live character column whose declared
// length the warehouse does not record (the local warehouse's VARCHAR
// without flowc's note): it matches every char(n) and varchar(n).
const UnknownLength = "varchar"

// Compare lists the changes that turn table old into table new, columns
// first (in new's order, then drops in old's order), then keys. A column
// of new whose renamed_from names a column of old, when old has no column
// of the new name, is a rename (a rename already made is no change).
func Compare(old, new *ir.TableDescription, o Options) []Change {
	oldType := map[string]string{}
	for _, c := range old.Columns {
		oldType[c.Name] = c.Type
	}
	kept := map[string]bool{}
	var out []Change
	for _, c := range new.Columns {
		before, ok := oldType[c.Name]
		from := c.Name
		if !ok && c.RenamedFrom != "" {
			if t, had := oldType[c.RenamedFrom]; had {
				before, ok, from = t, true, c.RenamedFrom
				out = append(out, Change{Column: c.Name, Change: Rename, Before: c.RenamedFrom, After: c.Name, Class: InPlace})
			}
		}
		if !ok {
			out = append(out, Change{Column: c.Name, Change: Add, After: c.Type, Class: Additive})
			continue
		}
		kept[from] = true
		if !sameType(before, c.Type) {
			out = append(out, retype(c.Name, before, c.Type))
		}
	}
	for _, c := range old.Columns {
		if !kept[c.Name] {
			out = append(out, Change{Column: c.Name, Change: Drop, Before: c.Type, Class: Destructive})
		}
	}
	if o.Keys {
		// Keys compare under the new names of renamed columns.
		renamed := *old
		renamed.Distkey = newName(old.Distkey, out)
		renamed.Sortkey = nil
		for _, k := range old.Sortkey {
			renamed.Sortkey = append(renamed.Sortkey, newName(k, out))
		}
		old := &renamed
		if a, b := distribution(old), distribution(new); a != b {
			col, before, after := "diststyle", a, b
			if old.Distkey != "" && new.Distkey != "" {
				col, before, after = "distkey", old.Distkey, new.Distkey
			}
			out = append(out, Change{Column: col, Change: Key, Before: before, After: after, Class: Destructive, Rebuild: true})
		}
		if a, b := sortkey(old.Sortkey), sortkey(new.Sortkey); a != b {
			out = append(out, Change{Column: "sortkey", Change: Key, Before: a, After: b, Class: InPlace})
		}
	}
	// A dropped column that is a key of the old table cannot be dropped by
	// ALTER TABLE (AWS: "You can't drop a column that is the distribution
	// key (DISTKEY) or a sort key (SORTKEY) of the table"): rebuild.
	for i, c := range out {
		if c.Change == Drop && o.Keys && isKey(old, c.Column) {
			out[i].Rebuild = true
		}
	}
	return out
}

// newName is a column's name after the renames among changes.
func newName(col string, changes []Change) string { return renamedName(col, changes, true) }

// renamedName follows a rename among changes: forward from the old name to
// the new, or back.
func renamedName(col string, changes []Change, forward bool) string {
	for _, c := range changes {
		if c.Change != Rename {
			continue
		}
		if forward && c.Before == col {
			return c.After
		}
		if !forward && c.After == col {
			return c.Before
		}
	}
	return col
}

// retype classifies a type change: a varchar widening is altered in
// place; anything else is a rebuild with a cast.
func retype(col, before, after string) Change {
	ch := Change{Column: col, Change: Retype, Before: before, After: after, Class: Destructive, Rebuild: true}
	a, okA := length("varchar", before)
	b, okB := length("varchar", after)
	if okA && okB && b > a {
		ch.Class, ch.Rebuild = InPlace, false
	}
	return ch
}

// length is n of a type written kind(n), as descriptions write types
// (ir.RedshiftType.String).
func length(kind, typ string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(typ, kind+"(%d)", &n); err != nil || typ != fmt.Sprintf("%s(%d)", kind, n) {
		return 0, false
	}
	return n, true
}

func sameType(live, want string) bool {
	if live == want {
		return true
	}
	if live == UnknownLength {
		_, v := length("varchar", want)
		_, c := length("char", want)
		return v || c
	}
	return false
}

// distribution is a table's distribution as the DDL declares it.
func distribution(t *ir.TableDescription) string {
	switch {
	case t.Distkey != "":
		return "key (" + t.Distkey + ")"
	case t.Diststyle != "":
		return t.Diststyle
	}
	return "auto"
}

// sortkey is a spec's sort key as diff says it: without one, Redshift's
// default, SORTKEY AUTO (what the job makes of a removed sortkey too).
func sortkey(ks []string) string {
	if len(ks) == 0 {
		return "auto"
	}
	return "(" + strings.Join(ks, ", ") + ")"
}

func isKey(t *ir.TableDescription, col string) bool {
	if t.Distkey == col {
		return true
	}
	for _, k := range t.Sortkey {
		if k == col {
			return true
		}
	}
	return false
}

// Rebuilds reports whether the changes need a deep copy.
func Rebuilds(changes []Change) bool {
	for _, c := range changes {
		if c.Rebuild {
			return true
		}
	}
	return false
}

// DestructiveOnly returns the destructive changes.
func DestructiveOnly(changes []Change) []Change {
	var out []Change
	for _, c := range changes {
		if c.Class == Destructive {
			out = append(out, c)
		}
	}
	return out
}

// allowed reports whether table t's destructive changes may be made: its
// spec says on_destructive_change: allow, or allow (the deploy's
// --allow-destructive tables) names it.
func allowed(t *ir.TableDescription, allow []string) bool {
	if t.OnDestructiveChange == ir.OnDestructiveAllow {
		return true
	}
	for _, a := range allow {
		if a == t.Name {
			return true
		}
	}
	return false
}

// RefusedError is a destructive change that neither the spec nor a flag
// allows.
type RefusedError struct {
	Table   string
	Changes []Change // the destructive ones
	// Flag names the one-off allowance ("--allow-destructive" for deploy);
	// "" when there is none (flowc run).
	Flag string
}

func (e *RefusedError) Error() string {
	var cs []string
	for _, c := range e.Changes {
		cs = append(cs, c.Words())
	}
	how := "set on_destructive_change: allow on the table"
	if e.Flag != "" {
		how += ", or pass " + e.Flag + " " + e.Table
	}
	return fmt.Sprintf("table %s: destructive change not allowed: %s; %s", e.Table, strings.Join(cs, "; "), how)
}

// Check returns a *RefusedError when the changes of table t hold a
// destructive one that is not allowed, nil otherwise.
func Check(t *ir.TableDescription, changes []Change, allow []string, flag string) error {
	d := DestructiveOnly(changes)
	if len(d) == 0 || allowed(t, allow) {
		return nil
	}
	return &RefusedError{Table: t.Name, Changes: d, Flag: flag}
}
