package cfn

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/cloudwatch"
	"github.com/awslabs/goformation/v7/cloudformation/events"
	"github.com/awslabs/goformation/v7/cloudformation/iam"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/cloudformation/s3"
	"github.com/awslabs/goformation/v7/cloudformation/sns"
	"github.com/awslabs/goformation/v7/cloudformation/sqs"

	"github.com/flowc-dev/flowc/ir"
)

// Issue 16, AWS detail D6: trust conditions on the service roles, and a
// dead-letter queue, with an alarm, for the trigger rules. Kept apart from
// the resource builders they amend (role, rule, alerts).

// trustFrom restricts who may assume r: service, on behalf of this account
// (aws:SourceAccount) and of one of sourceArns (aws:SourceArn). The ARNs are
// built strings (arn), never a Ref or GetAtt of the resource, which would
// make the role depend on what depends on it. IAM evaluates several values
// of one key as OR (IAM User Guide, "Creating a condition with multiple
// keys or values").
func trustFrom(r *iam.Role, service string, sourceArns []string) *iam.Role {
	doc := assumeRole(service)
	doc.Statement[0].Condition = map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": cloudformation.Ref("AWS::AccountId")},
		"ArnLike":      map[string]any{"aws:SourceArn": sourceArns},
	}
	r.AssumeRolePolicyDocument = doc
	return r
}

// stateMachineTrust: Step Functions assumes the state machine's role for
// the state machine arn:…:states:<region>:<account>:stateMachine:<name>.
// Step Functions' guide ("Creating an IAM role for your state machine",
// cross-service confused deputy prevention,
// https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html)
// shows aws:SourceArn on the stateMachine ARN with aws:SourceAccount; that
// page was not retrieved by our documentation search, so this is checked
// only against what its example is known to say, and not by execution (the
// emulator does not evaluate IAM).
func (c *cfn) stateMachineTrust(r *iam.Role) *iam.Role {
	return trustFrom(r, "states.amazonaws.com", []string{arn("states", "stateMachine:"+c.pl.Names.StateMachine())})
}

// eventsTrust: EventBridge sets aws:SourceArn to "the ARN of the rule
// sending the event" and aws:SourceAccount to "the account the rule
// specified by aws:SourceArn is in" (EventBridge User Guide, "Using IAM
// policy conditions in Amazon EventBridge",
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html).
func (c *cfn) eventsTrust(r *iam.Role) *iam.Role {
	return trustFrom(r, "events.amazonaws.com", c.ruleArns())
}

// ruleArns are the ARNs of the pipeline's trigger rules, or, past
// maxListedARNs rules, the one pattern covering every rule name the
// pipeline derives (scoped). The events role's trust policy and the
// dead-letter queue's policy list them: a role's trust policy has a length
// quota of its own, much smaller than a template ("Role trust policy
// length", IAM User Guide, "IAM and AWS STS quotas",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html),
// which a pipeline of hundreds of sources would pass.
func (c *cfn) ruleArns() []string {
	var rules []string
	for _, s := range c.pl.Sources {
		if s.Triggered() {
			rules = append(rules, c.pl.Names.Rule(s.Name))
		}
	}
	if c.fresh != nil {
		rules = append(rules, c.pl.Names.FreshnessRule())
	}
	if len(rules) == 0 {
		return nil
	}
	return scoped("events", "rule/", c.pl.Names.Rule(""), rules)
}

// EventBridge retries a target for at most 24 hours and 185 attempts (its
// maximums and defaults) before it sends the event to the dead-letter
// queue: "Using dead-letter queues to process undelivered events",
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html;
// RetryPolicy: MaximumEventAgeInSeconds 60 to 86400, MaximumRetryAttempts 0
// to 185,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-events-rule-retrypolicy.html.
const (
	ruleMaxEventAge      = 86400
	ruleMaxRetryAttempts = 185
	// dlqRetention is the longest SQS keeps a message, 14 days
	// (MessageRetentionPeriod 60 to 1,209,600 seconds,
	// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html).
	dlqRetention = 1209600
)

// ruleDeadLetter gives the state machine target of a source's rule the
// retry policy and the dead-letter queue: a trigger EventBridge cannot
// deliver (the state machine throttles, the role is broken) lands in the
// queue instead of being dropped.
func (c *cfn) ruleDeadLetter(t *cloudformation.Template, s *ir.Source, w sourceWiring) {
	if r, ok := t.Resources[idSourceRule(s.Name)].(*events.Rule); ok {
		deliverOrDeadLetter(r, cloudformation.String(w.deadLetter))
	}
}

// deliverOrDeadLetter gives every target of a rule the longest retry
// policy and the dead-letter queue, dlq (its ARN).
func deliverOrDeadLetter(r *events.Rule, dlq *string) {
	for i := range r.Targets {
		r.Targets[i].RetryPolicy = &events.Rule_RetryPolicy{
			MaximumEventAgeInSeconds: cloudformation.Int(ruleMaxEventAge),
			MaximumRetryAttempts:     cloudformation.Int(ruleMaxRetryAttempts),
		}
		// DeadLetterConfig.Arn: "The ARN of the SQS queue specified as the
		// target for the dead-letter queue."
		// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-events-rule-deadletterconfig.html
		r.Targets[i].DeadLetterConfig = &events.Rule_DeadLetterConfig{Arn: dlq}
	}
}

// deadLetter adds the trigger rules' dead-letter queue, the queue policy
// letting EventBridge send to it for the pipeline's rules only, and an
// alarm that e-mails the alert topic as soon as the queue holds a message.
func (c *cfn) deadLetter(t *cloudformation.Template) {
	rules := c.ruleArns()
	if len(rules) == 0 {
		return
	}
	n := c.pl.Names
	t.Resources[idDeadLetterQueue] = &sqs.Queue{
		QueueName: cloudformation.String(n.DeadLetterQueue()),
		// SSE-SQS: "Enables server-side queue encryption using SQS owned
		// encryption keys"; an SQS-owned key needs no key policy for
		// EventBridge to send to the queue, as a KMS key would.
		// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
		SqsManagedSseEnabled:   cloudformation.Bool(true),
		MessageRetentionPeriod: cloudformation.Int(dlqRetention),
	}
	// EventBridge needs sqs:SendMessage on the queue from a queue policy
	// naming events.amazonaws.com, limited with aws:SourceArn to the rules
	// (eb-rule-dlq.html, "Granting permissions to the dead-letter queue").
	send := statement{
		Sid:       "TriggerRulesDeadLetters",
		Effect:    "Allow",
		Principal: map[string]any{"Service": "events.amazonaws.com"},
		Action:    []string{"sqs:SendMessage"},
		Resource:  []string{cloudformation.GetAtt(idDeadLetterQueue, "Arn")},
		Condition: map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": rules}},
	}
	t.Resources[idDeadLetterQueuePolicy] = &sqs.QueuePolicy{
		Queues:         []string{cloudformation.Ref(idDeadLetterQueue)},
		PolicyDocument: newPolicy(send),
	}
	// ApproximateNumberOfMessagesVisible of the AWS/SQS namespace, by
	// QueueName ("Available CloudWatch metrics for Amazon SQS",
	// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
	// A queue without messages reports 0; missing data (a new queue) is
	// not a breach.
	t.Resources[idDeadLetterAlarm] = alertAlarm(n.DeadLetterQueue(),
		"flowc: a trigger of "+n.StateMachine()+" could not be delivered for 24 hours and is in SQS queue "+n.DeadLetterQueue()+"; start its run by hand, then delete the message",
		"AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum",
		cloudwatch.Alarm_Dimension{Name: "QueueName", Value: cloudformation.GetAtt(idDeadLetterQueue, "QueueName")})
}

// timedOut adds an alarm that e-mails the alert topic when an execution
// times out: the state machine's TimeoutSeconds ends it with
// States.Timeout, which no Catch sees, so the run's own failure alert is
// never sent. ExecutionsTimedOut of the AWS/States namespace, by
// StateMachineArn, Sum ("Monitoring Step Functions metrics using Amazon
// CloudWatch", execution metrics; CloudWatch Application Insights lists
// ExecutionsTimedOut among Step Functions' execution-level metrics). No
// timed-out execution reports no data: not a breach.
func (c *cfn) timedOut(t *cloudformation.Template) {
	n := c.pl.Names
	name := n.StateMachine() + "-timed-out"
	t.Resources[idRunsTimedOutAlarm] = alertAlarm(name,
		"flowc: a run of "+n.StateMachine()+" timed out (the state machine's TimeoutSeconds) and sent no failure alert of its own; see flowc runs --status failed",
		"AWS/States", "ExecutionsTimedOut", "Sum",
		cloudwatch.Alarm_Dimension{Name: "StateMachineArn", Value: cloudformation.Ref(idStateMachine)})
}

// alertAlarm is an alarm that e-mails the alert topic as soon as the
// metric, over five minutes, is above 0; no data (nothing happened) is not
// a breach.
func alertAlarm(name, description, namespace, metric, statistic string, dim cloudwatch.Alarm_Dimension) *cloudwatch.Alarm {
	return &cloudwatch.Alarm{
		AlarmName:          cloudformation.String(name),
		AlarmDescription:   cloudformation.String(description),
		Namespace:          cloudformation.String(namespace),
		MetricName:         cloudformation.String(metric),
		Dimensions:         []cloudwatch.Alarm_Dimension{dim},
		Statistic:          cloudformation.String(statistic),
		Period:             cloudformation.Int(300),
		EvaluationPeriods:  1,
		Threshold:          cloudformation.Float64(0),
		ComparisonOperator: "GreaterThanThreshold",
		TreatMissingData:   cloudformation.String("notBreaching"),
		AlarmActions:       []string{cloudformation.Ref(idAlertTopic)},
	}
}

// alarmsMayPublish adds to the alert topic's policy a statement letting
// the template's CloudWatch alarms (by ARN, in this account) publish to it
// (cloudwatch.amazonaws.com, aws:SourceAccount; SNS Developer Guide,
// "Amazon SNS access control" / CloudWatch User Guide, alarm actions).
func (c *cfn) alarmsMayPublish(t *cloudformation.Template) {
	p, ok := t.Resources[idAlertTopicPolicy].(*sns.TopicPolicy)
	if !ok {
		return
	}
	doc, ok := p.PolicyDocument.(policyDoc)
	if !ok {
		return
	}
	var arns []string
	for _, id := range []string{idDeadLetterAlarm, idRunsTimedOutAlarm, idFreshnessFailedAlarm} {
		if a, ok := t.Resources[id].(*cloudwatch.Alarm); ok {
			arns = append(arns, arn("cloudwatch", "alarm:"+*a.AlarmName))
		}
	}
	var source any = arns
	switch len(arns) {
	case 0:
		return
	case 1:
		source = arns[0]
	}
	doc.Statement = append(doc.Statement, statement{
		Sid:       "CloudWatchAlarms",
		Effect:    "Allow",
		Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
		Action:    []string{"sns:Publish"},
		Resource:  []string{cloudformation.Ref(idAlertTopic)},
		Condition: map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": cloudformation.Ref("AWS::AccountId")},
			"ArnLike":      map[string]any{"aws:SourceArn": source},
		},
	})
	p.PolicyDocument = doc
}

// Lifecycle of a source bucket the stack creates.
const (
	noncurrentDays      = 30 // a replaced or deleted object's old version is kept this long
	abortMultipartAfter = 7  // an upload never completed is removed after this many days
)

// bucketLifecycle expires noncurrent versions (the bucket is versioned: an
// overwritten or deleted landing file would otherwise be kept, and billed,
// forever) and incomplete multipart uploads. Current objects are never
// expired: they are the pipeline's input. S3 lifecycle rules:
// NoncurrentVersionExpiration.NoncurrentDays,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-noncurrentversionexpiration.html;
// AbortIncompleteMultipartUpload.DaysAfterInitiation, "the days since the
// initiation of an incomplete multipart upload that Amazon S3 will wait
// before permanently removing all parts of the upload",
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html.
// A rule without a filter applies to every object.
func bucketLifecycle() *s3.Bucket_LifecycleConfiguration {
	return &s3.Bucket_LifecycleConfiguration{Rules: []s3.Bucket_Rule{{
		Id:                             cloudformation.String("flowc-noncurrent-versions"),
		Status:                         "Enabled",
		NoncurrentVersionExpiration:    &s3.Bucket_NoncurrentVersionExpiration{NoncurrentDays: noncurrentDays},
		AbortIncompleteMultipartUpload: &s3.Bucket_AbortIncompleteMultipartUpload{DaysAfterInitiation: abortMultipartAfter},
	}}}
}

// The alert topic's key. A CloudWatch alarm cannot publish to a topic
// encrypted with the AWS managed key alias/aws/sns: the service needs
// kms:Decrypt and kms:GenerateDataKey on the key, and an AWS managed key's
// policy cannot be changed (SNS Developer Guide, "Key management", section
// "Enable compatibility between event sources from AWS services and
// encrypted topics",
// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services;
// that page was found only as quoted by AWS's own documentation of its
// Modern Data Architecture Accelerator, not retrieved directly). So the
// topic gets a customer managed key of the stack (about 1 USD a month),
// whose policy lets the account manage it through IAM, and CloudWatch use
// it. The state machine, which publishes the run e-mails, may use it
// through its role (stateMachineMayUseAlertKey).
//
// Key policies: "In a key policy, the value of the Resource element is
// "*", which means "this KMS key"" (AWS KMS Developer Guide, "Key
// policies"), hence Resource "*" in the two statements below; the
// account's statement lists the actions instead of kms:*.
var keyAdminActions = []string{
	"kms:CancelKeyDeletion", "kms:Decrypt", "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation",
	"kms:EnableKey", "kms:EnableKeyRotation", "kms:GenerateDataKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
	"kms:ListResourceTags", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
	"kms:UpdateKeyDescription",
}

// alertKey adds the alert topic's key and points the topic at it.
func (c *cfn) alertKey(t *cloudformation.Template) {
	topic, ok := t.Resources[idAlertTopic].(*sns.Topic)
	if !ok {
		return
	}
	account := allow("KeyPolicyAccountAdministers", keyAdminActions, "*")
	account.Principal = map[string]any{"AWS": cloudformation.Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")}
	// No condition on CloudWatch's use: which keys it sets when it
	// publishes to an encrypted topic was not verified; the key encrypts
	// this topic only.
	alarms := allow("KeyPolicyCloudWatchAlarms", []string{"kms:Decrypt", "kms:GenerateDataKey"}, "*")
	alarms.Principal = map[string]any{"Service": "cloudwatch.amazonaws.com"}
	t.Resources[idAlertTopicKey] = &kms.Key{
		Description:       cloudformation.String("flowc: encrypts the alert topic " + c.pl.Names.Topic() + "; CloudWatch alarms may publish to it"),
		EnableKeyRotation: cloudformation.Bool(true),
		KeyPolicy:         newPolicy(account, alarms),
	}
	topic.KmsMasterKeyId = cloudformation.String(cloudformation.Ref(idAlertTopicKey))
}

// stateMachineMayUseAlertKey lets the state machine's role publish to the
// topic encrypted with the alert key: a publisher needs kms:GenerateDataKey
// and kms:Decrypt on the key (SNS Developer Guide, "Key management").
func stateMachineMayUseAlertKey(r *iam.Role) *iam.Role {
	if len(r.Policies) == 0 {
		return r
	}
	doc, ok := r.Policies[0].PolicyDocument.(policyDoc)
	if !ok {
		return r
	}
	doc.Statement = append(doc.Statement, allow("EncryptAlerts", []string{"kms:Decrypt", "kms:GenerateDataKey"}, cloudformation.GetAtt(idAlertTopicKey, "Arn")))
	r.Policies[0].PolicyDocument = doc
	return r
}
