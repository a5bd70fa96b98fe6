package cfn

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/events"
	"github.com/awslabs/goformation/v7/cloudformation/glue"
	"github.com/awslabs/goformation/v7/cloudformation/policies"
	"github.com/awslabs/goformation/v7/cloudformation/s3"
	"github.com/awslabs/goformation/v7/cloudformation/sns"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
)

// The resources of the template, one builder per spec element: source
// buckets, sources (catalog table, trigger rule), the alert topic
// and its subscriptions, and the Glue job of each table.

// bucket is a source bucket the stack creates (bucket: create): encrypted,
// private, TLS only, versioned, EventBridge notifications on, noncurrent
// versions and incomplete uploads expired (bucketLifecycle), kept when the
// stack is deleted or the bucket replaced, but deleted when the stack
// operation that created it rolls back: DeletionPolicy
// RetainExceptOnCreate "behaves like Retain for stack operations, except
// for the stack operation that initially created the resource"
// (CloudFormation, DeletionPolicy attribute,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html),
// so a failed first deploy leaves no bucket behind to block the retry.
// UpdateReplacePolicy takes Delete, Retain or Snapshot only (its page,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html,
// names no RetainExceptOnCreate), so it stays Retain.
func (c *cfn) bucket(t *cloudformation.Template, b *ir.Bucket) {
	id := idBucket(b.Name)
	t.Resources[id] = &s3.Bucket{
		BucketName: cloudformation.String(b.Name),
		BucketEncryption: &s3.Bucket_BucketEncryption{ServerSideEncryptionConfiguration: []s3.Bucket_ServerSideEncryptionRule{{
			ServerSideEncryptionByDefault: &s3.Bucket_ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"},
		}}},
		PublicAccessBlockConfiguration: &s3.Bucket_PublicAccessBlockConfiguration{
			BlockPublicAcls:       cloudformation.Bool(true),
			BlockPublicPolicy:     cloudformation.Bool(true),
			IgnorePublicAcls:      cloudformation.Bool(true),
			RestrictPublicBuckets: cloudformation.Bool(true),
		},
		OwnershipControls:                    &s3.Bucket_OwnershipControls{Rules: []s3.Bucket_OwnershipControlsRule{{ObjectOwnership: cloudformation.String("BucketOwnerEnforced")}}},
		VersioningConfiguration:              &s3.Bucket_VersioningConfiguration{Status: "Enabled"},
		NotificationConfiguration:            &s3.Bucket_NotificationConfiguration{EventBridgeConfiguration: &s3.Bucket_EventBridgeConfiguration{EventBridgeEnabled: true}},
		LifecycleConfiguration:               bucketLifecycle(),
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy("RetainExceptOnCreate"),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy("Retain"),
	}
	t.Resources[idBucketPolicy(b.Name)] = &s3.BucketPolicy{
		Bucket: cloudformation.Ref(id),
		PolicyDocument: newPolicy(statement{
			Sid:       "DenyInsecureTransport",
			Effect:    "Deny",
			Principal: map[string]any{"AWS": "*"},
			Action:    []string{"s3:*"},
			Resource:  []string{cloudformation.GetAtt(id, "Arn"), s3ARN("${" + id + "}/*")},
			Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		}),
	}
	// An output's description "can be a maximum of 1 K in length"
	// (CloudFormation User Guide, Outputs syntax; cfn-lint E6011 checks
	// 1,024): a bucket of hundreds of sources lists only the first ones.
	t.Outputs[id+"Name"] = output(cloudformation.Ref(id), truncate("source bucket "+b.Name+" (sources: "+strings.Join(b.Sources, ", ")+")", 1024))
}

// source adds a source's catalog table and its trigger rule. Its
// partitions are registered by the state machine (glue:BatchCreatePartition,
// see compiler/asl), with the table's StorageDescriptor (ir.Source.Catalog):
// there is no crawler.
func (c *cfn) source(t *cloudformation.Template, s *ir.Source, w sourceWiring) {
	cat := s.Catalog()
	params := map[string]string{"classification": cat.Classification, "flowc:source": s.Name}
	if s.Format == "csv" && s.CSV.Header {
		params["skip.header.line.count"] = "1"
	}
	if s.Format == "csv" && s.CSV.Null != "" {
		params["serialization.null.format"] = s.CSV.Null
	}
	var cols, parts []glue.Table_Column
	for _, col := range cat.Columns {
		c := glue.Table_Column{Name: col.Name, Type: cloudformation.String(col.Type)}
		if col.Comment != "" {
			c.Comment = cloudformation.String(col.Comment)
		}
		cols = append(cols, c)
	}
	for _, p := range s.Partitions {
		parts = append(parts, glue.Table_Column{Name: p.Name, Type: cloudformation.String(p.Type.String())})
	}
	t.Resources[idSourceTable(s.Name)] = &glue.Table{
		CatalogId:    cloudformation.Ref("AWS::AccountId"),
		DatabaseName: w.database,
		TableInput: &glue.Table_TableInput{
			Name:          cloudformation.String(s.Name),
			Description:   cloudformation.String("flowc source " + s.Name + " at " + s.Location),
			TableType:     cloudformation.String("EXTERNAL_TABLE"),
			Parameters:    params,
			PartitionKeys: parts,
			StorageDescriptor: &glue.Table_StorageDescriptor{
				Columns:      cols,
				Location:     cloudformation.String(cat.Location),
				InputFormat:  cloudformation.String(cat.InputFormat),
				OutputFormat: cloudformation.String(cat.OutputFormat),
				SerdeInfo:    &glue.Table_SerdeInfo{SerializationLibrary: cloudformation.String(cat.SerdeLibrary), Parameters: cat.SerdeParams},
			},
		},
	}
	if s.Triggered() {
		c.rule(t, s, w)
		c.ruleDeadLetter(t, s, w)
	}
}

// rule starts the state machine for a source: on each object created
// under its location with its format's suffix, or on its schedule.
func (c *cfn) rule(t *cloudformation.Template, s *ir.Source, w sourceWiring) {
	n := c.pl.Names
	target := events.Rule_Target{
		Id:      "StateMachine",
		Arn:     w.stateMachine,
		RoleArn: cloudformation.String(w.eventsRole),
	}
	r := &events.Rule{
		Name:  cloudformation.String(n.Rule(s.Name)),
		State: cloudformation.String("ENABLED"),
	}
	switch s.Trigger {
	case ir.TriggerOnArrival:
		r.Description = cloudformation.String("flowc: a run per object created under " + s.Location + " ending in " + s.Suffix())
		// The suffix matches in any case (.csv, .CSV): EventBridge's suffix
		// filter takes equals-ignore-case
		// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
		// A wildcard, the only filter that holds a prefix and a suffix in
		// one, is case-sensitive, and two filters in one list are ORed, so
		// the prefix is checked by the state machine, which ends a run of
		// an object outside the source's location at once, quietly.
		key := []any{map[string]any{"suffix": map[string]any{"equals-ignore-case": s.Suffix()}}}
		if m := s.Arrival.Marker; m != "" {
			// Only the completion marker announces a partition
			// (docs/run-model.md, "Completion markers").
			r.Description = cloudformation.String("flowc: a run per marker " + m + " created under " + s.Location)
			key = []any{map[string]any{"suffix": "/" + m}}
		}
		r.EventPattern = map[string]any{
			"source":      []string{"aws.s3"},
			"detail-type": []string{"Object Created"},
			"detail": map[string]any{
				"bucket": map[string]any{"name": []string{s.Bucket}},
				"object": map[string]any{"key": key},
			},
		}
		// The S3 event's detail.object.sequencer orders the events of a key
		// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html):
		// with the key it names one event, so the state machine can tell a
		// second delivery of it from a new upload.
		target.InputTransformer = &events.Rule_InputTransformer{
			InputPathsMap: map[string]string{"bucket": "$.detail.bucket.name", "key": "$.detail.object.key", "sequencer": "$.detail.object.sequencer"},
			InputTemplate: fmt.Sprintf(`{"source": %s, "bucket": <bucket>, "key": <key>, "sequencer": <sequencer>}`, jsonString(s.Name)),
		}
	default: // schedule
		r.Description = cloudformation.String("flowc: a run of source " + s.Name + " on " + s.Schedule)
		r.ScheduleExpression = cloudformation.String(s.Schedule)
		target.Input = cloudformation.String(fmt.Sprintf(`{"source":%s}`, jsonString(s.Name)))
	}
	r.Targets = []events.Rule_Target{target}
	t.Resources[idSourceRule(s.Name)] = r
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// alerts adds the topic, its TLS-only policy and one e-mail subscription
// per address, filtered on the outcome message attribute the state
// machine sets, so on_failure and on_success recipients get only theirs.
func (c *cfn) alerts(t *cloudformation.Template) {
	pl := c.pl
	t.Resources[idAlertTopic] = &sns.Topic{
		TopicName:      cloudformation.String(pl.Names.Topic()),
		DisplayName:    cloudformation.String(truncate("flowc "+pl.Pipeline+" "+pl.Env, 100)),
		KmsMasterKeyId: cloudformation.String("alias/aws/sns"),
	}
	t.Resources[idAlertTopicPolicy] = &sns.TopicPolicy{
		Topics: []string{cloudformation.Ref(idAlertTopic)},
		PolicyDocument: newPolicy(statement{
			Sid:       "DenyInsecureTransport",
			Effect:    "Deny",
			Principal: map[string]any{"AWS": "*"},
			Action:    []string{"sns:Publish"},
			Resource:  []string{cloudformation.Ref(idAlertTopic)},
			Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		}),
	}
	outcomes := map[string][]string{}
	var order []string
	add := func(emails []string, outcome string) {
		for _, e := range emails {
			k := strings.ToLower(e)
			if _, ok := outcomes[k]; !ok {
				order = append(order, e)
			}
			if !contains(outcomes[k], outcome) {
				outcomes[k] = append(outcomes[k], outcome)
			}
		}
	}
	add(pl.Alerts.OnFailure, layout.OutcomeFailure)
	add(pl.Alerts.OnSuccess, layout.OutcomeSuccess)
	for _, e := range order {
		o := outcomes[strings.ToLower(e)]
		sort.Strings(o)
		t.Resources[idSubscription(e)] = &sns.Subscription{
			TopicArn:          cloudformation.Ref(idAlertTopic),
			Protocol:          "email",
			Endpoint:          cloudformation.String(e),
			FilterPolicyScope: cloudformation.String("MessageAttributes"),
			FilterPolicy:      map[string]any{layout.OutcomeAttribute: o},
		}
	}
}

// jobResource is the Glue job loading a table; roleArn is the Glue role.
func (c *cfn) jobResource(tb *ir.Table, roleArn string) *glue.Job {
	pl := c.pl
	key := c.assets[layout.GlueScriptPath(tb.Name)]
	j := &glue.Job{
		Name:        cloudformation.String(pl.Names.GlueJob(tb.Name)),
		Description: cloudformation.String(truncate("flowc: loads Redshift table "+pl.Redshift.Schema+"."+tb.Name+" ("+tb.Load+")", 2048)),
		Role:        roleArn,
		Command: &glue.Job_JobCommand{
			Name:           cloudformation.String("glueetl"),
			PythonVersion:  cloudformation.String("3"),
			ScriptLocation: cloudformation.String(cloudformation.Sub("s3://${" + idAssetBucket + "}/" + subEscape(key))),
		},
		GlueVersion:       cloudformation.String(pl.Glue.Version),
		WorkerType:        cloudformation.String(pl.Glue.WorkerType),
		NumberOfWorkers:   cloudformation.Int(pl.Glue.Workers),
		Timeout:           cloudformation.Int(pl.Glue.TimeoutMinutes),
		MaxRetries:        cloudformation.Float64(0),
		ExecutionProperty: &glue.Job_ExecutionProperty{MaxConcurrentRuns: cloudformation.Float64(float64(c.maxConcurrentRuns(tb)))},
		DefaultArguments: map[string]any{
			"--TempDir":                          cloudformation.Sub("s3://${" + idAssetBucket + "}/" + subEscape(c.jobTempDir(tb))),
			"--job-bookmark-option":              "job-bookmark-disable",
			"--enable-continuous-cloudwatch-log": "true",
			// The runtime the script imports (flowc_runtime), on the Python path.
			"--extra-py-files":  cloudformation.Sub("s3://${" + idAssetBucket + "}/" + subEscape(c.assets[layout.GlueRuntimePath])),
			layout.ArgPartition: "",
		},
	}
	if pl.Redshift.Connection != "" {
		j.Connections = &glue.Job_ConnectionsList{Connections: []string{pl.Redshift.Connection}}
	}
	return j
}
