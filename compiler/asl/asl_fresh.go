package asl

import (
	"fmt"

	"github.com/flowc-dev/flowc/compiler/internal/jsonw"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
)

// Freshness (issue 13, item 5; docs/run-model.md, Freshness).
//
// A source with `freshness: {warn_after, error_after}` is late when no
// file arrived for that long. JSONPath ASL has no clock arithmetic (its
// intrinsics are States.Format, States.MathAdd, ... and no date function:
// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html),
// so no state compares the time of the last arrival with now. Instead each
// arrival starts a watch: the run records the arrival in the runs table
// (item F#<source>: "last", the run's scope such as "partition
// day=2001-01-17"; "arrived", its time; "watch", its execution ARN),
// then puts an event on the default event bus (events:putEvents; "If the
// response from PutEvents contains a non-zero FailedEntryCount then the
// Task state fails with the error EventBridge.FailedEntry",
// https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html)
// that the template's rule turns into an execution of a second, small
// state machine, the freshness check, with the event's detail as its
// input. (states:startExecution would start it directly; the emulator
// cannot run that integration, so the event, which both run, is used.)
// The check waits warn_after (a Wait state waits up to 99999999 seconds:
// https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html),
// reads F#<source> and alerts only if the item still names the run that
// started it (StringEquals): a newer file would have replaced it. Then it
// waits the rest of error_after and checks again. A check that finds a
// newer arrival ends quietly; so at any time only the newest arrival's
// check can alert.

// States of the run that start the watch (after "Record arrival": only an
// S3 event does, a start by hand does not).
const (
	stWatchFreshness = "Watch freshness?"
	stRecordLast     = "Record last arrival"
	stStartWatch     = "Start freshness check"
)

const arnPutEvents = "${" + layout.IntegrationEventsPutEvents + "}"

// freshnessKey is the item of a source's last arrival.
func freshnessKey(sourcePath string) obj {
	return obj{}.Set("pk", sp(formatFn("F#{}", sourcePath)))
}

// hasFreshness reports whether a source of the pipeline has freshness.
func hasFreshness(pl *ir.IR) bool {
	for _, s := range pl.Sources {
		if s.Freshness != nil {
			return true
		}
	}
	return false
}

// freshnessRun is what $.run.freshness carries for a source: the waits
// in seconds (warn, then the rest up to error; 0 for none) and the
// durations as the spec writes them, for the messages.
func freshnessRun(f *ir.Freshness) obj {
	warn, rest := f.WarnSeconds, 0
	if f.ErrorSeconds > 0 {
		rest = f.ErrorSeconds - warn
	}
	return obj{}.Set("warn", warn).Set("rest", rest).Set("warn_after", f.Warn).Set("error_after", f.Error)
}

// watch adds the states that record an arrival and start its check; an
// arrival of a source without freshness passes straight on.
func (a *asl) watch() {
	me := "$$.Execution.Id"
	now := "$$.State.EnteredTime"
	// A failure here does not fail the run (its load matters more); the
	// run goes on with the error in $.freshness_error, and the source
	// has no check until its next file.
	goOn := []any{obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.freshness_error").Set("Next", stCountArrival)}
	a.add(stWatchFreshness, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.run.freshness.warn").Set("IsPresent", true).Set("Next", stRecordLast),
	}).Set("Default", stCountArrival))
	a.add(stRecordLast, ddb(arnDDBUpdate, obj{}.
		Set("Key", freshnessKey("$.run.source")).
		Set("UpdateExpression", "SET #l = :l, #a = :t, #w = :me").
		// Names, not words: many short words are reserved in DynamoDB
		// expressions (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html).
		Set("ExpressionAttributeNames", obj{}.Set("#l", "last").Set("#a", "arrived").Set("#w", "watch")).
		Set("ExpressionAttributeValues", obj{}.Set(":l", sp("$.run.scope")).Set(":t", sp(now)).Set(":me", sp(me)))).
		Set("ResultPath", null).
		Set("Catch", goOn).
		Set("Next", stStartWatch))
	a.add(stStartWatch, obj{}.Set("Type", "Task").Set("Resource", arnPutEvents).
		Set("Parameters", obj{}.Set("Entries", []any{obj{}.
			Set("Source", layout.FreshnessEventSource(a.pl.Names.Stack())).
			Set("DetailType", layout.FreshnessDetailType).
			Set("Detail", obj{}.
				Set("source.$", "$.run.source").
				Set("last.$", "$.run.scope").
				Set("arrived.$", now).
				Set("watch.$", me).
				Set("freshness.$", "$.run.freshness"))})).
		Set("ResultPath", null).
		Set("Retry", []any{retry(2, 3, 30, "EventBridge.FailedEntry", "States.TaskFailed")}).
		Set("Catch", goOn).
		Set("Next", stCountArrival))
}

// States of the freshness check.
const (
	fsWarnFirst   = "Warn first?"
	fsWaitWarn    = "Wait warn_after"
	fsReadWarn    = "Read last arrival (warn)"
	fsKnownWarn   = "Arrival recorded? (warn)"
	fsLateWarn    = "Still the last arrival? (warn)"
	fsNotifyWarn  = "Alert: late (warn)"
	fsErrorNext   = "Error due?"
	fsWaitError   = "Wait until error_after"
	fsReadError   = "Read last arrival (error)"
	fsKnownError  = "Arrival recorded? (error)"
	fsLateError   = "Still the last arrival? (error)"
	fsNotifyError = "Alert: late (error)"
	fsFresh       = "A newer file arrived"
	fsDone        = "Checked"
)

// Severity message attribute values of the freshness alerts.
const (
	severityAttribute = "severity"
	severityWarn      = "warn"
	severityError     = "error"
)

// FreshnessMachine renders the freshness check's state machine, or nil
// when no source of the pipeline has freshness. Its input, the detail of
// the event the pipeline's state machine puts: {"source", "last" (the run's scope:
// "partition year=2001/month=01/day=17" or "all data"), "arrived" (when
// the run recorded it), "watch" (that run's execution ARN), "freshness":
// {"warn", "rest", "warn_after", "error_after"}}.
func FreshnessMachine(pl *ir.IR) ([]byte, error) {
	if !hasFreshness(pl) {
		return nil, nil
	}
	st := obj{}
	add := func(name string, s obj) { st = st.Set(name, s) }
	who := fmt.Sprintf("flowc %s (%s)", pl.Pipeline, pl.Env)
	publish := func(severity, subject, limit string) obj {
		// The age is the wait: the check fires limit after the arrival.
		msg := formatFn(fmt.Sprintf("Pipeline %s, environment %s: source {} is late (%s). No new file has arrived for {} (its freshness %s). The last file to arrive was for {}, at {}.",
			pl.Pipeline, pl.Env, severity, limit), "$.source", "$.freshness."+limit, "$.last", "$.arrived")
		return obj{}.Set("Type", "Task").Set("Resource", arnPublish).
			Set("Parameters", obj{}.
				Set("TopicArn", "${"+layout.SubstAlertTopicArn+"}").
				Set("Subject", snsSubject(who, subject)).
				Set("Message.$", msg).
				Set("MessageAttributes", obj{}.
					Set(layout.OutcomeAttribute, obj{}.Set("DataType", "String").Set("StringValue", layout.OutcomeFailure)).
					Set(severityAttribute, obj{}.Set("DataType", "String").Set("StringValue", severity)).
					Set("source", obj{}.Set("DataType", "String").Set("StringValue.$", "$.source")).
					Set("pipeline", obj{}.Set("DataType", "String").Set("StringValue", pl.Pipeline)).
					Set("environment", obj{}.Set("DataType", "String").Set("StringValue", pl.Env)))).
			Set("ResultPath", null).
			Set("Retry", []any{retry(5, 5, 60, "SNS.ThrottledException", "SNS.KMSThrottlingException")})
	}
	// check reads the source's last arrival and goes to late when it is
	// still the one that started this check.
	check := func(read, known, same, late string) {
		add(read, ddb(arnDDBGet, obj{}.Set("Key", freshnessKey("$.source")).Set("ConsistentRead", true)).
			Set("ResultPath", "$.now").Set("Next", known))
		add(known, obj{}.Set("Type", "Choice").Set("Choices", []any{
			obj{}.Set("Variable", "$.now.Item.watch.S").Set("IsPresent", true).Set("Next", same),
		}).Set("Default", fsFresh))
		add(same, obj{}.Set("Type", "Choice").Set("Choices", []any{
			obj{}.Set("Variable", "$.now.Item.watch.S").Set("StringEqualsPath", "$.watch").Set("Next", late),
		}).Set("Default", fsFresh))
	}
	add(fsWarnFirst, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.freshness.warn").Set("NumericGreaterThan", 0).Set("Next", fsWaitWarn),
	}).Set("Default", fsWaitError))
	add(fsWaitWarn, obj{}.Set("Type", "Wait").Set("SecondsPath", "$.freshness.warn").Set("Next", fsReadWarn))
	check(fsReadWarn, fsKnownWarn, fsLateWarn, fsNotifyWarn)
	add(fsNotifyWarn, publish(severityWarn, ": source late (WARN)", "warn_after").Set("Next", fsErrorNext))
	add(fsErrorNext, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.freshness.rest").Set("NumericGreaterThan", 0).Set("Next", fsWaitError),
	}).Set("Default", fsDone))
	add(fsWaitError, obj{}.Set("Type", "Wait").Set("SecondsPath", "$.freshness.rest").Set("Next", fsReadError))
	check(fsReadError, fsKnownError, fsLateError, fsNotifyError)
	add(fsNotifyError, publish(severityError, ": source late (ERROR)", "error_after").Set("Next", fsDone))
	add(fsFresh, obj{}.Set("Type", "Pass").Set("Comment", "a newer file of the source arrived since this check started: its own check watches it").
		Set("Result", obj{}.Set("freshness", "a newer file arrived")).Set("End", true))
	add(fsDone, obj{}.Set("Type", "Succeed"))
	return jsonw.Pretty(obj{}.
		Set("Comment", fmt.Sprintf("flowc pipeline %s (%s): the freshness check of a source's last arrival; started by the pipeline's state machine. Generated by flowc; do not edit.", pl.Pipeline, pl.Env)).
		Set("StartAt", fsWarnFirst).
		Set("TimeoutSeconds", freshnessTimeout(pl)).
		Set("States", st))
}

// freshnessTimeout bounds a check: its longest wait and an hour.
func freshnessTimeout(pl *ir.IR) int {
	longest := 0
	for _, s := range pl.Sources {
		if f := s.Freshness; f != nil {
			longest = max(longest, f.WarnSeconds, f.ErrorSeconds)
		}
	}
	return longest + 3600
}
