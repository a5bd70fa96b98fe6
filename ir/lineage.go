package ir

import (
	"path"
	"sort"
	"strings"
)

// RunPlan is what a run started by the triggered source Source does: the
// tables it loads (in table order: those whose lineage has Source as its
// triggered source, and those whose lineage has none) and the partitioned
// sources it crawls (in source order: Source, when partitioned, and the
// partitioned sources those tables read).
type RunPlan struct {
	Source  *Source
	Tables  []*Table
	Crawled []*Source
}

// Runs returns the plan of every triggered source, in source order. It
// makes one pass over the tables, so a spec with thousands of sources and
// tables costs what it holds, not their product.
func (p *IR) Runs() []RunPlan {
	var out []RunPlan
	run := map[string]int{}   // triggered source -> index in out
	order := map[string]int{} // source -> index in p.Sources
	for i, s := range p.Sources {
		order[s.Name] = i
		if s.Triggered() {
			run[s.Name] = len(out)
			out = append(out, RunPlan{Source: s})
		}
	}
	crawled := make([]map[int]bool, len(out)) // per run, indices of the crawled sources
	for i, r := range out {
		crawled[i] = map[int]bool{}
		if len(r.Source.Partitions) > 0 {
			crawled[i][order[r.Source.Name]] = true
		}
	}
	add := func(i int, t *Table) {
		out[i].Tables = append(out[i].Tables, t)
		for _, n := range t.Reads {
			if j, ok := order[n]; ok && len(p.Sources[j].Partitions) > 0 {
				crawled[i][j] = true
			}
		}
	}
	for _, t := range p.Tables {
		if t.Trigger == nil { // no triggered source: every run loads it
			for i := range out {
				add(i, t)
			}
			continue
		}
		if i, ok := run[t.Trigger.Name]; ok {
			add(i, t)
		}
	}
	for i := range out {
		idx := make([]int, 0, len(crawled[i]))
		for j := range crawled[i] {
			idx = append(idx, j)
		}
		sort.Ints(idx)
		for _, j := range idx {
			out[i].Crawled = append(out[i].Crawled, p.Sources[j])
		}
	}
	return out
}

// CrawledSources returns the sources the build gives a Glue crawler, in spec
// order: the partitioned sources that some run crawls (a triggered source,
// and the partitioned sources its tables read). Every source gets a Glue
// catalog table; only these get a crawler. For readers of the IR, such as
// `flowc graph --aws`, that must show what the build creates.
func (p *IR) CrawledSources() []*Source {
	need := map[*Source]bool{}
	for _, r := range p.Runs() {
		for _, c := range r.Crawled {
			need[c] = true
		}
	}
	var out []*Source
	for _, s := range p.Sources {
		if need[s] {
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
