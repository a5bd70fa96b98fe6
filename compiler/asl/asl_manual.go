package asl

import (
	"fmt"
	"strings"
)

// A start by hand (docs/run-model.md, "A start by hand"): flowc rerun and
// backfill, or a user in the console, start an execution with
//
//	{"source": "flights", "partition": "year=2001/month=01/day=17"}
//
// and, optionally, "tables": ["delayed_flights_fact"] to load only those
// tables (flowc rerun --from-failure). No object key is needed: the
// partition's values come from the partition itself, as an arriving file's
// come from its key (States.StringSplit splits a string on a delimiter,
// States.ArrayGetItem takes an item by index; nested intrinsics are allowed,
// up to 10 deep: https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
//
// The route checks the partition and takes its values (partitionByHand),
// then the run goes the way an arriving file's run goes (the route's run
// and partition registration, then the shared states: the partition's
// lease, a slot, the load), with two differences (byHand). It has no sequencer, so it is never taken for a duplicate
// event. It does not wait for the partition to settle (sel.settle 0): a
// start by hand says the partition is ready, and with a marker source it
// stands for the marker. A file that arrives while it loads makes the run go
// round once more like any run, then with every table and the source's
// settle window (stWiden).

// States of a start by hand: the route's (prefixed with the source, a.st)
// and the shared ones after them.
const (
	stByHand       = "start by hand"
	stBadPartition = "bad partition"
	stPartByHand   = "partition by hand"

	stHandSel     = "Started by hand: no settle"
	stTablesGiven = "Tables given?"
	stCheckTables = "Check tables"
	stOnlyTables  = "Only the given tables"
	stBadTables   = "Bad tables"
	// States of the check's iterations.
	stKnownTable   = "Known table?"
	stKnown        = "Known?"
	stUnknownTable = "Unknown table"
	stTableKnown   = "Table known"
)

// Errors of a start by hand that the state machine refuses: the run ends
// notified and failed, before it takes the lease.
const (
	errBadPartition = "flowc.BadPartition"
	errBadTables    = "flowc.BadTables"
)

// partitionByHand adds the states of a partition layout (sh, the shape's
// state prefix; cols, its partition columns) that read a start by hand's
// partition: the shape's "start" Choice sends an input with "partition"
// here, and they go on to the shared run of the partition with
// $.part.partition and $.part.values set, as the shape's "partition" state
// does for a key.
func (a *asl) partitionByHand(sh string, cols []string) {
	var pat, values, names []string
	bad := sh + stBadPartition
	checks := []any{obj{}.Set("Not", obj{}.Set("Variable", "$.partition").Set("IsString", true)).Set("Next", bad)}
	for i, c := range cols {
		pat = append(pat, matchEscape(c)+"=*")
		names = append(names, c+"=VALUE")
		folder := fmt.Sprintf("States.ArrayGetItem(States.StringSplit($.partition, '/'), %d)", i)
		values = append(values, fmt.Sprintf("States.ArrayGetItem(States.StringSplit(%s, '='), 1)", folder))
		// An empty value: "name=" followed by "/" or the end.
		before, after := "*/", "/*"
		if i == 0 {
			before = ""
		}
		if i == len(cols)-1 {
			after = ""
		}
		checks = append(checks, obj{}.Set("Variable", "$.partition").Set("StringMatches", before+matchEscape(c)+"="+after).Set("Next", bad))
	}
	pattern := strings.Join(pat, "/")
	// One folder per column, no more: "*" matches "/" too.
	checks = append(checks, obj{}.Set("And", []any{
		obj{}.Set("Variable", "$.partition").Set("StringMatches", pattern),
		obj{}.Set("Not", obj{}.Set("Variable", "$.partition").Set("StringMatches", pattern+"/*")),
	}).Set("Next", sh+stPartByHand))
	a.add(sh+stByHand, obj{}.Set("Type", "Choice").Set("Choices", checks).Set("Default", bad))
	a.add(bad, a.failWith("$.source", errBadPartition, formatFn(
		"the run input {} has no partition of the form "+strings.Join(names, "/")+" (each value non-empty)", "States.JsonToString($)")))
	a.add(sh+stPartByHand, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.Set("partition.$", "$.partition").Set("values.$", "States.Array("+strings.Join(values, ", ")+")")).
		Set("ResultPath", "$.part").Set("Next", stPartRun))
}

// byHand adds the shared states of a start by hand, between stArrival
// (which sends an input with "partition" here) and stCountArrival. No
// settle window; "tables", when given, must be a non-empty list of tables
// the run loads, and narrows $.run.sel to them. An input refused here has
// registered its partition (harmless: registering is idempotent) and holds
// nothing.
func (a *asl) byHand() {
	a.add(stHandSel, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.Set("only.$", "$.run.every.only").Set("tables.$", "$.run.every.tables").Set("settle", 0).Set("max_waits", 0)).
		Set("ResultPath", "$.run.sel").
		Set("Next", stTablesGiven))
	// A path that does not resolve matches no Choice rule, so
	// "$.tables[0]" is absent for an empty list and for a value that is not
	// a list.
	a.add(stTablesGiven, obj{}.Set("Type", "Choice").Set("Choices", []any{
		obj{}.Set("Not", obj{}.Set("Variable", "$.tables").Set("IsPresent", true)).Set("Next", stCountArrival),
		obj{}.Set("Variable", "$.tables[0]").Set("IsPresent", true).Set("Next", stCheckTables),
	}).Set("Default", stBadTables))
	// Each listed table must be one the run loads: an unknown name (a
	// typo) would otherwise make a run that loads nothing and succeeds.
	check := obj{}.
		Set(stKnownTable, obj{}.Set("Type", "Pass").
			Set("Parameters", obj{}.Set("known.$", "States.ArrayContains($.every, $.table)")).
			Set("Next", stKnown)).
		Set(stKnown, obj{}.Set("Type", "Choice").Set("Choices", []any{
			obj{}.Set("Variable", "$.known").Set("BooleanEquals", true).Set("Next", stTableKnown),
		}).Set("Default", stUnknownTable)).
		Set(stUnknownTable, obj{}.Set("Type", "Fail").Set("Error", errBadTables).Set("Cause", "a table of the input is not loaded by this run")).
		Set(stTableKnown, obj{}.Set("Type", "Pass").Set("End", true))
	a.add(stCheckTables, obj{}.Set("Type", "Map").
		Set("ItemsPath", "$.tables").
		Set("ItemSelector", obj{}.Set("table.$", "$$.Map.Item.Value").Set("every.$", "$.run.every.only")).
		Set("MaxConcurrency", 0).
		Set("ItemProcessor", obj{}.Set("ProcessorConfig", obj{}.Set("Mode", "INLINE")).Set("StartAt", stKnownTable).Set("States", check)).
		Set("ResultPath", null).
		Set("Catch", []any{obj{}.Set("ErrorEquals", []string{"States.ALL"}).Set("ResultPath", null).Set("Next", stBadTables)}).
		Set("Next", stOnlyTables))
	a.add(stBadTables, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.
			Set("Error", errBadTables).
			Set("Cause.$", formatFn("the run input {} lists tables that runs of source {} do not load: \"tables\" must be a non-empty list of some of {}",
				"States.JsonToString($.tables)", "$.run.source", "$.run.every.tables"))).
		Set("ResultPath", "$.error").
		Set("Next", stNotifyFailure))
	a.add(stOnlyTables, obj{}.Set("Type", "Pass").
		Set("Parameters", obj{}.
			Set("only.$", "$.tables").
			Set("tables.$", formatFn("{} (only these; the others were skipped)", "States.JsonToString($.tables)")).
			Set("settle", 0).Set("max_waits", 0)).
		Set("ResultPath", "$.run.sel").
		Set("Next", stCountArrival))
}
