#!/usr/bin/env node
// The AWS CDK v2 app that bench/build.sh measures against `flowc build`.
//
// It describes, with the constructs a CDK user would reach for, the stack
// that `flowc build --env dev examples/flights.yaml` compiles: the landing
// bucket (encrypted, public access blocked, EventBridge notifications on,
// old versions expiring, TLS-only policy, retained), the Glue database and
// source tables, a Glue job and its least-privilege role per warehouse
// table with the policies the job roles share (one conditional on the
// Redshift connection's secret), the DynamoDB table runs coordinate
// through, the state machine with its role and log group, the EventBridge
// rule that starts it per object created (undeliverable triggers going to
// an SQS dead-letter queue), the alert topic with its KMS key, policy and
// e-mail subscription, and the CloudWatch alarms on a timed-out run and on
// the dead-letter queue. bench/cdk/compare.js checks that the template this
// app synthesizes is equivalent to flowc's, resource by resource.
//
// What flowc generates from the spec and a CDK user writes or keeps next to
// the app (the state machine definition, the Glue scripts, the pipeline's
// description pipeline.json) is read from a flowc build directory:
// $FLOWC_BUILD_DIR, by default ../../build/dev. The Glue scripts and the
// description are content-addressed under the AssetBucket parameter, as
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
  Validations,
  aws_cloudwatch: cloudwatch,
  aws_cloudwatch_actions: cwActions,
  aws_dynamodb: dynamodb,
  aws_events: events,
  aws_events_targets: targets,
  aws_glue: glue,
  aws_iam: iam,
  aws_kms: kms,
  aws_logs: logs,
  aws_s3: s3,
  aws_sns: sns,
  aws_sqs: sqs,
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
// As flowc does, every column is a string (OpenCSVSerde reads typed
// columns only in narrow forms) with its declared type in the comment.
function csvStorage(source) {
  return {
    columns: source.columns.map(([name, type]) => (type === 'string' ? { name, type } : { name, type: 'string', comment: type })),
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
   * @param {string} buildDir the flowc build directory with the definition, the scripts and the description
   */
  constructor(scope, p, buildDir) {
    super(scope, p.stackName, { description: p.description });
    this.templateOptions.templateFormatVersion = '2010-09-09';
    const arn = (service, resource, resourceName, arnFormat = cdk.ArnFormat.SLASH_RESOURCE_NAME) =>
      this.formatArn({ service, resource, resourceName, arnFormat });
    const s3Arn = (key) => `arn:${this.partition}:s3:::${key}`;
    const assetKey = (file, name) => `flowc/assets/${crypto.createHash('sha256').update(file).digest('hex')}${name}`;

    // The template points at the pipeline's description, content-addressed
    // in the asset bucket like the scripts, as flowc deploy expects.
    const description = fs.readFileSync(path.join(buildDir, 'pipeline.json'));
    this.templateOptions.metadata = { flowc: { description: assetKey(description, '.json') } };

    const assetBucket = new cdk.CfnParameter(this, 'AssetBucket', {
      type: 'String',
      allowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      description: "Bucket that flowc deploy uploads the Glue scripts and nested templates to; Glue's TempDir is under flowc/tmp/ in it",
    }).valueAsString;
    const secret = new cdk.CfnParameter(this, 'RedshiftSecretArn', {
      type: 'String',
      default: '',
      description: `ARN of the Secrets Manager secret holding the credentials of the Glue connection ${p.connection}, if it uses one; the Glue job roles may read only that secret`,
    }).valueAsString;
    // aws-cdk-lib's built-in validation (rule W2509) takes a parameter whose
    // name holds "Secret" for a password that wants NoEcho: a false positive,
    // this one is the secret's ARN, not its value (flowc does not hide it
    // either, and cfn-lint 1.51.0 reports nothing on flowc's template). It
    // is a warning, which does not fail `cdk synth`; acknowledged here, with
    // the reason, so the report is empty and validation-report.json lists it
    // under suppressedViolations. No other rule is acknowledged or turned off.
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W2509',
      reason: 'RedshiftSecretArn is the ARN of a secret, not a password',
    });

    // The landing bucket, its TLS-only policy.
    const bucket = new s3.Bucket(this, 'LandingBucket', {
      bucketName: p.bucket,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{
        id: 'flowc-noncurrent-versions',
        abortIncompleteMultipartUploadAfter: cdk.Duration.days(7),
        noncurrentVersionExpiration: cdk.Duration.days(30),
      }],
      removalPolicy: cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
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

    // Alerts: the topic, encrypted with a key CloudWatch alarms may use, its
    // policy (TLS only; the pipeline's alarms may publish), one
    // subscription per address.
    const topicName = `${p.prefix}-alerts`;
    const alarmNames = { deadLetters: `${p.prefix}-trigger-dlq`, timedOut: `${p.prefix}-timed-out` };
    const key = new kms.Key(this, 'AlertTopicKey', {
      description: `flowc: encrypts the alert topic ${topicName}; CloudWatch alarms may publish to it`,
      enableKeyRotation: true,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'KeyPolicyAccountAdministers',
            principals: [new iam.AccountRootPrincipal()],
            actions: [
              'kms:CancelKeyDeletion', 'kms:Decrypt', 'kms:DescribeKey', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:EnableKey',
              'kms:EnableKeyRotation', 'kms:GenerateDataKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags',
              'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:UntagResource', 'kms:UpdateKeyDescription',
            ],
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'KeyPolicyCloudWatchAlarms',
            principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
          }),
        ],
      }),
    });
    overrideId(key, 'AlertTopicKey');
    const topic = new sns.Topic(this, 'AlertTopic', { topicName, displayName: `flowc ${p.pipeline} ${p.env}`, masterKey: key });
    topic.addToResourcePolicy(denyInsecureTransport(['sns:Publish'], [topic.topicArn]));
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        ArnLike: { 'aws:SourceArn': Object.values(alarmNames).map((n) => arn('cloudwatch', 'alarm', n, cdk.ArnFormat.COLON_RESOURCE_NAME)) },
        StringEquals: { 'aws:SourceAccount': this.account },
      },
    }));
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

    // The catalog: the database, a table per source. The state machine
    // registers the partitions; there is no crawler.
    const database = new glue.CfnDatabase(this, 'GlueDatabase', {
      catalogId: this.account,
      databaseInput: { name: p.database, description: `flowc pipeline ${p.pipeline} (${p.env}): the sources as tables` },
    });
    for (const s of p.sources) {
      new glue.CfnTable(this, `Source${p.camel(s.name)}Table`, {
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
    }

    // The table of runs the state machine coordinates through.
    const runs = new dynamodb.Table(this, 'RunsTable', {
      tableName: p.runsTable,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });
    overrideId(runs, 'RunsTable');

    // A role and a Glue job per warehouse table, the job's script
    // content-addressed in the asset bucket, with the runtime every script
    // imports (content-addressed under its module's file name).
    const runtime = fs.readFileSync(path.join(buildDir, 'glue', 'flowc_runtime.py'));
    const runtimeKey = `${assetKey(runtime, '')}/flowc_runtime.py`;
    const bySource = new Map(p.sources.map((s) => [s.name, s]));
    const jobRoles = [];
    for (const t of p.tables) {
      const id = `Table${p.camel(t.name)}`;
      const tempDir = `flowc/tmp/${p.prefix}/${t.name}/`;
      const prefixes = t.sources.map((n) => bySource.get(n).prefix);
      const role = new iam.Role(this, `${id}Role`, {
        roleName: `${p.prefix}-job-${t.name.replace(/_/g, '-')}`,
        description: `flowc: the Glue job loading table ${t.name} of ${p.prefix}`,
        assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
        inlinePolicies: {
          'load-table': new iam.PolicyDocument({
            statements: [
              statement('ReadSources', ['s3:GetObject'], prefixes.map((k) => bucket.arnForObjects(`${k}*`))),
              statement('ListSources', ['s3:ListBucket'], [bucket.bucketArn], {
                StringLike: { 's3:prefix': prefixes.flatMap((k) => [k.replace(/\/$/, ''), `${k}*`]) },
              }),
              statement('UseTempDir', ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], [s3Arn(`${assetBucket}/${tempDir}*`)]),
              statement('ListTempDir', ['s3:ListBucket'], [s3Arn(assetBucket)], { StringLike: { 's3:prefix': [`${tempDir}*`] } }),
            ],
          }),
        },
      });
      overrideId(role, `${id}Role`);
      jobRoles.push(role);
      const script = fs.readFileSync(path.join(buildDir, 'glue', `${t.name}.py`));
      const job = new glue.CfnJob(this, `${id}Job`, {
        name: p.jobName(t),
        description: `flowc: loads Redshift table ${p.schema}.${t.name} (${t.load})`,
        role: role.roleArn,
        command: { name: 'glueetl', pythonVersion: '3', scriptLocation: `s3://${assetBucket}/${assetKey(script, '.py')}` },
        connections: { connections: [p.connection] },
        defaultArguments: {
          '--TempDir': `s3://${assetBucket}/${tempDir}`,
          '--enable-continuous-cloudwatch-log': 'true',
          '--extra-py-files': `s3://${assetBucket}/${runtimeKey}`,
          '--flowc_partition': '',
          '--job-bookmark-option': 'job-bookmark-disable',
        },
        executionProperty: { maxConcurrentRuns: p.glue.maxConcurrentRuns },
        glueVersion: p.glue.version,
        workerType: p.glue.workerType,
        numberOfWorkers: p.glue.workers,
        timeout: p.glue.timeoutMinutes,
        maxRetries: 0,
      });
      new cdk.CfnOutput(this, `${id}JobName`, { description: `Glue job loading table ${t.name}`, value: job.ref });
    }

    // What every job role needs: the scripts, the logs, the Redshift
    // connection and its network interfaces; and the connection's secret,
    // when it has one.
    const common = new iam.Policy(this, 'JobRolesCommonPolicy', {
      policyName: 'run-glue-job',
      roles: jobRoles,
      statements: [
        statement('ReadAssets', ['s3:GetObject'], [s3Arn(`${assetBucket}/flowc/assets/*`)]),
        statement('LocateAssetBucket', ['s3:GetBucketLocation'], [s3Arn(assetBucket)]),
        statement('WriteLogs', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], [
          arn('logs', 'log-group', '/aws-glue/*', cdk.ArnFormat.COLON_RESOURCE_NAME),
          arn('logs', 'log-group', '/aws-glue/*:log-stream:*', cdk.ArnFormat.COLON_RESOURCE_NAME),
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
    });
    overrideId(common, 'JobRolesCommonPolicy');
    const hasSecret = new cdk.CfnCondition(this, 'HasRedshiftSecret', {
      expression: cdk.Fn.conditionNot(cdk.Fn.conditionEquals(secret, '')),
    });
    const secretPolicy = new iam.Policy(this, 'JobRolesSecretPolicy', {
      policyName: 'read-connection-secret',
      roles: jobRoles,
      statements: [statement('ReadConnectionSecret', ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], [secret])],
    });
    secretPolicy.node.defaultChild.cfnOptions.condition = hasSecret;
    overrideId(secretPolicy, 'JobRolesSecretPolicy');

    // The state machine: its role, its log group, the definition flowc generated.
    const onArrival = p.sources.filter((s) => s.trigger === 'on_arrival');
    const partitioned = p.sources.filter((s) => s.partitions.length);
    const smRole = new iam.Role(this, 'StateMachineRole', {
      roleName: `${p.prefix}-sfn`,
      description: `flowc: the state machine of ${p.prefix}`,
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: {
          ArnLike: { 'aws:SourceArn': [arn('states', 'stateMachine', p.prefix, cdk.ArnFormat.COLON_RESOURCE_NAME)] },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
      inlinePolicies: {
        'run-pipeline': new iam.PolicyDocument({
          statements: [
            statement('RegisterPartitions', ['glue:BatchCreatePartition', 'glue:GetTable'], [
              arn('glue', 'catalog'), arn('glue', 'database', p.database), ...partitioned.map((s) => arn('glue', 'table', `${p.database}/${s.name}`)),
            ]),
            statement('RunJobs', ['glue:BatchStopJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:StartJobRun'],
              p.tables.map((t) => arn('glue', 'job', p.jobName(t)))),
            statement('CoordinateRuns', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [runs.tableArn]),
            statement('WatchRuns', ['states:DescribeExecution'], [arn('states', 'execution', `${p.prefix}:*`, cdk.ArnFormat.COLON_RESOURCE_NAME)]),
            statement('PublishAlerts', ['sns:Publish'], [topic.topicArn]),
            statement('LogDeliveryHasNoResourceScoping', [
              'logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies',
              'logs:GetLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery',
            ], ['*']),
            statement('EncryptAlerts', ['kms:Decrypt', 'kms:GenerateDataKey'], [key.keyArn]),
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
    // The service integrations the definition calls, by the names flowc gives them.
    const integration = (api) => `arn:${this.partition}:states:::${api}`;
    const machine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: p.prefix,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(fs.readFileSync(path.join(buildDir, 'statemachine.asl.json'), 'utf8')),
      definitionSubstitutions: {
        AlertTopicArn: topic.topicArn,
        DynamoDBGetItemArn: integration('dynamodb:getItem'),
        DynamoDBPutItemArn: integration('dynamodb:putItem'),
        DynamoDBUpdateItemArn: integration('dynamodb:updateItem'),
        GlueBatchCreatePartitionArn: integration('aws-sdk:glue:batchCreatePartition'),
        GlueGetTableArn: integration('aws-sdk:glue:getTable'),
        GlueStartJobRunSyncArn: integration('glue:startJobRun.sync'),
        RunsTable: runs.tableName,
        SfnDescribeExecutionArn: integration('aws-sdk:sfn:describeExecution'),
        SnsPublishArn: integration('sns:publish'),
      },
      // The role carries exactly the policy above; the construct's own grants are not wanted.
      role: smRole.withoutPolicyUpdates(),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    overrideId(machine, 'StateMachine');

    // The alarms on what sends no alert of its own: a run timed out, a
    // trigger EventBridge could not deliver.
    const deadLetters = new sqs.Queue(this, 'TriggerDeadLetterQueue', {
      queueName: p.deadLetterQueue,
      retentionPeriod: cdk.Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
    });
    overrideId(deadLetters, 'TriggerDeadLetterQueue');
    const alarm = (id, props) => {
      const a = new cloudwatch.Alarm(this, id, {
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...props,
      });
      a.addAlarmAction(new cwActions.SnsAction(topic));
      overrideId(a, id);
    };
    alarm('RunsTimedOutAlarm', {
      alarmName: alarmNames.timedOut,
      alarmDescription: `flowc: a run of ${p.prefix} timed out (the state machine's TimeoutSeconds) and sent no failure alert of its own; see flowc runs --status failed`,
      metric: machine.metricTimedOut({ period: cdk.Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    });
    alarm('TriggerDeadLetterAlarm', {
      alarmName: alarmNames.deadLetters,
      alarmDescription: `flowc: a trigger of ${p.prefix} could not be delivered for 24 hours and is in SQS queue ${p.deadLetterQueue}; start its run by hand, then delete the message`,
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: cdk.Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
    });

    // A rule per on_arrival source, starting the state machine through its
    // own role; what EventBridge cannot deliver in 24 hours goes to the queue.
    const eventsRole = new iam.Role(this, 'EventsRole', {
      roleName: `${p.prefix}-events`,
      description: `flowc: lets EventBridge start the state machine of ${p.prefix}`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: {
          ArnLike: { 'aws:SourceArn': onArrival.map((s) => arn('events', 'rule', p.ruleName(s))) },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
      inlinePolicies: {
        'start-execution': new iam.PolicyDocument({
          statements: [statement('StartPipeline', ['states:StartExecution'], [machine.stateMachineArn])],
        }),
      },
    });
    overrideId(eventsRole, 'EventsRole');
    for (const s of onArrival) {
      const rule = new events.Rule(this, `Source${p.camel(s.name)}Rule`, {
        ruleName: p.ruleName(s),
        description: `flowc: a run per object created under ${s.location} ending in .csv`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: { bucket: { name: [p.bucket] }, object: { key: events.Match.suffixEqualsIgnoreCase('.csv') } },
        },
        targets: [new targets.SfnStateMachine(machine, {
          role: eventsRole.withoutPolicyUpdates(),
          deadLetterQueue: deadLetters,
          retryAttempts: 185,
          maxEventAge: cdk.Duration.hours(24),
          input: events.RuleTargetInput.fromObject({
            source: s.name,
            bucket: events.EventField.fromPath('$.detail.bucket.name'),
            key: events.EventField.fromPath('$.detail.object.key'),
            sequencer: events.EventField.fromPath('$.detail.object.sequencer'),
          }),
        })],
      });
      overrideId(rule, `Source${p.camel(s.name)}Rule`);
    }
    // The target's deadLetterQueue adds the queue's policy statement (one
    // per rule, Sid AllowEventRule<path>); flowc names it, and with the one
    // on_arrival source of this pipeline it is the same single statement.
    overrideId(deadLetters.policy, 'TriggerDeadLetterQueuePolicy');
    deadLetters.policy.node.defaultChild.addPropertyOverride('PolicyDocument.Statement.0.Sid', 'TriggerRulesDeadLetters');

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
