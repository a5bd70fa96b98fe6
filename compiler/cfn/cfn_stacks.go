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
// CloudFormation's quotas ("Understand CloudFormation quotas", CloudFormation
// User Guide, cloudformation-limits): 500 resources and 200 outputs per
// template, a template body of 1 MB read from S3 (51,200 bytes inline),
// 200 parameters per template; nested stacks count as one resource each in
// their parent and have their own limits (layout.MaxResources, ...).
//
// The build takes the first of these placements whose root template is
// within the limits, each one moving more out of the root:
//
//  1. everything in one stack;
//  2. every table's Glue job (its role and its output) in one of
//     shards nested stacks, stacks/tables-NN.json;
//  3. as 2, and the state machine's definition as its compact text
//     (DefinitionString; see definition), about half its indented size;
//  4. as 3, and every source's resources (its Glue catalog table, its
//     trigger rule) in one of shards nested stacks,
//     stacks/sources-NN.json;
//  5. as 4, and the definition read from S3 (DefinitionS3Location): the
//     build writes its compact text as statemachine.compact.asl.json, an
//     asset deploy uploads with the others, and the root holds only its
//     bucket and key.
//
// The last placement is taken whatever its sizes: what still passes a limit
// is reported (FC500). A table or a source goes to the shard a hash of its
// name chooses: the assignment depends on nothing else, so adding or
// removing one never moves another. Shards with nothing in them are left
// out. Buckets, roles, the state machine, the queue, the alarms and the
// topic stay in the root stack: buckets are retained and named, so one
// cannot move between stacks (the new stack would create a bucket whose
// name the retained one holds), and there is one of the others per
// pipeline.
//
// Moving from one placement to the next moves every job (placement 2) or
// every source (placement 4): CloudFormation deletes and recreates them,
// and a source's catalog table loses the partitions the state machine
// registered (the next run of each partition registers it again). After
// that, they stay where they are.

// Not checked: the quotas also cap what "a nested stack can create,
// update, or delete per operation" at 2,500 resources ("Nested stacks",
// same page); whether that counts the whole tree of a first deploy (2000
// tables and 2000 sources are about 8,000 resources) the quota's wording
// does not say.

// shards is the number of nested stacks the jobs are spread over, and the
// number the sources are. At 2000 sources a source shard holds about 125
// sources, 250 resources (a catalog table and a rule each), half of
// CloudFormation's 500.
const shards = 16

// placement is where a build puts the resources (see above).
type placement struct {
	jobs              bool // jobs in stacks/tables-NN.json
	compactDefinition bool // the definition as DefinitionString
	sources           bool // sources in stacks/sources-NN.json
	definitionS3      bool // the definition as an asset (DefinitionS3Location)
}

// placements are the placements in the order the build tries them.
var placements = []placement{{}, {jobs: true}, {jobs: true, compactDefinition: true}, {jobs: true, compactDefinition: true, sources: true},
	{jobs: true, compactDefinition: true, sources: true, definitionS3: true}}

// fitsOneStack reports whether a single-stack build is within the limits.
func fitsOneStack(s Stack) bool {
	return s.Resources <= layout.MaxResources && s.Outputs <= layout.MaxOutputs && len(s.Body) <= layout.MaxTemplateS3
}

// shardOf is the number of the nested stack of a table or a source.
func shardOf(name string) int {
	h := sha256.Sum256([]byte(name))
	return int(binary.BigEndian.Uint32(h[:4]) % shards)
}

// shard is one nested stack being built.
type shard struct {
	path   string // build path, stacks/<name>.json
	id     string // logical ID of its stack in the root
	t      *cloudformation.Template
	tables []*ir.Table
	params map[string]string // the root's values of the template's parameters
}

func (c *cfn) stacks() (*Stacks, error) {
	var jobs []Stack    // the rendered job shards, shared by placements 2-4
	countsOver := false // the previous placement's root has too many resources or outputs
	for i, p := range placements {
		c.place = p
		last := i == len(placements)-1
		if countsOver && (p.compactDefinition && !p.sources || p.definitionS3) {
			continue // the definition's form changes bytes, not counts
		}
		root := c.newTemplate(c.description())
		c.globalResources(root)
		var nested []Stack
		if !p.jobs {
			for _, tb := range c.pl.Tables {
				c.addJob(root, tb)
			}
			c.jobPolicies(root, c.pl.Tables)
		} else {
			if jobs == nil {
				var err error
				if jobs, err = c.renderShards(c.jobShards()); err != nil {
					return nil, err
				}
			}
			nested = append(nested, jobs...)
		}
		if p.sources {
			st, err := c.renderShards(c.sourceShards())
			if err != nil {
				return nil, err
			}
			nested = append(nested, st...)
		}
		sort.Slice(nested, func(i, j int) bool { return nested[i].Path < nested[j].Path })
		for _, s := range nested {
			key, _ := layout.AssetKey(s.Path, s.Body)
			root.Resources[s.id] = &cfnstack.Stack{
				TemplateURL: cloudformation.Sub("https://${" + idAssetBucket + "}.s3.${AWS::Region}.${AWS::URLSuffix}/" + subEscape(key)),
				Parameters:  s.params,
			}
		}
		// Rendering is most of the work: render only when the counts fit.
		one := Stack{Path: layout.TemplatePath, Resources: len(root.Resources), Outputs: len(root.Outputs)}
		if countsOver = !fitsOneStack(one); countsOver && !last {
			continue
		}
		body, err := render(root)
		if err != nil {
			return nil, err
		}
		if one.Body = body; last || fitsOneStack(one) {
			st := &Stacks{Root: one, Nested: nested}
			if p.definitionS3 {
				st.Definition = []byte(c.compact)
			}
			return st, nil
		}
	}
	panic("unreachable: the last placement returns")
}

// jobShards are the nested stacks of the Glue jobs.
func (c *cfn) jobShards() []*shard {
	g := shardGroup{}
	for _, tb := range c.pl.Tables {
		sh := g.of(tb.Name, func(n int) *shard {
			p := layout.NestedStackPath(n)
			sh := &shard{path: p, id: idStack(n), t: c.newTemplate(c.nestedDescription("Glue jobs", p)), params: map[string]string{}}
			sh.t.Parameters[idAssetBucket] = assetBucketParam()
			sh.params[idAssetBucket] = cloudformation.Ref(idAssetBucket)
			if c.pl.Redshift.Connection != "" {
				c.jobSecretParam(sh.t)
				sh.params[paramRedshiftSecret] = cloudformation.Ref(paramRedshiftSecret)
			}
			return sh
		})
		c.addJob(sh.t, tb)
		sh.tables = append(sh.tables, tb)
	}
	out := g.sorted()
	for _, sh := range out {
		c.jobPolicies(sh.t, sh.tables)
	}
	return out
}

// sourceShards are the nested stacks of the sources. A shard takes as
// parameters what its resources refer to in the root stack (sourceWiring),
// only those it uses: CloudFormation refuses a parameter the template does
// not declare, and cfn-lint flags one it declares and does not use.
func (c *cfn) sourceShards() []*shard {
	g := shardGroup{}
	for _, s := range c.pl.Sources {
		sh := g.of(s.Name, func(n int) *shard {
			p := layout.NestedSourceStackPath(n)
			sh := &shard{path: p, id: idSourceStack(n), t: c.newTemplate(c.nestedDescription("sources", p)), params: map[string]string{}}
			wiringParam(sh, paramGlueDatabase, "Glue Data Catalog database of the pipeline's sources", cloudformation.Ref(idGlueDatabase))
			return sh
		})
		if _, ok := sh.params[paramStateMachineArn]; s.Triggered() && !ok {
			wiringParam(sh, paramStateMachineArn, "ARN of the state machine the trigger rules start", cloudformation.Ref(idStateMachine))
			wiringParam(sh, paramEventsRoleArn, "ARN of the role EventBridge starts the state machine with", cloudformation.GetAtt(idEventsRole, "Arn"))
			wiringParam(sh, paramDeadLetterArn, "ARN of the trigger rules' dead-letter queue", cloudformation.GetAtt(idDeadLetterQueue, "Arn"))
		}
		c.source(sh.t, s, nestedWiring())
	}
	return g.sorted()
}

// nestedDescription is the description of a nested stack holding what.
func (c *cfn) nestedDescription(what, path string) string {
	return fmt.Sprintf("flowc pipeline %s (%s): %s, nested stack %s", c.pl.Pipeline, c.pl.Env, what, path)
}

// shardGroup are the shards of one kind by number.
type shardGroup map[int]*shard

// of is the shard of name, made by mk on first use.
func (g shardGroup) of(name string, mk func(n int) *shard) *shard {
	n := shardOf(name)
	if g[n] == nil {
		g[n] = mk(n)
	}
	return g[n]
}

// sorted are the shards by path.
func (g shardGroup) sorted() []*shard {
	out := make([]*shard, 0, len(g))
	for _, sh := range g {
		out = append(out, sh)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// wiringParam declares a parameter of a nested stack and what the root
// passes it.
func wiringParam(sh *shard, id, desc, value string) {
	sh.t.Parameters[id] = cloudformation.Parameter{Type: "String", Description: cloudformation.String(desc)}
	sh.params[id] = value
}

// renderShards renders nested stacks.
func (c *cfn) renderShards(shards []*shard) ([]Stack, error) {
	out := make([]Stack, 0, len(shards))
	for _, sh := range shards {
		body, err := render(sh.t)
		if err != nil {
			return nil, err
		}
		out = append(out, Stack{Path: sh.path, Body: body, Resources: len(sh.t.Resources), Outputs: len(sh.t.Outputs), id: sh.id, params: sh.params})
	}
	return out, nil
}

// sourceWiring is what a source's resources refer to in the root stack:
// the catalog database, the state machine, the role EventBridge starts it
// with and the trigger rules' dead-letter queue. In the root they are the
// resources' own Ref and GetAtt; in a nested stack, its parameters.
type sourceWiring struct {
	database, stateMachine, eventsRole, deadLetter string
}

func rootWiring() sourceWiring {
	return sourceWiring{
		database:     cloudformation.Ref(idGlueDatabase),
		stateMachine: cloudformation.Ref(idStateMachine),
		eventsRole:   cloudformation.GetAtt(idEventsRole, "Arn"),
		deadLetter:   cloudformation.GetAtt(idDeadLetterQueue, "Arn"),
	}
}

func nestedWiring() sourceWiring {
	return sourceWiring{
		database:     cloudformation.Ref(paramGlueDatabase),
		stateMachine: cloudformation.Ref(paramStateMachineArn),
		eventsRole:   cloudformation.Ref(paramEventsRoleArn),
		deadLetter:   cloudformation.Ref(paramDeadLetterArn),
	}
}

// addJob adds a table's Glue job, its role and its output to t.
func (c *cfn) addJob(t *cloudformation.Template, tb *ir.Table) {
	id := idTableJob(tb.Name)
	t.Resources[idTableRole(tb.Name)] = c.jobRole(tb)
	t.Resources[id] = c.jobResource(tb, cloudformation.GetAtt(idTableRole(tb.Name), "Arn"))
	t.Outputs[id+"Name"] = output(cloudformation.Ref(id), "Glue job loading table "+tb.Name)
}
