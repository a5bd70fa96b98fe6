package asl

import (
	"fmt"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/layout"
)

// States of the Map iterations and the notifications.

// Load iteration states. The iteration's input is {"table", "job",
// "partition", "scope"}.
const (
	stRunJob       = "Run job"
	stTableFailed  = "Table failed"
	stTableLoaded  = "Table loaded"
	stIsSelected   = "Table in this run?"
	stSelected     = "Selected?"
	stTableSkipped = "Table skipped"
)

// retry is a Retry rule with exponential backoff and full jitter.
func retry(interval, attempts, maxDelay int, errs ...string) obj {
	return obj{}.Set("ErrorEquals", errs).
		Set("IntervalSeconds", interval).
		Set("MaxAttempts", attempts).
		Set("BackoffRate", 2).
		Set("MaxDelaySeconds", maxDelay).
		Set("JitterStrategy", "FULL")
}

// catchInto catches every error of a state inside a Map iteration into
// $.error and the state next.
func catchInto(next string) obj {
	return obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.error").Set("Next", next)
}

// States that register a run's partition (ir.Source.Registers), shared
// by every source that registers: they read the source's catalog table
// from $.run.table.
const (
	stReadTable     = "Read source table"
	stRegister      = "Register partition"
	stRegistered    = "Partition registered?"
	stNotRegistered = "Partition not registered"
)

// errNotRegistered is the error of a run whose partition Glue did not
// register.
const errNotRegistered = "flowc.PartitionNotRegistered"

// glueRetry retries the Glue catalog calls' transient errors.
func glueRetry() []any {
	return []any{retry(5, 6, 60, "Glue.ThrottlingException", "Glue.OperationTimeoutException", "Glue.InternalServiceException")}
}

// register adds the states that register the run's partition in the Glue
// Data Catalog, once for every source: glue:GetTable reads the
// StorageDescriptor of the source's catalog table ($.run.table, the
// template's AWS::Glue::Table of ir.Source.Catalog), then one
// glue:BatchCreatePartition call registers the partition's values with
// that StorageDescriptor at the partition's folder (the table's Location,
// then the partition, then "/"). Reading the descriptor at run time keeps
// it out of the definition, which otherwise grew by the descriptor (about
// 1 KB) for each source (issue 15). A crawler would list the source's whole
// location; these two calls cost the same for the first partition and the
// thousandth.
//
// GetTable returns the Table, whose StorageDescriptor has the Columns,
// Location, InputFormat, OutputFormat and SerdeInfo the partition takes
// (https://docs.aws.amazon.com/glue/latest/webapi/API_GetTable.html,
// https://docs.aws.amazon.com/glue/latest/webapi/API_StorageDescriptor.html);
// the role may call it on the catalog, the database and the sources'
// tables, as BatchCreatePartition (a Data Catalog resource's ARN and its
// parents': https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html).
//
// BatchCreatePartition reports a partition it could not create in the
// response's Errors (PartitionValues, ErrorDetail.ErrorCode), not as a
// failed call (https://docs.aws.amazon.com/glue/latest/webapi/API_BatchCreatePartition.html,
// and the PartitionError structure); AlreadyExistsException there means
// the partition is registered already (a second file of a day), which is
// what the run wants. Any other error code fails the run. The request's
// and the response's member names are the API's, in PascalCase, as the
// AWS SDK integrations take and return them
// (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
func (a *asl) register() {
	db := a.pl.Names.GlueDatabase()
	sd := "$.Table.StorageDescriptor."
	a.add(stReadTable, obj{}.Set("Type", "Task").Set("Resource", arnGetTable).
		Set("Parameters", obj{}.Set("DatabaseName", db).Set("Name.$", "$.run.table")).
		Set("ResultSelector", obj{}.
			Set("Columns.$", sd+"Columns").
			Set("Location.$", sd+"Location").
			Set("InputFormat.$", sd+"InputFormat").
			Set("OutputFormat.$", sd+"OutputFormat").
			Set("SerdeInfo.$", sd+"SerdeInfo")).
		Set("ResultPath", "$.catalog").
		Set("Retry", glueRetry()).
		Set("Catch", catchAll()).
		Set("Next", stRegister))
	a.add(stRegister, obj{}.Set("Type", "Task").Set("Resource", arnBatchCreatePartition).
		Set("Parameters", obj{}.
			Set("DatabaseName", db).
			Set("TableName.$", "$.run.table").
			Set("PartitionInputList", []any{obj{}.Set("Values.$", "$.run.values").Set("StorageDescriptor", obj{}.
				Set("Columns.$", "$.catalog.Columns").
				Set("Location.$", formatFn("{}{}/", "$.catalog.Location", "$.run.partition")).
				Set("InputFormat.$", "$.catalog.InputFormat").
				Set("OutputFormat.$", "$.catalog.OutputFormat").
				Set("SerdeInfo.$", "$.catalog.SerdeInfo"))})).
		Set("ResultPath", "$.registered").
		Set("Retry", glueRetry()).
		Set("Catch", catchAll()).
		Set("Next", stRegistered))
	a.add(stRegistered, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Not", obj{}.Set("Variable", "$.registered.Errors[0]").Set("IsPresent", true)).Set("Next", stEvery),
		obj{}.Set("Variable", "$.registered.Errors[0].ErrorDetail.ErrorCode").Set("StringEquals", "AlreadyExistsException").Set("Next", stEvery),
	}).Set("Default", stNotRegistered))
	a.add(stNotRegistered, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.
			Set("Error", errNotRegistered).
			Set("Cause.$", formatFn("Glue did not register partition {} of table "+db+".{}: {}",
				"$.run.partition", "$.run.table", "States.JsonToString($.registered.Errors)"))).
		Set("ResultPath", "$.error").
		Set("Next", stNotifyFailure))
}

// jobRetry is the Retry of glue:startJobRun.sync: concurrent-run errors
// first (a job whose earlier run is still going; the wait is long), then
// throttling, in a few short attempts.
//
// What AWS documents: the Glue API names the exceptions StartJobRun throws
// (ConcurrentRunsExceededException, ThrottlingException among the common
// errors; https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-exceptions.html),
// and Step Functions names a service's errors "<Service>.<Exception>". The
// page of the optimized Glue integration
// (https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html)
// lists no error names. That a throttled startJobRun.sync surfaces as
// Glue.AWSGlueException, with ThrottlingException in the cause, is
// UNVERIFIED against AWS's documentation: it comes from the review of
// issue 16 and from what public state machines retry. So both names are
// retried; because Glue.AWSGlueException may also wrap a non-transient
// error (an unknown job, a denied call), its attempts stay few. The retrier
// of concurrent runs comes first: the first retrier whose ErrorEquals
// matches is the one used. A failed job run is States.TaskFailed and is
// not retried.
func jobRetry() []any {
	return []any{
		retry(30, 8, 600, "Glue.ConcurrentRunsExceededException"),
		retry(10, 3, 60, "Glue.ThrottlingException", "Glue.AWSGlueException"),
	}
}

// loadProcessor runs one table's Glue job for the run's partition. The
// iteration's input is {"table", "job", "partition", "scope", "only"}; its output is
// {"table", "ok": true, ...} when the job run succeeded and {"table",
// "ok": false, "error", "cause", ...} when it failed.
//
// In Inline mode a failing iteration fails the Map state, and when the Map
// state fails all its iterations stop (ProcessorConfig, Mode INLINE, in
// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html),
// and a tolerated failure threshold exists only for the Distributed Map
// (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html#maprun-fail-threshold).
// So the iteration catches every error of its job itself and ends as a
// result: one table's failure never stops another table's job.
func (a *asl) loadProcessor() obj {
	run := obj{}.Set("Type", "Task").Set("Resource", arnStartJobSync).
		Set("Parameters", obj{}.
			Set("JobName.$", "$.job").
			Set("Arguments", obj{}.Set(layout.ArgPartition+".$", "$.partition"))).
		Set("ResultSelector", obj{}.
			Set("JobName.$", "$.JobName").
			Set("JobRunId.$", "$.Id").
			Set("JobRunState.$", "$.JobRunState")).
		Set("ResultPath", "$.result").
		Set("Retry", jobRetry()).
		Set("Catch", []any{catchInto(stTableFailed)}).
		Set("Next", stTableLoaded)
	loaded := obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.
			Set("table.$", "$.table").
			Set("ok", true).
			Set("job_run.$", "$.result.JobRunId").
			Set("line.$", formatFn("{} ({}): loaded by Glue job run {}", "$.table", "$.scope", "$.result.JobRunId"))).
		Set("End", true)
	failed := obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.
			Set("table.$", "$.table").
			Set("ok", false).
			Set("error.$", "$.error.Error").
			Set("cause.$", "$.error.Cause").
			Set("line.$", formatFn("{} ({}): Glue job {} failed: {}: {}", "$.table", "$.scope", "$.job", "$.error.Error", "$.error.Cause"))).
		Set("End", true)
	// A run started by hand for some tables ("tables" in its input, e.g.
	// flowc rerun --from-failure) skips the others: States.ArrayContains
	// "determine[s] if a specific value is present in an array"
	// (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
	// A skipped table's result is ok (nothing failed) and "skipped", which
	// flowc runs shows.
	is := obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.Set("run.$", "States.ArrayContains($.only, $.table)")).
		Set("ResultPath", "$.selected").
		Set("Next", stSelected)
	selected := obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.selected.run").Set("BooleanEquals", true).Set("Next", stRunJob),
	}).Set("Default", stTableSkipped)
	skipped := obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.
			Set("table.$", "$.table").
			Set("ok", true).
			Set("skipped", true).
			Set("line.$", formatFn("{} ({}): skipped, not among the tables this run was started for", "$.table", "$.scope"))).
		Set("End", true)
	return obj{}.Set("ProcessorConfig", obj{}.Set("Mode", "INLINE")).Set("StartAt", stIsSelected).
		Set("States", obj{}.Set(stIsSelected, is).Set(stSelected, selected).Set(stTableSkipped, skipped).
			Set(stRunJob, run).Set(stTableLoaded, loaded).Set(stTableFailed, failed))
}

// notify adds the two notifications and the end states.
func (a *asl) notify() {
	pl := a.pl
	who := fmt.Sprintf("flowc %s (%s)", pl.Pipeline, pl.Env)
	publish := func(outcome, subject, message string) obj {
		return obj{}.Set("Type", "Task").Set("Resource", arnPublish).
			Set("Parameters", obj{}.
				Set("TopicArn", "${"+layout.SubstAlertTopicArn+"}").
				Set("Subject", subject).
				Set("Message.$", message).
				Set("MessageAttributes", obj{}.
					Set(layout.OutcomeAttribute, obj{}.Set("DataType", "String").Set("StringValue", outcome)).
					Set("pipeline", obj{}.Set("DataType", "String").Set("StringValue", pl.Pipeline)).
					Set("environment", obj{}.Set("DataType", "String").Set("StringValue", pl.Env)))).
			Set("ResultPath", null).
			Set("Retry", []any{retry(5, 5, 60, "SNS.ThrottledException", "SNS.KMSThrottlingException")})
	}
	head := fmt.Sprintf("Pipeline %s, environment %s: the run of source {} for {}", pl.Pipeline, pl.Env)
	a.add(stNotifySuccess, publish(layout.OutcomeSuccess, snsSubject(who, ": run succeeded"),
		formatFn(head+" succeeded; loaded tables: {}.", "$.run.source", "$.run.scope", "$.run.sel.tables")).
		Set("Catch", catchAll()).
		Set("Next", stSucceeded))
	// The failure message carries the cause, which for failed tables
	// lists each with its job's error: with many tables it can pass SNS's
	// limit ("at most 256 KB in size (262,144 bytes)", SNS Publish API
	// reference, Message), and the publish fails. Then a short message
	// without the cause is sent instead, so the team still hears of the
	// failure; the run fails with its own error either way.
	a.add(stNotifyFailure, publish(layout.OutcomeFailure, snsSubject(who, ": run FAILED"),
		formatFn(head+" failed. Error: {}. Cause: {}", "$.run.source", "$.run.scope", "$.error.Error", "$.error.Cause")).
		Set("Catch", []any{obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.notifyError").Set("Next", stNotifyFailureShort)}).
		Set("Next", stFailed))
	a.add(stNotifyFailureShort, publish(layout.OutcomeFailure, snsSubject(who, ": run FAILED"),
		formatFn(head+" failed with error {}. The full message, with the cause, could not be published (SNS takes at most 256 KB): see flowc runs --status failed.", "$.run.source", "$.run.scope", "$.error.Error")).
		Set("Catch", []any{obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.notifyError").Set("Next", stFailed)}).
		Set("Next", stFailed))
	a.add(stSucceeded, obj{}.Set("Type", "Succeed"))
	// Error names starting with "States." are reserved, so the run fails
	// with its own error and the original one leads the cause.
	a.add(stFailed, obj{}.Set("Type", "Fail").Set("Error", "flowc.RunFailed").
		Set("CausePath", formatFn("{}: {}", "$.error.Error", "$.error.Cause")))
}

// maxSubject is the longest SNS subject flowc writes: SNS requires
// subjects "less than 100 characters long"
// (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
const maxSubject = 99

// snsSubject is who+outcome, fixed at build time (States.Format cannot
// cut a string): when it would pass maxSubject, who (the pipeline and the
// environment, whose names the message body repeats in full) is cut and
// ends in "...", and outcome is kept whole. The cut never splits a UTF-8
// character.
func snsSubject(who, outcome string) string {
	if len(who)+len(outcome) <= maxSubject {
		return who + outcome
	}
	keep := maxSubject - len(outcome) - len("...")
	for keep > 0 && !utf8.RuneStart(who[keep]) {
		keep--
	}
	return who[:keep] + "..." + outcome
}
