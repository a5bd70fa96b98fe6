package cfn_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/layout"
)

// rawTemplate is a template as generic JSON, attributes included.
type rawTemplate struct {
	Resources map[string]map[string]any
}

func rawOf(t *testing.T, b []byte) rawTemplate {
	t.Helper()
	var tm rawTemplate
	if err := json.Unmarshal(b, &tm); err != nil {
		t.Fatal(err)
	}
	return tm
}

func (tm rawTemplate) props(t *testing.T, id string) map[string]any {
	t.Helper()
	r, ok := tm.Resources[id]
	if !ok {
		t.Fatalf("no resource %s", id)
	}
	p, _ := r["Properties"].(map[string]any)
	return p
}

// js renders a value compactly, for comparisons and messages.
func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// statements returns an inline or standalone policy document's statements by Sid.
func statements(doc any) map[string]map[string]any {
	out := map[string]map[string]any{}
	d, _ := doc.(map[string]any)
	sts, _ := d["Statement"].([]any)
	for _, s := range sts {
		st := s.(map[string]any)
		sid, _ := st["Sid"].(string)
		out[sid] = st
	}
	return out
}

// withCarriers is the example plus a reference source carriers and a table
// loading it alone.
func withCarriers(t *testing.T) string {
	src := testspec.Example(t)
	src = strings.Replace(src, "\ntransforms:", `
  carriers:
    location: s3://${params.landing_bucket}/reference/carriers/
    columns: {code: string, name: string}

transforms:`, 1)
	return strings.Replace(src, "\nalerts:", `
    carriers:
      from: carriers
      load: append
      columns: {code: varchar(8), name: varchar(128)}

alerts:`, 1)
}

// TestJobRolesLeastPrivilege: each table's Glue job runs under its own
// role, <pipeline>-<env>-job-<table>, which may read only the sources of the
// table's lineage and use only its own TempDir prefix; what every job needs
// (assets, logs, the connection) is one policy attached to all job roles;
// the connection's secret another, only when RedshiftSecretArn is set; no
// job role may touch the Glue Data Catalog (the jobs read S3 directly).
func TestJobRolesLeastPrivilege(t *testing.T) {
	out := testspec.Compile(t, withCarriers(t), "dev", compiler.Options{})
	tm := rawOf(t, out.File(layout.TemplatePath))
	cases := []struct {
		table, id, role string
		reads           []string // source prefixes
	}{
		{"carriers", "TableCarriersRole", "flights-dev-job-carriers", []string{"reference/carriers/"}},
		{"delayed_flights_fact", "TableDelayedFlightsFactRole", "flights-dev-job-delayed-flights-fact", []string{"raw/flights/", "reference/airports/"}},
	}
	var roleRefs []string
	for _, c := range cases {
		p := tm.props(t, c.id)
		if p["RoleName"] != c.role {
			t.Errorf("%s: RoleName %v, want %s", c.id, p["RoleName"], c.role)
		}
		if js(p["AssumeRolePolicyDocument"]) != `{"Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"}}],"Version":"2012-10-17"}` {
			t.Errorf("%s: trust %s (no conditions on Glue job roles: unverified which keys Glue sets)", c.id, js(p["AssumeRolePolicyDocument"]))
		}
		pols := p["Policies"].([]any)
		if len(pols) != 1 {
			t.Fatalf("%s: %d inline policies", c.id, len(pols))
		}
		sts := statements(pols[0].(map[string]any)["PolicyDocument"])
		var objs []string
		for _, pre := range c.reads {
			objs = append(objs, fmt.Sprintf(`{"Fn::Sub":"arn:${AWS::Partition}:s3:::acme-flights-landing-dev/%s*"}`, pre))
		}
		if got := js(sts["ReadSources"]["Resource"]); got != "["+strings.Join(objs, ",")+"]" {
			t.Errorf("%s reads %s, want %v", c.id, got, objs)
		}
		var prefixes []string
		for _, pre := range c.reads {
			prefixes = append(prefixes, strings.TrimSuffix(pre, "/"), pre+"*")
		}
		sort.Strings(prefixes)
		if got := js(sts["ListSources"]["Condition"]); got != js(map[string]any{"StringLike": map[string]any{"s3:prefix": prefixes}}) {
			t.Errorf("%s lists %s", c.id, got)
		}
		tmp := "flowc/tmp/flights-dev/" + c.table + "/"
		if got := js(sts["UseTempDir"]["Resource"]); got != `[{"Fn::Sub":"arn:${AWS::Partition}:s3:::${AssetBucket}/`+tmp+`*"}]` {
			t.Errorf("%s TempDir %s", c.id, got)
		}
		if len(sts) != 4 {
			t.Errorf("%s: statements %v, want ReadSources, ListSources, UseTempDir, ListTempDir", c.id, reflect.ValueOf(sts).MapKeys())
		}
		job := tm.props(t, strings.TrimSuffix(c.id, "Role")+"Job")
		if js(job["Role"]) != `{"Fn::GetAtt":["`+c.id+`","Arn"]}` {
			t.Errorf("job of %s runs as %s", c.table, js(job["Role"]))
		}
		if got := js(job["DefaultArguments"].(map[string]any)["--TempDir"]); got != `{"Fn::Sub":"s3://${AssetBucket}/`+tmp+`"}` {
			t.Errorf("job of %s: --TempDir %s", c.table, got)
		}
		if strings.Contains(js(p), "glue:Get") || strings.Contains(js(p), "glue:Batch") {
			t.Errorf("%s may use the catalog: %s", c.id, js(p))
		}
		roleRefs = append(roleRefs, c.id)
	}
	common := tm.props(t, "JobRolesCommonPolicy")
	refs := js(common["Roles"])
	for _, id := range append(roleRefs, "TableAirportDelaysRole") {
		if !strings.Contains(refs, `{"Ref":"`+id+`"}`) {
			t.Errorf("JobRolesCommonPolicy is not attached to %s: %s", id, refs)
		}
	}
	sts := statements(common["PolicyDocument"])
	for _, sid := range []string{"ReadAssets", "LocateAssetBucket", "WriteLogs", "UseConnection", "VpcConnectionHasNoResourceScoping", "TagGlueNetworkInterfaces"} {
		if sts[sid] == nil {
			t.Errorf("JobRolesCommonPolicy has no %s", sid)
		}
	}
	if c := tm.Resources["JobRolesSecretPolicy"]["Condition"]; c != "HasRedshiftSecret" || js(tm.props(t, "JobRolesSecretPolicy")["Roles"]) != refs {
		t.Errorf("JobRolesSecretPolicy: condition %v, roles %s", c, js(tm.props(t, "JobRolesSecretPolicy")["Roles"]))
	}
	// No role is shared by the jobs any more.
	if _, ok := tm.Resources["GlueRole"]; ok {
		t.Errorf("the pipeline-wide GlueRole is still there")
	}
}

// TestJobRoleNamesFitIAM: a job role name over IAM's 64 characters is cut
// with a hash suffix: within the limit, distinct per table, stable.
func TestJobRoleNamesFitIAM(t *testing.T) {
	long := strings.Repeat("x", 60)
	src := strings.Replace(withCarriers(t), "    carriers:\n      from: carriers", "    "+long+"_a:\n      from: carriers", 1)
	src = strings.Replace(src, "\nalerts:", "\n    "+long+"_b:\n      from: carriers\n      columns: {code: varchar(8)}\n\nalerts:", 1)
	tm := rawOf(t, testspec.Compile(t, src, "dev", compiler.Options{}).File(layout.TemplatePath))
	seen := map[string]bool{}
	for id, r := range tm.Resources {
		if r["Type"] != "AWS::IAM::Role" {
			continue
		}
		name := tm.props(t, id)["RoleName"].(string)
		if len(name) > 64 || seen[name] {
			t.Errorf("role %s: name %q (%d characters, seen %v)", id, name, len(name), seen[name])
		}
		seen[name] = true
	}
	again := rawOf(t, testspec.Compile(t, src, "dev", compiler.Options{}).File(layout.TemplatePath))
	if js(again.Resources) != js(tm.Resources) {
		t.Errorf("role names are not stable")
	}
}

// TestTrustConditions: the state machine's role may be assumed by Step
// Functions for this account's state machine only, the events role by
// EventBridge for the pipeline's rules only; the ARNs are built strings,
// not references (no dependency cycle).
func TestTrustConditions(t *testing.T) {
	tm := rawOf(t, testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{}).File(layout.TemplatePath))
	for id, want := range map[string]string{
		"StateMachineRole": `{"Action":["sts:AssumeRole"],"Condition":{"ArnLike":{"aws:SourceArn":[{"Fn::Sub":"arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:flights-dev"}]},"StringEquals":{"aws:SourceAccount":{"Ref":"AWS::AccountId"}}},"Effect":"Allow","Principal":{"Service":"states.amazonaws.com"}}`,
		"EventsRole":       `{"Action":["sts:AssumeRole"],"Condition":{"ArnLike":{"aws:SourceArn":[{"Fn::Sub":"arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/flights-dev-flights"}]},"StringEquals":{"aws:SourceAccount":{"Ref":"AWS::AccountId"}}},"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"}}`,
	} {
		doc := tm.props(t, id)["AssumeRolePolicyDocument"].(map[string]any)
		if got := js(doc["Statement"].([]any)[0]); got != want {
			t.Errorf("%s trust:\n got %s\nwant %s", id, got, want)
		}
	}
	if tm.props(t, "StateMachine")["StateMachineName"] != "flights-dev" || tm.props(t, "SourceFlightsRule")["Name"] != "flights-dev-flights" {
		t.Errorf("the trust conditions name other resources than the template creates")
	}
}

// TestDeadLetterQueue: the trigger rule's target retries for 24 hours
// (185 attempts) and then sends the event to an SSE-SQS queue that only
// the pipeline's rules may send to; an alarm on its visible messages
// e-mails the alert topic, whose policy lets this alarm publish.
func TestDeadLetterQueue(t *testing.T) {
	tm := rawOf(t, testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{}).File(layout.TemplatePath))
	target := tm.props(t, "SourceFlightsRule")["Targets"].([]any)[0].(map[string]any)
	if js(target["DeadLetterConfig"]) != `{"Arn":{"Fn::GetAtt":["TriggerDeadLetterQueue","Arn"]}}` ||
		js(target["RetryPolicy"]) != `{"MaximumEventAgeInSeconds":86400,"MaximumRetryAttempts":185}` {
		t.Errorf("rule target: %s", js(target))
	}
	q := tm.props(t, "TriggerDeadLetterQueue")
	if q["QueueName"] != "flights-dev-trigger-dlq" || q["SqsManagedSseEnabled"] != true || q["MessageRetentionPeriod"] != float64(1209600) {
		t.Errorf("queue: %s", js(q))
	}
	qp := tm.props(t, "TriggerDeadLetterQueuePolicy")
	if got := js(qp); got != `{"PolicyDocument":{"Statement":[{"Action":["sqs:SendMessage"],"Condition":{"ArnEquals":{"aws:SourceArn":[{"Fn::Sub":"arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/flights-dev-flights"}]}},"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Resource":[{"Fn::GetAtt":["TriggerDeadLetterQueue","Arn"]}],"Sid":"TriggerRulesDeadLetters"}],"Version":"2012-10-17"},"Queues":[{"Ref":"TriggerDeadLetterQueue"}]}` {
		t.Errorf("queue policy: %s", got)
	}
	a := tm.props(t, "TriggerDeadLetterAlarm")
	for k, want := range map[string]string{
		"Namespace": `"AWS/SQS"`, "MetricName": `"ApproximateNumberOfMessagesVisible"`, "ComparisonOperator": `"GreaterThanThreshold"`,
		"Threshold": "0", "EvaluationPeriods": "1", "AlarmActions": `[{"Ref":"AlertTopic"}]`, "TreatMissingData": `"notBreaching"`,
		"Dimensions": `[{"Name":"QueueName","Value":{"Fn::GetAtt":["TriggerDeadLetterQueue","QueueName"]}}]`,
	} {
		if got := js(a[k]); got != want {
			t.Errorf("alarm %s = %s, want %s", k, got, want)
		}
	}
	sts := statements(tm.props(t, "AlertTopicPolicy")["PolicyDocument"])
	cw := sts["CloudWatchAlarms"]
	if cw == nil || js(cw["Principal"]) != `{"Service":"cloudwatch.amazonaws.com"}` || js(cw["Action"]) != `["sns:Publish"]` ||
		!strings.Contains(js(cw["Condition"]), "alarm:flights-dev-trigger-dlq") {
		t.Errorf("topic policy lets CloudWatch publish: %s", js(cw))
	}
	if sts["DenyInsecureTransport"] == nil {
		t.Errorf("topic policy lost its TLS-only statement")
	}
	// CloudWatch cannot use the AWS managed key alias/aws/sns: the topic
	// has its own key, which CloudWatch and the state machine may use.
	if got := js(tm.props(t, "AlertTopic")["KmsMasterKeyId"]); got != `{"Ref":"AlertTopicKey"}` {
		t.Errorf("topic key %s", got)
	}
	key := tm.props(t, "AlertTopicKey")
	ks := statements(key["KeyPolicy"])
	if key["EnableKeyRotation"] != true || js(ks["KeyPolicyCloudWatchAlarms"]["Principal"]) != `{"Service":"cloudwatch.amazonaws.com"}` ||
		js(ks["KeyPolicyCloudWatchAlarms"]["Action"]) != `["kms:Decrypt","kms:GenerateDataKey"]` ||
		!strings.Contains(js(ks["KeyPolicyAccountAdministers"]["Action"]), `"kms:PutKeyPolicy"`) {
		t.Errorf("key: %s", js(key))
	}
	smSts := statements(tm.props(t, "StateMachineRole")["Policies"].([]any)[0].(map[string]any)["PolicyDocument"])
	if got := js(smSts["EncryptAlerts"]); got != `{"Action":["kms:Decrypt","kms:GenerateDataKey"],"Effect":"Allow","Resource":[{"Fn::GetAtt":["AlertTopicKey","Arn"]}],"Sid":"EncryptAlerts"}` {
		t.Errorf("state machine may use the key: %s", got)
	}
}

// TestBucketModes: a bucket the stack creates is retained except when its
// creating operation rolls back, kept on replacement, and expires
// noncurrent versions (30 days) and incomplete uploads (7 days); with
// bucket: existing the template has no bucket and no bucket policy, and
// the rule and the job roles still name the bucket.
func TestBucketModes(t *testing.T) {
	tm := rawOf(t, testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{}).File(layout.TemplatePath))
	b := tm.Resources["BucketAcmeFlightsLandingDev"]
	if b["DeletionPolicy"] != "RetainExceptOnCreate" || b["UpdateReplacePolicy"] != "Retain" {
		t.Errorf("bucket policies: DeletionPolicy %v, UpdateReplacePolicy %v", b["DeletionPolicy"], b["UpdateReplacePolicy"])
	}
	if got := js(tm.props(t, "BucketAcmeFlightsLandingDev")["LifecycleConfiguration"]); got != `{"Rules":[{"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":7},"Id":"flowc-noncurrent-versions","NoncurrentVersionExpiration":{"NoncurrentDays":30},"Status":"Enabled"}]}` {
		t.Errorf("lifecycle: %s", got)
	}

	src := strings.ReplaceAll(testspec.Example(t), "    location: s3://${params.landing_bucket}/", "    bucket: existing\n    location: s3://${params.landing_bucket}/")
	out := testspec.Compile(t, src, "dev", compiler.Options{})
	if got := out.IR.EventBuckets(); js(got) != `["acme-flights-landing-dev"]` {
		t.Errorf("EventBuckets %v", got)
	}
	ex := rawOf(t, out.File(layout.TemplatePath))
	for id, r := range ex.Resources {
		if r["Type"] == "AWS::S3::Bucket" || r["Type"] == "AWS::S3::BucketPolicy" {
			t.Errorf("bucket: existing, yet the template has %s (%s)", id, r["Type"])
		}
	}
	if !strings.Contains(js(ex.props(t, "SourceFlightsRule")["EventPattern"]), `"name":["acme-flights-landing-dev"]`) {
		t.Errorf("rule pattern: %s", js(ex.props(t, "SourceFlightsRule")["EventPattern"]))
	}
	if !strings.Contains(js(ex.props(t, "TableDelayedFlightsFactRole")), "acme-flights-landing-dev/raw/flights/*") {
		t.Errorf("the job role does not read the existing bucket")
	}
}

// TestRunsTimedOutAlarm: an execution that times out (TimeoutSeconds)
// sends no failure alert of its own, so an alarm on the state machine's
// ExecutionsTimedOut e-mails the alert topic, which lets this alarm
// publish too (one CloudWatch statement naming both alarms).
func TestRunsTimedOutAlarm(t *testing.T) {
	tm := rawOf(t, testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{}).File(layout.TemplatePath))
	a := tm.props(t, "RunsTimedOutAlarm")
	for k, want := range map[string]string{
		"AlarmName": `"flights-dev-timed-out"`, "Namespace": `"AWS/States"`, "MetricName": `"ExecutionsTimedOut"`, "Statistic": `"Sum"`,
		"ComparisonOperator": `"GreaterThanThreshold"`, "Threshold": "0", "EvaluationPeriods": "1",
		"AlarmActions": `[{"Ref":"AlertTopic"}]`, "TreatMissingData": `"notBreaching"`,
		"Dimensions": `[{"Name":"StateMachineArn","Value":{"Ref":"StateMachine"}}]`,
	} {
		if got := js(a[k]); got != want {
			t.Errorf("alarm %s = %s, want %s", k, got, want)
		}
	}
	cw := statements(tm.props(t, "AlertTopicPolicy")["PolicyDocument"])["CloudWatchAlarms"]
	if c := js(cw["Condition"]); !strings.Contains(c, "alarm:flights-dev-trigger-dlq") || !strings.Contains(c, "alarm:flights-dev-timed-out") {
		t.Errorf("topic policy for the alarms: %s", c)
	}
}
