// Package layout holds the facts of a build's layout that the compiler
// writes and deploy, cmd/flowc and the spec checks read: the paths of the
// files in a build directory, the S3 keys flowc uses in the asset bucket,
// and the AWS limits a build is measured against. One fact, one place: a
// package that needs one of these imports it from here.
//
// The package imports nothing of flowc and does no I/O.
package layout

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"strings"
)

// Logical IDs of the state machines in the root template, by which
// flowc diff shows a deployed definition under its build path.
const (
	StateMachineID     = "StateMachine"
	FreshnessMachineID = "FreshnessStateMachine"
)

// FreshnessDetailType is the detail-type of the events by which the
// pipeline's state machine starts a freshness check (their source is
// FreshnessEventSource of the stack).
const FreshnessDetailType = "flowc freshness check"

// FreshnessEventSource is the source of a stack's freshness check events.
func FreshnessEventSource(stack string) string { return "flowc." + stack }

// Paths in a build directory (slash-separated, relative to it).
const (
	TemplatePath     = "template.json"         // the root CloudFormation template
	StateMachinePath = "statemachine.asl.json" // the state machine definition
	// FreshnessMachinePath is the definition of the freshness check, a
	// second state machine, written only when a source has freshness.
	FreshnessMachinePath = "freshness.asl.json"
	// CompactStateMachinePath is the definition as compact text, written
	// only when the root template reads it from S3 (a pipeline of some
	// two thousand sources): the file deploy uploads, whose bytes are what
	// Step Functions' 1 MB limit counts.
	CompactStateMachinePath = "statemachine.compact.asl.json"
	ManifestPath            = "manifest.json" // the build's manifest
	DescriptionPath         = "pipeline.json" // the pipeline's description (ir.Description)
	StacksDir               = "stacks/"       // the nested stacks, stacks/tables-NN.json and stacks/sources-NN.json
	glueDir                 = "glue/"         // the Glue scripts, glue/<table>.py
	ddlDir                  = "sql/"          // the Redshift DDL, sql/<table>.sql
	glueScriptExt           = ".py"
	ddlExt                  = ".sql"
)

// The root template's top-level Metadata points at the pipeline's
// description in the asset bucket: {"flowc": {"description": KEY}}, KEY
// being pipeline.json's asset key. The pointer, not the description, goes
// into the template: a template body passed inline may have 51,200 bytes
// (MaxTemplateInline), which the description would push a mid-sized
// pipeline past. CloudFormation does not resolve template-level Metadata,
// so the value is a plain key; deploy knows the bucket.
const (
	MetadataKey            = "flowc"
	MetadataDescriptionKey = "description"
)

// GlueRuntimeModule is the name of the Python module the Glue scripts
// share; no table may take it (a spec rule), since its script would be the
// module's file.
const GlueRuntimeModule = "flowc_runtime"

// GlueRuntimePath is the build path of the Glue runtime:
// glue/flowc_runtime.py.
const GlueRuntimePath = glueDir + GlueRuntimeModule + glueScriptExt

// GlueScriptPath is the build path of a table's Glue script.
func GlueScriptPath(table string) string { return glueDir + table + glueScriptExt }

// DDLPath is the build path of a table's Redshift DDL.
func DDLPath(table string) string { return ddlDir + table + ddlExt }

// SchemaDDLPath is the build path of the DDL an administrator runs once:
// the schema, its grants and the ledger (ddl.SchemaFile). Table names
// starting with _flowc are reserved (spec FC216), so no table's DDL is
// there.
const SchemaDDLPath = ddlDir + "_flowc_schema" + ddlExt

// NestedStackPath is the build path of nested stack number shard:
// stacks/tables-07.json.
func NestedStackPath(shard int) string { return fmt.Sprintf("%stables-%02d.json", StacksDir, shard) }

// NestedSourceStackPath is the build path of nested stack of sources
// number shard: stacks/sources-07.json.
func NestedSourceStackPath(shard int) string {
	return fmt.Sprintf("%s%02d.json", nestedSourcesPrefix, shard)
}

const nestedSourcesPrefix = StacksDir + "sources-"

// IsNestedSourceStack reports whether a build path is the template of a
// nested stack of sources.
func IsNestedSourceStack(p string) bool {
	return strings.HasPrefix(p, nestedSourcesPrefix) && strings.HasSuffix(p, ".json")
}

// IsNestedStack reports whether a build path is a nested stack's template.
func IsNestedStack(p string) bool {
	return strings.HasPrefix(p, StacksDir) && strings.HasSuffix(p, ".json")
}

// ArgPartition is the Glue job argument that carries a run's partition of
// the triggering source, e.g. "year=2001/month=01/day=17" ("" reads
// everything): the template gives every job its default, the state
// machine passes it, and the Glue runtime reads it.
const ArgPartition = "--flowc_partition"

// The run notifications: the state machine publishes each message with the
// message attribute OutcomeAttribute set to OutcomeSuccess or
// OutcomeFailure, and the template's e-mail subscriptions filter on it.
const (
	OutcomeAttribute = "outcome"
	OutcomeSuccess   = "success"
	OutcomeFailure   = "failure"
)

// LoadState is the state machine's Map state that runs every table's Glue
// job; its output's "results" holds one entry per table: {"table", "ok",
// "job_run"} or {"table", "ok": false, "error", "cause"}. `flowc runs`
// reads it.
const LoadState = "Load tables"

// NoRun is the key of the output of an execution that ends without a run
// of its own (a duplicate event, an arrival handed to the run that holds
// the partition, an object outside the source): {"flowc_no_run": REASON}.
// `flowc runs` and `flowc backfill` leave such executions out.
const NoRun = "flowc_no_run"

// NoRunHandedOver is the NoRun reason of an arrival whose partition a
// running execution holds: a file arrived, which that run loads.
const NoRunHandedOver = "handed to the running run of the partition"

// Placeholders of the state machine definition, ${Name}, which the
// template's DefinitionSubstitutions fill when the stack is deployed.
// SubstAlertTopicArn is the alert topic's ARN. Each Integration* names
// the ARN of a service integration the state machine calls, which the
// template builds in the stack's partition (IntegrationResource): no ARN of
// the definition names a partition, so the pipeline deploys to aws-cn and
// aws-us-gov as to aws. A placeholder stands for the whole ARN, not for
// its partition alone, so that a validator of the definition (cfn-lint's
// E3601 takes a Resource that is exactly one substitution as valid) need
// not know the partition either.
const (
	SubstAlertTopicArn = "AlertTopicArn"
	// SubstRunsTable is the name of the runs table (leases, arrivals,
	// slots; docs/run-model.md).
	SubstRunsTable = "RunsTable"

	IntegrationGlueBatchCreatePartition = "GlueBatchCreatePartitionArn"
	IntegrationGlueGetTable             = "GlueGetTableArn"
	IntegrationGlueStartJobRunSync      = "GlueStartJobRunSyncArn"
	IntegrationSNSPublish               = "SnsPublishArn"
	IntegrationDynamoDBPutItem          = "DynamoDBPutItemArn"
	IntegrationDynamoDBUpdateItem       = "DynamoDBUpdateItemArn"
	IntegrationDynamoDBGetItem          = "DynamoDBGetItemArn"
	IntegrationSfnDescribeExecution     = "SfnDescribeExecutionArn"
	IntegrationEventsPutEvents          = "EventsPutEventsArn"
)

// IntegrationResource maps each Integration* placeholder to its ARN's
// resource: the ARN is arn:<partition>:states:::<resource>.
var IntegrationResource = map[string]string{
	IntegrationGlueBatchCreatePartition: "aws-sdk:glue:batchCreatePartition",
	IntegrationGlueGetTable:             "aws-sdk:glue:getTable",
	IntegrationGlueStartJobRunSync:      "glue:startJobRun.sync",
	IntegrationSNSPublish:               "sns:publish",
	IntegrationDynamoDBPutItem:          "dynamodb:putItem",
	IntegrationDynamoDBUpdateItem:       "dynamodb:updateItem",
	IntegrationDynamoDBGetItem:          "dynamodb:getItem",
	IntegrationSfnDescribeExecution:     "aws-sdk:sfn:describeExecution",
	IntegrationEventsPutEvents:          "events:putEvents",
}

// S3 key prefixes in the asset bucket.
const (
	// AssetPrefix is where the assets go, at content-addressed keys.
	AssetPrefix = "flowc/assets/"
	// TempPrefix holds each stack's Glue TempDir, flowc/tmp/<stack>/.
	TempPrefix = "flowc/tmp/"
)

// TempDir is the Glue TempDir of a stack, in the asset bucket.
func TempDir(stack string) string { return TempPrefix + stack + "/" }

// AssetKey is the content-addressed S3 key of a file with the given path
// and bytes: flowc/assets/<sha256><ext>, except for the Glue runtime, which
// keeps its base name because Glue puts an --extra-py-files file on the
// Python path under that name and the scripts import it by it:
// flowc/assets/<sha256>/flowc_runtime.py.
func AssetKey(p string, data []byte) (key, sum string) {
	h := sha256.Sum256(data)
	sum = hex.EncodeToString(h[:])
	if p == GlueRuntimePath {
		return AssetPrefix + sum + "/" + path.Base(p), sum
	}
	return AssetPrefix + sum + path.Ext(p), sum
}

// AWS limits a build is measured against (manifest.json). The build
// splits into nested stacks before one stack would pass them; what still
// passes a limit is an error (FC500), and what comes near one is a warning
// (FC501), which flowc validate reports too.
const (
	// MaxResources is CloudFormation's limit of resources per stack.
	MaxResources = 500
	// MaxOutputs is CloudFormation's limit of outputs per stack.
	MaxOutputs = 200
	// MaxTemplateInline is the largest template body CloudFormation
	// accepts in the request (flowc deploy uploads bigger ones to S3).
	MaxTemplateInline = 51200
	// MaxTemplateS3 is the largest template body CloudFormation reads
	// from S3.
	MaxTemplateS3 = 1000000
	// MaxDefinition is the largest state machine definition Step
	// Functions accepts (1 MB).
	MaxDefinition = 1 << 20
	// WarnPercent is how close to a limit, in percent, a build gets before
	// it warns.
	WarnPercent = 80
)
