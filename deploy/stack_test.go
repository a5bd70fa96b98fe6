package deploy

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

func event(id, typ, status, reason string) cfntypes.StackEvent {
	return cfntypes.StackEvent{
		LogicalResourceId: aws.String(id), ResourceType: aws.String(typ), PhysicalResourceId: aws.String(id + "-phys"),
		ResourceStatus: cfntypes.ResourceStatus(status), ResourceStatusReason: aws.String(reason),
	}
}

// TestFirstFailure: the cascade (resources cancelled because another one
// failed, the stack's own summary) is not the cause.
func TestFirstFailure(t *testing.T) {
	stack := event("flights-dev", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated")
	stack.PhysicalResourceId = aws.String("arn:stack")
	events := []cfntypes.StackEvent{
		stack,
		event("Topic", "AWS::SNS::Topic", "CREATE_IN_PROGRESS", ""),
		event("Job", "AWS::Glue::Job", "CREATE_FAILED", "Resource creation cancelled"),
		event("Bucket", "AWS::S3::Bucket", "CREATE_FAILED", "acme already exists"),
		event("Role", "AWS::IAM::Role", "CREATE_FAILED", "Resource creation cancelled"),
	}
	f := firstFailure(events, "arn:stack")
	if f == nil || f.LogicalID != "Bucket" || f.Reason != "acme already exists" {
		t.Fatalf("first failure %+v", f)
	}
	if got := f.String(); got != "Bucket (AWS::S3::Bucket) CREATE_FAILED: acme already exists" {
		t.Errorf("String() = %q", got)
	}
	if f := firstFailure(events[:3], "arn:stack"); f == nil || f.LogicalID != "Job" {
		t.Errorf("only cancellations: %+v, want the first of them", f)
	}
	if f := firstFailure(events[:2], "arn:stack"); f != nil {
		t.Errorf("no failure: %+v", f)
	}
}

func TestEventLine(t *testing.T) {
	got := eventLine(event("Bucket", "AWS::S3::Bucket", "CREATE_FAILED", "name\n  taken"))
	want := "  CREATE_FAILED                AWS::S3::Bucket                      Bucket  name taken"
	if got != want {
		t.Errorf("eventLine:\n got %q\nwant %q", got, want)
	}
}
