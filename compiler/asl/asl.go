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
	fresh     bool              // a source has freshness (asl_fresh.go)
	shapes    map[string]string // the partition layouts (columns) whose states are added: their states' prefix
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
		a.leased = a.leased || r.src.Trigger == ir.TriggerOnArrival
	}
	a.fresh = hasFreshness(pl)
	a.routing(routes)
	a.add(stBadInput, a.failWith("", "flowc.BadInput", formatFn(
		"the run input {} names no source that starts runs of this pipeline (expected \"source\": one of "+strings.Join(names, ", ")+")",
		"States.JsonToString($)")))
	for _, r := range routes {
		a.route(r)
	}
	if a.registers {
		a.register()
	}
	if a.leased {
		a.lease()
		a.byHand()
		if a.fresh {
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

// Routing (issue 15: the definition grows by a few hundred bytes per
// source). A run's source picks one rule and one Pass state of its own,
// "<source>", which puts the source's constants into the run's input
// ($.cfg: its location, key prefix and depth in folders, file suffix,
// tables, settle window); every other state is shared, reading $.cfg, or
// shared by the sources of one partition layout (shape), where a Choice
// needs a literal pattern (StringMatches has no path form:
// https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).
//
// "Check source" checks the input's source; an input with a string key
// goes through "Route object", whose rule of each on_arrival source
// matches "<source>/<key>" against "<source>/<prefix>*" (the key under
// the source's location, case-sensitive as S3 keys are); an input that
// matches none is marked outside ($.flowc_route.outside) and routed by
// its source alone in "Route", as an input without a key is. So the key
// of an object outside the source's location ends at stOtherObject, and
// an unknown source at "Bad input". A source's own state is named after
// it: source names are lowercase (spec: [a-z_][a-z0-9_]*), the shared
// states' names start with a capital, so they never meet.
const (
	stCheckKey    = "Object key?"
	stSourceKey   = "Source and key"
	stRouteObject = "Route object"
	stOutside     = "Outside the source"
	stRoute       = "Route"
	stWholeStart  = "Whole source: start"
	stWholeRun    = "Whole source: all data"
	stScheduled   = "Scheduled: all data"
	stPartRun     = "Run of the partition"
	// routeMark is where the routing writes: "sk", then "outside".
	routeMark = "$.flowc_route"
)

func (a *asl) routing(routes []*route) {
	choices := []any{
		obj{}.Set("Not", obj{}.Set("Variable", "$.source").Set("IsPresent", true)).Set("Next", stBadInput),
		obj{}.Set("Not", obj{}.Set("Variable", "$.source").Set("IsString", true)).Set("Next", stBadInput),
	}
	var byKey, bySource []any
	for _, r := range routes {
		s := r.src
		bySource = append(bySource, obj{}.Set("Variable", "$.source").Set("StringEquals", s.Name).Set("Next", s.Name))
		if s.Trigger == ir.TriggerOnArrival {
			byKey = append(byKey, obj{}.Set("Variable", routeMark+".sk").Set("StringMatches", matchEscape(s.Name+"/"+s.Prefix)+"*").Set("Next", s.Name))
		}
	}
	if byKey != nil {
		choices = append(choices, obj{}.Set("And", []any{
			obj{}.Set("Variable", "$.key").Set("IsPresent", true),
			obj{}.Set("Variable", "$.key").Set("IsString", true),
		}).Set("Next", stSourceKey))
	}
	a.add(stCheckSource, obj{}.Set("Type", "Choice").Set("Choices", choices).Set("Default", stRoute))
	if byKey != nil {
		a.add(stSourceKey, obj{}.Set("Type", "Pass").
			Set("Parameters", obj{}.Set("sk.$", formatFn("{}/{}", "$.source", "$.key"))).
			Set("ResultPath", routeMark).Set("Next", stRouteObject))
		a.add(stRouteObject, obj{}.Set("Type", "Choice").Set("Choices", byKey).Set("Default", stOutside))
		a.add(stOutside, obj{}.Set("Type", "Pass").Set("Result", obj{}.Set("outside", true)).
			Set("ResultPath", routeMark).Set("Next", stRoute))
	}
	a.add(stRoute, obj{}.Set("Type", "Choice").Set("Choices", nonNilAny(bySource)).Set("Default", stBadInput))
}

// failWith is a Pass state that records a failure (its run and error)
// and goes to the failure notification. source is a path or a name
// ("" when the input names no known source); cause is an intrinsic.
func (a *asl) failWith(source, errName, cause string) obj {
	if source == "" {
		source = "(none)"
	}
	return obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.
			Set("run", obj{}.Set("source"+pathSuffix(source), source).Set("partition", "").Set("scope", "no partition").Set("tables", "")).
			Set("error", obj{}.Set("Error", errName).Set("Cause.$", cause))).
		Set("Next", stNotifyFailure)
}

// catchAll sends every error of a state, with its cause, to the failure
// notification.
func catchAll() []any {
	return []any{obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", "$.error").Set("Next", stNotifyFailure)}
}

// route adds the source's own state, which puts its constants into $.cfg
// and goes on to the states of its kind.
//
// $.run, which the rest of the run reads, is built from $.cfg by a shared
// state. $.run.sel is what a pass of the run does: the tables it loads
// ("only"; the others are skipped), their names for the messages and,
// for an on_arrival source, its settle window. A scheduled run sets it
// from $.cfg.sel; an on_arrival run sets $.run.every, the sel of a run
// started by a file (every table, the source's window), which stEvery
// copies to sel and a start by hand then narrows (asl_manual.go).
func (a *asl) route(r *route) {
	s := r.src
	sel := obj{}.Set("only", nonNilStrings(r.tables)).Set("tables", strings.Join(r.tables, ", "))
	cfg := obj{}
	var next string
	switch {
	case s.Trigger != ir.TriggerOnArrival:
		cfg = cfg.Set("loads", nonNilAny(r.loads)).Set("sel", sel)
		next = stScheduled
		a.add(stScheduled, obj{}.Set("Type", "Pass").
			Set("Parameters", obj{}.Set("source.$", "$.source").Set("partition", "").Set("scope", "all data").
				Set("loads.$", "$.cfg.loads").Set("sel.$", "$.cfg.sel")).
			Set("ResultPath", "$.run").Set("Next", stLoad))
	default:
		cfg = cfg.Set("location", s.Location)
		if len(s.Partitions) > 0 {
			cfg = cfg.Set("prefix", s.Prefix).Set("depth", strings.Count(s.Prefix, "/")).Set("suffix", s.Suffix())
		}
		settle, waits := settleRun(s.Arrival.SettleSeconds, s.Arrival.MaxWaitSeconds)
		cfg = cfg.Set("loads", nonNilAny(r.loads)).Set("every", sel.Set("settle", settle).Set("max_waits", waits))
		if a.fresh {
			// Every on_arrival source carries freshness, {} without
			// (stWatchFreshness checks its warn), so that the shared
			// states can copy it.
			f := obj{}
			if s.Freshness != nil {
				f = freshnessRun(s.Freshness)
			}
			cfg = cfg.Set("freshness", f)
		}
		if len(s.Partitions) > 0 {
			next = a.shape(s)
		} else {
			next = stWholeStart
			a.whole()
		}
	}
	a.add(s.Name, obj{}.Set("Type", "Pass").Set("Result", cfg).Set("ResultPath", "$.cfg").Set("Next", next))
}

// runFromCfg is the shared part of an on_arrival run's $.run.
func (a *asl) runFromCfg(partition, scope string) obj {
	o := obj{}.Set("source.$", "$.source").Set("partition"+pathSuffix(partition), partition).Set("scope"+pathSuffix(scope), scope).
		Set("loads.$", "$.cfg.loads").Set("every.$", "$.cfg.every")
	if a.fresh {
		o = o.Set("freshness.$", "$.cfg.freshness")
	}
	return o
}

// whole adds the states of the on_arrival sources without partitions: an
// object outside the source's location ends the run; without a key (a
// start by hand) the run reads everything.
func (a *asl) whole() {
	a.otherObject()
	a.add(stWholeStart, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", routeMark+".outside").Set("IsPresent", true).Set("Next", stOtherObject),
	}).Set("Default", stWholeRun))
	a.add(stWholeRun, obj{}.Set("Type", "Pass").Set("Parameters", a.runFromCfg("", "all data")).Set("ResultPath", "$.run").Set("Next", stEvery))
}

// shape adds, once per partition layout (the partition columns' names),
// the states that take the partition from an object's key, and returns
// the first. The key's layout: the source's prefix ($.cfg.depth folders),
// then one name=value folder per partition column, then the file. The
// key's folders are States.StringSplit($.key, '/') ("splits a string into
// an array of values", https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-string-operation;
// empty values between two "/" are left out, as before), counted with
// States.ArrayLength before States.ArrayGetItem takes one by its index
// (MathAdd of the depth), so no index is out of range. Intrinsics nest,
// "up to 10 intrinsic functions within a field" (same page); a Choice rule
// compares a variable with another value of the input when "Path" is
// appended to the operator (NumericLessThanPath; Choice Rules (JSONPath),
// https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).
func (a *asl) shape(s *ir.Source) string {
	var cols []string
	for _, p := range s.Partitions {
		cols = append(cols, p.Name)
	}
	key := strings.Join(cols, "/")
	if a.shapes == nil {
		a.shapes = map[string]string{}
	}
	sh, ok := a.shapes[key]
	if ok {
		return sh + "start"
	}
	// State names have at most 80 characters (ASL, States): a layout of
	// long names is numbered instead.
	sh = "Partitioned by " + key + ": "
	if len(sh+stBadPartition) > 60 || len(sh+"partition values?") > 60 {
		sh = fmt.Sprintf("Partition layout %d: ", len(a.shapes)+1)
	}
	a.shapes[key] = sh
	start := sh + "start"
	a.registers = true
	a.otherObject()
	bad, count, enough, folders, check, part := sh+"bad key", sh+"key folders", sh+"enough folders?", sh+"partition folders", sh+"partition values?", sh+"partition"
	var pat, fs, values []string
	var checks []any
	for i, c := range cols {
		pat = append(pat, c+"=*")
		fs = append(fs, fmt.Sprintf("States.ArrayGetItem($.keyparts.folders, States.MathAdd($.cfg.depth, %d))", i))
		f := fmt.Sprintf("$.keyparts.partition[%d]", i)
		values = append(values, fmt.Sprintf("States.ArrayGetItem(States.StringSplit(%s, '='), 1)", f))
		// A folder of another name, or with an empty value, is a bad key
		// (an empty value could not be registered).
		checks = append(checks,
			obj{}.Set("Not", obj{}.Set("Variable", f).Set("StringMatches", matchEscape(c)+"=*")).Set("Next", bad),
			obj{}.Set("Variable", f).Set("StringEquals", c+"=").Set("Next", bad))
	}
	// The file name is not checked: the rule lets through only the
	// format's extension, in any case, which StringMatches (case
	// sensitive) could not express.
	a.add(start, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.partition").Set("IsPresent", true).Set("Next", sh+stByHand),
		obj{}.Set("Not", obj{}.Set("Variable", "$.key").Set("IsPresent", true)).Set("Next", bad),
		obj{}.Set("Not", obj{}.Set("Variable", "$.key").Set("IsString", true)).Set("Next", bad),
		obj{}.Set("Variable", routeMark+".outside").Set("IsPresent", true).Set("Next", stOtherObject),
	}).Set("Default", count))
	a.add(bad, a.failWith("$.source", "flowc.BadKey", formatFn(
		"the run input {} has no object key of the form {}"+strings.Join(pat, "/")+"/FILE{}", "States.JsonToString($)", "$.cfg.prefix", "$.cfg.suffix")))
	split := "States.StringSplit($.key, '/')"
	a.add(count, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.
			Set("folders.$", split).
			Set("count.$", "States.ArrayLength("+split+")").
			Set("need.$", fmt.Sprintf("States.MathAdd($.cfg.depth, %d)", len(cols)+1))).
		Set("ResultPath", "$.keyparts").Set("Next", enough))
	// The prefix's folders, one per column, and the file.
	a.add(enough, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Variable", "$.keyparts.count").Set("NumericLessThanPath", "$.keyparts.need").Set("Next", bad),
	}).Set("Default", folders))
	a.add(folders, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.Set("folders.$", "$.keyparts.folders").Set("partition.$", "States.Array("+strings.Join(fs, ", ")+")")).
		Set("ResultPath", "$.keyparts").Set("Next", check))
	a.add(check, obj{}.Set("Type", "Choice").Set("Choices", checks).Set("Default", part))
	tmpl := strings.TrimSuffix(strings.Repeat("{}/", len(cols)), "/")
	var args []string
	for i := range cols {
		args = append(args, fmt.Sprintf("$.keyparts.partition[%d]", i))
	}
	a.add(part, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.Set("partition.$", formatFn(tmpl, args...)).Set("values.$", "States.Array("+strings.Join(values, ", ")+")")).
		Set("ResultPath", "$.part").Set("Next", stPartRun))
	a.partitionByHand(sh, cols)
	a.add(stPartRun, obj{}.Set("Type", "Pass").
		Set("Parameters", a.runFromCfg("$.part.partition", formatFn("partition {}", "$.part.partition")).
			Set("values.$", "$.part.values").Set("table.$", "$.source")).
		Set("ResultPath", "$.run").Set("Next", stReadTable))
	return start
}

// stOtherObject ends, quietly, the run of an object outside the source's
// location: the trigger rule matches on the bucket and the extension only
// (see the rule in compiler/cfn), so objects of other prefixes of the
// bucket, and of other sources in it, start runs that end here.
const stOtherObject = "Not this source's object"

// otherObject adds stOtherObject: a final Pass whose output names the
// source's location (Parameters with ResultPath "$", the default, makes
// the output).
func (a *asl) otherObject() {
	a.add(stOtherObject, obj{}.Set("Type", "Pass").Set("Comment", "the object is not under the source's location: no run").
		Set("Parameters", obj{}.Set(layout.NoRun+".$", formatFn("not under {}", "$.cfg.location"))).Set("End", true))
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
