package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// DestroyResult is what a destroy did.
type DestroyResult struct {
	Stack    string
	Existed  bool
	Declined bool
	Kept     []Kept // resources CloudFormation keeps (DeletionPolicy Retain)
}

// Kept is a resource left in place when its stack is deleted.
type Kept struct {
	LogicalID, Type, PhysicalID string
}

func (k Kept) String() string {
	what := k.Type
	switch k.Type {
	case "AWS::S3::Bucket":
		what = "S3 bucket"
	case "AWS::Logs::LogGroup":
		what = "log group"
	}
	name := k.PhysicalID
	if name == "" {
		name = "(never created)"
	}
	return fmt.Sprintf("%s %s (%s)", what, name, k.LogicalID)
}

// Destroy deletes the bundle's stack after confirmation, with progress.
// Resources with DeletionPolicy Retain (the data buckets) are kept and
// listed; the asset bucket is not part of the stack and stays as well.
func (d *Deployer) Destroy(ctx context.Context, b *Bundle, o DeployOptions) (*DestroyResult, error) {
	res := &DestroyResult{Stack: b.Stack}
	id, err := d.checkAccount(ctx, b)
	if err != nil {
		return res, err
	}
	st, err := d.describeStack(ctx, b.Stack)
	if err != nil {
		return res, err
	}
	if st != nil && inProgress(st.StackStatus) {
		d.outf("Stack %s has an operation in progress (%s); waiting for it to finish.\n", b.Stack, st.StackStatus)
		stackID := aws.ToString(st.StackId)
		st, err = d.waitSettled(ctx, stackID, kindOf(st.StackStatus), d.newEventStream(ctx, stackID))
		if ctx.Err() != nil {
			return res, &Cancelled{What: "the operation in progress on stack " + b.Stack, Resume: fmt.Sprintf("flowc deleted nothing. Run `%s` again when you are ready.", o.Again)}
		}
		if err != nil {
			return res, fmt.Errorf("refusing to destroy: %w", err)
		}
	}
	if st == nil {
		d.outf("Stack %s does not exist in account %s, %s; nothing to destroy.\n", b.Stack, id.Account, b.Region)
		return res, nil
	}
	res.Existed = true
	stackID := aws.ToString(st.StackId)
	kept, total, err := d.retained(ctx, stackID)
	if err != nil {
		return res, err
	}
	res.Kept = kept
	d.outf("Stack %s (%s, account %s, %s) holds %d resources; destroying it deletes them", b.Stack, st.StackStatus, id.Account, b.Region, total)
	if len(kept) == 0 {
		d.outf(".\n")
	} else {
		d.outf(", except these, which are kept with their data (DeletionPolicy Retain):\n")
		for _, k := range kept {
			d.outf("  %s\n", k)
		}
	}
	ok, err := d.confirm(o, fmt.Sprintf("Destroy stack %s?", b.Stack))
	if err != nil || !ok {
		if err == nil {
			res.Declined = true
			d.outf("Not destroyed; nothing was changed.\n")
		}
		return res, err
	}
	if err := d.deleteStack(ctx, b, o, st); err != nil {
		return res, err
	}
	if len(kept) > 0 {
		d.outf("Kept (delete them yourself when the data is no longer needed):\n")
		for _, k := range kept {
			d.outf("  %s\n", k)
		}
	}
	d.outf("The asset bucket %s is kept too: every flowc deploy in this account and region shares it.\n", assetBucketName(id.Account, b.Region))
	for _, bucket := range b.EventBuckets {
		d.outf("Existing bucket %s is not part of the stack and is left as it is; its EventBridge notifications stay on (other consumers may use them): turn them off yourself if nothing needs them.\n", bucket)
	}
	return res, nil
}

// retained lists the stack's resources that a deletion keeps, and counts
// all its resources.
func (d *Deployer) retained(ctx context.Context, stackID string) ([]Kept, int, error) {
	out, err := d.c.CFN.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: &stackID, TemplateStage: cfntypes.TemplateStageOriginal})
	if err != nil {
		return nil, 0, fmt.Errorf("reading the deployed template: %w", awsErr(err))
	}
	t, err := parseTemplate([]byte(aws.ToString(out.TemplateBody)))
	if err != nil {
		return nil, 0, err
	}
	physical := map[string]string{}
	total := 0
	p := cloudformation.NewListStackResourcesPaginator(d.c.CFN, &cloudformation.ListStackResourcesInput{StackName: &stackID})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("listing the resources of stack %s: %w", stackID, awsErr(err))
		}
		for _, r := range page.StackResourceSummaries {
			physical[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
			total++
		}
	}
	var kept []Kept
	for _, id := range t.Retained() {
		kept = append(kept, Kept{LogicalID: id, Type: t.Resources[id].Type, PhysicalID: physical[id]})
	}
	return kept, total, nil
}
