package deploy

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/flowc-dev/flowc/layout"
)

// DeployOptions are the choices of one deploy.
type DeployOptions struct {
	Method Method
	// Confirm asks before anything changes; nil means yes (--yes).
	Confirm Confirmer
	// Again is the command that runs this deploy again, for messages
	// (e.g. "flowc deploy --env prod flights.yaml").
	Again string
	// Parameters are values of template parameters (--parameter), besides
	// AssetBucket, which flowc sets. Parameters left out take the
	// template's defaults.
	Parameters map[string]string
	// AllowDestructive names tables whose destructive changes this deploy
	// may make although their spec says on_destructive_change: error
	// (--allow-destructive, repeatable).
	AllowDestructive []string
}

// Result is what a deploy did.
type Result struct {
	Stack     string
	StackID   string
	Status    string // the settled stack status
	NoChanges bool
	Declined  bool // the user answered no; nothing was changed
	Plan      *Plan
	Outputs   []Output
}

// Output is one stack output.
type Output struct {
	Key, Value, Description string
}

// failed is a stack operation that ended in a failure or a rollback.
type failed struct {
	Stack  string
	Status string
	First  *failure // the first resource that failed, nil if none is known
	Reason string   // the stack's own status reason
	Next   string   // what to do now
}

func (e *failed) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stack %s failed: %s", e.Stack, e.Status)
	if e.First != nil {
		fmt.Fprintf(&b, "\n  first failure: %s", e.First)
	} else if e.Reason != "" {
		fmt.Fprintf(&b, "\n  reason: %s", e.Reason)
	}
	if e.Next != "" {
		fmt.Fprintf(&b, "\n  %s", e.Next)
	}
	return b.String()
}

// Deploy brings the bundle's stack up to date: account guard, asset bucket
// and assets, a change set (or a direct create/update), the plan, the
// confirmation, the execution with progress, and the outputs.
func (d *Deployer) Deploy(ctx context.Context, b *Bundle, o DeployOptions) (*Result, error) {
	if o.Method == "" {
		o.Method = MethodChangeSet
	}
	id, err := d.checkAccount(ctx, b)
	if err != nil {
		return nil, err
	}
	d.outf("Deploying pipeline %s, environment %s, to stack %s (account %s, %s).\n", b.Pipeline, b.Env, b.Stack, id.Account, b.Region)
	res := &Result{Stack: b.Stack}
	st, err := d.settle(ctx, b, o, res)
	if err != nil || res.Declined {
		return res, err
	}
	bucket := assetBucketName(id.Account, b.Region)
	if err := d.ensureAssetBucket(ctx, id, b.Region, bucket); err != nil {
		return nil, err
	}
	var n published
	if err := d.publishAssets(ctx, b, bucket, &n); err != nil {
		return nil, err
	}
	req, newT, err := d.request(ctx, b, id, bucket, o.Parameters, &n)
	if err != nil {
		return nil, err
	}
	d.outf("Assets: %d uploaded, %d already in s3://%s.\n", n.uploaded, n.present, bucket)

	in, err := d.planInput(ctx, b, st, newT, bucket, o.Parameters)
	if err != nil {
		return nil, err
	}
	if err := refuseDestructive(in, o.AllowDestructive); err != nil {
		return res, err
	}
	creating := st == nil || st.StackStatus == cfntypes.StackStatusReviewInProgress
	if o.Method == MethodDirect {
		return d.deployDirect(ctx, b, o, st, req, in, res)
	}
	typ := cfntypes.ChangeSetTypeUpdate
	if creating {
		typ = cfntypes.ChangeSetTypeCreate
	}
	cs, err := d.createChangeSet(ctx, req, typ)
	if err != nil {
		return nil, err
	}
	if cs.noChanges {
		res.NoChanges = true
		if st != nil {
			res.Status, res.StackID = string(st.StackStatus), aws.ToString(st.StackId)
		}
		d.outf("No changes: stack %s is up to date.\n", b.Stack)
		return res, nil
	}
	in.ChangeSet, in.HasCS = cs.changes, true
	plan, err := buildPlan(in)
	if err != nil {
		d.dropChangeSet(ctx, cs, creating)
		return nil, err
	}
	res.Plan = plan
	d.outf("\n%s\n", renderText(plan))
	if ok, err := d.confirm(o, fmt.Sprintf("Deploy these changes to stack %s?", b.Stack)); err != nil || !ok {
		d.dropChangeSet(ctx, cs, creating)
		if err == nil {
			res.Declined = true
			d.outf("Not deployed; nothing was changed.\n")
		}
		return res, err
	}
	ev := d.newEventStream(ctx, cs.stackID)
	start := time.Now()
	if _, err := d.c.CFN.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: &cs.id, StackName: &cs.stackID}); err != nil {
		if ctx.Err() != nil {
			return res, interrupted(b, o)
		}
		ev.poll(context.WithoutCancel(ctx))
		return res, fmt.Errorf("executing change set: %w", awsErr(err))
	}
	kind := opUpdate
	if creating {
		kind = opCreate
	}
	return d.finish(ctx, b, o, cs.stackID, kind, ev, res, start)
}

// request prepares the template (inline, or uploaded when too large), the
// parameters, capabilities and tags of a create or update.
func (d *Deployer) request(ctx context.Context, b *Bundle, id Identity, bucket string, params map[string]string, n *published) (*stackRequest, *template, error) {
	body := b.Template()
	if body == nil {
		return nil, nil, fmt.Errorf("internal error: the build has no %s (please report this bug)", layout.TemplatePath)
	}
	t, err := parseTemplate(body)
	if err != nil {
		return nil, nil, err
	}
	r := &stackRequest{
		stack:        b.Stack,
		capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam, cfntypes.CapabilityCapabilityNamedIam},
		tags: []cfntypes.Tag{
			{Key: aws.String("flowc:pipeline"), Value: aws.String(b.Pipeline)},
			{Key: aws.String("flowc:environment"), Value: aws.String(b.Env)},
		},
		description: fmt.Sprintf("flowc deploy of pipeline %s, environment %s", b.Pipeline, b.Env),
	}
	if t.HasNestedStacks() {
		r.capabilities = append(r.capabilities, cfntypes.CapabilityCapabilityAutoExpand)
	}
	values, err := parameterValues(t, bucket, params)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range sortedKeys(values) {
		r.params = append(r.params, cfntypes.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(values[k])})
	}
	if len(body) > layout.MaxTemplateInline {
		key := templateKey(body)
		if err := d.putAsset(ctx, bucket, key, body, n); err != nil {
			return nil, nil, err
		}
		r.url = aws.String(templateURL(id.Partition, b.Region, bucket, key))
		d.outf("The template is %d bytes, over CloudFormation's %d-byte inline limit: deploying it from s3://%s/%s.\n", len(body), layout.MaxTemplateInline, bucket, key)
	} else {
		r.body = aws.String(string(body))
	}
	return r, t, nil
}

// parameterValues are the parameters flowc passes: AssetBucket, the user's
// values, which must name parameters of the template, and the template's
// defaults for the rest (passed explicitly, so that an unchanged deploy
// compares equal to the deployed parameters).
func parameterValues(t *template, bucket string, params map[string]string) (map[string]string, error) {
	values := map[string]string{}
	for _, k := range sortedKeys(params) {
		switch {
		case k == "AssetBucket":
			return nil, fmt.Errorf("parameter AssetBucket is set by flowc (to its asset bucket) and cannot be given")
		case !t.HasParameter(k):
			return nil, fmt.Errorf("the template has no parameter %s (it has: %s)", k, strings.Join(sortedKeys(t.Parameters), ", "))
		}
		values[k] = params[k]
	}
	for _, k := range sortedKeys(t.Parameters) {
		if _, set := values[k]; set {
			continue
		}
		if k == "AssetBucket" {
			values[k] = bucket
			continue
		}
		decl, _ := t.Parameters[k].(map[string]any)
		def, ok := decl["Default"]
		if !ok {
			return nil, fmt.Errorf("template parameter %s has no default; give it a value with --parameter %s=VALUE", k, k)
		}
		values[k] = str(def)
	}
	return values, nil
}

// settle makes the stack ready for a deploy: it waits for an operation in
// progress, replaces a stack left in ROLLBACK_COMPLETE (after
// confirmation), and refuses states that need a person. It returns the
// stack, or nil when there is none.
func (d *Deployer) settle(ctx context.Context, b *Bundle, o DeployOptions, res *Result) (*cfntypes.Stack, error) {
	st, err := d.describeStack(ctx, b.Stack)
	if err != nil || st == nil {
		return nil, err
	}
	stackID := aws.ToString(st.StackId)
	if inProgress(st.StackStatus) {
		d.outf("Stack %s has an operation in progress (%s); waiting for it to finish before deploying.\n", b.Stack, st.StackStatus)
		ev := d.newEventStream(ctx, stackID)
		st, err = d.waitSettled(ctx, stackID, kindOf(st.StackStatus), ev)
		if ctx.Err() != nil {
			return nil, &Cancelled{
				What:   "the operation in progress on stack " + b.Stack,
				Resume: fmt.Sprintf("flowc changed nothing. Run `%s` again to wait for it, or follow it with `aws cloudformation describe-stack-events --stack-name %s`.", o.Again, b.Stack),
			}
		}
		if err != nil {
			return nil, fmt.Errorf("refusing to deploy: stack %s still has an operation in progress: %w; try again when it has finished (`aws cloudformation describe-stacks --stack-name %s`)", b.Stack, err, b.Stack)
		}
		if st == nil {
			return nil, nil
		}
		d.outf("Stack %s is now %s.\n", b.Stack, st.StackStatus)
	}
	switch st.StackStatus {
	case cfntypes.StackStatusRollbackComplete:
		why := ""
		if f := d.lastFailure(ctx, st); f != nil {
			why = " (first failure: " + f.String() + ")"
		}
		d.outf("Stack %s is in ROLLBACK_COMPLETE: its creation failed%s and it holds no resources.\nIt has to be deleted before it can be created again.\n", b.Stack, why)
		ok, err := d.confirm(o, fmt.Sprintf("Delete stack %s and create it again?", b.Stack))
		if err != nil || !ok {
			if err == nil {
				res.Declined = true
				d.outf("Not deployed; nothing was changed.\n")
			}
			return nil, err
		}
		if err := d.deleteStack(ctx, b, o, st); err != nil {
			return nil, err
		}
		return nil, nil
	case cfntypes.StackStatusRollbackFailed, cfntypes.StackStatusDeleteFailed:
		return nil, fmt.Errorf("refusing to deploy: stack %s is %s and needs attention: see why with `aws cloudformation describe-stack-events --stack-name %s`, fix it, then delete the stack (`flowc destroy`) and deploy again",
			b.Stack, st.StackStatus, b.Stack)
	case cfntypes.StackStatusUpdateRollbackFailed, cfntypes.StackStatusImportRollbackFailed:
		return nil, fmt.Errorf("refusing to deploy: stack %s is %s: fix what blocked the rollback, then run `aws cloudformation continue-update-rollback --stack-name %s` and deploy again",
			b.Stack, st.StackStatus, b.Stack)
	}
	return st, nil
}

// deleteStack deletes a stack and waits, showing progress.
func (d *Deployer) deleteStack(ctx context.Context, b *Bundle, o DeployOptions, st *cfntypes.Stack) error {
	stackID := aws.ToString(st.StackId)
	ev := d.newEventStream(ctx, stackID)
	if _, err := d.c.CFN.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: &stackID}); err != nil {
		return fmt.Errorf("deleting stack %s: %w", b.Stack, awsErr(err))
	}
	left, err := d.waitSettled(ctx, stackID, opDelete, ev)
	if ctx.Err() != nil {
		return &Cancelled{What: "the deletion of stack " + b.Stack, Resume: fmt.Sprintf("The deletion goes on in AWS. Run `%s` again: it waits for it.", o.Again)}
	}
	if err != nil {
		return err
	}
	if left != nil {
		return &failed{Stack: b.Stack, Status: string(left.StackStatus), First: firstFailure(ev.events, stackID), Reason: aws.ToString(left.StackStatusReason)}
	}
	d.outf("Deleted stack %s.\n", b.Stack)
	return nil
}

// lastFailure finds the first failure of the stack's last operation.
func (d *Deployer) lastFailure(ctx context.Context, st *cfntypes.Stack) *failure {
	stackID := aws.ToString(st.StackId)
	var events []cfntypes.StackEvent
	p := cloudformation.NewDescribeStackEventsPaginator(d.c.CFN, &cloudformation.DescribeStackEventsInput{StackName: &stackID})
	for i := 0; p.HasMorePages() && i < 10; i++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			break
		}
		events = append(events, out.StackEvents...)
	}
	// Newest first: keep the events after the last operation started.
	var op []cfntypes.StackEvent
	for _, e := range events {
		op = append(op, e)
		if aws.ToString(e.PhysicalResourceId) == stackID && strings.HasSuffix(string(e.ResourceStatus), "_IN_PROGRESS") &&
			(e.ResourceStatus == cfntypes.ResourceStatusCreateInProgress || e.ResourceStatus == cfntypes.ResourceStatusUpdateInProgress) {
			break
		}
	}
	for i, j := 0, len(op)-1; i < j; i, j = i+1, j-1 {
		op[i], op[j] = op[j], op[i]
	}
	return firstFailure(op, stackID)
}

// nestedFailure follows a failure of a nested stack into that stack's own
// events, where CloudFormation says what really failed.
func (d *Deployer) nestedFailure(ctx context.Context, f *failure, depth int) *failure {
	if f == nil || f.Type != "AWS::CloudFormation::Stack" || f.PhysicalID == "" || depth > 3 {
		return f
	}
	ctx = context.WithoutCancel(ctx)
	var events []cfntypes.StackEvent
	p := cloudformation.NewDescribeStackEventsPaginator(d.c.CFN, &cloudformation.DescribeStackEventsInput{StackName: &f.PhysicalID})
	for i := 0; p.HasMorePages() && i < 10; i++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			return f
		}
		events = append(events, out.StackEvents...)
	}
	for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
		events[i], events[j] = events[j], events[i]
	}
	inner := d.nestedFailure(ctx, firstFailure(events, f.PhysicalID), depth+1)
	if inner == nil {
		return f
	}
	inner.LogicalID = f.LogicalID + "/" + inner.LogicalID
	return inner
}

// finish waits for an executed operation to settle and reports it.
func (d *Deployer) finish(ctx context.Context, b *Bundle, o DeployOptions, stackID string, kind opKind, ev *eventStream, res *Result, start time.Time) (*Result, error) {
	res.StackID = stackID
	st, err := d.waitSettled(ctx, stackID, kind, ev)
	if ctx.Err() != nil {
		return res, &Cancelled{
			What: "stack " + b.Stack,
			Resume: fmt.Sprintf("The deploy goes on in AWS. Follow it with `aws cloudformation describe-stack-events --stack-name %s`, or run `%s` again: it waits for the operation to finish first.",
				b.Stack, o.Again),
		}
	}
	if err != nil {
		// The change set was executed: an AWS endpoint that stops
		// answering while flowc watches does not stop the deploy.
		var ae *awsError
		if errors.As(err, &ae) && ae.Hint != "" && errors.As(err, new(*NoAnswerError)) {
			out := *ae
			out.Hint = fmt.Sprintf("%s. The deploy goes on in AWS: follow it with `aws cloudformation describe-stack-events --stack-name %s`, or run `%s` again: it waits for the operation to finish first", ae.Hint, b.Stack, o.Again)
			return res, &out
		}
		return res, err
	}
	if st == nil {
		return res, fmt.Errorf("stack %s disappeared while deploying", b.Stack)
	}
	res.Status = string(st.StackStatus)
	if failedStatus(st.StackStatus) || (kind == opCreate && st.StackStatus != cfntypes.StackStatusCreateComplete) {
		f := &failed{Stack: b.Stack, Status: res.Status, First: d.nestedFailure(ctx, firstFailure(ev.events, stackID), 0), Reason: aws.ToString(st.StackStatusReason)}
		switch st.StackStatus {
		case cfntypes.StackStatusRollbackComplete:
			f.Next = fmt.Sprintf("The stack holds no resources now; fix the cause, then `%s` deletes it and creates it again (after confirmation).", o.Again)
		case cfntypes.StackStatusUpdateRollbackComplete:
			f.Next = "The stack was rolled back to its previous state; fix the cause and deploy again."
		}
		return res, f
	}
	for _, out := range st.Outputs {
		res.Outputs = append(res.Outputs, Output{Key: aws.ToString(out.OutputKey), Value: aws.ToString(out.OutputValue), Description: aws.ToString(out.Description)})
	}
	sort.Slice(res.Outputs, func(i, j int) bool { return res.Outputs[i].Key < res.Outputs[j].Key })
	d.outf("Stack %s: %s in %s.\n", b.Stack, st.StackStatus, time.Since(start).Round(time.Second))
	if len(res.Outputs) > 0 {
		d.outf("\nOutputs:\n")
		for _, out := range res.Outputs {
			d.outf("  %s = %s\n", out.Key, out.Value)
		}
	}
	return res, nil
}

// dropChangeSet deletes a change set that will not be executed and, for a
// new stack, the empty stack CloudFormation made for it.
func (d *Deployer) dropChangeSet(ctx context.Context, cs *changeSet, creating bool) {
	d.deleteChangeSet(ctx, cs)
	if !creating || cs.stackID == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := d.c.CFN.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: &cs.stackID}); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(d.opt.Err, "flowc: warning: could not delete the empty stack %s: %v\n", cs.stackID, awsErr(err))
	}
}

// interrupted is the Cancelled of a create, update or execute call cut off
// by the context: it may or may not have reached CloudFormation.
func interrupted(b *Bundle, o DeployOptions) error {
	return &Cancelled{
		What: "CloudFormation to accept the deploy of stack " + b.Stack,
		Resume: fmt.Sprintf("The deploy may have started. Check with `aws cloudformation describe-stacks --stack-name %s`, or run `%s` again: it waits for an operation in progress first.",
			b.Stack, o.Again),
	}
}

func (d *Deployer) confirm(o DeployOptions, question string) (bool, error) {
	if o.Confirm == nil {
		return true, nil
	}
	return o.Confirm(question)
}
