package deploy

import (
	"fmt"

	"github.com/flowc-dev/flowc/compiler/evolve"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
)

// The pipeline's description (ir.Description, pipeline.json) is how deploy
// knows the tables: the build writes it and uploads it as an asset, and the
// root template's Metadata points at its key, so the deployed side is read
// back from the asset bucket (planInput) or from an earlier build
// directory (DiffOffline).

// againstStack is planInput.Against for a comparison with the deployed stack.
const againstStack = "the deployed stack"

// descriptionKey is the asset key the template's Metadata points at
// ({"flowc": {"description": KEY}}), "" when it has none: a template built
// by an older flowc.
func (t *template) descriptionKey() string {
	f, _ := t.Metadata[layout.MetadataKey].(map[string]any)
	k, _ := f[layout.MetadataDescriptionKey].(string)
	return k
}

// descriptions reads the pipeline descriptions of both sides from their
// files. The old one is nil, with a note saying why, when the other side
// has none or one this flowc cannot read; it is empty for a new stack.
func descriptions(in planInput, oldT *template) (oldD, newD *ir.Description, note string, err error) {
	nb := in.New.Files[layout.DescriptionPath]
	if nb == nil {
		return nil, nil, "the build has no " + layout.DescriptionPath + "; table changes are not shown", nil
	}
	if newD, err = ir.ParseDescription(nb); err != nil {
		return nil, nil, "", fmt.Errorf("%s: %w", layout.DescriptionPath, err)
	}
	if in.Old.Template == nil {
		return &ir.Description{}, newD, "", nil
	}
	ob := in.Old.Files[layout.DescriptionPath]
	switch {
	case ob == nil && oldT.descriptionKey() == "" && in.Against == againstStack:
		return nil, newD, "the deployed stack has no pipeline description (deployed by an older flowc); table changes are shown after the next deploy", nil
	case ob == nil && oldT.descriptionKey() == "":
		return nil, newD, in.Against + " has no pipeline description (built by an older flowc); table changes are not shown", nil
	case ob == nil && in.Against == againstStack:
		return nil, newD, "", nil // planInput said why (the asset is gone)
	case ob == nil:
		return nil, newD, in.Against + " has no " + layout.DescriptionPath + "; table changes are not shown", nil
	}
	if oldD, err = ir.ParseDescription(ob); err != nil {
		return nil, newD, fmt.Sprintf("%s: %v; table changes are not shown", in.Against, err), nil
	}
	return oldD, newD, "", nil
}

// column is a named, typed column.
type column struct{ name, typ string }

// tableChanges compares the Redshift tables of two descriptions: the
// pipeline words (a line per column or key change, "+ table"/"- table"
// for a whole table) and the typed changes of each table that both sides
// have (compiler/evolve); nothing when either side is unknown.
func tableChanges(old, new *ir.Description) ([]string, []evolve.TableChanges) {
	if old == nil || new == nil {
		return nil, nil
	}
	oldT, newT := map[string]*ir.TableDescription{}, map[string]*ir.TableDescription{}
	for i := range old.Tables {
		oldT[old.Tables[i].Name] = &old.Tables[i]
	}
	for i := range new.Tables {
		newT[new.Tables[i].Name] = &new.Tables[i]
	}
	var w []string
	var tables []evolve.TableChanges
	for _, name := range unionKeys(oldT, newT) {
		o, n := oldT[name], newT[name]
		switch {
		case o == nil:
			w = append(w, fmt.Sprintf("+ table %s (%d columns)", name, len(n.Columns)))
		case n == nil:
			w = append(w, fmt.Sprintf("- table %s (the Redshift table itself is not dropped)", name))
		default:
			changes := evolve.Compare(o, n, evolve.Options{Keys: true})
			if len(changes) == 0 {
				continue
			}
			for _, c := range changes {
				w = append(w, "~ table "+name+": "+c.Words())
			}
			tables = append(tables, evolve.TableChanges{Table: name, Changes: changes})
		}
	}
	return w, tables
}

// AllowFlag is the deploy flag that allows one table's destructive changes.
const AllowFlag = "--allow-destructive"

// refuseDestructive returns an *evolve.RefusedError for the first table
// (by name) with a destructive change that neither its spec
// (on_destructive_change: allow) nor allow permits, before anything is
// deployed; nil when there is none, or when the deployed side's tables are
// unknown (no description: the Glue job still refuses at its next load).
func refuseDestructive(in planInput, allow []string) error {
	if in.Old.Template == nil {
		return nil
	}
	oldT, err := parseTemplate(in.Old.Template)
	if err != nil {
		return err
	}
	oldD, newD, _, err := descriptions(in, oldT)
	if err != nil || oldD == nil || newD == nil {
		return err
	}
	_, tables := tableChanges(oldD, newD)
	for _, t := range tables {
		if err := evolve.Check(newD.Table(t.Table), t.Changes, allow, AllowFlag); err != nil {
			return err
		}
	}
	return nil
}
