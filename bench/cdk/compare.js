#!/usr/bin/env node
// compare.js FLOWC_TEMPLATE CDK_TEMPLATE: checks that the template the CDK
// app synthesizes is equivalent to flowc's, so that bench/build.sh compares
// like with like. Exit 0 and a one-line summary when equivalent; exit 1 and
// the differences (JSON paths) otherwise.
//
// Equivalent means: the same parameters, outputs and resources (same
// logical IDs and types), and the same property values once
//  - what CDK adds for itself is dropped: the BootstrapVersion parameter and
//    its rule, the CDKMetadata resource and condition, resource Metadata;
//  - intrinsic functions are evaluated (Ref, Fn::GetAtt, Fn::Sub, Fn::Join)
//    against a fixed account, region and partition, with the value
//    CloudFormation gives each resource type (a bucket's Ref is its name,
//    a role's Arn is arn:aws:iam::ACCOUNT:role/NAME, ...);
//  - equal meanings written two ways are written one way: a state machine's
//    Definition and DefinitionString (substitutions applied), an IAM
//    element given as a string or a one-element list (and in any order),
//    DeletionPolicy Delete (the default), a DependsOn on a resource the
//    properties already refer to (CloudFormation orders those anyway),
//    an SNS FilterPolicyScope of
//    MessageAttributes (the default), an SNS topic's KMS key given by ID or
//    by ARN, an EventBridge target's Id (local to its rule) and its input
//    template (variables named differently).
'use strict';

const fs = require('fs');

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const PSEUDO = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'STACK',
  'AWS::NoValue': undefined,
};

// refValue and attValue are what CloudFormation returns for a resource,
// given its evaluated properties and its logical ID. A KMS key's ID is
// made by AWS; it stands here as key-<logical ID>.
const kmsKeyId = (id) => `key-${id}`;
const refValue = {
  'AWS::S3::Bucket': (p) => p.BucketName,
  'AWS::SNS::Topic': (p) => `arn:aws:sns:${REGION}:${ACCOUNT}:${p.TopicName}`,
  'AWS::IAM::Role': (p) => p.RoleName,
  'AWS::Logs::LogGroup': (p) => p.LogGroupName,
  'AWS::StepFunctions::StateMachine': (p) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${p.StateMachineName}`,
  'AWS::Glue::Database': (p) => p.DatabaseInput.Name,
  'AWS::Glue::Crawler': (p) => p.Name,
  'AWS::Glue::Job': (p) => p.Name,
  'AWS::DynamoDB::Table': (p) => p.TableName,
  'AWS::SQS::Queue': (p) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${p.QueueName}`,
  'AWS::Events::Rule': (p) => p.Name, // a rule on the default event bus
  'AWS::CloudWatch::Alarm': (p) => p.AlarmName,
  'AWS::KMS::Key': (p, id) => kmsKeyId(id),
};
const attValue = {
  'AWS::S3::Bucket': { Arn: (p) => `arn:aws:s3:::${p.BucketName}` },
  'AWS::IAM::Role': { Arn: (p) => `arn:aws:iam::${ACCOUNT}:role/${p.RoleName}` },
  'AWS::Logs::LogGroup': { Arn: (p) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${p.LogGroupName}:*` },
  'AWS::SNS::Topic': { TopicArn: (p) => refValue['AWS::SNS::Topic'](p) },
  'AWS::StepFunctions::StateMachine': { Arn: (p) => refValue['AWS::StepFunctions::StateMachine'](p) },
  'AWS::DynamoDB::Table': { Arn: (p) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${p.TableName}` },
  'AWS::SQS::Queue': { Arn: (p) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${p.QueueName}`, QueueName: (p) => p.QueueName },
  'AWS::Events::Rule': { Arn: (p) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${p.Name}` },
  'AWS::CloudWatch::Alarm': { Arn: (p) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${p.AlarmName}` },
  'AWS::KMS::Key': { Arn: (p, id) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${kmsKeyId(id)}`, KeyId: (p, id) => kmsKeyId(id) },
};

// cdkOnly removes what CDK adds to every template for itself.
function cdkOnly(t) {
  const dropped = [];
  const drop = (obj, key, what) => {
    if (obj && key in obj) { delete obj[key]; dropped.push(what); }
  };
  drop(t.Parameters, 'BootstrapVersion', 'Parameters.BootstrapVersion');
  drop(t.Rules, 'CheckBootstrapVersion', 'Rules.CheckBootstrapVersion');
  drop(t.Resources, 'CDKMetadata', 'Resources.CDKMetadata');
  drop(t.Conditions, 'CDKMetadataAvailable', 'Conditions.CDKMetadataAvailable');
  for (const k of ['Rules', 'Conditions', 'Parameters', 'Outputs']) {
    if (t[k] && Object.keys(t[k]).length === 0) delete t[k];
  }
  for (const r of Object.values(t.Resources)) if (r.Metadata) { delete r.Metadata; }
  return dropped;
}

// Resolver evaluates the intrinsic functions of one template.
class Resolver {
  constructor(t) {
    this.t = t;
    this.busy = new Set();
  }

  props(id) {
    const r = this.t.Resources[id];
    if (!r) throw new Error(`reference to missing resource ${id}`);
    if (this.busy.has(id)) throw new Error(`reference cycle through ${id}`);
    this.busy.add(id);
    try { return this.resolve(r.Properties || {}); } finally { this.busy.delete(id); }
  }

  ref(name) {
    if (name in PSEUDO) return PSEUDO[name];
    if (this.t.Parameters && name in this.t.Parameters) return `{param ${name}}`;
    const r = this.t.Resources[name];
    if (!r) throw new Error(`Ref to unknown ${name}`);
    const f = refValue[r.Type];
    return f ? f(this.props(name), name) : `{ref ${name}}`;
  }

  getAtt(name, att) {
    const r = this.t.Resources[name];
    if (!r) throw new Error(`Fn::GetAtt of unknown ${name}`);
    const f = (attValue[r.Type] || {})[att];
    return f ? f(this.props(name), name) : `{${name}.${att}}`;
  }

  sub(str, vars) {
    return str.replace(/\$\{([^}!][^}]*)\}/g, (_, name) => {
      if (vars && name in vars) return vars[name];
      if (name.includes('.')) {
        const [res, ...att] = name.split('.');
        return this.getAtt(res, att.join('.'));
      }
      return this.ref(name);
    });
  }

  resolve(v) {
    if (Array.isArray(v)) return v.map((x) => this.resolve(x)).filter((x) => x !== undefined);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [k] = keys;
      const a = v[k];
      switch (k) {
        case 'Ref': return this.ref(a);
        case 'Fn::GetAtt': return Array.isArray(a) ? this.getAtt(a[0], a[1]) : this.getAtt(...a.split('.'));
        case 'Fn::Join': return this.resolve(a[1]).join(a[0]);
        case 'Fn::Sub': return Array.isArray(a) ? this.sub(a[0], this.resolve(a[1])) : this.sub(a);
        case 'Fn::Select': return this.resolve(a[1])[Number(this.resolve(a[0]))];
        case 'Fn::Split': return this.resolve(a[1]).split(a[0]);
        default:
          if (k.startsWith('Fn::')) throw new Error(`cannot evaluate ${k}`);
      }
    }
    const out = {};
    for (const k of keys) {
      const x = this.resolve(v[k]);
      if (x !== undefined) out[k] = x;
    }
    return out;
  }
}

const asList = (x) => (Array.isArray(x) ? [...x] : [x]).sort();

// policy writes an IAM policy document one way.
function policy(doc) {
  for (const s of doc.Statement || []) {
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource']) if (k in s) s[k] = asList(s[k]);
    if (s.Principal && typeof s.Principal === 'object') {
      for (const k of Object.keys(s.Principal)) s.Principal[k] = asList(s.Principal[k]);
    }
    for (const op of Object.values(s.Condition || {})) {
      for (const k of Object.keys(op)) op[k] = asList(op[k]);
    }
  }
  return doc;
}

// refersTo lists the resources and parameters that v refers to.
function refersTo(v, out = new Set()) {
  if (Array.isArray(v)) { v.forEach((x) => refersTo(x, out)); return out; }
  if (!v || typeof v !== 'object') return out;
  for (const [k, a] of Object.entries(v)) {
    if (k === 'Ref') out.add(a);
    else if (k === 'Fn::GetAtt') out.add(Array.isArray(a) ? a[0] : a.split('.')[0]);
    else if (k === 'Fn::Sub') {
      for (const m of (Array.isArray(a) ? a[0] : a).matchAll(/\$\{([^}!.]+)[^}]*\}/g)) out.add(m[1]);
      if (Array.isArray(a)) refersTo(a[1], out);
    } else refersTo(a, out);
  }
  return out;
}

// canonical writes one resource's equal meanings one way. raw is the
// resource as written, r the same with its properties evaluated.
function canonical(raw, r) {
  const p = r.Properties || {};
  for (const k of ['DeletionPolicy', 'UpdateReplacePolicy']) if (r[k] === 'Delete') delete r[k];
  if (r.DependsOn) {
    const implied = refersTo(raw.Properties);
    r.DependsOn = asList(r.DependsOn).filter((d) => !implied.has(d));
    if (!r.DependsOn.length) delete r.DependsOn;
  }
  const walk = (v) => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (!v || typeof v !== 'object') return;
    if (v.Statement && v.Version) policy(v);
    Object.values(v).forEach(walk);
  };
  walk(p);
  switch (r.Type) {
    case 'AWS::StepFunctions::StateMachine': {
      let def = p.DefinitionString !== undefined ? p.DefinitionString : JSON.stringify(p.Definition);
      for (const [k, val] of Object.entries(p.DefinitionSubstitutions || {})) def = def.split(`\${${k}}`).join(val);
      p.Definition = JSON.parse(def);
      delete p.DefinitionString;
      delete p.DefinitionSubstitutions;
      break;
    }
    case 'AWS::SNS::Topic': {
      // KmsMasterKeyId takes a key the way KMS's KeyId does: its ID or its
      // ARN name the same key (SNS API Reference, SetTopicAttributes:
      // "For more examples, see KeyId in the AWS Key Management Service API
      // Reference"). flowc gives the ID (Ref), aws_sns.Topic's masterKey the ARN.
      const m = /^arn:aws:kms:[^:]*:[^:]*:key\/(.+)$/.exec(p.KmsMasterKeyId || '');
      if (m) p.KmsMasterKeyId = m[1];
      break;
    }
    case 'AWS::SNS::Subscription':
      if (p.FilterPolicy && p.FilterPolicyScope === 'MessageAttributes') delete p.FilterPolicyScope;
      break;
    case 'AWS::Events::Rule':
      for (const tg of p.Targets || []) {
        delete tg.Id;
        const it = tg.InputTransformer;
        if (it) {
          const tpl = it.InputTemplate.replace(/<([A-Za-z0-9_-]+)>/g, (m, name) => JSON.stringify(`<${it.InputPathsMap[name]}>`));
          tg.InputTransformer = { Input: JSON.parse(tpl) };
        }
      }
      break;
    default:
  }
  return r;
}

// diff appends the paths where a and b differ.
function diff(a, b, where, out) {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) diff(a[k], b[k], Array.isArray(a) ? `${where}[${k}]` : `${where}.${k}`, out);
    return;
  }
  out.push(`${where}:\n    flowc: ${JSON.stringify(a)}\n    cdk:   ${JSON.stringify(b)}`);
}

// sortKeys returns v with object keys in order, for a stable comparison.
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
}

function normalize(t) {
  const r = new Resolver(t);
  const out = { ...t, Resources: {}, Outputs: {} };
  for (const [id, res] of Object.entries(t.Resources)) {
    out.Resources[id] = canonical(res, { ...res, Properties: r.props(id) });
  }
  for (const [id, o] of Object.entries(t.Outputs || {})) out.Outputs[id] = r.resolve(o);
  return sortKeys(out);
}

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write('usage: compare.js FLOWC_TEMPLATE CDK_TEMPLATE\n');
    return 2;
  }
  const [flowc, cdk] = argv.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const dropped = cdkOnly(cdk);
  const differences = [];
  diff(normalize(flowc), normalize(cdk), '$', differences);
  const n = Object.keys(flowc.Resources).length;
  if (differences.length) {
    process.stderr.write(`the CDK template is not equivalent to flowc's (${differences.length} differences):\n  ${differences.join('\n  ')}\n`);
    return 1;
  }
  process.stdout.write(`equivalent: ${n} resources, ${Object.keys(flowc.Outputs || {}).length} outputs ` +
    `(CDK's own ${dropped.join(', ') || 'nothing'} left out)\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
