package asl

import (
	"fmt"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/layout"
)

// States of the Map iterations and the notifications.

// Crawl iteration states. The iteration's input is {"crawler": NAME,
// "polls": N}.
const (
	stStartCrawler      = "Start crawler"
	stWaitOtherCrawl    = "Wait for the running crawl"
	stPollOtherCrawl    = "Poll the running crawl"
	stOtherCrawlDone    = "Running crawl done?"
	stCountOtherPoll    = "Count poll of the running crawl"
	stStartCrawlerAgain = "Start crawler again"
	stWaitCrawl         = "Wait for crawl"
	stPollCrawl         = "Poll crawl"
	stCrawlDone         = "Crawl done?"
	stCountPoll         = "Count poll"
	stCrawled           = "Crawled"
	stCrawlFailed       = "Crawl failed"
	stCrawlNoResult     = "Crawl without result"
	stCrawlerCallFailed = "Crawler call failed"
	stTableFailed       = "Table failed"
	stTableLoaded       = "Table loaded"
	stCrawlTimedOut     = "Crawl timed out"
	stRunJob            = "Run job"
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
// $.error and a Fail state that names what failed. The Map fails with that
// error, which its own Catch sends to the failure notification.
func catchInto(next string) obj {
	return obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.error").Set("Next", next)
}

// glueAPIRetry retries the Glue API's throttling errors.
func glueAPIRetry() []any {
	return []any{retry(5, 6, 60, "Glue.ThrottlingException", "Glue.OperationTimeoutException")}
}

// crawlProcessor crawls one crawler to completion. A crawler already
// running may have started before the run's object landed, so the run
// waits for it to finish and starts the crawler again; if that second
// start finds it running too, the crawl in progress began after the first
// was seen to finish, so it covers the object and the run just waits.
func (a *asl) crawlProcessor() obj {
	o := a.opt
	var st obj
	add := func(name string, s obj) { st = st.Set(name, s) }
	startCrawler := func(onRunning string) obj {
		return obj{}.Set("Type", "Task").Set("Resource", arnStartCrawler).
			Set("Parameters", obj{}.Set("Name.$", "$.crawler")).
			Set("ResultPath", null).
			Set("Retry", glueAPIRetry()).
			Set("Catch", []any{
				obj{}.Set("ErrorEquals", []string{"Glue.CrawlerRunningException"}).Set("ResultPath", null).Set("Next", onRunning),
				catchInto(stCrawlerCallFailed),
			}).
			Set("Next", stWaitCrawl)
	}
	wait := func(next string) obj {
		return obj{}.Set("Type", "Wait").Set("Seconds", o.CrawlerPollSeconds).Set("Next", next)
	}
	poll := func(next string) obj {
		return obj{}.Set("Type", "Task").Set("Resource", arnGetCrawler).
			Set("Parameters", obj{}.Set("Name.$", "$.crawler")).
			Set("ResultSelector", obj{}.Set("State.$", "$.Crawler.State").Set("Crawler.$", "$.Crawler")).
			Set("ResultPath", "$.status").
			Set("Retry", glueAPIRetry()).
			Set("Catch", []any{catchInto(stCrawlerCallFailed)}).
			Set("Next", next)
	}
	count := func(next string) obj {
		return obj{}.Set("Type", "Pass").
			Set("Parameters", obj{}.Set("crawler.$", "$.crawler").Set("polls.$", "States.MathAdd($.polls, 1)")).
			Set("Next", next)
	}
	timedOut := obj{}.Set("Variable", "$.polls").Set("NumericGreaterThanEquals", o.CrawlerMaxPolls).Set("Next", stCrawlTimedOut)

	add(stStartCrawler, startCrawler(stWaitOtherCrawl))
	add(stWaitOtherCrawl, wait(stPollOtherCrawl))
	add(stPollOtherCrawl, poll(stOtherCrawlDone))
	add(stOtherCrawlDone, obj{}.Set("Type", "Choice").Set("Choices", []any{
		timedOut,
		obj{}.Set("Variable", "$.status.State").Set("StringEquals", "READY").Set("Next", stStartCrawlerAgain),
	}).Set("Default", stCountOtherPoll))
	add(stCountOtherPoll, count(stWaitOtherCrawl))
	add(stStartCrawlerAgain, startCrawler(stWaitCrawl))
	add(stWaitCrawl, wait(stPollCrawl))
	add(stPollCrawl, poll(stCrawlDone))
	// Only READY ends the wait (RUNNING and STOPPING do not); then only a
	// SUCCEEDED last crawl lets the run go on.
	add(stCrawlDone, obj{}.Set("Type", "Choice").Set("Choices", []any{
		timedOut,
		obj{}.Set("Not", obj{}.Set("Variable", "$.status.State").Set("StringEquals", "READY")).Set("Next", stCountPoll),
		obj{}.Set("Not", obj{}.Set("Variable", "$.status.Crawler.LastCrawl.Status").Set("IsPresent", true)).Set("Next", stCrawlNoResult),
		obj{}.Set("Variable", "$.status.Crawler.LastCrawl.Status").Set("StringEquals", "SUCCEEDED").Set("Next", stCrawled),
	}).Set("Default", stCrawlFailed))
	add(stCountPoll, count(stWaitCrawl))
	add(stCrawled, obj{}.Set("Type", "Succeed"))
	add(stCrawlFailed, obj{}.Set("Type", "Fail").Set("Error", "flowc.CrawlFailed").
		Set("CausePath", formatFn("crawler {} ended {}: {}", "$.crawler", "$.status.Crawler.LastCrawl.Status", "States.JsonToString($.status.Crawler.LastCrawl)")))
	add(stCrawlNoResult, obj{}.Set("Type", "Fail").Set("Error", "flowc.CrawlFailed").
		Set("CausePath", formatFn("crawler {} is READY but reports no last crawl", "$.crawler")))
	add(stCrawlerCallFailed, obj{}.Set("Type", "Fail").Set("Error", "flowc.CrawlFailed").
		Set("CausePath", formatFn("crawler {}: {}: {}", "$.crawler", "$.error.Error", "$.error.Cause")))
	add(stCrawlTimedOut, obj{}.Set("Type", "Fail").Set("Error", "flowc.CrawlTimeout").
		Set("CausePath", formatFn(fmt.Sprintf("crawler {} was not READY after {} polls %d seconds apart", o.CrawlerPollSeconds), "$.crawler", "$.polls")))
	return obj{}.Set("ProcessorConfig", obj{}.Set("Mode", "INLINE")).Set("StartAt", stStartCrawler).Set("States", st)
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
// iteration's input is {"table", "job", "partition", "scope"}; its output is
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
	return obj{}.Set("ProcessorConfig", obj{}.Set("Mode", "INLINE")).Set("StartAt", stRunJob).
		Set("States", obj{}.Set(stRunJob, run).Set(stTableLoaded, loaded).Set(stTableFailed, failed))
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
		formatFn(head+" succeeded; loaded tables: {}.", "$.run.source", "$.run.scope", "$.run.tables")).
		Set("Catch", catchAll()).
		Set("Next", stSucceeded))
	a.add(stNotifyFailure, publish(layout.OutcomeFailure, snsSubject(who, ": run FAILED"),
		formatFn(head+" failed. Error: {}. Cause: {}", "$.run.source", "$.run.scope", "$.error.Error", "$.error.Cause")).
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
