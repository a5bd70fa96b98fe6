package asl_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/compiler/asl"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/layout"
)

// states returns the named states of a definition (or Map processor),
// keyed by name.
func states(t *testing.T, def map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for name, s := range def["States"].(map[string]any) {
		out[name] = s.(map[string]any)
	}
	return out
}

func definition(t *testing.T, opt compiler.Options) map[string]any {
	t.Helper()
	out := testspec.Compile(t, testspec.Example(t), "dev", opt)
	var def map[string]any
	if err := json.Unmarshal(out.File(layout.StateMachinePath), &def); err != nil {
		t.Fatal(err)
	}
	return def
}

// matchRules lists a Choice state's top-level StringMatches rules, one
// "PATTERN -> NEXT" a line.
func matchRules(choice map[string]any) string {
	var patterns []string
	for _, c := range choice["Choices"].([]any) {
		m := c.(map[string]any)
		if p, ok := m["StringMatches"].(string); ok {
			patterns = append(patterns, p+" -> "+m["Next"].(string))
		}
	}
	return strings.Join(patterns, "\n")
}

func hasCatchAll(s map[string]any) bool {
	cs, _ := s["Catch"].([]any)
	for _, c := range cs {
		for _, e := range c.(map[string]any)["ErrorEquals"].([]any) {
			if e == "States.ALL" {
				return true
			}
		}
	}
	return false
}

// TestEveryFailureIsNotified: every Task and Map of the run catches every
// error into the failure notification, which ends in a Fail state; inside
// the load Map every Task catches every error into its table's result,
// which the run reports after the Map (TestTablesFailIndependently).
// Nothing ends a failed run as a success.
func TestEveryFailureIsNotified(t *testing.T) {
	def := definition(t, compiler.Options{})
	top := states(t, def)
	for name, s := range top {
		switch s["Type"] {
		case "Task", "Map":
			if name == asl.StNotifyFailure || name == asl.StNotifyFailureShort {
				// A failure notification that cannot be published (the
				// full message over SNS's 256 KB) sends the short one;
				// either way the run fails.
				want := asl.StNotifyFailureShort
				if name == asl.StNotifyFailureShort {
					want = asl.StFailed
				}
				cs, _ := s["Catch"].([]any)
				if s["Next"] != asl.StFailed || len(cs) != 1 || !hasCatchAll(s) || cs[0].(map[string]any)["Next"] != want {
					t.Errorf("%s must go to %s and catch every error into %s", name, asl.StFailed, want)
				}
				continue
			}
			if !hasCatchAll(s) {
				t.Errorf("%s does not catch States.ALL", name)
			}
		case "Fail":
			if e, _ := s["Error"].(string); strings.HasPrefix(e, "States.") || s["ErrorPath"] != nil {
				t.Errorf("%s fails with a reserved or dynamic error name", name)
			}
		}
		if s["Type"] == "Map" {
			proc := states(t, s["ItemProcessor"].(map[string]any))
			for pn, ps := range proc {
				if ps["Type"] == "Task" && !hasCatchAll(ps) {
					t.Errorf("%s / %s does not catch States.ALL", name, pn)
				}
				if ps["Type"] == "Succeed" {
					t.Errorf("%s / %s succeeds", name, pn)
				}
			}
		}
	}
	if top[asl.StFailed]["Type"] != "Fail" || top[asl.StSucceeded]["Type"] != "Succeed" || top[asl.StNotifySuccess]["Next"] != asl.StSucceeded {
		t.Error("end states are wrong")
	}
	// Only the success notification leads to Succeeded.
	for name, s := range top {
		if s["Next"] == asl.StSucceeded && name != asl.StNotifySuccess {
			t.Errorf("%s goes to %s", name, asl.StSucceeded)
		}
	}
}

// TestRunPartition: the partition comes from the key, past the source's
// prefix ($.cfg.depth folders), and is passed to every job; its values
// (what follows "name=" in each folder) are registered in the catalog. A
// key with too few folders, a folder of another column, or an empty
// partition value is a bad key (its value could not be registered). The
// states are the partition layout's, shared by the sources of that layout.
func TestRunPartition(t *testing.T) {
	top := states(t, definition(t, compiler.Options{}))
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	sh := "Partitioned by year/month/day: "
	cfg := top["flights"]
	if cfg["Next"] != sh+"start" || cfg["ResultPath"] != "$.cfg" {
		t.Fatalf("flights: %s", js(cfg))
	}
	c := cfg["Result"].(map[string]any)
	if c["prefix"] != "raw/flights/" || c["depth"] != 2.0 || c["suffix"] != ".csv" || c["location"] != "s3://acme-flights-landing-dev/raw/flights/" {
		t.Errorf("flights' constants: %s", js(c))
	}
	if got, want := js(top[sh+"key folders"]["Parameters"]),
		`{"count.$":"States.ArrayLength(States.StringSplit($.key, '/'))","folders.$":"States.StringSplit($.key, '/')","need.$":"States.MathAdd($.cfg.depth, 4)"}`; got != want {
		t.Errorf("key folders:\n got %s\nwant %s", got, want)
	}
	if got := js(top[sh+"enough folders?"]["Choices"]); got != `[{"Next":"`+sh+`bad key","NumericLessThanPath":"$.keyparts.need","Variable":"$.keyparts.count"}]` {
		t.Errorf("enough folders: %s", got)
	}
	folder := func(i int) string {
		return fmt.Sprintf("States.ArrayGetItem($.keyparts.folders, States.MathAdd($.cfg.depth, %d))", i)
	}
	if got, want := js(top[sh+"partition folders"]["Parameters"].(map[string]any)["partition.$"]), `"States.Array(`+folder(0)+", "+folder(1)+", "+folder(2)+`)"`; got != want {
		t.Errorf("partition folders:\n got %s\nwant %s", got, want)
	}
	var rules []string
	for _, r := range top[sh+"partition values?"]["Choices"].([]any) {
		rules = append(rules, js(r))
	}
	for i, col := range []string{"year", "month", "day"} {
		f := fmt.Sprintf("$.keyparts.partition[%d]", i)
		not := `{"Next":"` + sh + `bad key","Not":{"StringMatches":"` + col + `=*","Variable":"` + f + `"}}`
		empty := `{"Next":"` + sh + `bad key","StringEquals":"` + col + `=","Variable":"` + f + `"}`
		if rules[2*i] != not || rules[2*i+1] != empty {
			t.Errorf("column %s: %s, %s", col, rules[2*i], rules[2*i+1])
		}
	}
	value := func(i int) string {
		return fmt.Sprintf("States.ArrayGetItem(States.StringSplit($.keyparts.partition[%d], '='), 1)", i)
	}
	want := `{"partition.$":"States.Format('{}/{}/{}', $.keyparts.partition[0], $.keyparts.partition[1], $.keyparts.partition[2])",` +
		`"values.$":"States.Array(` + value(0) + ", " + value(1) + ", " + value(2) + `)"}`
	if got := js(top[sh+"partition"]["Parameters"]); got != want || top[sh+"partition"]["Next"] != asl.StPartRun {
		t.Errorf("partition:\n got %s\nwant %s", got, want)
	}
	bad := js(top[sh+"bad key"])
	if !strings.Contains(bad, `"Cause.$":"States.Format('the run input {} has no object key of the form {}year=*/month=*/day=*/FILE{}', States.JsonToString($), $.cfg.prefix, $.cfg.suffix)"`) ||
		!strings.Contains(bad, `"source.$":"$.source"`) || !strings.Contains(bad, `"Error":"flowc.BadKey"`) {
		t.Errorf("bad key: %s", bad)
	}
	run := js(top[asl.StPartRun])
	for _, p := range []string{`"partition.$":"$.part.partition"`, `"values.$":"$.part.values"`, `"loads.$":"$.cfg.loads"`, `"every.$":"$.cfg.every"`, `"table.$":"$.source"`} {
		if !strings.Contains(run, p) {
			t.Errorf("run of the partition has no %s: %s", p, run)
		}
	}
}

// TestRunJobRetries: the Glue job task retries concurrent-run errors, and
// throttling under both the names it may surface as (Glue.AWSGlueException,
// the cause naming ThrottlingException, is what a throttled
// startJobRun.sync is reported to raise), bounded and with backoff; a
// failed job run (States.TaskFailed) is not retried.
func TestRunJobRetries(t *testing.T) {
	top := states(t, definition(t, compiler.Options{}))
	job := states(t, top[asl.StLoad]["ItemProcessor"].(map[string]any))[asl.StRunJob]
	var retries []struct {
		ErrorEquals     []string
		IntervalSeconds int
		MaxAttempts     int
		BackoffRate     float64
		MaxDelaySeconds int
		JitterStrategy  string
	}
	b, _ := json.Marshal(job["Retry"])
	if err := json.Unmarshal(b, &retries); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"Glue.ConcurrentRunsExceededException": false, "Glue.AWSGlueException": false, "Glue.ThrottlingException": false}
	for i, r := range retries {
		if r.MaxAttempts < 1 || r.MaxAttempts > 10 || r.BackoffRate < 2 || r.MaxDelaySeconds <= 0 || r.JitterStrategy != "FULL" {
			t.Errorf("retrier %d is unbounded or has no backoff: %s", i, b)
		}
		for _, e := range r.ErrorEquals {
			if e == "States.ALL" || e == "States.TaskFailed" {
				t.Errorf("retrier %d retries %s", i, e)
			}
			if seen, ok := want[e]; ok && seen {
				t.Errorf("%s in two retriers: only the first is used", e)
			}
			want[e] = true
		}
	}
	for e, seen := range want {
		if !seen {
			t.Errorf("no retry on %s: %s", e, b)
		}
	}
	if len(retries) == 0 || retries[0].ErrorEquals[0] != "Glue.ConcurrentRunsExceededException" {
		t.Errorf("concurrent runs must be the first retrier: %s", b)
	}
}

// TestResourcesInStackPartition: every Task's Resource, in the run and in
// the Map iterations, is exactly one placeholder of a service integration
// (layout.IntegrationResource), which the template fills with the ARN in
// the stack's partition; the definition never names the aws partition.
func TestResourcesInStackPartition(t *testing.T) {
	def := definition(t, compiler.Options{})
	n := 0
	var walk func(map[string]any)
	walk = func(d map[string]any) {
		for name, s := range states(t, d) {
			if p, ok := s["ItemProcessor"].(map[string]any); ok {
				walk(p)
			}
			if s["Type"] != "Task" {
				continue
			}
			n++
			r, _ := s["Resource"].(string)
			if _, ok := layout.IntegrationResource[strings.TrimSuffix(strings.TrimPrefix(r, "${"), "}")]; !ok || !strings.HasPrefix(r, "${") {
				t.Errorf("%s: Resource %q is not an integration placeholder", name, r)
			}
		}
	}
	walk(def)
	if n < 4 {
		t.Errorf("only %d Task states checked", n)
	}
	if b, _ := json.Marshal(def); strings.Contains(string(b), "arn:aws:") {
		t.Error("the definition names the aws partition")
	}
}

// TestObjectOutsideSourceEndsQuietly: the rule matches a bucket's objects
// by extension only, so the run of a key outside the source's location
// (another prefix of the bucket) ends at once in a final Pass state,
// before any work and without a notification; a key under the location
// goes on. The routing decides: "<source>/<key>" matched against
// "<source>/<prefix>*"; no match marks the input outside.
func TestObjectOutsideSourceEndsQuietly(t *testing.T) {
	top := states(t, definition(t, compiler.Options{}))
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	other := top[asl.StOtherObject]
	if other["Type"] != "Pass" || other["End"] != true || js(other["Parameters"]) != `{"flowc_no_run.$":"States.Format('not under {}', $.cfg.location)"}` {
		t.Fatalf("%s is %s, want a final Pass state (no run)", asl.StOtherObject, js(other))
	}
	if got, want := js(top[asl.StRouteObject]), `{"Choices":[{"Next":"flights","StringMatches":"flights/raw/flights/*","Variable":"$.flowc_route.sk"}],"Default":"`+asl.StOutside+`","Type":"Choice"}`; got != want {
		t.Errorf("prefix check:\n got %s\nwant %s", got, want)
	}
	if got := js(top[asl.StOutside]); got != `{"Next":"`+asl.StRoute+`","Result":{"outside":true},"ResultPath":"$.flowc_route","Type":"Pass"}` {
		t.Errorf("outside: %s", got)
	}
	if got := js(top["Partitioned by year/month/day: start"]["Choices"].([]any)[3]); got != `{"IsPresent":true,"Next":"`+asl.StOtherObject+`","Variable":"$.flowc_route.outside"}` {
		t.Errorf("outside check: %s", got)
	}
}

// TestSubjectsUnder100: SNS takes subjects of fewer than 100 characters.
// With the longest names validation allows (a 32-character pipeline, and
// the 24-character environment that keeps the role names within IAM's 64)
// both subjects fit whole within 99 bytes, and the message names the
// pipeline and the environment. Longer names (were validation to allow
// them) are cut before the outcome, which stays whole, never inside a UTF-8
// character. The emulator rejects subjects over 100 characters, so a
// regression also fails internal/e2e.
func TestSubjectsUnder100(t *testing.T) {
	pipeline := "p" + strings.Repeat("x", 31)
	env := "e" + strings.Repeat("n", 23)
	src := strings.Replace(strings.Replace(testspec.Gen(2), "pipeline: big", "pipeline: "+pipeline, 1), "\n  dev:\n", "\n  "+env+":\n", 1)
	out := testspec.Compile(t, src, env, compiler.Options{})
	var def map[string]any
	if err := json.Unmarshal(out.File(layout.StateMachinePath), &def); err != nil {
		t.Fatal(err)
	}
	top := states(t, def)
	for st, outcome := range map[string]string{asl.StNotifySuccess: ": run succeeded", asl.StNotifyFailure: ": run FAILED"} {
		p := top[st]["Parameters"].(map[string]any)
		subject := p["Subject"].(string)
		if want := "flowc " + pipeline + " (" + env + ")" + outcome; subject != want || len(subject) > 99 {
			t.Errorf("%s: subject %q (%d bytes), want %q", st, subject, len(subject), want)
		}
		if msg := p["Message.$"].(string); !strings.Contains(msg, pipeline) || !strings.Contains(msg, env) {
			t.Errorf("%s: the message does not name the pipeline and the environment: %s", st, msg)
		}
	}
	for _, who := range []string{"flowc " + pipeline + " (" + strings.Repeat("n", 90) + ")", "flowc " + strings.Repeat("é", 60)} {
		for _, outcome := range []string{": run succeeded", ": run FAILED"} {
			got := asl.SnsSubject(who, outcome)
			if len(got) > 99 || len(got) < 95 || !utf8.ValidString(got) || !strings.HasSuffix(got, "..."+outcome) || !strings.HasPrefix(got, who[:20]) {
				t.Errorf("cut of %q: %q (%d bytes)", who, got, len(got))
			}
		}
	}
}

// TestTablesFailIndependently: each iteration of the load Map catches
// every error of its job into a result (Table failed, ok false, the
// table, the run's partition and the error), so a failing job never fails
// the Map and stops the other jobs; a loaded table is a result with ok
// true. After the Map, a failed table sends the run to the failure
// notification with one cause listing every failed table; otherwise it
// goes to the success notification as before.
func TestTablesFailIndependently(t *testing.T) {
	top := states(t, definition(t, compiler.Options{}))
	load := top[asl.StLoad]
	if load["ResultPath"] != "$.results" || load["Next"] != asl.StAnyFailed || !hasCatchAll(load) || load["Catch"].([]any)[0].(map[string]any)["Next"] != asl.StReleaseOnFailure {
		t.Errorf("load Map: ResultPath %v, Next %v", load["ResultPath"], load["Next"])
	}
	proc := states(t, load["ItemProcessor"].(map[string]any))
	job := proc[asl.StRunJob]
	catches := job["Catch"].([]any)
	if len(catches) != 1 || catches[0].(map[string]any)["Next"] != asl.StTableFailed || !hasCatchAll(job) || job["Next"] != asl.StTableLoaded {
		t.Errorf("Run job must catch States.ALL into %s and go on to %s: %v", asl.StTableFailed, asl.StTableLoaded, job)
	}
	for name, ok := range map[string]bool{asl.StTableFailed: false, asl.StTableLoaded: true} {
		s := proc[name]
		p := s["Parameters"].(map[string]any)
		if s["Type"] != "Pass" || s["End"] != true || p["ok"] != ok || p["table.$"] != "$.table" {
			t.Errorf("%s: %v", name, s)
		}
		line, _ := p["line.$"].(string)
		for _, part := range []string{"$.table", "$.scope"} {
			if !strings.Contains(line, part) {
				t.Errorf("%s: line %s lacks %s", name, line, part)
			}
		}
		if !ok && (!strings.Contains(line, "$.error.Error") || !strings.Contains(line, "$.error.Cause")) {
			t.Errorf("%s: line %s lacks the error and its cause", name, line)
		}
	}
	for name, s := range proc {
		if s["Type"] == "Fail" {
			t.Errorf("%s: a Fail state in a load iteration fails the Map and stops the other tables", name)
		}
	}
	b, _ := json.Marshal(top[asl.StTablesFailed])
	if want := `{"Choices":[{"BooleanEquals":true,"Next":"` + asl.StListFailures + `","Variable":"$.outcome.failed"}],"Default":"` + asl.StReleaseOnSuccess + `","Type":"Choice"}`; string(b) != want {
		t.Errorf("%s:\n got %s\nwant %s", asl.StTablesFailed, b, want)
	}
	list := top[asl.StListFailures]
	p := list["Parameters"].(map[string]any)
	if list["Next"] != asl.StReleaseOnFailure || list["ResultPath"] != "$.error" || p["Error"] != asl.ErrTablesFailed ||
		!strings.Contains(p["Cause.$"].(string), "States.JsonToString($.results[?(@.ok == false)].line)") {
		t.Errorf("%s: %v", asl.StListFailures, list)
	}
}

// TestRegisterPartitionAsTableStores: a run of a partitioned source
// registers its partition with the StorageDescriptor of the source's
// AWS::Glue::Table, read at run time (glue:GetTable on $.run.table, which
// the source's run sets to its table), at the partition's folder under the
// table's location, with one glue:BatchCreatePartition call; the states
// are shared by every source; the run goes on to the load when Glue
// reports no error or AlreadyExistsException, and fails, notified, on any
// other error.
func TestRegisterPartitionAsTableStores(t *testing.T) {
	out := testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{})
	var def map[string]any
	if err := json.Unmarshal(out.File(layout.StateMachinePath), &def); err != nil {
		t.Fatal(err)
	}
	top := states(t, def)
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	run := top[asl.StPartRun]
	if run["Next"] != asl.StReadTable || run["Parameters"].(map[string]any)["table.$"] != "$.source" {
		t.Fatalf("the run does not register its partition in its source's table: %v", run)
	}
	read := top[asl.StReadTable]
	if got, want := js(read["Parameters"]), `{"DatabaseName":"flights_dev","Name.$":"$.run.table"}`; read["Resource"] != asl.ArnGetTable || got != want || !hasCatchAll(read) || read["Next"] != asl.StRegister {
		t.Errorf("read table: %v", read)
	}
	sel := read["ResultSelector"].(map[string]any)
	for _, m := range []string{"Columns", "Location", "InputFormat", "OutputFormat", "SerdeInfo"} {
		if sel[m+".$"] != "$.Table.StorageDescriptor."+m {
			t.Errorf("read table selects %v, want %s of the table's StorageDescriptor", sel, m)
		}
	}
	reg := top[asl.StRegister]
	params := reg["Parameters"].(map[string]any)
	if reg["Resource"] != asl.ArnBatchCreatePartition || params["DatabaseName"] != "flights_dev" || params["TableName.$"] != "$.run.table" || !hasCatchAll(reg) {
		t.Errorf("register task: %v", reg)
	}
	inputs := params["PartitionInputList"].([]any)
	if len(inputs) != 1 {
		t.Fatalf("%d partition inputs, want 1", len(inputs))
	}
	in := inputs[0].(map[string]any)
	if in["Values.$"] != "$.run.values" {
		t.Errorf("Values: %v", in)
	}
	want := `{"Columns.$":"$.catalog.Columns","InputFormat.$":"$.catalog.InputFormat",` +
		`"Location.$":"States.Format('{}{}/', $.catalog.Location, $.run.partition)",` +
		`"OutputFormat.$":"$.catalog.OutputFormat","SerdeInfo.$":"$.catalog.SerdeInfo"}`
	if got := js(in["StorageDescriptor"]); got != want {
		t.Errorf("StorageDescriptor\n got %s\nwant %s", got, want)
	}

	// The table's location is the source's, with a trailing "/".
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				TableInput struct {
					Name              string
					StorageDescriptor map[string]any
				}
			}
		}
	}
	if err := json.Unmarshal(out.File(layout.TemplatePath), &tmpl); err != nil {
		t.Fatal(err)
	}
	var tableSD map[string]any
	for _, r := range tmpl.Resources {
		if r.Type == "AWS::Glue::Crawler" {
			t.Error("the template has a Glue crawler")
		}
		if r.Type == "AWS::Glue::Table" && r.Properties.TableInput.Name == "flights" {
			tableSD = r.Properties.TableInput.StorageDescriptor
		}
	}
	if tableSD["Location"] != "s3://acme-flights-landing-dev/raw/flights/" {
		t.Errorf("table location %v", tableSD["Location"])
	}

	b, _ := json.Marshal(top[asl.StRegistered])
	want = `{"Choices":[{"Next":"` + asl.StEvery + `","Not":{"IsPresent":true,"Variable":"$.registered.Errors[0]"}},` +
		`{"Next":"` + asl.StEvery + `","StringEquals":"AlreadyExistsException","Variable":"$.registered.Errors[0].ErrorDetail.ErrorCode"}],` +
		`"Default":"` + asl.StNotRegistered + `","Type":"Choice"}`
	if string(b) != want {
		t.Errorf("registered?\n got %s\nwant %s", b, want)
	}
	bad := top[asl.StNotRegistered]
	if bad["Next"] != asl.StNotifyFailure || bad["ResultPath"] != "$.error" || bad["Parameters"].(map[string]any)["Error"] != asl.ErrNotRegistered {
		t.Errorf("not registered: %v", bad)
	}
	for name := range top {
		if strings.HasSuffix(strings.ToLower(name), "register partition") && name != asl.StRegister {
			t.Errorf("state %q: registration is not shared", name)
		}
	}
}

// TestOneRunPerPartition: an on_arrival run records its S3 event (a
// second delivery ends at Duplicate event), counts the arrival, takes the
// partition's lease (a held lease ends the run quietly, or is taken over
// from an execution that is no longer running), waits for quiet, takes a
// slot (at most runs.max_parallel_partitions), loads, releases the slot
// and, if no file arrived meanwhile, the lease; else it goes round again.
// A start by hand (no sequencer) skips the event record. Every failure
// after the lease releases it before the failure notification.
func TestOneRunPerPartition(t *testing.T) {
	src := strings.Replace(testspec.Example(t), "trigger: on_arrival ", "trigger: {on_arrival: {settle_seconds: 7, max_wait_seconds: 60}}", 1)
	src = strings.Replace(src, "\nalerts:", "\nruns: {max_parallel_partitions: 3}\nalerts:", 1)
	out := testspec.Compile(t, src, "dev", compiler.Options{SlotPollSeconds: 5})
	var def map[string]any
	if err := json.Unmarshal(out.File(layout.StateMachinePath), &def); err != nil {
		t.Fatal(err)
	}
	top := states(t, def)
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	run := top["flights"]["Result"].(map[string]any)["every"].(map[string]any)
	if run["settle"] != 7.0 || run["max_waits"] != 9.0 { // ceil(60 / 7)
		t.Errorf("settle %v, max_waits %v; want 7 and 9", run["settle"], run["max_waits"])
	}
	if got := js(top[asl.StArrival]["Choices"]); !strings.Contains(got, `"Next":"`+asl.StRecordArrival+`"`) || top[asl.StArrival]["Default"] != asl.StCountArrival {
		t.Errorf("a start by hand must skip the event record: %s", got)
	}
	rec := top[asl.StRecordArrival]
	if got := js(rec["Parameters"]); !strings.Contains(got, `"ConditionExpression":"attribute_not_exists(pk)"`) || !strings.Contains(got, "O#{}#{}#{}', $.run.source, $.key, $.sequencer") {
		t.Errorf("record arrival: %s", got)
	}
	if c := rec["Catch"].([]any)[0].(map[string]any); js(c["ErrorEquals"]) != `["DynamoDB.ConditionalCheckFailedException"]` || c["Next"] != asl.StDuplicate || top[asl.StDuplicate]["Type"] != "Pass" || top[asl.StDuplicate]["End"] != true {
		t.Errorf("a duplicate event must end quietly: %v", c)
	}
	if got := js(top[asl.StCountArrival]["Parameters"]); !strings.Contains(got, `"UpdateExpression":"ADD gen :one SET last_at = :t"`) {
		t.Errorf("count arrival: %s", got)
	}
	take := top[asl.StTakeLease]
	if got := js(take["Parameters"]); !strings.Contains(got, `"ConditionExpression":"attribute_not_exists(holder)"`) || take["Next"] != asl.StSettle {
		t.Errorf("take lease: %s", got)
	}
	if c := take["Catch"].([]any)[0].(map[string]any); c["Next"] != asl.StLeaseHeld {
		t.Errorf("a held lease must be looked at: %v", c)
	}
	if top[asl.StHolderRunning]["Default"] != asl.StTakeOver || !strings.Contains(js(top[asl.StTakeOver]["Parameters"]), `"ConditionExpression":"holder = :old"`) {
		t.Error("a lease whose holder is not running must be taken over, conditionally")
	}
	if top[asl.StWaitQuiet]["SecondsPath"] != "$.run.sel.settle" {
		t.Errorf("settle wait %v", top[asl.StWaitQuiet])
	}
	if got := js(top[asl.StQuiet]["Choices"]); !strings.Contains(got, `"StringEqualsPath":"$.lease.seen","Variable":"$.now.gen"`) || !strings.Contains(got, `"NumericGreaterThanEqualsPath":"$.run.sel.max_waits"`) {
		t.Errorf("quiet?: %s", got)
	}
	params := top[asl.StTakeSlot]["Parameters"].(map[string]any)
	if params["ConditionExpression"] != "attribute_not_exists(holders) OR size(holders) < :max" || !strings.Contains(js(params), `":max":{"N":"3"}`) {
		t.Errorf("take slot: %s", js(params))
	}
	if top[asl.StTakeSlot]["Next"] != asl.StLoad || top[asl.StWaitSlot]["Seconds"] != 5.0 {
		t.Errorf("slot: next %v, wait %v", top[asl.StTakeSlot]["Next"], top[asl.StWaitSlot]["Seconds"])
	}
	rel := top[asl.StReleaseLease]
	if got := js(rel["Parameters"]); !strings.Contains(got, `"ConditionExpression":"holder = :me AND gen = :seen"`) || rel["Next"] != asl.StNotifySuccess {
		t.Errorf("release lease: %s", got)
	}
	if c := rel["Catch"].([]any)[0].(map[string]any); c["Next"] != asl.StNextPass || top[asl.StNextPass]["Next"] != asl.StWiden || top[asl.StWiden]["Next"] != asl.StSettle {
		t.Error("a file that arrived during the load must make the run go round again")
	}
	// ... with every table and the source's settle window, also after a
	// start by hand for some tables.
	if w := top[asl.StWiden]; w["InputPath"] != "$.run.every" || w["ResultPath"] != "$.run.sel" || w["Parameters"] != nil {
		t.Errorf("next pass: %s", js(w))
	}
	if top[asl.StReleaseOnFailure]["Default"] != asl.StNotifyFailure || top[asl.StFailReleaseLease]["Next"] != asl.StNotifyFailure {
		t.Error("the failure path must release, then notify")
	}
	// Every Glue job allows as many runs as there are slots.
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(out.File(layout.TemplatePath), &tmpl); err != nil {
		t.Fatal(err)
	}
	jobs := 0
	for id, r := range tmpl.Resources {
		if r.Type == "AWS::Glue::Job" {
			jobs++
			if got := js(r.Properties["ExecutionProperty"]); got != `{"MaxConcurrentRuns":3}` {
				t.Errorf("%s: ExecutionProperty %s", id, got)
			}
		}
	}
	if jobs == 0 {
		t.Error("no Glue job")
	}
}

// TestNoRunEndings: the executions that end without a run of their own
// (duplicate event, arrival handed to the lease holder, object outside the
// source) end in a Pass state whose result is {"flowc_no_run": reason},
// which `flowc runs` reads to leave them out; the run's own end is the
// only Succeed state.
func TestNoRunEndings(t *testing.T) {
	all := states(t, definition(t, compiler.Options{}))
	ends := 0
	for name, st := range all {
		switch {
		case st["Type"] == "Succeed" && name != "Succeeded":
			t.Errorf("state %q is a Succeed: an execution ending there would look like a run", name)
		case st["Type"] == "Pass" && st["End"] == true:
			// A constant reason, or one built from the source's
			// constants (Parameters, the output of a Pass without
			// ResultPath).
			res, _ := st["Result"].(map[string]any)
			params, _ := st["Parameters"].(map[string]any)
			why, _ := res["flowc_no_run"].(string)
			built, _ := params["flowc_no_run.$"].(string)
			if why == "" && !strings.HasPrefix(built, "States.Format('not under {}'") {
				t.Errorf("final Pass %q has no flowc_no_run result: %v", name, st["Result"])
			}
			ends++
		}
	}
	for _, name := range []string{"Duplicate event", "Picked up by the running run"} {
		if st, ok := all[name]; !ok || st["Type"] != "Pass" {
			t.Errorf("state %q: %v", name, all[name])
		}
	}
	if ends < 3 {
		t.Errorf("%d no-run endings, want at least 3 (duplicate, picked up, other object)", ends)
	}
}

// TestExecutionTimeout: an execution is bounded (so a hung one frees its
// partition's lease): each table's Glue timeout twice, the longest settle
// wait, six hours for a slot. The example: 2 tables x 60 min x 2 + 900 s +
// 21600 s.
func TestExecutionTimeout(t *testing.T) {
	def := definition(t, compiler.Options{})
	if got, want := def["TimeoutSeconds"], float64(2*60*60*2+900+6*3600); got != want {
		t.Errorf("TimeoutSeconds %v, want %v", got, want)
	}
}

// TestStartByHand: an input {"source", "partition"} (no key) is routed
// into the partition's run: the partition is checked against the source's
// columns (one non-empty value per column, no more), its values are taken
// from it as a key's are, and the run goes through the route's run and
// registration to the shared lease, where it skips the settle window.
// "tables", when given, must be a non-empty list of the run's tables; the
// load skips the others and says so in its result.
func TestStartByHand(t *testing.T) {
	top := states(t, definition(t, compiler.Options{}))
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	first := top["Partitioned by year/month/day: start"]["Choices"].([]any)[0].(map[string]any)
	if js(first) != `{"IsPresent":true,"Next":"Partitioned by year/month/day: start by hand","Variable":"$.partition"}` {
		t.Errorf("a partition in the input must come first: %s", js(first))
	}
	if got, want := matchRules(top["Partitioned by year/month/day: start by hand"]), strings.Join([]string{
		"year=/* -> Partitioned by year/month/day: bad partition",
		"*/month=/* -> Partitioned by year/month/day: bad partition",
		"*/day= -> Partitioned by year/month/day: bad partition",
	}, "\n"); got != want {
		t.Errorf("empty value checks:\n%s\nwant\n%s", got, want)
	}
	if got := js(top["Partitioned by year/month/day: start by hand"]["Choices"]); !strings.Contains(got, `"StringMatches":"year=*/month=*/day=*"`) ||
		!strings.Contains(got, `{"Not":{"StringMatches":"year=*/month=*/day=*/*","Variable":"$.partition"}}`) {
		t.Errorf("layout check: %s", got)
	}
	bad := top["Partitioned by year/month/day: bad partition"]
	if got := js(bad); bad["Next"] != asl.StNotifyFailure || !strings.Contains(got, asl.ErrBadPartition) || !strings.Contains(got, "year=VALUE/month=VALUE/day=VALUE") {
		t.Errorf("bad partition: %s", got)
	}
	value := func(i int) string {
		return fmt.Sprintf("States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.partition, '/'), %d), '='), 1)", i)
	}
	byHand := top["Partitioned by year/month/day: partition by hand"]
	if got, want := js(byHand["Parameters"]),
		`{"partition.$":"$.partition","values.$":"States.Array(`+value(0)+", "+value(1)+", "+value(2)+`)"}`; got != want || byHand["Next"] != asl.StPartRun {
		t.Errorf("partition by hand:\n got %s\nwant %s", got, want)
	}
	// After the registration: every table, then by hand no settle window.
	if reg := js(top[asl.StRegistered]); !strings.Contains(reg, `"Next":"`+asl.StEvery+`"`) {
		t.Errorf("registered: %s", reg)
	}
	if e := top[asl.StEvery]; e["InputPath"] != "$.run.every" || e["ResultPath"] != "$.run.sel" || e["Next"] != asl.StArrival {
		t.Errorf("every table: %s", js(e))
	}
	arr := top[asl.StArrival]["Choices"].([]any)[0].(map[string]any)
	if js(arr) != `{"IsPresent":true,"Next":"`+asl.StHandSel+`","Variable":"$.partition"}` {
		t.Errorf("event or start by hand: %s", js(arr))
	}
	if p := top[asl.StHandSel]["Parameters"].(map[string]any); p["settle"] != 0.0 || p["only.$"] != "$.run.every.only" || top[asl.StHandSel]["ResultPath"] != "$.run.sel" {
		t.Errorf("by hand: %s", js(top[asl.StHandSel]))
	}
	given := top[asl.StTablesGiven]
	if got := js(given); given["Default"] != asl.StBadTables || !strings.Contains(got, `"Next":"`+asl.StCountArrival+`"`) ||
		!strings.Contains(got, `{"IsPresent":true,"Next":"`+asl.StCheckTables+`","Variable":"$.tables[0]"}`) {
		t.Errorf("tables given?: %s", got)
	}
	check := top[asl.StCheckTables]
	if c := check["Catch"].([]any)[0].(map[string]any); c["Next"] != asl.StBadTables || check["Next"] != asl.StOnlyTables {
		t.Errorf("check tables: %s", js(check))
	}
	if got := js(check["ItemProcessor"]); !strings.Contains(got, `"known.$":"States.ArrayContains($.every, $.table)"`) || !strings.Contains(got, `"Error":"`+asl.ErrBadTables+`"`) {
		t.Errorf("check tables processor: %s", got)
	}
	if b := top[asl.StBadTables]; b["Next"] != asl.StNotifyFailure || !strings.Contains(js(b), asl.ErrBadTables) {
		t.Errorf("bad tables: %s", js(b))
	}
	only := top[asl.StOnlyTables]
	if p := only["Parameters"].(map[string]any); p["only.$"] != "$.tables" || p["settle"] != 0.0 || only["ResultPath"] != "$.run.sel" || only["Next"] != asl.StCountArrival {
		t.Errorf("only the given tables: %s", js(only))
	}
	// The load: each iteration is selected by its table, a skipped one
	// is ok and skipped.
	load := top[asl.StLoad]
	if load["ItemSelector"].(map[string]any)["only.$"] != "$.run.sel.only" {
		t.Errorf("load item selector: %s", js(load["ItemSelector"]))
	}
	proc := load["ItemProcessor"].(map[string]any)
	ps := states(t, proc)
	if proc["StartAt"] != asl.StIsSelected || !strings.Contains(js(ps[asl.StIsSelected]), "States.ArrayContains($.only, $.table)") {
		t.Errorf("load processor start: %s", js(proc))
	}
	if got := js(ps[asl.StTableSkipped]); !strings.Contains(got, `"ok":true`) || !strings.Contains(got, `"skipped":true`) {
		t.Errorf("skipped table: %s", got)
	}
	// Messages name the pass's tables.
	if got := js(top[asl.StNotifySuccess]); !strings.Contains(got, "$.run.sel.tables") {
		t.Errorf("success message: %s", got)
	}
}

// TestOneStatePerSource: each source adds one state of its own (its
// constants), named after it; every other state is shared (issue 15).
func TestOneStatePerSource(t *testing.T) {
	out := testspec.Compile(t, testspec.Wide(3, 3), "dev", compiler.Options{})
	var def map[string]any
	if err := json.Unmarshal(out.File(layout.StateMachinePath), &def); err != nil {
		t.Fatal(err)
	}
	var own []string
	for name := range states(t, def) {
		if strings.Contains(name, "s000") {
			own = append(own, name)
		}
	}
	sort.Strings(own)
	if got := strings.Join(own, ", "); got != "s0000, s0001, s0002" {
		t.Errorf("states of the sources: %s", got)
	}
}
