package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// describeStack returns the stack, or nil when it does not exist (or was
// deleted: a stack ID also finds DELETE_COMPLETE stacks).
func (d *Deployer) describeStack(ctx context.Context, nameOrID string) (*cfntypes.Stack, error) {
	out, err := d.c.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &nameOrID})
	if err != nil {
		if stackMissing(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("describing stack %s: %w", nameOrID, awsErr(err))
	}
	if len(out.Stacks) == 0 || out.Stacks[0].StackStatus == cfntypes.StackStatusDeleteComplete {
		return nil, nil
	}
	return &out.Stacks[0], nil
}

// inProgress reports whether a stack status is an operation that has not
// settled yet. REVIEW_IN_PROGRESS (a stack created by a change set that
// was never executed) is settled: nothing is running.
func inProgress(status cfntypes.StackStatus) bool {
	s := string(status)
	return strings.HasSuffix(s, "_IN_PROGRESS") && status != cfntypes.StackStatusReviewInProgress
}

// failedStatus reports whether a settled status means the last operation
// failed.
func failedStatus(status cfntypes.StackStatus) bool {
	s := string(status)
	return strings.Contains(s, "ROLLBACK") || strings.HasSuffix(s, "_FAILED")
}

// opKind is the kind of stack operation flowc waits for.
type opKind int

const (
	opCreate opKind = iota
	opUpdate
	opDelete
)

func kindOf(status cfntypes.StackStatus) opKind {
	s := string(status)
	switch {
	case strings.HasPrefix(s, "DELETE"):
		return opDelete
	case strings.HasPrefix(s, "CREATE"), strings.HasPrefix(s, "ROLLBACK"):
		return opCreate
	}
	return opUpdate
}

// waitSettled waits with the SDK's stack waiters until no operation is in
// progress on the stack, streaming its new events to Out. It returns the
// settled stack, or nil when the stack is gone.
func (d *Deployer) waitSettled(ctx context.Context, stackID string, kind opKind, ev *eventStream) (*cfntypes.Stack, error) {
	var last *cfntypes.Stack
	gone := false
	retryable := func(ctx context.Context, _ *cloudformation.DescribeStacksInput, out *cloudformation.DescribeStacksOutput, err error) (bool, error) {
		if ev != nil {
			ev.poll(ctx)
		}
		if err != nil {
			if stackMissing(err) {
				gone = true
				return false, nil
			}
			if ctx.Err() != nil { // Ctrl-C, or the waiter's maximum wait
				return false, err
			}
			return false, awsErr(err)
		}
		if len(out.Stacks) == 0 {
			gone = true
			return false, nil
		}
		last = &out.Stacks[0]
		if last.StackStatus == cfntypes.StackStatusDeleteComplete {
			gone = true
		}
		return inProgress(last.StackStatus), nil
	}
	in := &cloudformation.DescribeStacksInput{StackName: &stackID}
	minDelay, maxDelay := d.opt.Poll, 4*d.opt.Poll
	var err error
	switch kind {
	case opCreate:
		w := cloudformation.NewStackCreateCompleteWaiter(d.c.CFN, func(o *cloudformation.StackCreateCompleteWaiterOptions) {
			o.MinDelay, o.MaxDelay, o.Retryable = minDelay, maxDelay, retryable
		})
		_, err = w.WaitForOutput(ctx, in, d.opt.MaxWait)
	case opUpdate:
		w := cloudformation.NewStackUpdateCompleteWaiter(d.c.CFN, func(o *cloudformation.StackUpdateCompleteWaiterOptions) {
			o.MinDelay, o.MaxDelay, o.Retryable = minDelay, maxDelay, retryable
		})
		_, err = w.WaitForOutput(ctx, in, d.opt.MaxWait)
	case opDelete:
		w := cloudformation.NewStackDeleteCompleteWaiter(d.c.CFN, func(o *cloudformation.StackDeleteCompleteWaiterOptions) {
			o.MinDelay, o.MaxDelay, o.Retryable = minDelay, maxDelay, retryable
		})
		_, err = w.WaitForOutput(ctx, in, d.opt.MaxWait)
	}
	if err != nil {
		if ctx.Err() != nil {
			return last, ctx.Err()
		}
		var ae *awsError
		if errors.As(err, &ae) {
			return last, err
		}
		status := "unknown"
		if last != nil {
			status = string(last.StackStatus)
		}
		return last, fmt.Errorf("stack %s did not settle within %s (last status %s): %w", stackID, d.opt.MaxWait, status, err)
	}
	if gone {
		return nil, nil
	}
	return last, nil
}

// eventStream prints a stack's new events, oldest first, and keeps them.
type eventStream struct {
	d      *Deployer
	stack  string // stack ID
	marker string // newest event before the operation started
	seen   map[string]bool
	events []cfntypes.StackEvent // this operation's events, oldest first
}

// newEventStream remembers the stack's newest event, so that only events of
// the coming operation are shown.
func (d *Deployer) newEventStream(ctx context.Context, stackID string) *eventStream {
	ev := &eventStream{d: d, stack: stackID, seen: map[string]bool{}}
	out, err := d.c.CFN.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: &stackID})
	if err == nil && len(out.StackEvents) > 0 {
		ev.marker = aws.ToString(out.StackEvents[0].EventId)
	}
	return ev
}

// poll fetches and prints the events since the last poll. Errors are not
// fatal: progress is a courtesy, the waiter decides.
func (ev *eventStream) poll(ctx context.Context) {
	var fresh []cfntypes.StackEvent
	in := &cloudformation.DescribeStackEventsInput{StackName: &ev.stack}
	p := cloudformation.NewDescribeStackEventsPaginator(ev.d.c.CFN, in)
pages:
	for i := 0; p.HasMorePages() && i < 20; i++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			break
		}
		for _, e := range out.StackEvents {
			id := aws.ToString(e.EventId)
			if id == ev.marker || ev.seen[id] {
				break pages
			}
			fresh = append(fresh, e)
		}
	}
	for i := len(fresh) - 1; i >= 0; i-- {
		e := fresh[i]
		ev.seen[aws.ToString(e.EventId)] = true
		ev.events = append(ev.events, e)
		ev.d.outf("%s\n", eventLine(e))
	}
}

// eventLine renders one stack event as a progress line.
func eventLine(e cfntypes.StackEvent) string {
	ts := ""
	if e.Timestamp != nil {
		ts = e.Timestamp.UTC().Format(time.TimeOnly) + "  "
	}
	line := fmt.Sprintf("  %s%-28s %-36s %s", ts, e.ResourceStatus, aws.ToString(e.ResourceType), aws.ToString(e.LogicalResourceId))
	if r := aws.ToString(e.ResourceStatusReason); r != "" && r != "User Initiated" {
		line += "  " + oneLine(r)
	}
	return strings.TrimRight(line, " ")
}

// failure is the first resource that failed in an operation.
type failure struct {
	LogicalID  string
	PhysicalID string
	Type       string
	Status     string
	Reason     string
}

func (f *failure) String() string {
	return fmt.Sprintf("%s (%s) %s: %s", f.LogicalID, f.Type, f.Status, f.Reason)
}

// firstFailure picks, from an operation's events (oldest first), the
// resource that failed first for a reason of its own: resources cancelled
// because another failed, and the stack's own summary, are the cascade.
func firstFailure(events []cfntypes.StackEvent, stackID string) *failure {
	var fallback *failure
	for _, e := range events {
		status := string(e.ResourceStatus)
		if !strings.HasSuffix(status, "_FAILED") {
			continue
		}
		f := &failure{
			LogicalID: aws.ToString(e.LogicalResourceId), PhysicalID: aws.ToString(e.PhysicalResourceId),
			Type: aws.ToString(e.ResourceType), Status: status, Reason: oneLine(aws.ToString(e.ResourceStatusReason)),
		}
		if aws.ToString(e.PhysicalResourceId) == stackID && stackID != "" {
			continue // the stack itself
		}
		reason := strings.ToLower(f.Reason)
		if strings.Contains(reason, "cancelled") || strings.Contains(reason, "canceled") {
			if fallback == nil {
				fallback = f
			}
			continue
		}
		return f
	}
	return fallback
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
