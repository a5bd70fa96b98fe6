package compiler

import (
	"fmt"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/diag"
)

// AWS limits a build is measured against (manifest.json). The build
// splits into nested stacks before one stack would pass them (see
// cfn_stacks.go); what still passes a limit is an error (FC500), and what
// comes near one is a warning (FC501), which flowc validate reports too.
const (
	// MaxResources is CloudFormation's limit of resources per stack.
	MaxResources = 500
	// MaxOutputs is CloudFormation's limit of outputs per stack.
	MaxOutputs = 200
	// MaxTemplateInline is the largest template body CloudFormation
	// accepts in the request (flowc deploy uploads bigger ones to S3).
	MaxTemplateInline = 51200
	// MaxTemplateS3 is the largest template body CloudFormation reads
	// from S3.
	MaxTemplateS3 = 1000000
	// MaxDefinition is the largest state machine definition Step
	// Functions accepts (1 MB).
	MaxDefinition = 1 << 20
	// WarnPercent is how close to a limit, in percent, a build gets before
	// it warns.
	WarnPercent = 80
)

// fitsOneStack reports whether a single-stack build is within the limits.
func fitsOneStack(s Stack) bool {
	return s.Resources <= MaxResources && s.Outputs <= MaxOutputs && len(s.Body) <= MaxTemplateS3
}

// checkLimits reports each limit the build passes (FC500) or comes near
// (FC501). The diagnostics point at the spec file as a whole.
func checkLimits(pl *ir.IR, m *Manifest, ds *diag.Set) {
	pos := ir.Pos{File: pl.SpecFile()}
	split := len(m.Stacks) > 1
	check := func(what string, used, limit int, stack string) {
		pct := 100 * used / limit
		switch {
		case used > limit:
			ds.Errorf(pos, "FC500", "%s is %d, more than the %d AWS allows", what, used, limit).Hint =
				"split the pipeline into several specs (fewer sources or tables in each)"
		case pct >= WarnPercent && stack == TemplatePath && !split:
			ds.Warnf(pos, "FC501", "%s is %d, %d%% of the %d AWS allows", what, used, pct, limit).Hint =
				"past the limit flowc build moves the Glue jobs into nested stacks (stacks/); CloudFormation then replaces every job once"
		case pct >= WarnPercent:
			ds.Warnf(pos, "FC501", "%s is %d, %d%% of the %d AWS allows", what, used, pct, limit).Hint =
				"past the limit the build fails; consider splitting the pipeline into several specs"
		}
	}
	for _, s := range m.Stacks {
		check("the number of resources in "+s.Path, s.Resources, MaxResources, s.Path)
		check("the number of outputs of "+s.Path, s.Outputs, MaxOutputs, s.Path)
		check("the size in bytes of "+s.Path, s.Bytes, MaxTemplateS3, s.Path)
	}
	d := m.Limits.DefinitionBytes
	check("the size in bytes of the state machine definition", d.Used, d.Limit, "")
}

// String renders a usage as "used/limit".
func (u Usage) String() string { return fmt.Sprintf("%d/%d", u.Used, u.Limit) }
