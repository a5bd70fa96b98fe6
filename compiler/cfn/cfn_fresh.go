package cfn

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/cloudwatch"
	"github.com/awslabs/goformation/v7/cloudformation/stepfunctions"
)

// idFreshnessFailedAlarm is the alarm on failed freshness checks.
const idFreshnessFailedAlarm = "FreshnessChecksFailedAlarm"

// freshnessCheck adds, when a source has freshness, the freshness check
// (compiler/asl, asl_fresh.go): a STANDARD state machine the pipeline's
// state machine starts at each arrival, its role, and an alarm on its
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
	t.Resources[idFreshnessFailedAlarm] = alertAlarm(n.FreshnessMachine()+"-failed",
		"flowc: a freshness check of "+n.Stack()+" failed, so a late source may not have been reported; see the executions of "+n.FreshnessMachine(),
		"AWS/States", "ExecutionsFailed", "Sum",
		cloudwatch.Alarm_Dimension{Name: "StateMachineArn", Value: cloudformation.Ref(idFreshnessMachine)})
}
