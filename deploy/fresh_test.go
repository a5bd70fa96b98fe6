package deploy

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestLastArrivals: a source's last arrival is its newest execution an S3
// event started (with a sequencer) that was a run or was handed to the
// running run; starts by hand, duplicate events and objects outside the
// source do not count. Reading stops once every source has one, and at
// Since.
func TestLastArrivals(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	f := &fakeSFN{inputs: map[string]string{}, outputs: map[string]string{}}
	add := func(source, day, seq, out string) {
		i := len(f.execs)
		arn := fmt.Sprintf("arn:x:uuid-%d", i)
		f.execs = append(f.execs, sfntypes.ExecutionListItem{ExecutionArn: aws.String(arn), Name: aws.String(fmt.Sprintf("uuid-%d", i)),
			Status: sfntypes.ExecutionStatusSucceeded, StartDate: aws.Time(now.Add(-time.Duration(i) * time.Hour))})
		in := `{"source":"` + source + `","bucket":"b","key":"raw/` + source + `/year=2001/month=01/day=` + day + `/f.csv"`
		if seq != "" {
			in += `,"sequencer":"` + seq + `"`
		}
		f.inputs[arn] = in + "}"
		f.outputs[arn] = out
	}
	add("flights", "20", "", `{"results":[]}`)                                                  // 0: a start by hand
	add("flights", "19", "0A", `{"flowc_no_run":"duplicate event"}`)                            // 1: a duplicate
	add("flights", "18", "0B", `{"flowc_no_run":"handed to the running run of the partition"}`) // 2: the last arrival
	add("flights", "17", "0C", `{"results":[]}`)                                                // 3
	add("delays", "16", "0D", `{"results":[]}`)                                                 // 4
	add("delays", "15", "0E", `{"results":[]}`)                                                 // 5: read in 4's batch
	add("delays", "14", "0F", `{"results":[]}`)                                                 // 6: never read
	layouts := []SourceLayout{{Name: "flights", Prefix: "raw/flights/", Columns: []string{"year", "month", "day"}}, {Name: "delays", Prefix: "raw/delays/", Columns: []string{"year", "month", "day"}}}
	p := &Pipeline{SFN: f, Parallel: 2, Sources: layouts}
	last, err := p.LastArrivals(context.Background(), time.Time{}, []string{"flights", "delays"})
	if err != nil {
		t.Fatal(err)
	}
	if r := last["flights"]; r.Name != "uuid-2" || r.Partition != "year=2001/month=01/day=18" || !r.Started.Equal(now.Add(-2*time.Hour)) {
		t.Errorf("flights: %+v; want uuid-2, day 18", r)
	}
	if r := last["delays"]; r.Name != "uuid-4" || r.Partition != "year=2001/month=01/day=16" {
		t.Errorf("delays: %+v; want uuid-4, day 16", r)
	}
	for _, arn := range f.described {
		if arn == "arn:x:uuid-6" {
			t.Error("read past the arrivals it needed")
		}
	}
	// Since: nothing of delays within 3h30m.
	last, err = p.LastArrivals(context.Background(), now.Add(-3*time.Hour-30*time.Minute), []string{"flights", "delays"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := last["delays"]; ok || last["flights"].Name != "uuid-2" {
		t.Errorf("since 3h30m: %+v", last)
	}
}

// TestDefinitionsWithFreshness: with the freshness check beside it, the
// pipeline's state machine keeps its build path in a diff, and the check
// has its own (freshness.asl.json), as flowc build writes them.
func TestDefinitionsWithFreshness(t *testing.T) {
	body := []byte(`{"Resources": {
	  "StateMachine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": {"StartAt": "A"}}},
	  "FreshnessStateMachine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": {"StartAt": "B"}}}}}`)
	tm, err := parseTemplate(body)
	if err != nil {
		t.Fatal(err)
	}
	defs := definitions(tm)
	if len(defs) != 2 || !strings.Contains(string(defs["statemachine.asl.json"]), `"A"`) || !strings.Contains(string(defs["freshness.asl.json"]), `"B"`) {
		t.Errorf("definitions: %q", defs)
	}
}
