// The flights pipeline of examples/flights.yaml as a CDK user would keep it:
// plain configuration per environment, and the names derived from it the
// way flowc derives them (spec.Names), so the stack app.js builds has the
// same resource names and logical IDs as flowc's.
'use strict';

const crypto = require('crypto');

const environments = {
  dev: {
    landingBucket: 'acme-flights-landing-dev',
    oncall: 'data-dev@example.com',
  },
  prod: {
    landingBucket: 'acme-flights-landing-prod',
    oncall: 'data-oncall@example.com',
  },
};

const sources = (bucket) => [
  {
    name: 'flights',
    prefix: 'raw/flights/',
    partitions: ['year', 'month', 'day'],
    trigger: 'on_arrival',
    columns: [['date', 'timestamp'], ['delay', 'int'], ['distance', 'int'], ['origin', 'string'], ['destination', 'string']],
  },
  {
    name: 'airports',
    prefix: 'reference/airports/',
    partitions: [],
    trigger: 'none',
    columns: [['iata', 'string'], ['name', 'string'], ['city', 'string'], ['state', 'string'], ['country', 'string'],
      ['latitude', 'double'], ['longitude', 'double']],
  },
].map((s) => ({ ...s, location: `s3://${bucket}/${s.prefix}` }));

// Pipeline is the flights pipeline in one environment.
class Pipeline {
  /** @param {string} env an environment of environments */
  constructor(env) {
    const e = environments[env];
    if (!e) throw new Error(`unknown environment ${env}; have ${Object.keys(environments).join(', ')}`);
    this.pipeline = 'flights';
    this.env = env;
    this.description = `flowc pipeline flights (${env}): Delayed flights from the landing bucket into Redshift`;
    this.prefix = `flights-${env}`;
    this.stackName = this.prefix;
    this.database = `flights_${env}`;
    this.connection = `redshift-${env}`;
    this.schema = 'airlines';
    this.bucket = e.landingBucket;
    this.sources = sources(e.landingBucket);
    // Both tables read both sources (delayed_flights joins airports).
    this.tables = [
      { name: 'delayed_flights_fact', load: 'replace_partition', sources: ['flights', 'airports'] },
      { name: 'airport_delays', load: 'merge', sources: ['flights', 'airports'] },
    ];
    this.alerts = { failure: [e.oncall], success: [e.oncall] };
    this.glue = { version: '4.0', workerType: 'G.1X', workers: 2, timeoutMinutes: 60, maxConcurrentRuns: 4 };
    this.runsTable = `${this.prefix}-runs`;
    this.deadLetterQueue = `${this.prefix}-trigger-dlq`;
    this.ids = { bucket: `Bucket${this.camel(this.bucket, '-')}`, bucketPolicy: `Policy${this.camel(this.bucket, '-')}` };
  }

  // camel is flowc's logical ID word for a name: flights_fact -> FlightsFact.
  camel(name, sep = '_') {
    return name.split(sep).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  }

  // jobName is the Glue job loading table t: flights-dev-airport-delays.
  jobName(t) {
    return `${this.prefix}-${t.name.replace(/_/g, '-')}`;
  }

  // ruleName is the EventBridge rule starting runs of source s.
  ruleName(s) {
    return `${this.prefix}-${s.name}`;
  }

  // subscriptions maps each alert address to the outcomes it gets, sorted.
  subscriptions() {
    const m = new Map();
    for (const outcome of Object.keys(this.alerts).sort()) {
      for (const email of this.alerts[outcome]) m.set(email, [...(m.get(email) || []), outcome]);
    }
    return m;
  }

  // subscriptionId is flowc's logical ID of an e-mail subscription.
  subscriptionId(email) {
    return `AlertEmail${crypto.createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 12)}`;
  }
}

module.exports = { Pipeline };
