package deploy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/flowc-dev/flowc/layout"
)

// planInput gathers both sides of a comparison with the deployed stack:
// the deployed template and parameters, the state machine definitions in
// it, and the assets its resources refer to (read back from the asset
// bucket), against the same views of the bundle.
func (d *Deployer) planInput(ctx context.Context, b *Bundle, st *cfntypes.Stack, newT *template, bucket string, params map[string]string) (planInput, error) {
	assets := map[string]string{}
	for _, a := range b.Assets {
		assets[a.Key] = a.Path
	}
	newParams, err := parameterValues(newT, bucket, params)
	if err != nil {
		return planInput{}, err
	}
	in := planInput{
		Stack: b.Stack, Region: b.Region,
		Against: againstStack,
		New:     side{Template: b.Template(), Params: newParams, Files: bundleStackFiles(b, newT), Assets: assets},
	}
	if st == nil || st.StackStatus == cfntypes.StackStatusReviewInProgress || st.StackStatus == cfntypes.StackStatusRollbackComplete {
		in.Against = "nothing: the stack does not exist yet"
		return in, nil
	}
	stackID := aws.ToString(st.StackId)
	out, err := d.c.CFN.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: &stackID, TemplateStage: cfntypes.TemplateStageOriginal})
	if err != nil {
		return in, fmt.Errorf("reading the deployed template: %w", awsErr(err))
	}
	body := []byte(aws.ToString(out.TemplateBody))
	oldT, err := parseTemplate(body)
	if err != nil {
		return in, fmt.Errorf("the deployed stack %s: %w", b.Stack, err)
	}
	oldParams := map[string]string{}
	for _, p := range st.Parameters {
		oldParams[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	oldBucket := oldParams["AssetBucket"]
	if oldBucket == "" {
		oldBucket = bucket
	}
	files, notes, err := d.stackFiles(ctx, b, oldT, newT, assets, oldBucket)
	if err != nil {
		return in, err
	}
	in.Old = side{Template: body, Params: oldParams, Files: files}
	in.Notes = append(in.Notes, notes...)
	return in, nil
}

// bundleStackFiles are the files of a build as a stack shows them: the
// state machine definitions in the template and the assets.
func bundleStackFiles(b *Bundle, t *template) map[string][]byte {
	files := definitions(t)
	for _, a := range b.Assets {
		files[a.Path] = b.File(a.Path)
	}
	return files
}

// stackFiles reads back what the deployed stack refers to, following
// nested stacks one level at a time.
func (d *Deployer) stackFiles(ctx context.Context, b *Bundle, oldT, newT *template, assets map[string]string, bucket string) (map[string][]byte, []string, error) {
	files := definitions(oldT)
	var notes []string
	newKey := map[string]string{}
	for k, p := range assets {
		newKey[p] = k
	}
	pending := []struct{ old, new *template }{{oldT, newT}}
	for len(pending) > 0 {
		pair := pending[0]
		pending = pending[1:]
		fetch := assetsToFetch(pair.old, pair.new, assets)
		for _, p := range sortedKeys(fetch) {
			key := fetch[p]
			var data []byte
			if key == newKey[p] {
				data = b.File(p)
			} else {
				var err error
				if data, err = d.getAsset(ctx, bucket, key); err != nil {
					return nil, nil, err
				}
				if data == nil {
					notes = append(notes, fmt.Sprintf("the deployed %s (s3://%s/%s) is no longer in the asset bucket; its diff is not shown", p, bucket, key))
					continue
				}
			}
			files[p] = data
			if layout.IsNestedStack(p) {
				ot, err1 := parseTemplate(data)
				nt, err2 := parseTemplate(b.File(p))
				if err1 == nil && err2 == nil {
					pending = append(pending, struct{ old, new *template }{ot, nt})
				}
			}
		}
	}
	if key := oldT.descriptionKey(); key != "" {
		p := layout.DescriptionPath
		data := b.File(p)
		if key != newKey[p] {
			var err error
			if data, err = d.getAsset(ctx, bucket, key); err != nil {
				return nil, nil, err
			}
		}
		if data == nil {
			notes = append(notes, fmt.Sprintf("the deployed pipeline description (s3://%s/%s) is no longer in the asset bucket; table changes are not shown", bucket, key))
		} else {
			files[p] = data
		}
	}
	return files, notes, nil
}

// Diff compares the bundle with its deployed stack. When the stack exists
// and is settled, it asks CloudFormation through a change set (deleted
// afterwards) and prefers its answer on replacements; otherwise the plan
// is the template diff with predicted replacements.
// params are template parameter values as for DeployOptions.Parameters.
func (d *Deployer) Diff(ctx context.Context, b *Bundle, params map[string]string) (*Plan, error) {
	id, err := d.checkAccount(ctx, b)
	if err != nil {
		return nil, err
	}
	st, err := d.describeStack(ctx, b.Stack)
	if err != nil {
		return nil, err
	}
	newT, err := parseTemplate(b.Template())
	if err != nil {
		return nil, err
	}
	bucket := assetBucketName(id.Account, b.Region)
	in, err := d.planInput(ctx, b, st, newT, bucket, params)
	if err != nil {
		return nil, err
	}
	if in.Old.Template == nil {
		return buildPlan(in)
	}
	if inProgress(st.StackStatus) {
		in.Notes = append(in.Notes, fmt.Sprintf("stack %s has an operation in progress (%s); compared with its current template, replacements predicted", b.Stack, st.StackStatus))
		return buildPlan(in)
	}
	exists, err := d.assetBucketExists(ctx, id, bucket)
	if err != nil {
		return nil, err
	}
	if !exists {
		in.Notes = append(in.Notes, "the asset bucket "+bucket+" does not exist, so no change set was created; replacements are predicted")
		return buildPlan(in)
	}
	var n published
	for _, a := range b.Assets {
		if strings.HasPrefix(a.Path, layout.StacksDir) {
			if err := d.putAsset(ctx, bucket, a.Key, b.File(a.Path), &n); err != nil {
				return nil, err
			}
		}
	}
	req, _, err := d.request(ctx, b, id, bucket, params, &n)
	if err != nil {
		return nil, err
	}
	cs, err := d.createChangeSet(ctx, req, cfntypes.ChangeSetTypeUpdate)
	if err != nil {
		return nil, err
	}
	d.deleteChangeSet(ctx, cs)
	in.HasCS = true
	in.ChangeSet = cs.changes
	if cs.noChanges {
		in.Notes = append(in.Notes, "CloudFormation reports no changes for this template and its parameters")
		return buildPlan(in)
	}
	if n.uploaded > 0 {
		in.Notes = append(in.Notes, fmt.Sprintf("uploaded %d template(s) the change set needs to s3://%s (content-addressed)", n.uploaded, bucket))
	}
	return buildPlan(in)
}

// DiffOffline compares the bundle with an earlier build's files (read by
// the caller from its directory). It calls no AWS API.
func DiffOffline(b *Bundle, against map[string][]byte, dir string) (*Plan, error) {
	old := against[layout.TemplatePath]
	if old == nil {
		return nil, fmt.Errorf("%s has no %s: is it the output of `flowc build`?", dir, layout.TemplatePath)
	}
	assets := map[string]string{}
	for _, a := range b.Assets {
		assets[a.Key] = a.Path
	}
	return buildPlan(planInput{
		Stack: b.Stack, Region: b.Region,
		Against: "the build in " + dir,
		Old:     side{Template: old, Files: against},
		New:     side{Template: b.Template(), Files: b.FileMap(), Assets: assets},
	})
}

// deployDirect deploys without a change set (CreateStack / UpdateStack),
// showing the template diff as the plan.
func (d *Deployer) deployDirect(ctx context.Context, b *Bundle, o DeployOptions, st *cfntypes.Stack, req *stackRequest, in planInput, res *Result) (*Result, error) {
	in.Notes = append(in.Notes, "--method direct: no change set; the plan is flowc's template diff")
	plan, err := buildPlan(in)
	if err != nil {
		return nil, err
	}
	res.Plan = plan
	creating := st == nil || st.StackStatus == cfntypes.StackStatusReviewInProgress
	if !creating && plan.Empty() {
		res.NoChanges, res.Status, res.StackID = true, string(st.StackStatus), aws.ToString(st.StackId)
		d.outf("No changes: stack %s is up to date.\n", b.Stack)
		return res, nil
	}
	d.outf("\n%s\n", renderText(plan))
	if ok, err := d.confirm(o, fmt.Sprintf("Deploy these changes to stack %s?", b.Stack)); err != nil || !ok {
		if err == nil {
			res.Declined = true
			d.outf("Not deployed; nothing was changed.\n")
		}
		return res, err
	}
	if creating {
		if st != nil { // an empty stack left by a change set that was never executed
			if err := d.deleteStack(ctx, b, o, st); err != nil {
				return res, err
			}
		}
		start := time.Now()
		out, err := d.c.CFN.CreateStack(ctx, &cloudformation.CreateStackInput{
			StackName: &req.stack, TemplateBody: req.body, TemplateURL: req.url,
			Parameters: req.params, Capabilities: req.capabilities, Tags: req.tags,
		})
		if err != nil {
			if ctx.Err() != nil {
				return res, interrupted(b, o)
			}
			return res, fmt.Errorf("creating stack: %w", awsErr(err))
		}
		stackID := aws.ToString(out.StackId)
		ev := &eventStream{d: d, stack: stackID, seen: map[string]bool{}}
		return d.finish(ctx, b, o, stackID, opCreate, ev, res, start)
	}
	stackID := aws.ToString(st.StackId)
	ev := d.newEventStream(ctx, stackID)
	start := time.Now()
	_, err = d.c.CFN.UpdateStack(ctx, &cloudformation.UpdateStackInput{
		StackName: &stackID, TemplateBody: req.body, TemplateURL: req.url,
		Parameters: req.params, Capabilities: req.capabilities, Tags: req.tags,
	})
	if err != nil {
		if noUpdates(errMessage(err)) {
			res.NoChanges, res.Status, res.StackID = true, string(st.StackStatus), stackID
			d.outf("No changes: stack %s is up to date.\n", b.Stack)
			return res, nil
		}
		if ctx.Err() != nil {
			return res, interrupted(b, o)
		}
		return res, fmt.Errorf("updating stack: %w", awsErr(err))
	}
	return d.finish(ctx, b, o, stackID, opUpdate, ev, res, start)
}
