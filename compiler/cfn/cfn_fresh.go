package cfn

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/cloudwatch"
	"github.com/awslabs/goformation/v7/cloudformation/events"
	"github.com/awslabs/goformation/v7/cloudformation/stepfunctions"

	"github.com/flowc-dev/flowc/layout"
)

// Logical IDs of the freshness check's resources besides its state
// machine and role.
const (
	idFreshnessFailedAlarm = "FreshnessChecksFailedAlarm"
	idFreshnessRule        = "FreshnessCheckRule"
)

// freshnessCheck adds, when a source has freshness, the freshness check
// (compiler/asl, asl_fresh.go): a STANDARD state machine, the rule that
// starts it on the event the pipeline's state machine puts at each arrival
// (the event's detail is its input; the events role may start it; the
// rule's target retries and dead-letters like the trigger rules'), its
// role, and an alarm on its
// failed executions (a check that cannot read the runs table or publish
// sends no alert of its own). Its role may read the runs table, publish to
// the alert topic and use the topic's key; nothing else. It keeps no
// execution logs: its history (90 days) says what it did.
func (c *cfn) freshnessCheck(t *cloudformation.Template) {
	if c.fresh == nil {
		return
	}
	n := c.pl.Names
	r := role(n.FreshnessRole(), "flowc: the freshness checks of "+n.Stack(), "states.amazonaws.com",
		inline("check-freshness",
			allow("ReadLastArrivals", []string{"dynamodb:GetItem"}, cloudformation.GetAtt(idRunsTable, "Arn")),
			allow("PublishAlerts", []string{"sns:Publish"}, cloudformation.Ref(idAlertTopic))))
	t.Resources[idFreshnessRole] = trustFrom(stateMachineMayUseAlertKey(r), "states.amazonaws.com", []string{arn("states", "stateMachine:"+n.FreshnessMachine())})
	t.Resources[idFreshnessMachine] = &stepfunctions.StateMachine{
		StateMachineName:        cloudformation.String(n.FreshnessMachine()),
		StateMachineType:        cloudformation.String("STANDARD"),
		RoleArn:                 cloudformation.GetAtt(idFreshnessRole, "Arn"),
		Definition:              c.fresh,
		DefinitionSubstitutions: c.definitionSubstitutions(c.fresh),
	}
	rule := &events.Rule{
		// EventBridge rule names: [\.\-_A-Za-z0-9]+, 1 to 64 characters
		// (AWS::Events::Rule Name, CloudFormation User Guide).
		Name:        cloudformation.String(n.FreshnessRule()),
		Description: cloudformation.String("flowc: starts a freshness check of " + n.Stack() + " at each arrival of a source with freshness"),
		State:       cloudformation.String("ENABLED"),
		EventPattern: map[string]any{
			"source":      []string{layout.FreshnessEventSource(n.Stack())},
			"detail-type": []string{layout.FreshnessDetailType},
		},
		Targets: []events.Rule_Target{{
			Id:        "FreshnessCheck",
			Arn:       cloudformation.Ref(idFreshnessMachine),
			RoleArn:   cloudformation.GetAttPtr(idEventsRole, "Arn"),
			InputPath: cloudformation.String("$.detail"),
		}},
	}
	deliverOrDeadLetter(rule, cloudformation.GetAttPtr(idDeadLetterQueue, "Arn"))
	t.Resources[idFreshnessRule] = rule
	t.Resources[idFreshnessFailedAlarm] = alertAlarm(n.FreshnessMachine()+"-failed",
		"flowc: a freshness check of "+n.Stack()+" failed, so a late source may not have been reported; see the executions of "+n.FreshnessMachine(),
		"AWS/States", "ExecutionsFailed", "Sum",
		cloudwatch.Alarm_Dimension{Name: "StateMachineArn", Value: cloudformation.Ref(idFreshnessMachine)})
}
