package cfn

import (
	"sort"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/iam"

	"github.com/flowc-dev/flowc/layout"
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

// stateMachineRole may start and watch the pipeline's crawlers and jobs,
// publish to its topic, and deliver its logs.
func (c *cfn) stateMachineRole() *iam.Role {
	pl, n := c.pl, c.pl.Names
	var crawlers, jobs []string
	for _, s := range pl.CrawledSources() {
		crawlers = append(crawlers, n.Crawler(s.Name))
	}
	for _, t := range pl.Tables {
		jobs = append(jobs, n.GlueJob(t.Name))
	}
	sts := []statement{}
	if len(crawlers) > 0 {
		sts = append(sts, allow("RunCrawlers", []string{"glue:GetCrawler", "glue:StartCrawler"}, scoped("glue", "crawler/", n.Crawler(""), crawlers)...))
	}
	if len(jobs) > 0 {
		sts = append(sts, allow("RunJobs", []string{"glue:BatchStopJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun"}, scoped("glue", "job/", n.GlueJob(""), jobs)...))
	}
	sts = append(sts,
		allow("PublishAlerts", []string{"sns:Publish"}, cloudformation.Ref(idAlertTopic)),
		allow("LogDeliveryHasNoResourceScoping", logsDeliveryActions, "*"),
	)
	return role(n.Role("sfn"), "flowc: the state machine of "+n.Stack(), "states.amazonaws.com", inline("run-pipeline", sts...))
}

// glueRole is the role of the Glue jobs and crawlers: read the sources and
// the assets, use the TempDir, the pipeline's catalog database and its
// Redshift connection, and write logs under /aws-glue/.
func (c *cfn) glueRole() *iam.Role {
	pl, n := c.pl, c.pl.Names
	tmp := c.tempDir()
	asset := "${" + idAssetBucket + "}"
	listTmp := allow("ListTempDir", []string{"s3:ListBucket"}, s3ARN(asset))
	listTmp.Condition = map[string]any{"StringLike": map[string]any{"s3:prefix": []string{tmp + "*"}}}
	db := n.GlueDatabase()
	sts := append(readSources(pl.Sources),
		allow("ReadAssets", []string{"s3:GetObject"}, s3ARN(asset+"/"+layout.AssetPrefix+"*")),
		allow("UseTempDir", []string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"}, s3ARN(asset+"/"+subEscape(tmp)+"*")),
		listTmp,
		allow("LocateAssetBucket", []string{"s3:GetBucketLocation"}, s3ARN(asset)),
		allow("UseCatalog", []string{
			"glue:BatchCreatePartition", "glue:BatchGetPartition", "glue:CreatePartition", "glue:GetDatabase",
			"glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables", "glue:UpdatePartition", "glue:UpdateTable",
		}, arn("glue", "catalog"), arn("glue", "database/"+db), arn("glue", "table/"+db+"/*")),
		allow("WriteLogs", []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"},
			arn("logs", "log-group:/aws-glue/*"), arn("logs", "log-group:/aws-glue/*:log-stream:*")),
	)
	if conn := pl.Redshift.Connection; conn != "" {
		sts = append(sts, connectionStatements(conn)...)
	}
	return role(n.Role("glue"), "flowc: the Glue jobs and crawlers of "+n.Stack(), "glue.amazonaws.com", inline("load-tables", sts...))
}

// connectionSecret declares the optional template parameter
// RedshiftSecretArn: the Secrets Manager secret holding the credentials of
// the Redshift connection, when the connection keeps them in one (the spec
// cannot name it, the connection exists outside the pipeline). The job
// roles may read only that secret (jobSecretPolicy).
func (c *cfn) connectionSecret(t *cloudformation.Template) {
	c.jobSecretParam(t)
}
