package ir

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Names derives the AWS resource names of a pipeline in one environment.
// spec checks them against AWS limits and the backends use them, so what
// validate checks is what build creates.
type Names struct {
	Pipeline      string
	Env           string
	StackOverride string // the environment's `stack:`, if any
}

func (n Names) base() string { return n.Pipeline + "-" + n.Env }

// Stack is the CloudFormation stack name.
func (n Names) Stack() string {
	if n.StackOverride != "" {
		return n.StackOverride
	}
	return n.base()
}

// StateMachine is the Step Functions state machine name.
func (n Names) StateMachine() string { return n.base() }

// FreshnessMachine is the state machine of the freshness checks
// (docs/run-model.md, Freshness).
func (n Names) FreshnessMachine() string { return n.base() + "-freshness" }

// FreshnessRule is the EventBridge rule that starts the freshness checks.
// A source's rule is named <base>-<source> with "_" turned into "-", so
// any other name of only letters, digits and hyphens could be a source's
// (a source named freshness); the underscore keeps this one apart.
func (n Names) FreshnessRule() string { return n.base() + "-freshness_check" }

// FreshnessRole is the role of the freshness checks' state machine.
func (n Names) FreshnessRole() string { return n.Role("freshness") }

// Rule is the EventBridge rule starting runs for a source.
func (n Names) Rule(source string) string {
	return n.base() + "-" + strings.ReplaceAll(source, "_", "-")
}

// Role is an IAM role name for one purpose (sfn, glue, events).
func (n Names) Role(purpose string) string { return n.base() + "-" + purpose }

// GlueDatabase is the Glue Data Catalog database.
func (n Names) GlueDatabase() string { return strings.ReplaceAll(n.base(), "-", "_") }

// GlueJob is the Glue job loading a table.
func (n Names) GlueJob(table string) string {
	return n.base() + "-" + strings.ReplaceAll(table, "_", "-")
}

// RunsTable is the DynamoDB table of the runs: partition leases, the
// S3 events seen, the slots (docs/run-model.md).
func (n Names) RunsTable() string { return n.base() + "-runs" }

// Topic is the SNS topic for alerts.
func (n Names) Topic() string { return n.base() + "-alerts" }

// LogGroup is the state machine's CloudWatch Logs group.
func (n Names) LogGroup() string { return "/aws/vendedlogs/states/" + n.base() }

// MaxRoleName is IAM's limit on a role name.
const MaxRoleName = 64

// JobRole is the IAM role of the Glue job loading a table:
// <pipeline>-<env>-job-<table>. A name over IAM's 64 characters keeps its
// first 55 and ends in "-" and 8 hex digits of the SHA-256 of the whole
// name, so every table still gets its own role and the name never changes
// with the other tables.
func (n Names) JobRole(table string) string {
	name := n.Role("job-" + strings.ReplaceAll(table, "_", "-"))
	if len(name) <= MaxRoleName {
		return name
	}
	h := sha256.Sum256([]byte(name))
	return name[:MaxRoleName-9] + "-" + hex.EncodeToString(h[:4])
}

// DeadLetterQueue is the SQS queue receiving the trigger events EventBridge
// could not deliver to the state machine; its CloudWatch alarm has the same name.
func (n Names) DeadLetterQueue() string { return n.base() + "-trigger-dlq" }
