package cfn_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/layout"
)

// TestFreshnessCheckResources: with freshness the template has the check's
// state machine (its definition filled like the pipeline's), a role that
// may only read the runs table, publish to the alert topic and use its key,
// trusted by that state machine alone, an alarm on failed checks to the
// topic, and the rule that starts it on the pipeline's event (through the
// events role, with the trigger rules' retries and dead-letter queue); the
// pipeline's role may put events on the default bus.
// Without freshness the template has none of these.
func TestFreshnessCheckResources(t *testing.T) {
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	src := strings.Replace(testspec.Example(t), "    trigger: on_arrival ", "    freshness: {warn_after: 26h}\n    trigger: on_arrival ", 1)
	tm := parseTemplate(t, testspec.Compile(t, src, "dev", compiler.Options{}).File(layout.TemplatePath))
	sm, ok := tm.Resources["FreshnessStateMachine"]
	if !ok || sm.Type != "AWS::StepFunctions::StateMachine" {
		t.Fatalf("no freshness state machine: %+v", sm)
	}
	if sm.Properties["StateMachineName"] != "flights-dev-freshness" || sm.Properties["StateMachineType"] != "STANDARD" {
		t.Errorf("freshness state machine: %s", js(sm.Properties))
	}
	subs := js(sm.Properties["DefinitionSubstitutions"])
	for _, want := range []string{`"RunsTable":{"Ref":"RunsTable"}`, `"AlertTopicArn":{"Ref":"AlertTopic"}`, `"DynamoDBGetItemArn":{"Fn::Sub":"arn:${AWS::Partition}:states:::dynamodb:getItem"}`, `"SnsPublishArn"`} {
		if !strings.Contains(subs, want) {
			t.Errorf("check substitutions lack %s: %s", want, subs)
		}
	}
	role := js(tm.Resources["FreshnessStateMachineRole"].Properties)
	for _, want := range []string{`{"Action":["dynamodb:GetItem"],"Effect":"Allow","Resource":[{"Fn::GetAtt":["RunsTable","Arn"]}]`, `{"Action":["sns:Publish"],"Effect":"Allow","Resource":[{"Ref":"AlertTopic"}]`,
		`"kms:Decrypt","kms:GenerateDataKey"`, `stateMachine:flights-dev-freshness"`, `"aws:SourceAccount"`} {
		if !strings.Contains(role, want) {
			t.Errorf("check role lacks %s: %s", want, role)
		}
	}
	if n := strings.Count(role, `"Action"`); n != 4 { // trust + three allows
		t.Errorf("check role has %d statements, want 4: %s", n, role)
	}
	main := js(tm.Resources["StateMachineRole"].Properties)
	if !strings.Contains(main, `{"Action":["events:PutEvents"],"Effect":"Allow","Resource":[{"Fn::Sub":"arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"}],"Sid":"StartFreshnessChecks"}`) {
		t.Errorf("pipeline role cannot put the check's event: %s", main)
	}
	msubs := js(tm.Resources["StateMachine"].Properties["DefinitionSubstitutions"])
	if !strings.Contains(msubs, `"EventsPutEventsArn":{"Fn::Sub":"arn:${AWS::Partition}:states:::events:putEvents"}`) {
		t.Errorf("pipeline substitutions: %s", msubs)
	}
	rule := js(tm.Resources["FreshnessCheckRule"].Properties)
	for _, want := range []string{`"EventPattern":{"detail-type":["flowc freshness check"],"source":["flowc.flights-dev"]}`, `"Arn":{"Ref":"FreshnessStateMachine"}`, `"InputPath":"$.detail"`,
		`"RoleArn":{"Fn::GetAtt":["EventsRole","Arn"]}`, `"DeadLetterConfig":{"Arn":{"Fn::GetAtt":["TriggerDeadLetterQueue","Arn"]}}`, `"Name":"flights-dev-freshness_check"`} {
		if !strings.Contains(rule, want) {
			t.Errorf("rule lacks %s: %s", want, rule)
		}
	}
	events := js(tm.Resources["EventsRole"].Properties)
	if !strings.Contains(events, `"Resource":[{"Ref":"StateMachine"},{"Ref":"FreshnessStateMachine"}]`) || !strings.Contains(events, "rule/flights-dev-freshness_check") {
		t.Errorf("events role: %s", events)
	}
	if q := js(tm.Resources["TriggerDeadLetterQueuePolicy"].Properties); !strings.Contains(q, "rule/flights-dev-freshness_check") {
		t.Errorf("the rule cannot dead-letter: %s", q)
	}
	alarm := js(tm.Resources["FreshnessChecksFailedAlarm"].Properties)
	if !strings.Contains(alarm, `"MetricName":"ExecutionsFailed"`) || !strings.Contains(alarm, `{"Ref":"FreshnessStateMachine"}`) || !strings.Contains(alarm, `"AlarmActions":[{"Ref":"AlertTopic"}]`) {
		t.Errorf("alarm: %s", alarm)
	}
	if policy := js(tm.Resources["AlertTopicPolicy"].Properties); !strings.Contains(policy, "alarm:flights-dev-freshness-failed") {
		t.Errorf("the topic policy does not let the alarm publish: %s", policy)
	}

	plain := parseTemplate(t, testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{}).File(layout.TemplatePath))
	for _, id := range []string{"FreshnessStateMachine", "FreshnessStateMachineRole", "FreshnessChecksFailedAlarm", "FreshnessCheckRule"} {
		if _, ok := plain.Resources[id]; ok {
			t.Errorf("%s without freshness", id)
		}
	}
}

// TestFreshnessRuleApartFromSources: a source named freshness has the rule
// <base>-freshness; the freshness check's rule is another (a bug found in
// review: both were named <base>-freshness, and the stack could not be
// created with two rules of one name).
func TestFreshnessRuleApartFromSources(t *testing.T) {
	src := strings.Replace(testspec.Example(t), "    trigger: on_arrival ", "    freshness: {warn_after: 26h}\n    trigger: on_arrival ", 1)
	src = strings.Replace(src, "\n  flights:\n", "\n  freshness:\n", 1)
	src = strings.ReplaceAll(src, "from: flights", "from: freshness")
	tm := parseTemplate(t, testspec.Compile(t, src, "dev", compiler.Options{}).File(layout.TemplatePath))
	names := map[string]string{}
	for id, r := range tm.Resources {
		if r.Type != "AWS::Events::Rule" {
			continue
		}
		name, _ := r.Properties["Name"].(string)
		if other, ok := names[name]; ok {
			t.Errorf("rules %s and %s are both named %s", other, id, name)
		}
		names[name] = id
	}
	if _, ok := names["flights-dev-freshness"]; !ok || len(names) < 2 {
		t.Errorf("want the source freshness's rule flights-dev-freshness and the check's: %v", names)
	}
}
