package ir

import (
	"path"
	"strings"
)

// Run is what a run started by the triggered source s does: the tables it
// loads (in table order: those whose lineage has s as its triggered source,
// and those whose lineage has none) and the partitioned sources it crawls
// (in source order: s, when partitioned, and the partitioned sources those
// tables read).
func (p *IR) Run(s *Source) (tables []*Table, crawled []*Source) {
	read := map[string]bool{}
	for _, t := range p.Tables {
		if t.Trigger != nil && t.Trigger.Name != s.Name {
			continue
		}
		tables = append(tables, t)
		for _, n := range t.Reads {
			read[n] = true
		}
	}
	for _, src := range p.Sources {
		if len(src.Partitions) > 0 && (src == s || read[src.Name]) {
			crawled = append(crawled, src)
		}
	}
	return tables, crawled
}

// CrawledSources returns the sources the build gives a Glue crawler, in spec
// order: the partitioned sources that some run crawls (a triggered source,
// and the partitioned sources its tables read). Every source gets a Glue
// catalog table; only these get a crawler. For readers of the IR, such as
// `flowc graph --aws`, that must show what the build creates.
func (p *IR) CrawledSources() []*Source {
	need := map[*Source]bool{}
	for _, s := range p.Sources {
		if !s.Triggered() {
			continue
		}
		_, crawled := p.Run(s)
		for _, c := range crawled {
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

// SpecFile is the spec's file name as given (the Pos.File of its
// elements), for diagnostics without a better place; "" if unknown.
func (p *IR) SpecFile() string {
	for _, s := range p.Sources {
		if s.Pos.File != "" {
			return s.Pos.File
		}
	}
	for _, t := range p.Tables {
		if t.Pos.File != "" {
			return t.Pos.File
		}
	}
	return ""
}

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
