package asl

import (
	"strconv"

	"github.com/flowc-dev/flowc/layout"
)

// One run per partition (issue 16, requirement 1; docs/run-model.md).
//
// Every object an on_arrival source receives starts an execution, but only
// one execution at a time loads a partition: the holder of the partition's
// lease, an item of the runs table (DynamoDB, ${RunsTable}) written with a
// conditional update. The item:
//
//	P#<source>#<partition>: gen (arrivals counted), holder (execution ARN), taken_at, last_at
//	O#<source>#<key>#<sequencer>: one per S3 event seen (duplicate detection)
//	SLOTS: holders, the string set of executions loading now (at most runs.max_parallel_partitions)
//
// An execution records its event (a second delivery of the same event,
// same key and sequencer, fails the condition and ends at "Duplicate
// event"), counts the arrival (ADD gen 1), then tries the lease. An
// execution that finds the lease held by a running execution ends: the
// holder sees gen change and goes round once more. The holder waits until
// gen stops changing for settle_seconds (at most max_wait_seconds), takes
// a slot, loads every table, releases the slot, and releases the lease only
// if gen is still what it loaded (the condition), else it goes round again.
//
// The optimized DynamoDB integration offers GetItem, PutItem, UpdateItem
// and DeleteItem (https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html);
// its errors are named DynamoDB.<Code> as the SDK integrations' are
// (ServiceName.ErrorName, https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html),
// so a failed condition is DynamoDB.ConditionalCheckFailedException
// (UNVERIFIED against a page naming it; moto raises it so). A condition
// that fails is how UpdateItem reports "someone else got there first":
// "ConditionalCheckFailedException ... the condition specified in the
// operation could not be evaluated" in the DynamoDB API reference
// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html).

// Resource placeholders of the integrations the lease uses.
const (
	arnDDBPut      = "${" + layout.IntegrationDynamoDBPutItem + "}"
	arnDDBUpdate   = "${" + layout.IntegrationDynamoDBUpdateItem + "}"
	arnDDBGet      = "${" + layout.IntegrationDynamoDBGetItem + "}"
	arnDescribeRun = "${" + layout.IntegrationSfnDescribeExecution + "}"
)

// States of the lease, shared by every on_arrival source: they read the
// source and partition from $.run.
const (
	stEvery            = "Every table"
	stArrival          = "Event or start by hand?"
	stRecordArrival    = "Record arrival"
	stDuplicate        = "Duplicate event"
	stCountArrival     = "Count arrival"
	stTakeLease        = "Take lease"
	stLeaseHeld        = "Lease held"
	stHolderKnown      = "Holder known?"
	stHolderStatus     = "Holder status"
	stHolderRunning    = "Holder running?"
	stTakeOver         = "Take over lease"
	stPickedUp         = "Picked up by the running run"
	stSettle           = "Settle"
	stWaitQuiet        = "Wait for quiet"
	stReadPartition    = "Read partition"
	stQuiet            = "Quiet?"
	stNotQuiet         = "Not quiet yet"
	stTakeSlot         = "Take slot"
	stSlotsFull        = "Slots full"
	stAnyHolders       = "Slot holders?"
	stFreeDeadSlots    = "Free slots of ended runs"
	stWaitSlot         = "Wait for a slot"
	stReleaseOnSuccess = "Holds a lease?"
	stReleaseSlot      = "Release slot"
	stReleaseLease     = "Release lease"
	stNextPass         = "Next pass"
	stWiden            = "Every table next pass"
	stReleaseOnFailure = "Holds a lease after failure?"
	stFailReleaseSlot  = "Release slot after failure"
	stFailReleaseLease = "Release lease after failure"

	stSlotHolderStatus = "Slot holder status"
	stSlotHolderEnded  = "Slot holder ended?"
	stFreeSlot         = "Free slot"
	stSlotChecked      = "Slot checked"
)

const errCCF = "DynamoDB.ConditionalCheckFailedException"

// noSuchExecution is describeExecution's error for an execution that does
// not exist (any more): the SDK integration names errors
// <ServiceName>.<Exception> in PascalCase; which casing Step Functions
// gives its own service (Sfn or SFN) no page we found says, so both.
var noSuchExecution = []string{"Sfn.ExecutionDoesNotExistException", "SFN.ExecutionDoesNotExistException"}

// runsTable is the DynamoDB table name placeholder.
const runsTable = "${" + layout.SubstRunsTable + "}"

// settle is what $.run carries for the lease of an on_arrival source: the
// settle window and, as a count of windows, the longest wait (JSONPath has
// no clock arithmetic). With settle 0 (a marker) the partition never waits.
func settleRun(settle, maxWait int) (int, int) {
	if settle <= 0 {
		return 0, 0
	}
	return settle, (maxWait + settle - 1) / settle
}

func s(v string) obj  { return obj{}.Set("S", v) }
func sp(p string) obj { return obj{}.Set("S.$", p) }

// partitionKey is the lease item's key.
func partitionKey() obj {
	return obj{}.Set("pk", sp(formatFn("P#{}#{}", "$.run.source", "$.run.partition")))
}

func slotsKey() obj { return obj{}.Set("pk", s("SLOTS")) }

func ddbRetry() []any {
	return []any{retry(2, 5, 30, "DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.ThrottlingException",
		"DynamoDB.RequestLimitExceeded", "DynamoDB.InternalServerErrorException")}
}

// ddb is a DynamoDB task on the runs table.
func ddb(resource string, params obj) obj {
	return obj{}.Set("Type", "Task").Set("Resource", resource).
		Set("Parameters", append(obj{}.Set("TableName", runsTable), params...)).
		Set("Retry", ddbRetry())
}

// catchCCF sends a failed condition to next, and every other error to
// other.
func catchCCF(next, other string) []any {
	return []any{
		obj{}.Set("ErrorEquals", []string{errCCF}).Set("ResultPath", null).Set("Next", next),
		obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.error").Set("Next", other),
	}
}

// catchRelease sends every error after the lease may be held to the
// failure path that releases it.
func catchRelease() []any {
	return []any{obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.error").Set("Next", stReleaseOnFailure)}
}

// lease adds the states of the lease, the settle window and the slots.
// The run enters at stEvery, with $.run set; it leaves for stLoad
// holding the lease and a slot.
func (a *asl) lease() {
	me := "$$.Execution.Id"
	now := "$$.State.EnteredTime"
	// Every table with the source's settle window, unless started by hand
	// (a Pass without Parameters passes its input, here $.run.every, to
	// ResultPath: ASL spec, Pass state and InputPath/ResultPath).
	a.add(stEvery, obj{}.Set("Type", "Pass").
		Set("InputPath", "$.run.every").
		Set("ResultPath", "$.run.sel").
		Set("Next", stArrival))
	a.add(stArrival, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.partition").Set("IsPresent", true).Set("Next", stHandSel),
		obj{}.Set("And", []any{
			obj{}.Set("Variable", "$.sequencer").Set("IsPresent", true),
			obj{}.Set("Variable", "$.sequencer").Set("IsString", true),
		}).Set("Next", stRecordArrival),
	}).Set("Default", stCountArrival))
	// EventBridge and S3 deliver at least once; the key and the S3
	// sequencer name one event ("a string representation of a hexadecimal
	// value used to determine event sequence",
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
	a.add(stRecordArrival, ddb(arnDDBPut, obj{}.
		Set("Item", obj{}.
			Set("pk", sp(formatFn("O#{}#{}#{}", "$.run.source", "$.key", "$.sequencer"))).
			Set("at", sp(now)).
			Set("execution", sp(me))).
		Set("ConditionExpression", "attribute_not_exists(pk)")).
		Set("ResultPath", null).
		Set("Catch", catchCCF(stDuplicate, stNotifyFailure)).
		Set("Next", a.afterArrival()))
	a.add(stDuplicate, noRun("the same S3 event was delivered before: its run is under way or done", "duplicate event"))
	a.add(stCountArrival, ddb(arnDDBUpdate, obj{}.
		Set("Key", partitionKey()).
		Set("UpdateExpression", "ADD gen :one SET last_at = :t").
		Set("ExpressionAttributeValues", obj{}.Set(":one", obj{}.Set("N", "1")).Set(":t", sp(now)))).
		Set("ResultPath", null).
		Set("Catch", catchAll()).
		Set("Next", stTakeLease))
	took := obj{}.Set("seen.$", "$.Attributes.gen.N").Set("waits", 0).Set("passes", 1)
	a.add(stTakeLease, ddb(arnDDBUpdate, obj{}.
		Set("Key", partitionKey()).
		Set("UpdateExpression", "SET holder = :me, taken_at = :t").
		Set("ConditionExpression", "attribute_not_exists(holder)").
		Set("ExpressionAttributeValues", obj{}.Set(":me", sp(me)).Set(":t", sp(now))).
		Set("ReturnValues", "ALL_NEW")).
		Set("ResultSelector", took).
		Set("ResultPath", "$.lease").
		Set("Catch", catchCCF(stLeaseHeld, stNotifyFailure)).
		Set("Next", stSettle))
	a.add(stLeaseHeld, ddb(arnDDBGet, obj{}.Set("Key", partitionKey()).Set("ConsistentRead", true)).
		Set("ResultPath", "$.held").
		Set("Catch", catchAll()).
		Set("Next", stHolderKnown))
	// Released in between: try again.
	a.add(stHolderKnown, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.held.Item.holder.S").Set("IsPresent", true).Set("Next", stHolderStatus),
	}).Set("Default", stTakeLease))
	a.add(stHolderStatus, obj{}.Set("Type", "Task").Set("Resource", arnDescribeRun).
		Set("Parameters", obj{}.Set("ExecutionArn.$", "$.held.Item.holder.S")).
		Set("ResultSelector", obj{}.Set("status.$", "$.Status")).
		Set("ResultPath", "$.holder").
		Set("Catch", []any{
			// Inert on AWS: States.Runtime is terminal there ("States.ALL
			// ... cannot catch the States.DataLimitExceeded terminal error
			// or Runtime error types",
			// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
			// The emulator (moto 5.2.1) fails aws-sdk:sfn:describeExecution
			// with States.Runtime ('ExecutionArn'); there the holder is
			// taken as running, so the arrival ends quietly as it would.
			obj{}.Set("ErrorEquals", []string{"States.Runtime"}).Set("ResultPath", null).Set("Next", stPickedUp),
			obj{}.Set("ErrorEquals", noSuchExecution).Set("ResultPath", null).Set("Next", stTakeOver),
			obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.error").Set("Next", stNotifyFailure),
		}).
		Set("Next", stHolderRunning))
	a.add(stHolderRunning, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.holder.status").Set("StringEquals", "RUNNING").Set("Next", stPickedUp),
	}).Set("Default", stTakeOver))
	a.add(stTakeOver, ddb(arnDDBUpdate, obj{}.
		Set("Key", partitionKey()).
		Set("UpdateExpression", "SET holder = :me, taken_at = :t").
		Set("ConditionExpression", "holder = :old").
		Set("ExpressionAttributeValues", obj{}.Set(":me", sp(me)).Set(":t", sp(now)).Set(":old", sp("$.held.Item.holder.S"))).
		Set("ReturnValues", "ALL_NEW")).
		Set("ResultSelector", took).
		Set("ResultPath", "$.lease").
		Set("Catch", catchCCF(stPickedUp, stNotifyFailure)).
		Set("Next", stSettle))
	a.add(stPickedUp, noRun("a running execution holds the partition's lease: it sees this arrival and loads it", layout.NoRunHandedOver))

	// The settle window.
	a.add(stSettle, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.run.sel.settle").Set("NumericEquals", 0).Set("Next", stReadPartition),
	}).Set("Default", stWaitQuiet))
	a.add(stWaitQuiet, obj{}.Set("Type", "Wait").Set("SecondsPath", "$.run.sel.settle").Set("Next", stReadPartition))
	a.add(stReadPartition, ddb(arnDDBGet, obj{}.Set("Key", partitionKey()).Set("ConsistentRead", true)).
		Set("ResultSelector", obj{}.Set("gen.$", "$.Item.gen.N")).
		Set("ResultPath", "$.now").
		Set("Catch", catchRelease()).
		Set("Next", stQuiet))
	a.add(stQuiet, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.now.gen").Set("StringEqualsPath", "$.lease.seen").Set("Next", stTakeSlot),
		obj{}.Set("Variable", "$.lease.waits").Set("NumericGreaterThanEqualsPath", "$.run.sel.max_waits").Set("Next", stTakeSlot),
	}).Set("Default", stNotQuiet))
	a.add(stNotQuiet, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.Set("seen.$", "$.now.gen").Set("waits.$", "States.MathAdd($.lease.waits, 1)").Set("passes.$", "$.lease.passes")).
		Set("ResultPath", "$.lease").
		Set("Next", stSettle))

	// The slots: at most max_parallel_partitions partitions load at once.
	a.add(stTakeSlot, ddb(arnDDBUpdate, obj{}.
		Set("Key", slotsKey()).
		Set("UpdateExpression", "ADD holders :me").
		Set("ConditionExpression", "attribute_not_exists(holders) OR size(holders) < :max").
		Set("ExpressionAttributeValues", obj{}.
			Set(":me", obj{}.Set("SS.$", "States.Array("+me+")")).
			Set(":max", obj{}.Set("N", strconv.Itoa(a.pl.MaxParallelPartitions))))).
		Set("ResultPath", null).
		Set("Catch", []any{
			obj{}.Set("ErrorEquals", []string{errCCF}).Set("ResultPath", null).Set("Next", stSlotsFull),
			catchRelease()[0],
		}).
		Set("Next", stLoad))
	a.add(stSlotsFull, ddb(arnDDBGet, obj{}.Set("Key", slotsKey()).Set("ConsistentRead", true)).
		Set("ResultPath", "$.slots").
		Set("Catch", catchRelease()).
		Set("Next", stAnyHolders))
	a.add(stAnyHolders, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.slots.Item.holders.SS").Set("IsPresent", true).Set("Next", stFreeDeadSlots),
	}).Set("Default", stTakeSlot))
	a.add(stFreeDeadSlots, obj{}.Set("Type", "Map").
		Set("ItemsPath", "$.slots.Item.holders.SS").
		Set("ItemSelector", obj{}.Set("holder.$", "$$.Map.Item.Value")).
		Set("MaxConcurrency", 5).
		Set("ItemProcessor", a.freeSlotProcessor()).
		Set("ResultPath", null).
		Set("Catch", catchRelease()).
		Set("Next", stWaitSlot))
	a.add(stWaitSlot, obj{}.Set("Type", "Wait").Set("Seconds", a.opt.SlotPollSeconds).Set("Next", stTakeSlot))

	// Release: the slot, then the lease if no file arrived since the
	// run read gen; else one more pass.
	hasLease := func(yes, no string) obj {
		return obj{}.Set("Type", "Choice").Set("Choices", []any{
			obj{}.Set("Variable", "$.lease").Set("IsPresent", true).Set("Next", yes),
		}).Set("Default", no)
	}
	a.add(stReleaseOnSuccess, hasLease(stReleaseSlot, stNotifySuccess))
	releaseSlot := obj{}.Set("Key", slotsKey()).
		Set("UpdateExpression", "DELETE holders :me").
		Set("ExpressionAttributeValues", obj{}.Set(":me", obj{}.Set("SS.$", "States.Array("+me+")")))
	a.add(stReleaseSlot, ddb(arnDDBUpdate, releaseSlot).
		Set("ResultPath", null).
		Set("Catch", catchRelease()).
		Set("Next", stReleaseLease))
	a.add(stReleaseLease, ddb(arnDDBUpdate, obj{}.
		Set("Key", partitionKey()).
		Set("UpdateExpression", "REMOVE holder").
		Set("ConditionExpression", "holder = :me AND gen = :seen").
		Set("ExpressionAttributeValues", obj{}.Set(":me", sp(me)).Set(":seen", obj{}.Set("N.$", "$.lease.seen")))).
		Set("ResultPath", null).
		Set("Catch", []any{
			obj{}.Set("ErrorEquals", []string{errCCF}).Set("ResultPath", null).Set("Next", stNextPass),
			catchRelease()[0],
		}).
		Set("Next", stNotifySuccess))
	a.add(stNextPass, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.Set("seen.$", "$.lease.seen").Set("waits", 0).Set("passes.$", "States.MathAdd($.lease.passes, 1)")).
		Set("ResultPath", "$.lease").
		Set("Next", stWiden))
	// The next pass loads a file that arrived: every table, with the
	// source's settle window, also after a start by hand for some tables.
	a.add(stWiden, obj{}.Set("Type", "Pass").
		Set("InputPath", "$.run.every").
		Set("ResultPath", "$.run.sel").
		Set("Next", stSettle))
	// On failure, release both whatever the count (a release that fails
	// is reported with the failure; the next run takes the lease over).
	a.add(stReleaseOnFailure, hasLease(stFailReleaseSlot, stNotifyFailure))
	a.add(stFailReleaseSlot, ddb(arnDDBUpdate, releaseSlot).
		Set("ResultPath", null).
		Set("Catch", []any{obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.releaseError").Set("Next", stFailReleaseLease)}).
		Set("Next", stFailReleaseLease))
	a.add(stFailReleaseLease, ddb(arnDDBUpdate, obj{}.
		Set("Key", partitionKey()).
		Set("UpdateExpression", "REMOVE holder").
		Set("ConditionExpression", "holder = :me").
		Set("ExpressionAttributeValues", obj{}.Set(":me", sp(me)))).
		Set("ResultPath", null).
		Set("Catch", []any{obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.releaseError").Set("Next", stNotifyFailure)}).
		Set("Next", stNotifyFailure))
}

// afterArrival is where a recorded S3 event goes: through the freshness
// watch when a source has freshness (asl_fresh.go).
func (a *asl) afterArrival() string {
	if hasFreshness(a.pl) {
		return stWatchFreshness
	}
	return stCountArrival
}

// freeSlotProcessor checks one slot holder and frees its slot when its
// execution is no longer running (stopped, timed out, failed without
// releasing).
func (a *asl) freeSlotProcessor() obj {
	st := obj{}.
		Set(stSlotHolderStatus, obj{}.Set("Type", "Task").Set("Resource", arnDescribeRun).
			Set("Parameters", obj{}.Set("ExecutionArn.$", "$.holder")).
			Set("ResultSelector", obj{}.Set("status.$", "$.Status")).
			Set("ResultPath", "$.status").
			Set("Catch", []any{
				obj{}.Set("ErrorEquals", noSuchExecution).Set("ResultPath", null).Set("Next", stFreeSlot),
				catchInto(stSlotChecked),
			}).
			Set("Next", stSlotHolderEnded)).
		Set(stSlotHolderEnded, obj{}.Set("Type", "Choice").Set("Choices", []any{
			obj{}.Set("Variable", "$.status.status").Set("StringEquals", "RUNNING").Set("Next", stSlotChecked),
		}).Set("Default", stFreeSlot)).
		Set(stFreeSlot, ddb(arnDDBUpdate, obj{}.
			Set("Key", slotsKey()).
			Set("UpdateExpression", "DELETE holders :dead").
			Set("ExpressionAttributeValues", obj{}.Set(":dead", obj{}.Set("SS.$", "States.Array($.holder)")))).
			Set("ResultPath", null).
			Set("Catch", []any{catchInto(stSlotChecked)}).
			Set("Next", stSlotChecked)).
		Set(stSlotChecked, obj{}.Set("Type", "Pass").Set("Result", obj{}).Set("End", true))
	return obj{}.Set("ProcessorConfig", obj{}.Set("Mode", "INLINE")).Set("StartAt", stSlotHolderStatus).Set("States", st)
}

// noRun is a final state of an execution that ends without a run of its
// own: it succeeds with the output {"flowc_no_run": reason}, by which
// `flowc runs` tells it from a run (a Pass state with End ends the
// execution with its result as the output: ASL spec, Pass and terminal
// states).
func noRun(comment, reason string) obj {
	return obj{}.Set("Type", "Pass").Set("Comment", comment).
		Set("Result", obj{}.Set(layout.NoRun, reason)).Set("End", true)
}
