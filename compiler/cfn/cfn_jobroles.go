package cfn

import (
	"sort"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/iam"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
)

// Least privilege per Glue job (issue 16, AWS detail D6): each table's job
// has its own role, <pipeline>-<env>-job-<table> (ir.Names.JobRole), that
// may read only the sources of the table's lineage, use only its own
// TempDir prefix, read the assets (its script and the runtime, at
// content-addressed keys), get the pipeline's Redshift connection, read the
// connection's secret when there is one, and write Glue's logs. The job
// reads S3 directly (glue/flowc_runtime.py lists and reads the files), so
// the role has no Glue Data Catalog permission.
//
// Trust: glue.amazonaws.com, without aws:SourceArn/aws:SourceAccount
// conditions. Unverified: the AWS documentation we found does not say that
// Glue sets those keys when it assumes a job role, and a condition it does
// not satisfy would make every job fail to start; the emulator does not
// evaluate IAM, so it cannot tell either (see docs/run-model.md, D6).

// jobTempDir is the Glue TempDir of a table's job, in the asset bucket:
// flowc/tmp/<stack>/<table>/.
func (c *cfn) jobTempDir(tb *ir.Table) string {
	return c.tempDir() + tb.Name + "/"
}

// lineageSources are the sources a table's job reads, in spec order.
func (c *cfn) lineageSources(tb *ir.Table) []*ir.Source {
	var out []*ir.Source
	for _, r := range tb.Reads {
		if s := c.pl.Source(r); s != nil {
			out = append(out, s)
		}
	}
	return out
}

// readSources are the statements reading the given sources: GetObject under
// each location (past maxListedARNs locations, the whole buckets, to stay
// within IAM's size limit), ListBucket on their buckets limited to the
// locations' prefixes (s3:prefix; the job lists a partition's folder or the
// whole location).
func readSources(sources []*ir.Source) []statement {
	var objects, names, buckets, prefixes []string
	seenB, seenP := map[string]bool{}, map[string]bool{}
	for _, s := range sources {
		objects = append(objects, s3ARN(subEscape(s.Bucket+"/"+s.Prefix)+"*"))
		if !seenB[s.Bucket] {
			seenB[s.Bucket] = true
			names = append(names, s.Bucket)
			buckets = append(buckets, s3ARN(subEscape(s.Bucket)))
		}
		for _, p := range []string{s.Prefix + "*", strings.TrimSuffix(s.Prefix, "/")} {
			if p != "" && !seenP[p] {
				seenP[p] = true
				prefixes = append(prefixes, p)
			}
		}
	}
	if len(objects) == 0 {
		return nil
	}
	if len(objects) > maxListedARNs {
		objects = nil
		for _, b := range names {
			objects = append(objects, s3ARN(subEscape(b)+"/*"))
		}
	}
	sort.Strings(prefixes)
	list := allow("ListSources", []string{"s3:ListBucket"}, buckets...)
	if !contains(prefixes, "*") {
		list.Condition = map[string]any{"StringLike": map[string]any{"s3:prefix": prefixes}}
	}
	return []statement{allow("ReadSources", []string{"s3:GetObject"}, objects...), list}
}

// jobRole is the role of a table's Glue job: its own inline policy holds
// what only this job may do (its sources, its TempDir); what every job may
// do is one policy attached to all the job roles of a template
// (jobsCommonPolicy), which keeps the template small.
func (c *cfn) jobRole(tb *ir.Table) *iam.Role {
	n := c.pl.Names
	tmp := c.jobTempDir(tb)
	asset := "${" + idAssetBucket + "}"
	listTmp := allow("ListTempDir", []string{"s3:ListBucket"}, s3ARN(asset))
	listTmp.Condition = map[string]any{"StringLike": map[string]any{"s3:prefix": []string{tmp + "*"}}}
	sts := readSources(c.lineageSources(tb))
	sts = append(sts,
		allow("UseTempDir", []string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"}, s3ARN(asset+"/"+subEscape(tmp)+"*")),
		listTmp,
	)
	return role(n.JobRole(tb.Name), truncate("flowc: the Glue job loading table "+tb.Name+" of "+n.Stack(), 1000), "glue.amazonaws.com",
		inline("load-table", sts...))
}

// jobPolicies are the policies shared by the job roles of a template.
func (c *cfn) jobPolicies(t *cloudformation.Template, tables []*ir.Table) {
	c.jobsCommonPolicy(t, tables)
	c.jobSecretPolicy(t, tables)
}

// jobsCommonPolicy is what every Glue job may do: read the assets (its
// script and the runtime, at content-addressed keys), locate the asset
// bucket, write Glue's logs and use the Redshift connection. One
// AWS::IAM::Policy attached to every job role of the template.
func (c *cfn) jobsCommonPolicy(t *cloudformation.Template, tables []*ir.Table) {
	if len(tables) == 0 {
		return
	}
	asset := "${" + idAssetBucket + "}"
	sts := []statement{
		allow("ReadAssets", []string{"s3:GetObject"}, s3ARN(asset+"/"+layout.AssetPrefix+"*")),
		allow("LocateAssetBucket", []string{"s3:GetBucketLocation"}, s3ARN(asset)),
		allow("WriteLogs", []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"},
			arn("logs", "log-group:/aws-glue/*"), arn("logs", "log-group:/aws-glue/*:log-stream:*")),
	}
	if conn := c.pl.Redshift.Connection; conn != "" {
		sts = append(sts, connectionStatements(conn)...)
	}
	t.Resources[idJobsCommonPolicy] = &iam.Policy{
		PolicyName:     "run-glue-job",
		Roles:          jobRoleRefs(tables),
		PolicyDocument: newPolicy(sts...),
	}
}

func jobRoleRefs(tables []*ir.Table) []string {
	var roles []string
	for _, tb := range tables {
		roles = append(roles, cloudformation.Ref(idTableRole(tb.Name)))
	}
	return roles
}

// connectionStatements let a job use the Glue connection to Redshift.
func connectionStatements(conn string) []statement {
	return []statement{
		allow("UseConnection", []string{"glue:GetConnection"}, arn("glue", "catalog"), arn("glue", "connection/"+conn)),
		// A connection in a VPC makes Glue create network interfaces in
		// the connection's subnet; EC2 documents no resource scoping
		// for these calls.
		allow("VpcConnectionHasNoResourceScoping", []string{
			"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables",
			"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcAttribute", "ec2:DescribeVpcEndpoints",
		}, "*"),
		{
			Sid: "TagGlueNetworkInterfaces", Effect: "Allow",
			Action:    []string{"ec2:CreateTags", "ec2:DeleteTags"},
			Resource:  []string{arn("ec2", "network-interface/*"), arn("ec2", "security-group/*"), arn("ec2", "instance/*")},
			Condition: map[string]any{"ForAllValues:StringEquals": map[string]any{"aws:TagKeys": []string{"aws-glue-service-resource"}}},
		},
	}
}

// jobSecretParam declares the optional RedshiftSecretArn parameter (see
// connectionSecret) in a template holding Glue jobs, or passing it down to
// the nested stacks that do.
func (c *cfn) jobSecretParam(t *cloudformation.Template) {
	t.Parameters[paramRedshiftSecret] = cloudformation.Parameter{
		Type:        "String",
		Default:     "",
		Description: cloudformation.String("ARN of the Secrets Manager secret holding the credentials of the Glue connection " + c.pl.Redshift.Connection + ", if it uses one; the Glue job roles may read only that secret"),
	}
}

// jobSecretPolicy lets the job roles of a template read the connection's
// secret, when RedshiftSecretArn names one: one AWS::IAM::Policy attached
// to every job role of the template (its Roles list).
func (c *cfn) jobSecretPolicy(t *cloudformation.Template, tables []*ir.Table) {
	if c.pl.Redshift.Connection == "" || len(tables) == 0 {
		return
	}
	t.Conditions[condRedshiftSecret] = cloudformation.Not([]string{cloudformation.Equals(cloudformation.Ref(paramRedshiftSecret), "")})
	t.Resources[idJobSecretPolicy] = &iam.Policy{
		PolicyName: "read-connection-secret",
		Roles:      jobRoleRefs(tables),
		PolicyDocument: newPolicy(allow("ReadConnectionSecret", []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"},
			cloudformation.Ref(paramRedshiftSecret))),
		AWSCloudFormationCondition: condRedshiftSecret,
	}
}
