package cfn

import (
	"sort"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/iam"
)

// IAM: least privilege. No statement allows a "*" action; every Allow is
// scoped to ARNs the pipeline owns, built from the names spec.Names
// derives, except where AWS documents that an action supports no resource
// scoping (the CloudWatch Logs delivery actions Step Functions logging
// needs, and the EC2 Describe* calls Glue makes for a VPC connection);
// those statements say so in their Sid.

// policyDoc is an IAM policy document. Field order is the order AWS shows.
type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

// statement is one IAM policy statement. Resource and Principal hold
// strings that may be goformation intrinsics.
type statement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    []string       `json:"Action"`
	Resource  []string       `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func newPolicy(sts ...statement) policyDoc {
	return policyDoc{Version: "2012-10-17", Statement: sts}
}

// allow is an Allow statement of sorted actions on resources.
func allow(sid string, actions []string, resources ...string) statement {
	a := append([]string(nil), actions...)
	sort.Strings(a)
	return statement{Sid: sid, Effect: "Allow", Action: a, Resource: resources}
}

// assumeRole is the trust policy letting an AWS service assume a role.
func assumeRole(service string) policyDoc {
	return newPolicy(statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": service},
		Action:    []string{"sts:AssumeRole"},
	})
}

// role is an IAM role with inline policies, named by spec.Names.
func role(name, description, service string, policies ...iam.Role_Policy) *iam.Role {
	return &iam.Role{
		RoleName:                 cloudformation.String(name),
		Description:              cloudformation.String(description),
		AssumeRolePolicyDocument: assumeRole(service),
		Policies:                 policies,
	}
}

// arn builds an ARN in this stack's partition, region and account:
// arn("glue", "job/x") is arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:job/x.
func arn(service, resource string) string {
	return cloudformation.Sub("arn:${AWS::Partition}:" + service + ":${AWS::Region}:${AWS::AccountId}:" + subEscape(resource))
}

// s3ARN is the ARN of a bucket or object pattern; bucket may be a
// ${Param} reference, which is substituted.
func s3ARN(bucketAndKey string) string {
	return cloudformation.Sub("arn:${AWS::Partition}:s3:::" + bucketAndKey)
}

// subEscape escapes "${" in a literal that goes into Fn::Sub.
func subEscape(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) && s[i+1] == '{' {
			out = append(out, '$', '{', '!')
			i++
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}

// maxListedARNs is how many ARNs of one kind a statement lists before it
// uses the pipeline's name prefix instead (an inline policy must stay
// under IAM's 10,240-character limit for the role).
const maxListedARNs = 20

// scoped returns one ARN per name, or, past maxListedARNs, the single
// pattern covering every name the pipeline derives (prefix*).
func scoped(service, kind, prefix string, names []string) []string {
	if len(names) > maxListedARNs {
		return []string{arn(service, kind+prefix+"*")}
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, arn(service, kind+n))
	}
	return out
}

// inline is a role's inline policy.
func inline(name string, sts ...statement) iam.Role_Policy {
	return iam.Role_Policy{PolicyName: name, PolicyDocument: newPolicy(sts...)}
}

// logsDeliveryActions are what Step Functions needs to deliver execution
// logs to CloudWatch Logs. AWS documents that they support no resource
// scoping, so their statement is the one Allow on Resource "*".
var logsDeliveryActions = []string{
	"logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
	"logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery",
}

// stateMachineRole may register the partitions of the sources that start
// runs, start and watch the pipeline's jobs, publish to its topic, and
// deliver its logs.
func (c *cfn) stateMachineRole() *iam.Role {
	pl, n := c.pl, c.pl.Names
	var registered, jobs []string
	for _, s := range pl.RegisteredSources() {
		registered = append(registered, s.Name)
	}
	for _, t := range pl.Tables {
		jobs = append(jobs, n.GlueJob(t.Name))
	}
	sts := []statement{}
	if len(registered) > 0 {
		// GetTable (the table's StorageDescriptor, which the partition
		// takes: compiler/asl register) and BatchCreatePartition are
		// authorised on the catalog, the database and the table: a Data
		// Catalog resource's ARN and its parents'
		// (https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html).
		db := n.GlueDatabase()
		res := []string{arn("glue", "catalog"), arn("glue", "database/"+db)}
		res = append(res, scoped("glue", "table/"+db+"/", "", registered)...)
		sts = append(sts, allow("RegisterPartitions", []string{"glue:BatchCreatePartition", "glue:GetTable"}, res...))
	}
	if len(jobs) > 0 {
		sts = append(sts, allow("RunJobs", []string{"glue:BatchStopJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun"}, scoped("glue", "job/", n.GlueJob(""), jobs)...))
	}
	if c.leased() {
		// The runs table through the optimized DynamoDB integration, and
		// the status of this state machine's executions (a lease or slot
		// holder that is no longer running is taken over).
		sts = append(sts,
			allow("CoordinateRuns", []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}, cloudformation.GetAtt(idRunsTable, "Arn")),
			allow("WatchRuns", []string{"states:DescribeExecution"}, arn("states", "execution:"+n.StateMachine()+":*")))
	}
	if c.fresh != nil {
		// Put the events that start the freshness checks, on the default
		// bus only (PutEvents is authorised on the event bus: "Resource
		// types: event-bus", Service Authorization Reference, Amazon
		// EventBridge).
		sts = append(sts, allow("StartFreshnessChecks", []string{"events:PutEvents"}, arn("events", "event-bus/default")))
	}
	sts = append(sts,
		allow("PublishAlerts", []string{"sns:Publish"}, cloudformation.Ref(idAlertTopic)),
		allow("LogDeliveryHasNoResourceScoping", logsDeliveryActions, "*"),
	)
	return role(n.Role("sfn"), "flowc: the state machine of "+n.Stack(), "states.amazonaws.com", inline("run-pipeline", sts...))
}

// connectionSecret declares the optional template parameter
// RedshiftSecretArn: the Secrets Manager secret holding the credentials of
// the Redshift connection, when the connection keeps them in one (the spec
// cannot name it, the connection exists outside the pipeline). The job
// roles may read only that secret (jobSecretPolicy).
func (c *cfn) connectionSecret(t *cloudformation.Template) {
	c.jobSecretParam(t)
}
