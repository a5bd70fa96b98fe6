package cfn

import (
	"encoding/json"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/flowc-dev/flowc/ir"
)

// What the external tests (package cfn_test, which load specs through
// package compiler and so cannot be in package cfn) call.

// ShardOf is shardOf.
var ShardOf = shardOf

// RenderBothWays builds the templates of pl that the fast path must
// reproduce (the root stack holding every job, and a nested stack holding
// every job) and renders each through the fast path and through
// goformation (renderSlow). It fails when the fast path refuses one.
func RenderBothWays(pl *ir.IR, def []byte) (fast, slow [][]byte, err error) {
	c, root := rootTemplate(pl, def)
	shard := c.newTemplate("shard")
	for _, tb := range pl.Tables {
		c.addJob(shard, tb)
	}
	c.jobPolicies(shard, pl.Tables)
	for _, tm := range []*cloudformation.Template{root, shard} {
		if _, err := templateTree(tm); err != nil {
			return nil, nil, err
		}
		f, err := render(tm)
		if err != nil {
			return nil, nil, err
		}
		s, err := renderSlow(tm)
		if err != nil {
			return nil, nil, err
		}
		fast, slow = append(fast, f), append(slow, s)
	}
	return fast, slow, nil
}

// RenderRoot builds the root template of pl (every job in it) and renders
// it through the fast path, or through goformation when slow is set.
func RenderRoot(pl *ir.IR, def []byte, slow bool) ([]byte, error) {
	_, root := rootTemplate(pl, def)
	if slow {
		return renderSlow(root)
	}
	return render(root)
}

// rootTemplate is the root template of pl holding every job.
func rootTemplate(pl *ir.IR, def []byte) (*cfn, *cloudformation.Template) {
	c := &cfn{pl: pl, assets: map[string]string{}, defn: json.RawMessage(def)}
	root := c.newTemplate(c.description())
	c.globalResources(root)
	for _, tb := range pl.Tables {
		c.addJob(root, tb)
	}
	c.jobPolicies(root, pl.Tables)
	return c, root
}
