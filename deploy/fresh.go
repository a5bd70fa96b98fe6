package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/flowc-dev/flowc/layout"
)

// LastArrivals finds, for each named source, the newest execution an S3
// event started for it (an input with a "sequencer", as EventBridge
// gives; a start by hand has none) that was not a duplicate event or an
// object outside the source: the arrival its freshness check watches
// (compiler/asl, asl_fresh.go). It reads executions newest first, Parallel
// at a time, and stops when every source has one or at the first
// execution started before since. A source without one is missing from
// the map.
func (p *Pipeline) LastArrivals(ctx context.Context, since time.Time, sources []string) (map[string]Run, error) {
	want := map[string]bool{}
	for _, s := range sources {
		want[s] = true
	}
	found := map[string]Run{}
	if len(want) == 0 {
		return found, nil
	}
	n := p.parallel()
	pg := sfn.NewListExecutionsPaginator(p.SFN, &sfn.ListExecutionsInput{StateMachineArn: &p.Machine, MaxResults: 1000})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the executions of %s: %w", p.Machine, awsErr(err))
		}
		items := out.Executions
		old := false
		for i, it := range items {
			if !since.IsZero() && aws.ToTime(it.StartDate).Before(since) {
				items, old = items[:i], true
				break
			}
		}
		// In batches, newest first: the first arrival of a source in
		// list order is its newest.
		for start := 0; start < len(items); start += n {
			batch := items[start:min(start+n, len(items))]
			runs, err := p.describeArrivals(ctx, batch)
			if err != nil {
				return nil, err
			}
			for _, r := range runs {
				if _, seen := found[r.Source]; r.ExecutionArn != "" && want[r.Source] && !seen {
					found[r.Source] = r
				}
			}
			if len(found) == len(want) {
				return found, nil
			}
		}
		if old {
			break
		}
	}
	return found, nil
}

// describeArrivals reads a batch of executions in parallel; an execution
// that is no arrival comes back as the zero Run.
func (p *Pipeline) describeArrivals(ctx context.Context, items []sfntypes.ExecutionListItem) ([]Run, error) {
	return p.eachExecution(items, func(arn string) (Run, error) { return p.arrival(ctx, arn) })
}

// arrival reads one execution as an arrival (the zero Run when it is
// none).
func (p *Pipeline) arrival(ctx context.Context, arn string) (Run, error) {
	d, err := p.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arn})
	if err != nil {
		return Run{}, fmt.Errorf("describing execution %s: %w", arn, awsErr(err))
	}
	var in struct {
		Sequencer any `json:"sequencer"`
	}
	if json.Unmarshal([]byte(aws.ToString(d.Input)), &in) != nil {
		return Run{}, nil
	}
	if _, ok := in.Sequencer.(string); !ok {
		return Run{}, nil
	}
	var out map[string]any
	if json.Unmarshal([]byte(aws.ToString(d.Output)), &out) == nil {
		if why, ok := out[layout.NoRun].(string); ok && why != layout.NoRunHandedOver {
			return Run{}, nil // a duplicate event, an object outside the source
		}
	}
	r := Run{ExecutionArn: arn, Name: aws.ToString(d.Name), Status: statusWord(d.Status), Started: aws.ToTime(d.StartDate), Stopped: aws.ToTime(d.StopDate)}
	r.Source, r.Partition = p.PartitionOf(aws.ToString(d.Input))
	return r, nil
}
