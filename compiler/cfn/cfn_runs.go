package cfn

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/policies"

	"github.com/flowc-dev/flowc/ir"
)

// leased reports whether the state machine uses the runs table: a source
// starts runs on arrival (compiler/asl, asl_runs.go).
func (c *cfn) leased() bool {
	for _, s := range c.pl.Sources {
		if s.Trigger == ir.TriggerOnArrival {
			return true
		}
	}
	return false
}

// runsTable is the DynamoDB table of the partition leases, the S3 events
// seen and the slots (docs/run-model.md). It holds coordination state
// only, so it goes with the stack. On-demand capacity: a burst of arrivals
// is a burst of small writes, and the pipeline is idle most of the time
// (BillingMode PAY_PER_REQUEST,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html).
// DynamoDB encrypts every table at rest by default.
func (c *cfn) runsTable(t *cloudformation.Template) {
	t.Resources[idRunsTable] = &dynamodb.Table{
		TableName:                       cloudformation.String(c.pl.Names.RunsTable()),
		BillingMode:                     cloudformation.String("PAY_PER_REQUEST"),
		AttributeDefinitions:            []dynamodb.Table_AttributeDefinition{{AttributeName: "pk", AttributeType: "S"}},
		KeySchema:                       []dynamodb.Table_KeySchema{{AttributeName: "pk", KeyType: "HASH"}},
		AWSCloudFormationDeletionPolicy: policies.DeletionPolicy("Delete"),
	}
}

// maxConcurrentRuns is a job's MaxConcurrentRuns. A table that runs of an
// on_arrival source load (its triggered source, or none when the pipeline
// has an on_arrival source) is loaded by one run per partition at a time
// and at most runs.max_parallel_partitions partitions at a time (the
// state machine's slots), so its job allows that many runs and never
// refuses a run that holds a slot; MaxConcurrentRuns: "The default is 1.
// An error is returned when this threshold is reached"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-glue-job-executionproperty.html).
// A table of scheduled runs, which hold no slot, keeps 1.
func (c *cfn) maxConcurrentRuns(tb *ir.Table) int {
	switch {
	case tb.Trigger != nil && tb.Trigger.Trigger == ir.TriggerOnArrival:
		return c.pl.MaxParallelPartitions
	case tb.Trigger == nil && c.leased():
		return c.pl.MaxParallelPartitions
	}
	return 1
}
