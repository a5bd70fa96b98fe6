package deploy

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/compiler/evolve"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
)

// Plan is what a deploy would change, computed from fetched facts: the
// deployed (or an earlier) build and the new one, and a change set when
// there is one. Render turns it into text or JSON.
type Plan struct {
	Stack   string `json:"stack"`
	Region  string `json:"region,omitempty"`
	Against string `json:"against"` // what the build is compared with, in words
	// ReplacementsFrom says who decided which resources are replaced: "change
	// set" (CloudFormation's answer) or "create-only properties" (predicted
	// from the CloudFormation registry schemas).
	ReplacementsFrom string `json:"replacements_from"`
	// DetailsFrom says where property-level detail comes from: "change set"
	// or "template diff".
	DetailsFrom string   `json:"details_from"`
	Pipeline    []string `json:"pipeline"`
	// Tables are the changes of the Redshift tables both sides have, typed
	// (compiler/evolve); a table added or removed is a Pipeline line only.
	Tables     []evolve.TableChanges `json:"tables"`
	Resources  []ResourceChange      `json:"resources"`
	Parameters []PropertyChange      `json:"parameters"`
	Files      []FileDiff            `json:"files"`
	Notes      []string              `json:"notes"`
	Summary    Summary               `json:"summary"`

	// newDesc is the new side's pipeline description (nil when unknown):
	// its tables' on_destructive_change decide what a deploy refuses.
	newDesc *ir.Description
}

// Replacement sources.
const (
	fromChangeSet  = "change set"
	fromCreateOnly = "create-only properties"
	fromTemplate   = "template diff"
)

// ResourceChange is one resource a deploy adds, modifies or removes.
type ResourceChange struct {
	Action     string `json:"action"` // Add | Modify | Remove (or another change set action)
	LogicalID  string `json:"logical_id"`
	Type       string `json:"type"`
	PhysicalID string `json:"physical_id,omitempty"`
	// Replacement is True, False or Conditional for Modify ("" otherwise).
	Replacement string           `json:"replacement,omitempty"`
	Cause       string           `json:"cause,omitempty"` // why a resource changes without a change of its own
	Properties  []PropertyChange `json:"properties,omitempty"`
}

// Replaced reports whether the change replaces the resource (or may).
func (r ResourceChange) Replaced() bool {
	return r.Action == "Modify" && (r.Replacement == "True" || r.Replacement == "Conditional")
}

// PropertyChange is one changed property, resource attribute or parameter.
type PropertyChange struct {
	Path    string `json:"path"`             // e.g. Command.ScriptLocation, Tags[team], DeletionPolicy
	Before  string `json:"before,omitempty"` // compact JSON; "" when added
	After   string `json:"after,omitempty"`  // compact JSON; "" when removed
	Replace bool   `json:"requires_replacement,omitempty"`
	Note    string `json:"note,omitempty"`
}

// FileDiff is a generated file that changed, as a unified diff.
type FileDiff struct {
	Path    string `json:"path"`
	Status  string `json:"status"` // added | removed | changed
	Unified string `json:"unified"`
}

// Summary counts the changes.
type Summary struct {
	Add     int `json:"add"`
	Modify  int `json:"modify"`
	Replace int `json:"replace"`
	Remove  int `json:"remove"`
	Files   int `json:"files"`
	// Destructive counts the destructive table changes (drops, rebuilds).
	Destructive int `json:"destructive"`
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool {
	return len(p.Resources) == 0 && len(p.Parameters) == 0 && len(p.Files) == 0 && len(p.Pipeline) == 0
}

// side is one side of a comparison.
type side struct {
	Template []byte            // root template; nil when there is no stack
	Params   map[string]string // stack parameter values
	Files    map[string][]byte // generated files by build path (nested stacks under stacks/)
	Assets   map[string]string // asset key -> build path, to name changed assets
}

// changeSetChange is one resource change CloudFormation reported.
type changeSetChange struct {
	Action      string
	LogicalID   string
	Type        string
	PhysicalID  string
	Replacement string // True | False | Conditional | "" (emulators leave it out)
	Details     []PropertyChange
}

// planInput is everything buildPlan compares.
type planInput struct {
	Stack, Region string
	Against       string
	Old, New      side
	// ChangeSet holds CloudFormation's answer; nil when there was no change
	// set (offline diff, --method direct).
	ChangeSet []changeSetChange
	HasCS     bool
	Notes     []string
}

// buildPlan compares two builds. It is a pure function of its input.
func buildPlan(in planInput) (*Plan, error) {
	oldT, err := parseTemplate(in.Old.Template)
	if err != nil {
		return nil, fmt.Errorf("deployed template: %w", err)
	}
	newT, err := parseTemplate(in.New.Template)
	if err != nil {
		return nil, fmt.Errorf("new template: %w", err)
	}
	p := &Plan{
		Stack: in.Stack, Region: in.Region, Against: in.Against,
		ReplacementsFrom: fromCreateOnly, DetailsFrom: fromTemplate,
		Notes: append([]string(nil), in.Notes...),
	}
	assets := in.New.Assets
	predicted := diffTemplates("", oldT, newT, assets)
	nested := nestedPaths(in.Old.Files, in.New.Files)
	for _, np := range nested {
		ot, err := parseTemplate(in.Old.Files[np])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", np, err)
		}
		nt, err := parseTemplate(in.New.Files[np])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", np, err)
		}
		predicted = append(predicted, diffTemplates(strings.TrimSuffix(path.Base(np), ".json")+"/", ot, nt, assets)...)
	}
	if in.HasCS {
		p.Resources = mergeChangeSet(p, in.ChangeSet, predicted)
	} else {
		p.Resources = predicted
	}
	sort.SliceStable(p.Resources, func(i, j int) bool { return p.Resources[i].LogicalID < p.Resources[j].LogicalID })

	for _, k := range unionKeys(in.Old.Params, in.New.Params) {
		if in.Old.Template == nil {
			break
		}
		if o, n := in.Old.Params[k], in.New.Params[k]; o != n {
			p.Parameters = append(p.Parameters, PropertyChange{Path: k, Before: quote(o), After: quote(n)})
		}
	}
	p.Files = fileDiffs(in.Old.Files, in.New.Files, nested)
	oldD, newD, note, err := descriptions(in, oldT)
	if err != nil {
		return nil, err
	}
	if note != "" {
		p.Notes = append(p.Notes, note)
	}
	words, tables := tableChanges(oldD, newD)
	p.Pipeline = pipelineWords(oldT, newT, words)
	p.Tables, p.newDesc = tables, newD
	for _, t := range tables {
		p.Summary.Destructive += len(evolve.DestructiveOnly(t.Changes))
	}
	for _, r := range p.Resources {
		switch {
		case r.Action == "Add":
			p.Summary.Add++
		case r.Action == "Remove":
			p.Summary.Remove++
		case r.Replaced():
			p.Summary.Replace++
		default:
			p.Summary.Modify++
		}
	}
	p.Summary.Files = len(p.Files)
	return p, nil
}

// mergeChangeSet takes CloudFormation's list of changes and fills in what
// it left out (emulators give no replacement or property detail) from the
// template diff, saying so in the plan.
func mergeChangeSet(p *Plan, cs []changeSetChange, predicted []ResourceChange) []ResourceChange {
	byID := map[string]ResourceChange{}
	for _, r := range predicted {
		byID[r.LogicalID] = r
	}
	var out []ResourceChange
	csReplacement, csDetails, modifies := false, false, false
	for _, c := range cs {
		r := ResourceChange{Action: c.Action, LogicalID: c.LogicalID, Type: c.Type, PhysicalID: c.PhysicalID, Replacement: c.Replacement, Properties: c.Details}
		pr, known := byID[c.LogicalID]
		if c.Action == "Modify" {
			modifies = true
			if c.Replacement != "" {
				csReplacement = true
			} else if known {
				r.Replacement = pr.Replacement
			} else {
				r.Replacement = "False"
			}
		}
		if len(c.Details) > 0 {
			csDetails = true
		} else if known {
			r.Properties = pr.Properties
			r.Cause = pr.Cause
		}
		if r.Type == "" && known {
			r.Type = pr.Type
		}
		out = append(out, r)
	}
	nested := false
	for _, r := range predicted {
		if strings.Contains(r.LogicalID, "/") { // CloudFormation reports nested stacks as one resource
			out = append(out, r)
			nested = true
		}
	}
	if nested {
		p.Notes = append(p.Notes, "resources inside nested stacks (NAME/...) come from flowc's template diff, their replacements predicted from create-only properties")
	}
	if csReplacement || !modifies {
		p.ReplacementsFrom = fromChangeSet
	} else {
		p.Notes = append(p.Notes, "the change set gave no replacement information (an emulator?); replacements are predicted from create-only properties")
	}
	if csDetails {
		p.DetailsFrom = fromChangeSet
	}
	return out
}

// nestedPaths lists the nested stack templates (stacks/*.json) of either side.
func nestedPaths(old, new map[string][]byte) []string {
	var out []string
	for _, k := range unionKeys(old, new) {
		if layout.IsNestedStack(k) {
			out = append(out, k)
		}
	}
	return out
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return sortedKeys(keys)
}

func quote(s string) string {
	if s == "" {
		return ""
	}
	return canonical(s)
}
