// Package cfn is the CloudFormation backend. One template per pipeline
// and environment (template.json); when it would pass a CloudFormation
// limit the Glue jobs, then the sources, move into nested stacks
// (stacks/tables-NN.json, stacks/sources-NN.json, see cfn_stacks.go).
//
// The template takes one parameter, AssetBucket: the bucket `flowc deploy`
// uploads the assets to (Glue scripts and nested templates, at their
// content-addressed keys; Glue's TempDir lives there too, under
// flowc/tmp/<pipeline>-<env>/).
//
// It reads only the IR, and from the rest of the build what Options
// carries.
package cfn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/glue"
	"github.com/awslabs/goformation/v7/cloudformation/logs"
	"github.com/awslabs/goformation/v7/cloudformation/stepfunctions"

	"github.com/flowc-dev/flowc/compiler/internal/jsonw"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
)

// Stack is one rendered template.
type Stack struct {
	Path      string // build path: template.json or stacks/<name>.json
	Body      []byte
	Resources int
	Outputs   int

	id     string            // a nested stack's logical ID in the root
	params map[string]string // the root's values of a nested stack's parameters
}

// Stacks are the root template and its nested stacks (sorted by path).
type Stacks struct {
	Root   Stack
	Nested []Stack
	// Definition is the state machine's definition as compact text when
	// the root reads it from S3 (placement 5): the build writes it at
	// layout.CompactStateMachinePath as an asset. Nil when it is inline.
	Definition []byte
}

// Retention of the state machine's execution logs.
const logRetentionDays = 90

// cfn holds what every resource builder needs.
type cfn struct {
	pl     *ir.IR
	defn   json.RawMessage   // the state machine definition
	fresh  json.RawMessage   // the freshness check's definition, nil for none
	assets map[string]string // build path -> asset key
	desc   string            // the asset key of pipeline.json, "" for none
	place  placement         // where the resources go (cfn_stacks.go)

	compact string // the definition's compact text, once made
}

// Options are what the templates take from the other files of the build;
// compiler.Compile fills them.
type Options struct {
	// Definition is the state machine definition (statemachine.asl.json).
	Definition []byte
	// FreshnessDefinition is the freshness check's definition
	// (freshness.asl.json), nil when no source has freshness.
	FreshnessDefinition []byte
	// AssetKeys maps the build paths of the Glue scripts and the Glue
	// runtime to their asset keys.
	AssetKeys map[string]string
	// DescriptionKey is the asset key of the pipeline's description
	// (pipeline.json), which the root template's Metadata points at.
	DescriptionKey string
}

// Templates renders the CloudFormation template(s) of a pipeline.
func Templates(pl *ir.IR, opt Options) (*Stacks, error) {
	if !json.Valid(opt.Definition) {
		return nil, fmt.Errorf("state machine definition: not valid JSON")
	}
	// Embedded as is: render decodes the whole template once.
	c := &cfn{pl: pl, assets: opt.AssetKeys, desc: opt.DescriptionKey, defn: json.RawMessage(opt.Definition)}
	if opt.FreshnessDefinition != nil {
		if !json.Valid(opt.FreshnessDefinition) {
			return nil, fmt.Errorf("freshness check definition: not valid JSON")
		}
		c.fresh = json.RawMessage(opt.FreshnessDefinition)
	}
	return c.stacks()
}

// tempDir is the Glue TempDir of the pipeline, in the asset bucket.
func (c *cfn) tempDir() string {
	return layout.TempDir(c.pl.Names.Stack())
}

// description is the template's description (at most 1,024 bytes).
func (c *cfn) description() string {
	d := fmt.Sprintf("flowc pipeline %s (%s)", c.pl.Pipeline, c.pl.Env)
	if c.pl.Description != "" {
		d += ": " + c.pl.Description
	}
	if len(d) > 1024 {
		d = d[:1021] + "..."
	}
	return d
}

func assetBucketParam() cloudformation.Parameter {
	return cloudformation.Parameter{
		Type:           "String",
		Description:    cloudformation.String("Bucket that flowc deploy uploads the Glue scripts and nested templates to; Glue's TempDir is under flowc/tmp/ in it"),
		AllowedPattern: cloudformation.String("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"),
	}
}

// globalResources are the resources of the root stack that do not depend
// on how the jobs are placed.
func (c *cfn) globalResources(t *cloudformation.Template) {
	pl, n := c.pl, c.pl.Names
	t.Parameters[idAssetBucket] = assetBucketParam()
	if c.desc != "" {
		// Only a pointer to the description (layout.MetadataKey): the
		// description itself could push the template past the 51,200 bytes
		// of an inline body. "During a stack update, you cannot update the
		// Metadata section by itself" (CloudFormation User Guide, Metadata
		// syntax): every fact the description holds also changes a
		// resource (Glue table, script, job or rule), so it updates with them.
		t.Metadata[layout.MetadataKey] = map[string]any{layout.MetadataDescriptionKey: c.desc}
	}

	t.Resources[idGlueDatabase] = &glue.Database{
		CatalogId: cloudformation.Ref("AWS::AccountId"),
		DatabaseInput: &glue.Database_DatabaseInput{
			Name:        cloudformation.String(n.GlueDatabase()),
			Description: cloudformation.String(fmt.Sprintf("flowc pipeline %s (%s): the sources as tables", pl.Pipeline, pl.Env)),
		},
	}
	for _, b := range pl.Created() {
		c.bucket(t, b)
	}
	if !c.place.sources {
		for _, s := range pl.Sources {
			c.source(t, s, rootWiring())
		}
	}
	if pl.Redshift.Connection != "" {
		c.connectionSecret(t)
	}
	if c.leased() {
		c.runsTable(t)
	}
	t.Resources[idStateMachineRole] = c.stateMachineTrust(stateMachineMayUseAlertKey(c.stateMachineRole()))
	started := []string{cloudformation.Ref(idStateMachine)}
	if c.fresh != nil {
		started = append(started, cloudformation.Ref(idFreshnessMachine))
	}
	t.Resources[idEventsRole] = c.eventsTrust(role(n.Role("events"), "flowc: lets EventBridge start the state machine of "+n.Stack(), "events.amazonaws.com",
		inline("start-execution", allow("StartPipeline", []string{"states:StartExecution"}, started...))))
	t.Resources[idStateMachineLogs] = &logs.LogGroup{
		LogGroupName:    cloudformation.String(n.LogGroup()),
		RetentionInDays: cloudformation.Int(logRetentionDays),
	}
	sm := &stepfunctions.StateMachine{
		StateMachineName:        cloudformation.String(n.StateMachine()),
		StateMachineType:        cloudformation.String("STANDARD"),
		RoleArn:                 cloudformation.GetAtt(idStateMachineRole, "Arn"),
		DefinitionSubstitutions: c.definitionSubstitutions(c.defn),
		LoggingConfiguration: &stepfunctions.StateMachine_LoggingConfiguration{
			Level:                cloudformation.String("ALL"),
			IncludeExecutionData: cloudformation.Bool(true),
			Destinations: []stepfunctions.StateMachine_LogDestination{{
				CloudWatchLogsLogGroup: &stepfunctions.StateMachine_CloudWatchLogsLogGroup{LogGroupArn: cloudformation.GetAttPtr(idStateMachineLogs, "Arn")},
			}},
		},
	}
	c.definition(sm)
	t.Resources[idStateMachine] = sm
	c.freshnessCheck(t)
	c.alerts(t)
	c.alertKey(t)
	c.deadLetter(t)
	c.timedOut(t)
	c.alarmsMayPublish(t)

	t.Outputs["StateMachineArn"] = output(cloudformation.Ref(idStateMachine), "ARN of the state machine that runs the pipeline")
	t.Outputs["AlertTopicArn"] = output(cloudformation.Ref(idAlertTopic), "ARN of the SNS topic with the run notifications")
	t.Outputs["GlueDatabaseName"] = output(cloudformation.Ref(idGlueDatabase), "Glue Data Catalog database holding the sources")
}

// definition sets the state machine's definition: as JSON, which the
// template shows indented like the rest of it, or, when the indented
// definition would push the root template past its limit
// (placement.compactDefinition), as DefinitionString, the definition's
// compact text: "The Amazon States Language definition of the state
// machine. The state machine definition must be in JSON" (CloudFormation,
// AWS::StepFunctions::StateMachine, DefinitionString,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-stepfunctions-statemachine.html).
// Both take DefinitionSubstitutions, and changing one for the other
// "Update requires: No interruption". Indented in the template, the
// definition takes about 1.8 times the bytes of its quoted compact text
// (170 sources: 1.17 MB against 0.66 MB). Past that
// (placement.definitionS3), DefinitionS3Location takes it out of the
// template: "Defines the S3 bucket location where a state machine
// definition is stored. The state machine definition must be a JSON or
// YAML file." (AWS::StepFunctions::StateMachine S3Location, Bucket and Key
// required, "Update requires: No interruption",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-stepfunctions-statemachine-s3location.html);
// the file is the compact text, statemachine.compact.asl.json, at its
// content-addressed key in the asset bucket, so a changed definition is a
// changed key and CloudFormation updates the state machine. Step
// Functions' own limit of 1 MB per definition (layout.MaxDefinition) still
// holds. The emulator the deploy tests run against reads Definition and
// DefinitionString only, so this placement is not deployed in tests.
func (c *cfn) definition(sm *stepfunctions.StateMachine) {
	if !c.place.compactDefinition {
		sm.Definition = c.defn
		return
	}
	if c.compact == "" {
		var b bytes.Buffer
		if err := json.Compact(&b, c.defn); err != nil {
			sm.Definition = c.defn // Templates checked it is valid JSON
			return
		}
		c.compact = b.String()
	}
	if c.place.definitionS3 {
		key, _ := layout.AssetKey(layout.CompactStateMachinePath, []byte(c.compact))
		sm.DefinitionS3Location = &stepfunctions.StateMachine_S3Location{Bucket: cloudformation.Ref(idAssetBucket), Key: key}
		return
	}
	sm.DefinitionString = cloudformation.String(c.compact)
}

// definitionSubstitutions fill the placeholders of the state machine
// definition: the alert topic, and the ARN of every service integration
// the definition calls, in the stack's partition (AWS::Partition is aws,
// aws-cn or aws-us-gov:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).
func (c *cfn) definitionSubstitutions(defn []byte) map[string]any {
	subs := map[string]any{layout.SubstAlertTopicArn: cloudformation.Ref(idAlertTopic)}
	if bytes.Contains(defn, []byte("${"+layout.SubstRunsTable+"}")) {
		subs[layout.SubstRunsTable] = cloudformation.Ref(idRunsTable)
	}
	for name, resource := range layout.IntegrationResource {
		if bytes.Contains(defn, []byte("${"+name+"}")) {
			subs[name] = cloudformation.Sub("arn:${AWS::Partition}:states:::" + resource)
		}
	}
	return subs
}

func output(v any, desc string) cloudformation.Output {
	return cloudformation.Output{Value: v, Description: cloudformation.String(desc)}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// render marshals a template canonically: keys sorted, two-space indent,
// no HTML escaping, a trailing newline, goformation's encoded intrinsics
// expanded. The bytes are those of renderSlow (goformation's
// Template.JSON, then canonicalJSON), written in one pass: the template is
// turned into the generic tree json.Unmarshal would give (templateTree,
// numbers as float64 as goformation decodes them) and written by
// jsonw.PrettyIntrinsics, which expands the intrinsics as goformation does. A template
// the fast path does not reproduce exactly (e.g. a literal {"Ref": ...}
// object, which goformation would evaluate; flowc never writes one) takes
// the slow path.
func render(t *cloudformation.Template) ([]byte, error) {
	tree, err := templateTree(t)
	if err == nil {
		var b []byte
		if b, err = jsonw.PrettyIntrinsics(tree); err == nil {
			return b, nil
		}
	}
	if errors.Is(err, jsonw.ErrSlowPath) {
		return renderSlow(t)
	}
	return nil, err
}

// renderSlow is render through goformation's Template.JSON (which runs
// its intrinsics processor) and canonicalJSON.
func renderSlow(t *cloudformation.Template) ([]byte, error) {
	raw, err := t.JSON()
	if err != nil {
		return nil, err
	}
	return canonicalJSON(raw)
}

// canonicalJSON re-encodes JSON with sorted keys, two-space indent, no
// HTML escaping and a trailing newline. Numbers keep their text.
func canonicalJSON(raw []byte) ([]byte, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// newTemplate is an empty template with the pipeline's description.
func (c *cfn) newTemplate(desc string) *cloudformation.Template {
	t := cloudformation.NewTemplate()
	t.Description = desc
	return t
}
