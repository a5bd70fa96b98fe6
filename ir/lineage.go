package ir

import (
	"path"
	"strings"
)

// RunPlan is what a run started by the triggered source Source does: the
// tables it loads, in table order: those whose lineage has Source as its
// triggered source, and those whose lineage has none.
type RunPlan struct {
	Source *Source
	Tables []*Table
}

// Runs returns the plan of every triggered source, in source order. It
// makes one pass over the tables, so a spec with thousands of sources and
// tables costs what it holds, not their product.
func (p *IR) Runs() []RunPlan {
	var out []RunPlan
	run := map[string]int{} // triggered source -> index in out
	for _, s := range p.Sources {
		if s.Triggered() {
			run[s.Name] = len(out)
			out = append(out, RunPlan{Source: s})
		}
	}
	for _, t := range p.Tables {
		if t.Trigger == nil { // no triggered source: every run loads it
			for i := range out {
				out[i].Tables = append(out[i].Tables, t)
			}
			continue
		}
		if i, ok := run[t.Trigger.Name]; ok {
			out[i].Tables = append(out[i].Tables, t)
		}
	}
	return out
}

// Registers reports whether a run of s registers the partition it runs in
// the Glue Data Catalog: s is partitioned and starts a run per object
// that lands (the object's key names the partition). Other sources have
// no partition a run knows of; their catalog tables list no partitions
// unless someone adds them (Athena's MSCK REPAIR TABLE, for one).
func (s *Source) Registers() bool {
	return s.Trigger == TriggerOnArrival && len(s.Partitions) > 0
}

// RegisteredSources returns, in spec order, the sources whose runs
// register their partitions (Source.Registers). For readers of the IR, such
// as the template's IAM policies, that must know which catalog tables the
// state machine writes to.
func (p *IR) RegisteredSources() []*Source {
	var out []*Source
	for _, s := range p.Sources {
		if s.Registers() {
			out = append(out, s)
		}
	}
	return out
}

// SpecFile is the spec's file name as given (p.File), for diagnostics
// without a better place; "" if unknown.
func (p *IR) SpecFile() string { return p.File }

// SpecName is the spec's file name for generated headers: its base name
// only, however the path was typed (x.yaml, ./x.yaml, ../dir/x.yaml or an
// absolute path), so the build, and so the scripts' hashes, their S3 keys
// and the template, depend on the spec's content alone. It is one line:
// control characters become "_"; "the spec" when the name is unknown.
func (p *IR) SpecName() string {
	f := strings.ReplaceAll(p.SpecFile(), `\`, "/")
	if f != "" {
		f = path.Base(f)
	}
	if f == "" {
		f = "the spec"
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '_'
		}
		return r
	}, f)
}
