package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// stackRequest is what CreateChangeSet, CreateStack and UpdateStack share.
type stackRequest struct {
	stack        string
	body         *string // TemplateBody, or
	url          *string // TemplateURL for templates over layout.MaxTemplateInline
	params       []cfntypes.Parameter
	capabilities []cfntypes.Capability
	tags         []cfntypes.Tag
	description  string
}

// changeSet is a created change set and what CloudFormation said of it.
type changeSet struct {
	id, stackID string
	noChanges   bool
	changes     []changeSetChange
}

// createChangeSet creates a change set, waits until CloudFormation has
// computed it, and reads its changes. A change set without changes is
// deleted and reported as noChanges, whichever way the service says so.
func (d *Deployer) createChangeSet(ctx context.Context, r *stackRequest, typ cfntypes.ChangeSetType) (*changeSet, error) {
	name := "flowc-" + d.opt.Now().UTC().Format("20060102-150405.000")
	name = fmtName(name)
	out, err := d.c.CFN.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{
		StackName:     &r.stack,
		ChangeSetName: &name,
		ChangeSetType: typ,
		TemplateBody:  r.body,
		TemplateURL:   r.url,
		Parameters:    r.params,
		Capabilities:  r.capabilities,
		Tags:          r.tags,
		Description:   aws.String(r.description),
	})
	if err != nil {
		if noUpdates(errMessage(err)) {
			return &changeSet{noChanges: true}, nil
		}
		return nil, fmt.Errorf("creating change set: %w", awsErr(err))
	}
	cs := &changeSet{id: aws.ToString(out.Id), stackID: aws.ToString(out.StackId)}
	w := cloudformation.NewChangeSetCreateCompleteWaiter(d.c.CFN, func(o *cloudformation.ChangeSetCreateCompleteWaiterOptions) {
		o.MinDelay, o.MaxDelay = d.opt.Poll, 4*d.opt.Poll
		o.Retryable = func(_ context.Context, _ *cloudformation.DescribeChangeSetInput, out *cloudformation.DescribeChangeSetOutput, err error) (bool, error) {
			if err != nil {
				return false, err
			}
			switch out.Status {
			case cfntypes.ChangeSetStatusCreatePending, cfntypes.ChangeSetStatusCreateInProgress:
				return true, nil
			}
			return false, nil
		}
	})
	creating := typ == cfntypes.ChangeSetTypeCreate
	desc, err := w.WaitForOutput(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: &cs.id, StackName: &cs.stackID}, d.opt.MaxWait)
	if err != nil {
		d.dropChangeSet(ctx, cs, creating)
		if ctx.Err() != nil {
			return nil, &Cancelled{What: "the change set", Resume: "The change set was deleted; nothing was changed. Run the command again when you are ready."}
		}
		return nil, fmt.Errorf("waiting for change set %s: %w", name, awsErr(err))
	}
	if desc.Status == cfntypes.ChangeSetStatusFailed {
		reason := aws.ToString(desc.StatusReason)
		d.dropChangeSet(ctx, cs, creating)
		if noUpdates(reason) {
			cs.noChanges = true
			return cs, nil
		}
		return nil, fmt.Errorf("CloudFormation could not create the change set: %s", reason)
	}
	for {
		for _, c := range desc.Changes {
			if rc := c.ResourceChange; rc != nil {
				cs.changes = append(cs.changes, fromSDK(rc))
			}
		}
		if desc.NextToken == nil {
			break
		}
		desc, err = d.c.CFN.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: &cs.id, StackName: &cs.stackID, NextToken: desc.NextToken})
		if err != nil {
			d.dropChangeSet(ctx, cs, creating)
			return nil, fmt.Errorf("reading change set %s: %w", name, awsErr(err))
		}
	}
	return cs, nil
}

// fmtName keeps a change set name within [a-zA-Z][-a-zA-Z0-9]*.
func fmtName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '-'
		}
	}
	return string(b)
}

func fromSDK(rc *cfntypes.ResourceChange) changeSetChange {
	c := changeSetChange{
		Action:      string(rc.Action),
		LogicalID:   aws.ToString(rc.LogicalResourceId),
		Type:        aws.ToString(rc.ResourceType),
		PhysicalID:  aws.ToString(rc.PhysicalResourceId),
		Replacement: string(rc.Replacement),
	}
	seen := map[string]int{}
	for _, d := range rc.Details {
		t := d.Target
		if t == nil {
			continue
		}
		p := aws.ToString(t.Name)
		if t.Attribute != cfntypes.ResourceAttributeProperties {
			p = string(t.Attribute)
			if n := aws.ToString(t.Name); n != "" {
				p += "." + n
			}
		}
		pc := PropertyChange{
			Path:    p,
			Before:  aws.ToString(t.BeforeValue),
			After:   aws.ToString(t.AfterValue),
			Replace: t.RequiresRecreation == cfntypes.RequiresRecreationAlways || t.RequiresRecreation == cfntypes.RequiresRecreationConditionally,
		}
		if d.ChangeSource != "" && d.ChangeSource != cfntypes.ChangeSourceDirectModification {
			pc.Note = "because of " + string(d.ChangeSource)
			if e := aws.ToString(d.CausingEntity); e != "" {
				pc.Note += " " + e
			}
		}
		if i, dup := seen[p]; dup {
			c.Details[i].Replace = c.Details[i].Replace || pc.Replace
			continue
		}
		seen[p] = len(c.Details)
		c.Details = append(c.Details, pc)
	}
	return c
}

// deleteChangeSet removes a change set that will not be executed. It runs
// even when ctx is cancelled (a short, separate deadline), so Ctrl-C does
// not leave change sets behind; failures are only reported.
func (d *Deployer) deleteChangeSet(ctx context.Context, cs *changeSet) {
	if cs == nil || cs.id == "" {
		return
	}
	id := cs.id
	cs.id = "" // once
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, err := d.c.CFN.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: &id, StackName: &cs.stackID})
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(d.opt.Err, "flowc: warning: could not delete change set %s: %v\n", id, awsErr(err))
	}
}
