package deploy

import (
	"fmt"

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

func describedColumns(cs []ir.ColumnDescription) []column {
	out := make([]column, len(cs))
	for i, c := range cs {
		out[i] = column{name: c.Name, typ: c.Type}
	}
	return out
}

// tableWords compares the Redshift tables of two descriptions; nothing
// when either is unknown.
func tableWords(old, new *ir.Description) []string {
	if old == nil || new == nil {
		return nil
	}
	oldT, newT := map[string][]column{}, map[string][]column{}
	for _, t := range old.Tables {
		oldT[t.Name] = describedColumns(t.Columns)
	}
	for _, t := range new.Tables {
		newT[t.Name] = describedColumns(t.Columns)
	}
	var w []string
	for _, name := range unionKeys(oldT, newT) {
		o, oOK := oldT[name]
		n, nOK := newT[name]
		switch {
		case !oOK:
			w = append(w, fmt.Sprintf("+ table %s (%d columns)", name, len(n)))
		case !nOK:
			w = append(w, fmt.Sprintf("- table %s (the Redshift table itself is not dropped)", name))
		default:
			w = append(w, columnWords("table "+name, o, n)...)
		}
	}
	return w
}
