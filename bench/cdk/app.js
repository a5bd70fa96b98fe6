#!/usr/bin/env node
// The AWS CDK v2 app that bench/build.sh measures against `flowc build`.
//
// It describes, with the constructs a CDK user would reach for, the stack
// that `flowc build --env dev examples/flights.yaml` compiles: the landing
// bucket (encrypted, public access blocked, EventBridge notifications on,
// TLS-only policy, retained), the Glue database, source tables and crawler,
// one Glue job per warehouse table, the state machine with its log group,
// the EventBridge rule that starts it per object created, the alert topic
// with its TLS-only policy and e-mail subscription, the three
// least-privilege IAM roles and the Glue role's conditional policy on the
// Redshift connection's secret. bench/cdk/compare.js checks that the template
// this app synthesizes is equivalent to flowc's, resource by resource.
//
// What flowc generates from the spec and a CDK user writes or keeps next to
// the app (the state machine definition, the Glue scripts) is read from a
// flowc build directory: $FLOWC_BUILD_DIR, by default ../../build/dev. The
// Glue scripts are content-addressed under the AssetBucket parameter, as
// flowc does, so the app hashes them.
//
// Run it as users do (`npx cdk synth`) or directly (`node app.js`, with
// CDK_OUTDIR for the cloud assembly; CDK_VALIDATION=false turns off
// aws-cdk-lib's built-in template validation). The stack is environment
// agnostic, so synthesis needs no AWS account and does no lookups.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const cdk = require('aws-cdk-lib');
const {
  aws_events: events,
  aws_events_targets: targets,
  aws_glue: glue,
  aws_iam: iam,
  aws_logs: logs,
  aws_s3: s3,
  aws_sns: sns,
  aws_sns_subscriptions: subs,
  aws_stepfunctions: sfn,
} = cdk;
const { Pipeline } = require('./pipeline');

// overrideId gives the CloudFormation resource behind an L2 construct the
// logical ID flowc uses, so the two templates can be compared resource by
// resource (and so a stack deployed by one could be updated by the other).
function overrideId(construct, logicalId) {
  construct.node.defaultChild.overrideLogicalId(logicalId);
}

// statement is an IAM policy statement with a Sid.
function statement(sid, actions, resources, conditions) {
  return new iam.PolicyStatement({ sid, actions, resources, conditions });
}

// denyInsecureTransport is the TLS-only statement of a resource policy.
function denyInsecureTransport(actions, resources) {
  return new iam.PolicyStatement({
    sid: 'DenyInsecureTransport',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions,
    resources,
    conditions: { Bool: { 'aws:SecureTransport': 'false' } },
  });
}

// csvStorage is the Glue storage descriptor of a CSV source with a header.
function csvStorage(source) {
  return {
    columns: source.columns.map(([name, type]) => ({ name, type })),
    location: source.location,
    inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    serdeInfo: {
      serializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
      parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '"' },
    },
  };
}

class PipelineStack extends cdk.Stack {
  /**
   * @param {cdk.App} scope
   * @param {Pipeline} p the pipeline in one environment
   * @param {string} buildDir the flowc build directory with the definition and scripts
   */
  constructor(scope, p, buildDir) {
    super(scope, p.stackName, { description: p.description });
    this.templateOptions.templateFormatVersion = '2010-09-09';
    const arn = (service, resource, resourceName) =>
      this.formatArn({ service, resource, resourceName, arnFormat: cdk.ArnFormat.SLASH_RESOURCE_NAME });

    const assetBucket = new cdk.CfnParameter(this, 'AssetBucket', {
      type: 'String',
      allowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      description: "Bucket that flowc deploy uploads the Glue scripts and nested templates to; Glue's TempDir is under flowc/tmp/ in it",
    }).valueAsString;
    const tempDir = `flowc/tmp/${p.prefix}/`;

    // The landing bucket, its TLS-only policy.
    const bucket = new s3.Bucket(this, 'LandingBucket', {
      bucketName: p.bucket,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });
    // eventBridgeEnabled: true would deploy a notifications Lambda; the
    // bucket property itself needs none.
    bucket.node.defaultChild.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    bucket.addToResourcePolicy(denyInsecureTransport(['s3:*'], [bucket.bucketArn, bucket.arnForObjects('*')]));
    overrideId(bucket, p.ids.bucket);
    overrideId(bucket.policy, p.ids.bucketPolicy);
    new cdk.CfnOutput(this, `${p.ids.bucket}Name`, {
      description: `source bucket ${p.bucket} (sources: ${p.sources.map((s) => s.name).join(', ')})`,
      value: bucket.bucketName,
    });

    // Alerts: the topic, its TLS-only policy, one subscription per address.
    const topic = new sns.Topic(this, 'AlertTopic', { topicName: `${p.prefix}-alerts`, displayName: `flowc ${p.pipeline} ${p.env}` });
    topic.node.defaultChild.kmsMasterKeyId = 'alias/aws/sns'; // the AWS managed key
    topic.addToResourcePolicy(denyInsecureTransport(['sns:Publish'], [topic.topicArn]));
    overrideId(topic, 'AlertTopic');
    overrideId(topic.node.findChild('Policy'), 'AlertTopicPolicy');
    for (const [email, outcomes] of p.subscriptions()) {
      const sub = new sns.Subscription(this, `Alert ${email}`, {
        topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: email,
        filterPolicy: { outcome: sns.SubscriptionFilter.stringFilter({ allowlist: outcomes }) },
      });
      overrideId(sub, p.subscriptionId(email));
    }

    // The Glue role: read the sources, the scripts, use the temp dir, the
    // catalog, the logs and the Redshift connection.
    const sourcePrefixes = p.sources.map((s) => s.prefix);
    const catalog = [arn('glue', 'catalog'), arn('glue', 'database', p.database), arn('glue', 'table', `${p.database}/*`)];
    const glueRole = new iam.Role(this, 'GlueRole', {
      roleName: `${p.prefix}-glue`,
      description: `flowc: the Glue jobs and crawlers of ${p.prefix}`,
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      inlinePolicies: {
        'load-tables': new iam.PolicyDocument({
          statements: [
            statement('ReadSources', ['s3:GetObject'], sourcePrefixes.map((k) => bucket.arnForObjects(`${k}*`))),
            statement('ListSources', ['s3:ListBucket'], [bucket.bucketArn], {
              StringLike: { 's3:prefix': sourcePrefixes.flatMap((k) => [k.replace(/\/$/, ''), `${k}*`]) },
            }),
            statement('ReadAssets', ['s3:GetObject'], [`arn:${this.partition}:s3:::${assetBucket}/flowc/assets/*`]),
            statement('UseTempDir', ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], [`arn:${this.partition}:s3:::${assetBucket}/${tempDir}*`]),
            statement('ListTempDir', ['s3:ListBucket'], [`arn:${this.partition}:s3:::${assetBucket}`], {
              StringLike: { 's3:prefix': [`${tempDir}*`] },
            }),
            statement('LocateAssetBucket', ['s3:GetBucketLocation'], [`arn:${this.partition}:s3:::${assetBucket}`]),
            statement('UseCatalog', [
              'glue:BatchCreatePartition', 'glue:BatchGetPartition', 'glue:CreatePartition', 'glue:GetDatabase', 'glue:GetPartition',
              'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables', 'glue:UpdatePartition', 'glue:UpdateTable',
            ], catalog),
            statement('WriteLogs', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], [
              this.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws-glue/*', arnFormat: cdk.ArnFormat.COLON_RESOURCE_NAME }),
              this.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws-glue/*:log-stream:*', arnFormat: cdk.ArnFormat.COLON_RESOURCE_NAME }),
            ]),
            statement('UseConnection', ['glue:GetConnection'], [arn('glue', 'catalog'), arn('glue', 'connection', p.connection)]),
            statement('VpcConnectionHasNoResourceScoping', [
              'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeRouteTables',
              'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcAttribute', 'ec2:DescribeVpcEndpoints',
            ], ['*']),
            statement('TagGlueNetworkInterfaces', ['ec2:CreateTags', 'ec2:DeleteTags'],
              ['network-interface/*', 'security-group/*', 'instance/*'].map((r) => `arn:${this.partition}:ec2:${this.region}:${this.account}:${r}`),
              { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['aws-glue-service-resource'] } }),
          ],
        }),
      },
    });
    overrideId(glueRole, 'GlueRole');
    // The connection's secret, when it has one: readable by the Glue role only.
    const secret = new cdk.CfnParameter(this, 'RedshiftSecretArn', {
      type: 'String',
      default: '',
      description: `ARN of the Secrets Manager secret holding the credentials of the Glue connection ${p.connection}, if it uses one; the Glue role may read only that secret`,
    }).valueAsString;
    const hasSecret = new cdk.CfnCondition(this, 'HasRedshiftSecret', {
      expression: cdk.Fn.conditionNot(cdk.Fn.conditionEquals(secret, '')),
    });
    const secretPolicy = new iam.CfnRolePolicy(this, 'GlueRoleSecretPolicy', {
      roleName: glueRole.roleName,
      policyName: 'read-connection-secret',
      policyDocument: new iam.PolicyDocument({
        statements: [statement('ReadConnectionSecret', ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], [secret])],
      }),
    });
    secretPolicy.cfnOptions.condition = hasSecret;

    // The catalog: the database, a table per source, a crawler per partitioned source.
    const database = new glue.CfnDatabase(this, 'GlueDatabase', {
      catalogId: this.account,
      databaseInput: { name: p.database, description: `flowc pipeline ${p.pipeline} (${p.env}): the sources as tables` },
    });
    for (const s of p.sources) {
      const id = `Source${p.camel(s.name)}`;
      const table = new glue.CfnTable(this, `${id}Table`, {
        catalogId: this.account,
        databaseName: database.ref,
        tableInput: {
          name: s.name,
          description: `flowc source ${s.name} at ${s.location}`,
          tableType: 'EXTERNAL_TABLE',
          parameters: { classification: 'csv', 'flowc:source': s.name, 'skip.header.line.count': '1' },
          partitionKeys: s.partitions.length ? s.partitions.map((name) => ({ name, type: 'string' })) : undefined,
          storageDescriptor: csvStorage(s),
        },
      });
      if (!s.partitions.length) continue;
      const crawler = new glue.CfnCrawler(this, `${id}Crawler`, {
        name: `${p.prefix}-${s.name}`,
        description: `flowc: adds the partitions of source ${s.name} under ${s.location}`,
        role: glueRole.roleArn,
        databaseName: database.ref,
        targets: { catalogTargets: [{ databaseName: database.ref, tables: [s.name] }] },
        schemaChangePolicy: { updateBehavior: 'LOG', deleteBehavior: 'LOG' },
        recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
        configuration: '{"Version":1.0,"CrawlerOutput":{"Partitions":{"AddOrUpdateBehavior":"InheritFromTable"}}}',
      });
      crawler.addResourceDependency(table);
      new cdk.CfnOutput(this, `${id}CrawlerName`, { description: `Glue crawler of source ${s.name}`, value: crawler.ref });
    }

    // The runtime every job script imports, content-addressed under its module's file name.
    const runtime = fs.readFileSync(path.join(buildDir, 'glue', 'flowc_runtime.py'));
    const runtimeKey = `flowc/assets/${crypto.createHash('sha256').update(runtime).digest('hex')}/flowc_runtime.py`;

    // A Glue job per warehouse table, its script content-addressed in the asset bucket.
    for (const t of p.tables) {
      const script = fs.readFileSync(path.join(buildDir, 'glue', `${t.name}.py`));
      const key = `flowc/assets/${crypto.createHash('sha256').update(script).digest('hex')}.py`;
      const id = `Table${p.camel(t.name)}Job`;
      const job = new glue.CfnJob(this, id, {
        name: `${p.prefix}-${t.name.replace(/_/g, '-')}`,
        description: `flowc: loads Redshift table ${p.schema}.${t.name} (${t.load})`,
        role: glueRole.roleArn,
        command: { name: 'glueetl', pythonVersion: '3', scriptLocation: `s3://${assetBucket}/${key}` },
        connections: { connections: [p.connection] },
        defaultArguments: {
          '--TempDir': `s3://${assetBucket}/${tempDir}`,
          '--enable-continuous-cloudwatch-log': 'true',
          '--extra-py-files': `s3://${assetBucket}/${runtimeKey}`,
          '--flowc_partition': '',
          '--job-bookmark-option': 'job-bookmark-disable',
        },
        executionProperty: { maxConcurrentRuns: 1 },
        glueVersion: p.glue.version,
        workerType: p.glue.workerType,
        numberOfWorkers: p.glue.workers,
        timeout: p.glue.timeoutMinutes,
        maxRetries: 0,
      });
      new cdk.CfnOutput(this, `${id}Name`, { description: `Glue job loading table ${t.name}`, value: job.ref });
    }

    // The state machine: its role, its log group, the definition flowc generated.
    const crawlers = p.sources.filter((s) => s.partitions.length).map((s) => `${p.prefix}-${s.name}`);
    const jobs = p.tables.map((t) => `${p.prefix}-${t.name.replace(/_/g, '-')}`);
    const smRole = new iam.Role(this, 'StateMachineRole', {
      roleName: `${p.prefix}-sfn`,
      description: `flowc: the state machine of ${p.prefix}`,
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      inlinePolicies: {
        'run-pipeline': new iam.PolicyDocument({
          statements: [
            statement('RunCrawlers', ['glue:GetCrawler', 'glue:StartCrawler'], crawlers.map((c) => arn('glue', 'crawler', c))),
            statement('RunJobs', ['glue:BatchStopJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:StartJobRun'], jobs.map((j) => arn('glue', 'job', j))),
            statement('PublishAlerts', ['sns:Publish'], [topic.topicArn]),
            statement('LogDeliveryHasNoResourceScoping', [
              'logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies',
              'logs:GetLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery',
            ], ['*']),
          ],
        }),
      },
    });
    overrideId(smRole, 'StateMachineRole');
    const logGroup = new logs.LogGroup(this, 'StateMachineLogGroup', {
      logGroupName: `/aws/vendedlogs/states/${p.prefix}`,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });
    overrideId(logGroup, 'StateMachineLogGroup');
    const machine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: p.prefix,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(fs.readFileSync(path.join(buildDir, 'statemachine.asl.json'), 'utf8')),
      definitionSubstitutions: { AlertTopicArn: topic.topicArn },
      // The role carries exactly the policy above; the construct's own grants are not wanted.
      role: smRole.withoutPolicyUpdates(),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    overrideId(machine, 'StateMachine');

    // A rule per on_arrival source, starting the state machine through its own role.
    const eventsRole = new iam.Role(this, 'EventsRole', {
      roleName: `${p.prefix}-events`,
      description: `flowc: lets EventBridge start the state machine of ${p.prefix}`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      inlinePolicies: {
        'start-execution': new iam.PolicyDocument({
          statements: [statement('StartPipeline', ['states:StartExecution'], [machine.stateMachineArn])],
        }),
      },
    });
    overrideId(eventsRole, 'EventsRole');
    for (const s of p.sources.filter((x) => x.trigger === 'on_arrival')) {
      const rule = new events.Rule(this, `Source${p.camel(s.name)}Rule`, {
        ruleName: `${p.prefix}-${s.name}`,
        description: `flowc: a run per object created under ${s.location} ending in .csv`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: { bucket: { name: [p.bucket] }, object: { key: [{ wildcard: `${s.prefix}*.csv` }] } },
        },
        targets: [new targets.SfnStateMachine(machine, {
          role: eventsRole.withoutPolicyUpdates(),
          input: events.RuleTargetInput.fromObject({
            source: s.name,
            bucket: events.EventField.fromPath('$.detail.bucket.name'),
            key: events.EventField.fromPath('$.detail.object.key'),
          }),
        })],
      });
      overrideId(rule, `Source${p.camel(s.name)}Rule`);
    }

    new cdk.CfnOutput(this, 'StateMachineArn', { description: 'ARN of the state machine that runs the pipeline', value: machine.stateMachineArn });
    new cdk.CfnOutput(this, 'AlertTopicArn', { description: 'ARN of the SNS topic with the run notifications', value: topic.topicArn });
    new cdk.CfnOutput(this, 'GlueDatabaseName', { description: 'Glue Data Catalog database holding the sources', value: database.ref });
  }
}

const app = new cdk.App();
const env = app.node.tryGetContext('env') || 'dev';
const buildDir = process.env.FLOWC_BUILD_DIR || path.join(__dirname, '..', '..', 'build', env);
new PipelineStack(app, new Pipeline(env), buildDir);
app.synth();
