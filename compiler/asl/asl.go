// Package asl is the Amazon States Language backend: one STANDARD state
// machine per pipeline and environment (statemachine.asl.json). In the
// template it is the Definition, with DefinitionSubstitutions for
// the ARN of each service integration it calls (built in the stack's
// partition) and ${AlertTopicArn}.
//
// A run's input names its source; EventBridge sends
//
//	{"source": "flights", "bucket": "...", "key": "raw/flights/year=2001/month=01/day=17/x.csv"}
//
// and a schedule sends {"source": "..."}. A run started by hand (flowc
// rerun, backfill) sends {"source", "partition"} and optionally "tables"
// (asl_manual.go). The run:
//
//  1. routes on the source (an unknown source fails the run, notified);
//  2. checks the key (or the partition of a start by hand) has the
//     source's partition layout and takes the partition from it
//     ("year=2001/month=01/day=17"; sources without partitions and
//     scheduled runs read everything: "");
//  3. registers the partition in the Glue Data Catalog
//     (glue:BatchCreatePartition with the source table's StorageDescriptor;
//     a partition that exists already is not an error): one call, whatever
//     the number of partitions already there;
//  4. runs the Glue job of every table loaded from the source (a Map,
//     glue:startJobRun.sync, shared by every source) with
//     --flowc_partition, retrying throttling and concurrent-run errors with
//     backoff; each table's failure is caught in its own iteration, so the
//     other tables load;
//  5. publishes a success message and succeeds, or, when a table failed,
//     one failure message listing every failed table. Any other failure of
//     3-5 is caught into a failure message (pipeline, environment, source,
//     partition, error, cause). A failed run ends in a Fail state.
//
// Messages carry the message attribute "outcome" (success | failure) that
// the e-mail subscriptions filter on (layout.OutcomeAttribute).
//
// Size (issue 15, item 2). Step Functions takes a definition of at most
// 1,048,576 bytes, and once the sources nest the root template (at most
// 1 MB) holds it as DefinitionString, so the definition must grow little
// per source for a spec with one source per table to build at 2000
// sources. Measured (compact bytes, testspec.Wide, one partition column)
// before this work: 4.5 KB per on_arrival source, 11 states each:
// register partition 1080 (the table's StorageDescriptor), start 532,
// start by hand 379, run 342, bad partition 300, partition 294, bad key
// 287, partition registered? 278, partition not registered 267,
// partition by hand 236, not this source's object 174, and ~70 for its
// rule in "Check source". Plan: the registration reads the descriptor with
// glue:GetTable in states shared by every source (done: register,
// asl_states.go; 2.8 KB per source now); next, one rule and one Pass per
// source that puts its constants into the run ($.cfg: location, prefix,
// depth, suffix, loads, settle), with the key and partition checks shared
// by shape (the partition columns' names: the StringMatches patterns that
// need literals) and the messages built with States.Format from $.cfg.
//
// It reads only the IR.
package asl

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/compiler/internal/jsonw"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
)

// State names shared by every route.
const (
	stCheckSource   = "Check source"
	stLoad          = layout.LoadState
	stAnyFailed     = "Count failed tables"
	stTablesFailed  = "Tables failed?"
	stListFailures  = "List failed tables"
	stBadInput      = "Bad input"
	stNotifySuccess = "Notify success"
	stNotifyFailure = "Notify failure"
	// stNotifyFailureShort sends the failure without its cause when the
	// full message could not be published.
	stNotifyFailureShort = "Notify failure, short"
	stSucceeded          = "Succeeded"
	stFailed             = "Failed"
)

// loadConcurrency is how many Glue jobs of one run run at once.
const loadConcurrency = 10

// Resource ARNs of the service integrations: placeholders the template's
// DefinitionSubstitutions fill with the ARN in the stack's partition
// (layout.IntegrationResource), so no ARN names a partition.
const (
	arnBatchCreatePartition = "${" + layout.IntegrationGlueBatchCreatePartition + "}"
	arnGetTable             = "${" + layout.IntegrationGlueGetTable + "}"
	arnStartJobSync         = "${" + layout.IntegrationGlueStartJobRunSync + "}"
	arnPublish              = "${" + layout.IntegrationSNSPublish + "}"
)

// Options tune the state machine; compiler.Compile fills them from its own
// options, defaults applied.
type Options struct {
	SlotPollSeconds int // wait of a partition for a free slot before it tries again
}

// StateMachine renders the state machine definition, pretty-printed.
func StateMachine(pl *ir.IR, opt Options) ([]byte, error) {
	a := &asl{pl: pl, opt: opt}
	return jsonw.Pretty(a.definition())
}

type asl struct {
	pl     *ir.IR
	opt    Options
	states obj
	leased bool // an on_arrival source: runs hold leases and slots (asl_runs.go)
	// registers: a route registers its partition (asl_states.go)
	registers bool
}

// afterSuccess and afterFailure are where a run goes after its tables:
// through the release of its lease and slot when runs hold them.
func (a *asl) afterSuccess() string {
	if a.leased {
		return stReleaseOnSuccess
	}
	return stNotifySuccess
}

func (a *asl) afterFailure() string {
	if a.leased {
		return stReleaseOnFailure
	}
	return stNotifyFailure
}

func (a *asl) add(name string, state obj) { a.states = a.states.Set(name, state) }

// route is what one triggered source runs.
type route struct {
	src    *ir.Source
	loads  []any // {"table": NAME, "job": GLUE JOB}, in table order
	tables []string
}

// routes groups the tables by the triggered source that starts their runs.
// Tables whose lineage has no triggered source load on every run.
func (a *asl) routes() []*route {
	pl := a.pl
	var out []*route
	for _, run := range pl.Runs() {
		r := &route{src: run.Source}
		for _, t := range run.Tables {
			r.loads = append(r.loads, obj{}.Set("table", t.Name).Set("job", pl.Names.GlueJob(t.Name)))
			r.tables = append(r.tables, t.Name)
		}
		out = append(out, r)
	}
	return out
}

func (a *asl) definition() obj {
	pl := a.pl
	routes := a.routes()
	var names []string
	for _, r := range routes {
		names = append(names, r.src.Name)
	}
	choices := []any{
		obj{}.Set("Not", obj{}.Set("Variable", "$.source").Set("IsPresent", true)).Set("Next", stBadInput),
		obj{}.Set("Not", obj{}.Set("Variable", "$.source").Set("IsString", true)).Set("Next", stBadInput),
	}
	for _, r := range routes {
		choices = append(choices, obj{}.Set("Variable", "$.source").Set("StringEquals", r.src.Name).Set("Next", a.st(r, "start")))
	}
	a.add(stCheckSource, obj{}.Set("Type", "Choice").Set("Choices", choices).Set("Default", stBadInput))
	a.add(stBadInput, a.failWith("", "flowc.BadInput", formatFn(
		"the run input {} names no source that starts runs of this pipeline (expected \"source\": one of "+strings.Join(names, ", ")+")",
		"States.JsonToString($)")))
	for _, r := range routes {
		a.leased = a.leased || r.src.Trigger == ir.TriggerOnArrival
	}
	for _, r := range routes {
		a.route(r)
	}
	if a.registers {
		a.register()
	}
	if a.leased {
		a.lease()
		a.byHand()
		if hasFreshness(pl) {
			a.watch()
		}
	}
	a.work()
	a.notify()
	return obj{}.
		Set("Comment", fmt.Sprintf("flowc pipeline %s (%s): register the new partition, load the tables, notify. Generated by flowc; do not edit.", pl.Pipeline, pl.Env)).
		Set("StartAt", stCheckSource).
		Set("TimeoutSeconds", timeoutSeconds(pl)).
		Set("States", a.states)
}

// slotWaitSeconds is how long a run may wait for a slot (runs:
// max_parallel_partitions) within its execution's timeout.
const slotWaitSeconds = 6 * 3600

// timeoutSeconds bounds an execution, so that one that hangs ends
// TIMED_OUT and its partition's lease becomes takeable (a lease whose
// holder is not RUNNING is taken over): every table's job at its Glue
// timeout, twice (a file that arrives during the load makes the run go
// round once more), plus the longest settle wait of a source, plus six
// hours of waiting for a slot. "TimeoutSeconds: the maximum number of
// seconds an execution of the state machine can run. If it runs longer
// than the specified time, the execution fails with a States.Timeout
// error name" (Amazon States Language, top-level fields); a timed-out
// execution's Catch does not run, so the template's alarm on the state
// machine's ExecutionsTimedOut metric reports it.
func timeoutSeconds(pl *ir.IR) int {
	wait := 0
	for _, s := range pl.Sources {
		wait = max(wait, s.Arrival.MaxWaitSeconds)
	}
	return len(pl.Tables)*pl.Glue.TimeoutMinutes*60*2 + wait + slotWaitSeconds
}

// st names a state of a route: "flights: start".
func (a *asl) st(r *route, what string) string { return r.src.Name + ": " + what }

// failWith is a Pass state that records a failure (its run and error)
// and goes to the failure notification. cause is an intrinsic.
func (a *asl) failWith(source, errName, cause string) obj {
	if source == "" {
		source = "(none)"
	}
	return obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.
			Set("run", obj{}.Set("source", source).Set("partition", "").Set("scope", "no partition").Set("tables", "")).
			Set("error", obj{}.Set("Error", errName).Set("Cause.$", cause))).
		Set("Next", stNotifyFailure)
}

// catchAll sends every error of a state, with its cause, to the failure
// notification.
func catchAll() []any {
	return []any{obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.error").Set("Next", stNotifyFailure)}
}

func (a *asl) route(r *route) {
	s := r.src
	// run is what the rest of the run reads: $.run.
	//
	// $.run.sel is what a pass of the run does: the tables it loads
	// ("only"; the others are skipped), their names for the messages and,
	// for an on_arrival source, its settle window. A scheduled run sets it
	// here; an on_arrival run sets $.run.every, the sel of a run started
	// by a file (every table, the source's window), which stEvery copies
	// to sel and a start by hand then narrows (asl_manual.go).
	run := func(partition, scope string) obj {
		o := obj{}.Set("source", s.Name).Set("partition"+pathSuffix(partition), partition).Set("scope"+pathSuffix(scope), scope).
			Set("loads", nonNilAny(r.loads))
		sel := obj{}.Set("only", nonNilStrings(r.tables)).Set("tables", strings.Join(r.tables, ", "))
		if s.Trigger != ir.TriggerOnArrival {
			return o.Set("sel", sel)
		}
		if s.Freshness != nil {
			o = o.Set("freshness", freshnessRun(s.Freshness))
		}
		settle, waits := settleRun(s.Arrival.SettleSeconds, s.Arrival.MaxWaitSeconds)
		return o.Set("every", sel.Set("settle", settle).Set("max_waits", waits))
	}
	start := a.st(r, "start")
	switch {
	case s.Trigger == ir.TriggerOnArrival && len(s.Partitions) > 0:
		// The key's layout: prefix, then one name=value folder per
		// partition column, then the file.
		var pat, args, values []string
		var empty []any // a key with an empty partition value is a bad key
		depth := strings.Count(s.Prefix, "/")
		for i, p := range s.Partitions {
			pat = append(pat, matchEscape(p.Name)+"=*")
			folder := fmt.Sprintf("States.ArrayGetItem(States.StringSplit($.key, '/'), %d)", depth+i)
			args = append(args, folder)
			// The value is what follows "name=" (Hive escapes "=" in
			// values, so the folder holds one).
			values = append(values, fmt.Sprintf("States.ArrayGetItem(States.StringSplit(%s, '='), 1)", folder))
			before := "*/"
			if i == 0 {
				before = ""
			}
			empty = append(empty, obj{}.Set("Variable", "$.key").Set("StringMatches", matchEscape(s.Prefix)+before+matchEscape(p.Name)+"=/*").Set("Next", a.st(r, "bad key")))
		}
		// The file name is not checked: the rule lets through only the
		// format's extension, in any case, which StringMatches (case
		// sensitive) could not express.
		pattern := matchEscape(s.Prefix) + strings.Join(pat, "/") + "/*"
		layout := s.Prefix + strings.Join(pat, "/") + "/FILE" + s.Suffix()
		bad := a.st(r, "bad key")
		choices := []any{
			obj{}.Set("Variable", "$.partition").Set("IsPresent", true).Set("Next", a.st(r, stByHand)),
			obj{}.Set("Not", obj{}.Set("Variable", "$.key").Set("IsPresent", true)).Set("Next", bad),
			obj{}.Set("Not", obj{}.Set("Variable", "$.key").Set("IsString", true)).Set("Next", bad),
			a.outsideSource(r).Set("Next", a.st(r, stOtherObject)),
		}
		choices = append(choices, empty...)
		choices = append(choices, obj{}.Set("Variable", "$.key").Set("StringMatches", pattern).Set("Next", a.st(r, "partition")))
		a.add(start, obj{}.Set("Type", "Choice").Set("Choices", choices).Set("Default", bad))
		a.add(bad, a.failWith(s.Name, "flowc.BadKey", formatFn(
			"the run input {} has no object key of the form "+layout, "States.JsonToString($)")))
		tmpl := strings.TrimSuffix(strings.Repeat("{}/", len(s.Partitions)), "/")
		a.add(a.st(r, "partition"), obj{}.Set("Type", "Pass").
			Set("Parameters", obj{}.Set("partition.$", formatFn(tmpl, args...)).Set("values.$", "States.Array("+strings.Join(values, ", ")+")")).
			Set("ResultPath", "$.run").Set("Next", a.st(r, "run")))
		a.add(a.st(r, "run"), obj{}.Set("Type", "Pass").
			Set("Parameters", run("$.run.partition", formatFn("partition {}", "$.run.partition")).Set("values.$", "$.run.values").Set("table", s.Name)).
			Set("ResultPath", "$.run").Set("Next", stReadTable))
		a.partitionByHand(r)
		a.registers = true
	case s.Trigger == ir.TriggerOnArrival:
		// An object outside the source's location ends the run; without
		// a key (a start by hand) the run reads everything.
		all := a.st(r, "all data")
		a.add(start, obj{}.Set("Type", "Choice").Set("Choices", []any{
			obj{}.Set("And", []any{
				obj{}.Set("Variable", "$.key").Set("IsPresent", true),
				obj{}.Set("Variable", "$.key").Set("IsString", true),
				a.outsideSource(r),
			}).Set("Next", a.st(r, stOtherObject)),
		}).Set("Default", all))
		a.add(all, obj{}.Set("Type", "Pass").Set("Parameters", run("", "all data")).Set("ResultPath", "$.run").Set("Next", stEvery))
	default:
		// Scheduled runs read everything.
		a.add(start, obj{}.Set("Type", "Pass").Set("Parameters", run("", "all data")).Set("ResultPath", "$.run").Set("Next", stLoad))
	}
}

// stOtherObject ends, quietly, the run of an object outside the source's
// location: the trigger rule matches on the bucket and the extension only
// (see the rule in compiler/cfn), so objects of other prefixes of the
// bucket, and of other sources in it, start runs that end here.
const stOtherObject = "not this source's object"

// outsideSource is the Choice condition of a key outside the source's
// location (case-sensitive, as S3 keys are), which goes to stOtherObject
// (added here).
func (a *asl) outsideSource(r *route) obj {
	a.add(a.st(r, stOtherObject), noRun("the object is not under "+r.src.Location+": no run", "not under "+r.src.Location))
	return obj{}.Set("Not", obj{}.Set("Variable", "$.key").Set("StringMatches", matchEscape(r.src.Prefix)+"*"))
}

// work adds the states every route shares: run the jobs of the run's
// tables, a Map over a list in $.run (an empty list does nothing), so the
// definition grows with the tables only by their names.
func (a *asl) work() {
	// Each iteration catches its own failure (see loadProcessor), so the
	// Map itself fails only on an error of its own; its result is one
	// {"table", "ok", "line", ...} per table.
	a.add(stLoad, obj{}.Set("Type", "Map").
		Set("ItemsPath", "$.run.loads").
		Set("ItemSelector", obj{}.
			Set("table.$", "$$.Map.Item.Value.table").
			Set("job.$", "$$.Map.Item.Value.job").
			Set("partition.$", "$.run.partition").
			Set("scope.$", "$.run.scope").
			Set("only.$", "$.run.sel.only")).
		Set("MaxConcurrency", loadConcurrency).
		Set("ItemProcessor", a.loadProcessor()).
		Set("ResultPath", "$.results").
		Set("Catch", []any{obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.error").Set("Next", a.afterFailure())}).
		Set("Next", stAnyFailed))
	// The filter $.results[?(@.ok == false)] is read only when a table
	// failed: on a list without a match moto raises "could not be found"
	// (its jsonpath_ng lookup), where AWS gives an empty list. The
	// wildcard $.results[*].ok, which both give as a list, decides first.
	a.add(stAnyFailed, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.Set("failed.$", "States.ArrayContains($.results[*].ok, false)")).
		Set("ResultPath", "$.outcome").
		Set("Next", stTablesFailed))
	a.add(stTablesFailed, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.outcome.failed").Set("BooleanEquals", true).Set("Next", stListFailures),
	}).Set("Default", a.afterSuccess()))
	failed := "$.results[?(@.ok == false)]"
	a.add(stListFailures, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.
			Set("Error", errTablesFailed).
			Set("Cause.$", formatFn("{} of {} tables failed: {}",
				"States.ArrayLength("+failed+")", "States.ArrayLength($.results)", "States.JsonToString("+failed+".line)"))).
		Set("ResultPath", "$.error").
		Set("Next", a.afterFailure()))
}

// errTablesFailed is the error of a run in which a table failed; the
// cause lists every failed table with the run's partition and the reason.
const errTablesFailed = "flowc.TablesFailed"

// pathSuffix is ".$" when v is a path or an intrinsic, for a Parameters
// key.
func pathSuffix(v string) string {
	if strings.HasPrefix(v, "$") || strings.HasPrefix(v, "States.") {
		return ".$"
	}
	return ""
}

func nonNilStrings(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func nonNilAny(xs []any) []any {
	if xs == nil {
		return []any{}
	}
	return xs
}
