package compiler

// CrawledSources returns the sources the build gives a Glue crawler, in spec
// order: the partitioned sources that some run crawls (a triggered source,
// and the partitioned sources its tables read). Every source gets a Glue
// catalog table; only these get a crawler. For readers of the IR, such as
// `flowc graph --aws`, that must show what the build creates.
func (ir *IR) CrawledSources() []*Source { return crawledSources(ir) }
