package cfn

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/layout"
)

// Logical IDs. A resource's logical ID depends only on the spec name it
// comes from (never on its position or on other names), so adding a table
// or a source never renames an existing resource. IDs are built as
// Kind + camel(name) + Suffix:
//
//   - camel is injective on the names it accepts ("delayed_flights_fact" ->
//     "DelayedFlightsFact"; an upper-case letter can only come from the
//     start of a word). A name camel cannot encode injectively (a word that
//     starts with a digit, doubled or trailing separators, or separators
//     other than the expected one) is encoded as "0" plus 16 hex digits of
//     its sha256, which no camel word starts with.
//   - Kinds (Source, Bucket, Policy, Table, StackTables, StackSources) are not prefixes
//     of each other, no fixed ID below starts with one, and within a kind no
//     suffix ends with another, so two different names never collide.

// Fixed logical IDs of the resources every pipeline has.
const (
	idAssetBucket      = "AssetBucket" // parameter
	idGlueDatabase     = "GlueDatabase"
	idStateMachine     = layout.StateMachineID
	idStateMachineRole = "StateMachineRole"
	idStateMachineLogs = "StateMachineLogGroup"
	idEventsRole       = "EventsRole"
	idAlertTopic       = "AlertTopic"
	idAlertTopicPolicy = "AlertTopicPolicy"
	idJobSecretPolicy  = "JobRolesSecretPolicy"
	idJobsCommonPolicy = "JobRolesCommonPolicy"
	idRunsTable        = "RunsTable"
	idFreshnessMachine = layout.FreshnessMachineID
	idFreshnessRole    = "FreshnessStateMachineRole"

	idDeadLetterQueue       = "TriggerDeadLetterQueue"
	idDeadLetterQueuePolicy = "TriggerDeadLetterQueuePolicy"
	idDeadLetterAlarm       = "TriggerDeadLetterAlarm"
	idRunsTimedOutAlarm     = "RunsTimedOutAlarm"
	idAlertTopicKey         = "AlertTopicKey"

	paramRedshiftSecret = "RedshiftSecretArn"

	// Parameters of a nested stack of sources (sourceWiring).
	paramGlueDatabase    = "GlueDatabaseName"
	paramStateMachineArn = "StateMachineArn"
	paramEventsRoleArn   = "EventsRoleArn"
	paramDeadLetterArn   = "TriggerDeadLetterQueueArn"
	condRedshiftSecret   = "HasRedshiftSecret"
)

// camel encodes a spec name ([a-z_][a-z0-9_]*) or a bucket name
// ([a-z0-9.-]) as an upper-camel word. sep is the separator the name uses
// between words ('_' for spec names, '-' for bucket names).
func camel(name string, sep byte) string {
	var b strings.Builder
	start := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == sep:
			if start { // leading or doubled separator
				return hashID(name)
			}
			start = true
		case c >= 'a' && c <= 'z':
			if start {
				c -= 'a' - 'A'
				start = false
			}
			b.WriteByte(c)
		case c >= '0' && c <= '9':
			if start { // a word starting with a digit would lose its boundary
				return hashID(name)
			}
			b.WriteByte(c)
		default:
			return hashID(name)
		}
	}
	if start { // empty or trailing separator
		return hashID(name)
	}
	return b.String()
}

// hashID is the fallback encoding of a name camel cannot encode.
func hashID(name string) string {
	h := sha256.Sum256([]byte(name))
	return "0" + hex.EncodeToString(h[:8])
}

// Per-source logical IDs.
func idSourceTable(source string) string { return "Source" + camel(source, '_') + "Table" }
func idSourceRule(source string) string  { return "Source" + camel(source, '_') + "Rule" }

// Per-bucket logical IDs.
func idBucket(bucket string) string       { return "Bucket" + camel(bucket, '-') }
func idBucketPolicy(bucket string) string { return "Policy" + camel(bucket, '-') }

// Per-table logical IDs of the Glue job and its role.
func idTableJob(table string) string  { return "Table" + camel(table, '_') + "Job" }
func idTableRole(table string) string { return "Table" + camel(table, '_') + "Role" }

// idStack is the logical ID of nested stack number shard
// (stacks/tables-07.json is StackTables07).
func idStack(shard int) string { return fmt.Sprintf("StackTables%02d", shard) }

// idSourceStack is the logical ID of nested stack of sources number shard
// (stacks/sources-07.json is StackSources07).
func idSourceStack(shard int) string { return fmt.Sprintf("StackSources%02d", shard) }

// idSubscription is the logical ID of an e-mail subscription: stable for
// the address, whatever else the alerts list.
func idSubscription(email string) string {
	h := sha256.Sum256([]byte(strings.ToLower(email)))
	return "AlertEmail" + hex.EncodeToString(h[:6])
}
