package compiler

import "fmt"

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
	stJobFailed         = "Job failed"
	stCrawlTimedOut     = "Crawl timed out"
	stRunJob            = "Run job"
)

// retry is a Retry rule with exponential backoff and full jitter.
func retry(interval, attempts, maxDelay int, errs ...string) obj {
	return obj{}.set("ErrorEquals", errs).
		set("IntervalSeconds", interval).
		set("MaxAttempts", attempts).
		set("BackoffRate", 2).
		set("MaxDelaySeconds", maxDelay).
		set("JitterStrategy", "FULL")
}

// catchInto catches every error of a state inside a Map iteration into
// $.error and a Fail state that names what failed. The Map fails with that
// error, which its own Catch sends to the failure notification.
func catchInto(next string) obj {
	return obj{}.set("ErrorEquals", []string{"States.ALL"}).set("ResultPath", "$.error").set("Next", next)
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
	add := func(name string, s obj) { st = append(st, kv{name, s}) }
	startCrawler := func(onRunning string) obj {
		return obj{}.set("Type", "Task").set("Resource", arnStartCrawler).
			set("Parameters", obj{}.set("Name.$", "$.crawler")).
			set("ResultPath", null).
			set("Retry", glueAPIRetry()).
			set("Catch", []any{
				obj{}.set("ErrorEquals", []string{"Glue.CrawlerRunningException"}).set("ResultPath", null).set("Next", onRunning),
				catchInto(stCrawlerCallFailed),
			}).
			set("Next", stWaitCrawl)
	}
	wait := func(next string) obj {
		return obj{}.set("Type", "Wait").set("Seconds", o.CrawlerPollSeconds).set("Next", next)
	}
	poll := func(next string) obj {
		return obj{}.set("Type", "Task").set("Resource", arnGetCrawler).
			set("Parameters", obj{}.set("Name.$", "$.crawler")).
			set("ResultSelector", obj{}.set("State.$", "$.Crawler.State").set("Crawler.$", "$.Crawler")).
			set("ResultPath", "$.status").
			set("Retry", glueAPIRetry()).
			set("Catch", []any{catchInto(stCrawlerCallFailed)}).
			set("Next", next)
	}
	count := func(next string) obj {
		return obj{}.set("Type", "Pass").
			set("Parameters", obj{}.set("crawler.$", "$.crawler").set("polls.$", "States.MathAdd($.polls, 1)")).
			set("Next", next)
	}
	timedOut := obj{}.set("Variable", "$.polls").set("NumericGreaterThanEquals", o.CrawlerMaxPolls).set("Next", stCrawlTimedOut)

	add(stStartCrawler, startCrawler(stWaitOtherCrawl))
	add(stWaitOtherCrawl, wait(stPollOtherCrawl))
	add(stPollOtherCrawl, poll(stOtherCrawlDone))
	add(stOtherCrawlDone, obj{}.set("Type", "Choice").set("Choices", []any{
		timedOut,
		obj{}.set("Variable", "$.status.State").set("StringEquals", "READY").set("Next", stStartCrawlerAgain),
	}).set("Default", stCountOtherPoll))
	add(stCountOtherPoll, count(stWaitOtherCrawl))
	add(stStartCrawlerAgain, startCrawler(stWaitCrawl))
	add(stWaitCrawl, wait(stPollCrawl))
	add(stPollCrawl, poll(stCrawlDone))
	// Only READY ends the wait (RUNNING and STOPPING do not); then only a
	// SUCCEEDED last crawl lets the run go on.
	add(stCrawlDone, obj{}.set("Type", "Choice").set("Choices", []any{
		timedOut,
		obj{}.set("Not", obj{}.set("Variable", "$.status.State").set("StringEquals", "READY")).set("Next", stCountPoll),
		obj{}.set("Not", obj{}.set("Variable", "$.status.Crawler.LastCrawl.Status").set("IsPresent", true)).set("Next", stCrawlNoResult),
		obj{}.set("Variable", "$.status.Crawler.LastCrawl.Status").set("StringEquals", "SUCCEEDED").set("Next", stCrawled),
	}).set("Default", stCrawlFailed))
	add(stCountPoll, count(stWaitCrawl))
	add(stCrawled, obj{}.set("Type", "Succeed"))
	add(stCrawlFailed, obj{}.set("Type", "Fail").set("Error", "flowc.CrawlFailed").
		set("CausePath", formatFn("crawler {} ended {}: {}", "$.crawler", "$.status.Crawler.LastCrawl.Status", "States.JsonToString($.status.Crawler.LastCrawl)")))
	add(stCrawlNoResult, obj{}.set("Type", "Fail").set("Error", "flowc.CrawlFailed").
		set("CausePath", formatFn("crawler {} is READY but reports no last crawl", "$.crawler")))
	add(stCrawlerCallFailed, obj{}.set("Type", "Fail").set("Error", "flowc.CrawlFailed").
		set("CausePath", formatFn("crawler {}: {}: {}", "$.crawler", "$.error.Error", "$.error.Cause")))
	add(stCrawlTimedOut, obj{}.set("Type", "Fail").set("Error", "flowc.CrawlTimeout").
		set("CausePath", formatFn(fmt.Sprintf("crawler {} was not READY after {} polls %d seconds apart", o.CrawlerPollSeconds), "$.crawler", "$.polls")))
	return obj{}.set("ProcessorConfig", obj{}.set("Mode", "INLINE")).set("StartAt", stStartCrawler).set("States", st)
}

// loadProcessor runs one table's Glue job for the run's partition. The
// iteration's input is {"job": NAME, "partition": P}.
func (a *asl) loadProcessor() obj {
	run := obj{}.set("Type", "Task").set("Resource", arnStartJobSync).
		set("Parameters", obj{}.
			set("JobName.$", "$.job").
			set("Arguments", obj{}.set(ArgPartition+".$", "$.partition"))).
		set("ResultSelector", obj{}.
			set("JobName.$", "$.JobName").
			set("JobRunId.$", "$.Id").
			set("JobRunState.$", "$.JobRunState")).
		set("Retry", []any{retry(30, 8, 600, "Glue.ConcurrentRunsExceededException", "Glue.ThrottlingException")}).
		set("Catch", []any{catchInto(stJobFailed)}).
		set("End", true)
	failed := obj{}.set("Type", "Fail").set("Error", "flowc.JobFailed").
		set("CausePath", formatFn("Glue job {} failed: {}: {}", "$.job", "$.error.Error", "$.error.Cause"))
	return obj{}.set("ProcessorConfig", obj{}.set("Mode", "INLINE")).set("StartAt", stRunJob).
		set("States", obj{}.set(stRunJob, run).set(stJobFailed, failed))
}

// notify adds the two notifications and the end states.
func (a *asl) notify() {
	pl := a.pl
	who := fmt.Sprintf("flowc %s (%s)", pl.Pipeline, pl.Env)
	publish := func(outcome, subject, message string) obj {
		return obj{}.set("Type", "Task").set("Resource", arnPublish).
			set("Parameters", obj{}.
				set("TopicArn", "${AlertTopicArn}").
				set("Subject", truncate(subject, 100)).
				set("Message.$", message).
				set("MessageAttributes", obj{}.
					set("outcome", obj{}.set("DataType", "String").set("StringValue", outcome)).
					set("pipeline", obj{}.set("DataType", "String").set("StringValue", pl.Pipeline)).
					set("environment", obj{}.set("DataType", "String").set("StringValue", pl.Env)))).
			set("ResultPath", null).
			set("Retry", []any{retry(5, 5, 60, "SNS.ThrottledException", "SNS.KMSThrottlingException")})
	}
	head := fmt.Sprintf("Pipeline %s, environment %s: the run of source {} for {}", pl.Pipeline, pl.Env)
	a.add(stNotifySuccess, publish(outcomeSuccess, who+": run succeeded",
		formatFn(head+" succeeded; loaded tables: {}.", "$.run.source", "$.run.scope", "$.run.tables")).
		set("Catch", catchAll()).
		set("Next", stSucceeded))
	a.add(stNotifyFailure, publish(outcomeFailure, who+": run FAILED",
		formatFn(head+" failed. Error: {}. Cause: {}", "$.run.source", "$.run.scope", "$.error.Error", "$.error.Cause")).
		set("Next", stFailed))
	a.add(stSucceeded, obj{}.set("Type", "Succeed"))
	// Error names starting with "States." are reserved, so the run fails
	// with its own error and the original one leads the cause.
	a.add(stFailed, obj{}.set("Type", "Fail").set("Error", "flowc.RunFailed").
		set("CausePath", formatFn("{}: {}", "$.error.Error", "$.error.Cause")))
}
