package cfn

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/awslabs/goformation/v7/cloudformation"
	cfnstack "github.com/awslabs/goformation/v7/cloudformation/cloudformation"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
)

// Nested stacks. A pipeline is one stack until it would pass a
// CloudFormation limit (resources, outputs or template bytes; fitsOneStack).
// Then every table's Glue job moves into one of tableShards nested stacks,
// stacks/tables-NN.json, chosen by a hash of the table's name: the
// assignment depends on nothing else, so adding or removing a table never
// moves another one. Shards without tables are left out. Sources, buckets,
// roles, the state machine and the topic stay in the root stack.
//
// Moving from one stack to nested stacks moves every job (CloudFormation
// deletes and recreates them); after that, jobs stay where they are.

// tableShards is the number of nested stacks the jobs are spread over.
const tableShards = 16

// fitsOneStack reports whether a single-stack build is within the limits.
func fitsOneStack(s Stack) bool {
	return s.Resources <= layout.MaxResources && s.Outputs <= layout.MaxOutputs && len(s.Body) <= layout.MaxTemplateS3
}

// shardOf is the number of the nested stack of a table.
func shardOf(table string) int {
	h := sha256.Sum256([]byte(table))
	return int(binary.BigEndian.Uint32(h[:4]) % tableShards)
}

func (c *cfn) stacks() (*Stacks, error) {
	// First as one stack.
	root := c.newTemplate(c.description())
	c.globalResources(root)
	for _, tb := range c.pl.Tables {
		c.addJob(root, tb)
	}
	c.jobPolicies(root, c.pl.Tables)
	// Rendering is most of the work: render only when the counts fit.
	if one := (Stack{Resources: len(root.Resources), Outputs: len(root.Outputs)}); fitsOneStack(one) {
		body, err := render(root)
		if err != nil {
			return nil, err
		}
		if one.Path, one.Body = layout.TemplatePath, body; fitsOneStack(one) {
			return &Stacks{Root: one}, nil
		}
	}

	// Split: jobs into shards.
	shards := map[int]*cloudformation.Template{}
	shardTables := map[int][]*ir.Table{}
	var nums []int
	for _, tb := range c.pl.Tables {
		n := shardOf(tb.Name)
		t := shards[n]
		if t == nil {
			t = c.newTemplate(fmt.Sprintf("flowc pipeline %s (%s): Glue jobs, nested stack %s", c.pl.Pipeline, c.pl.Env, layout.NestedStackPath(n)))
			t.Parameters[idAssetBucket] = assetBucketParam()
			if c.pl.Redshift.Connection != "" {
				c.jobSecretParam(t)
			}
			shards[n] = t
			nums = append(nums, n)
		}
		c.addJob(t, tb)
		shardTables[n] = append(shardTables[n], tb)
	}
	sort.Ints(nums)
	out := &Stacks{}
	root = c.newTemplate(c.description())
	c.globalResources(root)
	for _, n := range nums {
		t := shards[n]
		c.jobPolicies(t, shardTables[n])
		body, err := render(t)
		if err != nil {
			return nil, err
		}
		p := layout.NestedStackPath(n)
		out.Nested = append(out.Nested, Stack{Path: p, Body: body, Resources: len(t.Resources), Outputs: len(t.Outputs)})
		key, _ := layout.AssetKey(p, body)
		params := map[string]string{idAssetBucket: cloudformation.Ref(idAssetBucket)}
		if c.pl.Redshift.Connection != "" {
			params[paramRedshiftSecret] = cloudformation.Ref(paramRedshiftSecret)
		}
		root.Resources[idStack(n)] = &cfnstack.Stack{
			TemplateURL: cloudformation.Sub("https://${" + idAssetBucket + "}.s3.${AWS::Region}.${AWS::URLSuffix}/" + subEscape(key)),
			Parameters:  params,
		}
	}
	body, err := render(root)
	if err != nil {
		return nil, err
	}
	out.Root = Stack{Path: layout.TemplatePath, Body: body, Resources: len(root.Resources), Outputs: len(root.Outputs)}
	return out, nil
}

// addJob adds a table's Glue job, its role and its output to t.
func (c *cfn) addJob(t *cloudformation.Template, tb *ir.Table) {
	id := idTableJob(tb.Name)
	t.Resources[idTableRole(tb.Name)] = c.jobRole(tb)
	t.Resources[id] = c.jobResource(tb, cloudformation.GetAtt(idTableRole(tb.Name), "Arn"))
	t.Outputs[id+"Name"] = output(cloudformation.Ref(id), "Glue job loading table "+tb.Name)
}
