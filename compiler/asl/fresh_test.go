package asl_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/compiler/asl"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/layout"
)

// freshSpec is the example with freshness on its triggered source.
func freshSpec(t *testing.T, freshness string) string {
	t.Helper()
	src := testspec.Example(t)
	out := strings.Replace(src, "    trigger: on_arrival ", "    freshness: "+freshness+"\n    trigger: on_arrival ", 1)
	if out == src {
		t.Fatal("example has no on_arrival trigger to edit")
	}
	return out
}

// TestFreshnessWatch: with freshness, a recorded S3 event (not a start by
// hand, not a duplicate) records the source's last arrival and puts the
// event that starts the freshness check, then counts the arrival as before; neither step can
// fail the run. Without freshness the run has none of these states and no
// freshness check is built.
func TestFreshnessWatch(t *testing.T) {
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	out := testspec.Compile(t, freshSpec(t, "{warn_after: 26h, error_after: 50h}"), "dev", compiler.Options{})
	var def map[string]any
	if err := json.Unmarshal(out.File(layout.StateMachinePath), &def); err != nil {
		t.Fatal(err)
	}
	top := states(t, def)
	if top[asl.StRecordArrival]["Next"] != asl.StWatchFreshness || top[asl.StArrival]["Default"] != asl.StCountArrival {
		t.Errorf("an event goes through the watch, a start by hand does not: %v / %v", top[asl.StRecordArrival]["Next"], top[asl.StArrival]["Default"])
	}
	run := top["flights"]["Result"].(map[string]any)
	if got := js(run["freshness"]); got != `{"error_after":"50h","rest":86400,"warn":93600,"warn_after":"26h"}` {
		t.Errorf("run freshness %s", got)
	}
	rec := js(top[asl.StRecordLast]["Parameters"])
	for _, want := range []string{`F#{}', $.run.source`, `"SET #l = :l, #a = :t, #w = :me"`, `":me":{"S.$":"$$.Execution.Id"}`, `":l":{"S.$":"$.run.scope"}`} {
		if !strings.Contains(rec, want) {
			t.Errorf("record last arrival lacks %s: %s", want, rec)
		}
	}
	start := top[asl.StStartWatch]
	if start["Resource"] != "${"+layout.IntegrationEventsPutEvents+"}" || start["Next"] != asl.StCountArrival {
		t.Errorf("start check: %s", js(start))
	}
	if got := js(start["Parameters"]); !strings.Contains(got, `"DetailType":"`+layout.FreshnessDetailType+`","Source":"flowc.flights-dev"`) || !strings.Contains(got, `"watch.$":"$$.Execution.Id"`) ||
		!strings.Contains(got, `"freshness.$":"$.run.freshness"`) {
		t.Errorf("start check parameters: %s", got)
	}
	for _, name := range []string{asl.StRecordLast, asl.StStartWatch} {
		c := top[name]["Catch"].([]any)[0].(map[string]any)
		if c["Next"] != asl.StCountArrival || c["ResultPath"] != "$.freshness_error" {
			t.Errorf("%s: a failure must not fail the run: %v", name, c)
		}
	}

	// The check.
	var check map[string]any
	if err := json.Unmarshal(out.File(layout.FreshnessMachinePath), &check); err != nil {
		t.Fatal(err)
	}
	cs := states(t, check)
	if check["TimeoutSeconds"] != 50*3600.0+3600 {
		t.Errorf("check timeout %v", check["TimeoutSeconds"])
	}
	for _, n := range []struct{ state, severity, limit string }{{asl.FsNotifyWarn, "warn", "warn_after"}, {asl.FsNotifyError, "error", "error_after"}} {
		p := js(cs[n.state]["Parameters"])
		for _, want := range []string{`"severity":{"DataType":"String","StringValue":"` + n.severity + `"}`, `"outcome":{"DataType":"String","StringValue":"failure"}`,
			"$.freshness." + n.limit, "$.last", "$.arrived", "$.source", `"Subject":"flowc flights (dev): source late (` + strings.ToUpper(n.severity) + `)"`} {
			if !strings.Contains(p, want) {
				t.Errorf("%s lacks %s: %s", n.state, want, p)
			}
		}
	}
	// Each alert is reached only through a comparison of the recorded
	// watch with the check's own.
	for name, s := range cs {
		if s["Type"] != "Choice" {
			continue
		}
		for _, c := range s["Choices"].([]any) {
			c := c.(map[string]any)
			if (c["Next"] == asl.FsNotifyWarn || c["Next"] == asl.FsNotifyError) && (c["Variable"] != "$.now.Item.watch.S" || c["StringEqualsPath"] != "$.watch") {
				t.Errorf("%s alerts without comparing the watch: %v", name, c)
			}
		}
		if s["Default"] != asl.FsFresh && strings.HasPrefix(name, "Still the last") {
			t.Errorf("%s: a newer arrival must end the check quietly", name)
		}
	}

	// Without freshness: nothing of it.
	plain := testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{})
	if plain.File(layout.FreshnessMachinePath) != nil {
		t.Error("freshness check built without freshness")
	}
	if s := string(plain.File(layout.StateMachinePath)); strings.Contains(s, asl.StWatchFreshness) || strings.Contains(s, layout.IntegrationEventsPutEvents) {
		t.Error("watch states without freshness")
	}
}

// TestFreshnessErrorOnly: with error_after alone the check waits it whole
// and never warns.
func TestFreshnessErrorOnly(t *testing.T) {
	out := testspec.Compile(t, freshSpec(t, "{error_after: 2d}"), "dev", compiler.Options{})
	var def map[string]any
	if err := json.Unmarshal(out.File(layout.StateMachinePath), &def); err != nil {
		t.Fatal(err)
	}
	run := states(t, def)["flights"]["Result"].(map[string]any)
	f := run["freshness"].(map[string]any)
	if f["warn"] != 0.0 || f["rest"] != 172800.0 {
		t.Errorf("freshness %v: want warn 0, rest 172800", f)
	}
}
