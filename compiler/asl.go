package compiler

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/spec"
)

// The Amazon States Language backend: one STANDARD state machine per
// pipeline and environment (statemachine.asl.json). In the template it is
// the Definition, with DefinitionSubstitutions for ${AlertTopicArn}.
//
// A run's input names its source; EventBridge sends
//
//	{"source": "flights", "bucket": "...", "key": "raw/flights/year=2001/month=01/day=17/x.csv"}
//
// and a schedule sends {"source": "..."}. A user starts a run by hand
// with the same shape. The run:
//
//  1. routes on the source (an unknown source fails the run, notified);
//  2. checks the key has the source's partition layout and takes the
//     partition from it ("year=2001/month=01/day=17"; sources without
//     partitions and scheduled runs read everything: "");
//  3. crawls the partitioned sources the run reads (a Map over their
//     crawlers; steps 3 and 4 are shared by every source): starts the crawler; when one is already running, waits
//     until it is READY and starts it again, so the crawl sees the new
//     object; polls GetCrawler every CrawlerPollSeconds until READY, at
//     most CrawlerMaxPolls times; fails unless LastCrawl succeeded;
//  4. runs the Glue job of every table loaded from the source (a Map,
//     glue:startJobRun.sync) with --flowc_partition, retrying throttling
//     and concurrent-run errors with backoff;
//  5. publishes a success message and succeeds. Any failure of 3-5 is
//     caught into a failure message (pipeline, environment, source,
//     partition, error, cause) and ends in a Fail state.
//
// Messages carry the message attribute "outcome" (success | failure) that
// the e-mail subscriptions filter on.

// Outcomes, the values of the "outcome" message attribute.
const (
	outcomeSuccess = "success"
	outcomeFailure = "failure"
)

// State names shared by every route.
const (
	stCheckSource   = "Check source"
	stCrawl         = "Crawl sources"
	stLoad          = "Load tables"
	stBadInput      = "Bad input"
	stNotifySuccess = "Notify success"
	stNotifyFailure = "Notify failure"
	stSucceeded     = "Succeeded"
	stFailed        = "Failed"
)

// loadConcurrency is how many Glue jobs of one run run at once.
const loadConcurrency = 10

// Resource ARNs of the service integrations.
const (
	arnStartCrawler = "arn:aws:states:::aws-sdk:glue:startCrawler"
	arnGetCrawler   = "arn:aws:states:::aws-sdk:glue:getCrawler"
	arnStartJobSync = "arn:aws:states:::glue:startJobRun.sync"
	arnPublish      = "arn:aws:states:::sns:publish"
)

// StateMachine renders the state machine definition, pretty-printed.
func StateMachine(ir *IR, opt Options) ([]byte, error) {
	opt = opt.withDefaults()
	a := &asl{ir: ir, opt: opt}
	return prettyJSON(a.definition())
}

type asl struct {
	ir     *IR
	opt    Options
	states obj
}

func (a *asl) add(name string, state obj) { a.states = append(a.states, kv{name, state}) }

// route is what one triggered source runs.
type route struct {
	src      *Source
	crawlers []string // crawler names, sorted by source order
	jobs     []string // Glue job names, in table order
	tables   []string
}

// routes groups the tables by the triggered source that starts their runs.
// Tables whose lineage has no triggered source load on every run.
func (a *asl) routes() []*route {
	ir := a.ir
	var out []*route
	for _, s := range ir.Sources {
		if !s.Triggered() {
			continue
		}
		r := &route{src: s}
		read := map[string]bool{}
		for _, t := range ir.Tables {
			if t.Trigger != nil && t.Trigger.Name != s.Name {
				continue
			}
			r.jobs = append(r.jobs, ir.Names.GlueJob(t.Name))
			r.tables = append(r.tables, t.Name)
			for _, n := range t.Reads {
				read[n] = true
			}
		}
		for _, src := range ir.Sources {
			if len(src.Partitions) > 0 && (src == s || read[src.Name]) {
				r.crawlers = append(r.crawlers, ir.Names.Crawler(src.Name))
			}
		}
		out = append(out, r)
	}
	return out
}

// crawledSources are the sources that get a crawler: the partitioned
// sources some run crawls.
func crawledSources(ir *IR) []*Source {
	a := &asl{ir: ir}
	need := map[string]bool{}
	for _, r := range a.routes() {
		for _, c := range r.crawlers {
			need[c] = true
		}
	}
	var out []*Source
	for _, s := range ir.Sources {
		if need[ir.Names.Crawler(s.Name)] {
			out = append(out, s)
		}
	}
	return out
}

func (a *asl) definition() obj {
	ir := a.ir
	routes := a.routes()
	var names []string
	for _, r := range routes {
		names = append(names, r.src.Name)
	}
	choices := []any{
		obj{}.set("Not", obj{}.set("Variable", "$.source").set("IsPresent", true)).set("Next", stBadInput),
		obj{}.set("Not", obj{}.set("Variable", "$.source").set("IsString", true)).set("Next", stBadInput),
	}
	for _, r := range routes {
		choices = append(choices, obj{}.set("Variable", "$.source").set("StringEquals", r.src.Name).set("Next", a.st(r, "start")))
	}
	a.add(stCheckSource, obj{}.set("Type", "Choice").set("Choices", choices).set("Default", stBadInput))
	a.add(stBadInput, a.failWith("", "flowc.BadInput", formatFn(
		"the run input {} names no source that starts runs of this pipeline (expected \"source\": one of "+strings.Join(names, ", ")+")",
		"States.JsonToString($)")))
	for _, r := range routes {
		a.route(r)
	}
	a.work()
	a.notify()
	return obj{}.
		set("Comment", fmt.Sprintf("flowc pipeline %s (%s): crawl the new partition, load the tables, notify. Generated by flowc; do not edit.", ir.Pipeline, ir.Env)).
		set("StartAt", stCheckSource).
		set("States", a.states)
}

// st names a state of a route: "flights: start".
func (a *asl) st(r *route, what string) string { return r.src.Name + ": " + what }

// failWith is a Pass state that records a failure (its run and error)
// and goes to the failure notification. cause is an intrinsic.
func (a *asl) failWith(source, errName, cause string) obj {
	if source == "" {
		source = "(none)"
	}
	return obj{}.set("Type", "Pass").
		set("Parameters", obj{}.
			set("run", obj{}.set("source", source).set("partition", "").set("scope", "no partition").set("tables", "")).
			set("error", obj{}.set("Error", errName).set("Cause.$", cause))).
		set("Next", stNotifyFailure)
}

// catchAll sends every error of a state, with its cause, to the failure
// notification.
func catchAll() []any {
	return []any{obj{}.set("ErrorEquals", []string{"States.ALL"}).set("ResultPath", "$.error").set("Next", stNotifyFailure)}
}

func (a *asl) route(r *route) {
	s := r.src
	// run is what the rest of the run reads: $.run.
	run := func(partition, scope string) obj {
		return obj{}.set("source", s.Name).set("partition"+pathSuffix(partition), partition).set("scope"+pathSuffix(scope), scope).
			set("tables", strings.Join(r.tables, ", ")).set("crawlers", nonNil(r.crawlers)).set("jobs", nonNil(r.jobs))
	}
	start := a.st(r, "start")
	switch {
	case s.Trigger == spec.TriggerOnArrival && len(s.Partitions) > 0:
		// The key's layout: prefix, then one name=value folder per
		// partition column, then the file.
		var pat, args []string
		depth := strings.Count(s.Prefix, "/")
		for i, p := range s.Partitions {
			pat = append(pat, matchEscape(p.Name)+"=*")
			args = append(args, fmt.Sprintf("States.ArrayGetItem(States.StringSplit($.key, '/'), %d)", depth+i))
		}
		pattern := matchEscape(s.Prefix) + strings.Join(pat, "/") + "/*" + matchEscape(s.Suffix())
		layout := s.Prefix + strings.Join(pat, "/") + "/FILE" + s.Suffix()
		bad := a.st(r, "bad key")
		a.add(start, obj{}.set("Type", "Choice").set("Choices", []any{
			obj{}.set("Not", obj{}.set("Variable", "$.key").set("IsPresent", true)).set("Next", bad),
			obj{}.set("Not", obj{}.set("Variable", "$.key").set("IsString", true)).set("Next", bad),
			obj{}.set("Variable", "$.key").set("StringMatches", pattern).set("Next", a.st(r, "partition")),
		}).set("Default", bad))
		a.add(bad, a.failWith(s.Name, "flowc.BadKey", formatFn(
			"the run input {} has no object key of the form "+layout, "States.JsonToString($)")))
		tmpl := strings.TrimSuffix(strings.Repeat("{}/", len(s.Partitions)), "/")
		a.add(a.st(r, "partition"), obj{}.set("Type", "Pass").
			set("Parameters", obj{}.set("partition.$", formatFn(tmpl, args...))).
			set("ResultPath", "$.run").set("Next", a.st(r, "run")))
		a.add(a.st(r, "run"), obj{}.set("Type", "Pass").
			set("Parameters", run("$.run.partition", formatFn("partition {}", "$.run.partition"))).
			set("ResultPath", "$.run").set("Next", stCrawl))
	default:
		// Sources without partitions and scheduled runs read everything.
		a.add(start, obj{}.set("Type", "Pass").set("Parameters", run("", "all data")).set("ResultPath", "$.run").set("Next", stCrawl))
	}
}

// work adds the states every route shares: crawl the run's crawlers, then
// run its jobs. Both are Maps over lists in $.run (an empty list does
// nothing), so the definition grows with the sources and tables only by
// their names.
func (a *asl) work() {
	a.add(stCrawl, obj{}.set("Type", "Map").
		set("ItemsPath", "$.run.crawlers").
		set("ItemSelector", obj{}.set("crawler.$", "$$.Map.Item.Value").set("polls", 0)).
		set("ItemProcessor", a.crawlProcessor()).
		set("ResultPath", null).
		set("Catch", catchAll()).
		set("Next", stLoad))
	a.add(stLoad, obj{}.set("Type", "Map").
		set("ItemsPath", "$.run.jobs").
		set("ItemSelector", obj{}.set("job.$", "$$.Map.Item.Value").set("partition.$", "$.run.partition")).
		set("MaxConcurrency", loadConcurrency).
		set("ItemProcessor", a.loadProcessor()).
		set("ResultPath", null).
		set("Catch", catchAll()).
		set("Next", stNotifySuccess))
}

// pathSuffix is ".$" when v is a path or an intrinsic, for a Parameters
// key.
func pathSuffix(v string) string {
	if strings.HasPrefix(v, "$") || strings.HasPrefix(v, "States.") {
		return ".$"
	}
	return ""
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
