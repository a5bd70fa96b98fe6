package compiler

import (
	"fmt"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec/diag"
)

// checkLimits reports each limit the build passes (FC500) or comes near
// (FC501). The diagnostics point at the spec file as a whole.
// defS3 says the root reads the state machine's definition from S3 (the
// last placement, cfn_stacks.go).
func checkLimits(pl *ir.IR, m *Manifest, defS3 bool, ds *diag.Set) {
	pos := ir.Pos{File: pl.SpecFile()}
	split, sourcesNested := len(m.Stacks) > 1, false
	for _, s := range m.Stacks {
		sourcesNested = sourcesNested || layout.IsNestedSourceStack(s.Path)
	}
	check := func(what string, used, limit int, stack string) {
		pct := 100 * used / limit
		switch {
		case used > limit:
			ds.Errorf(pos, diag.FC500, "%s is %d, more than the %d AWS allows", what, used, limit).Hint =
				"split the pipeline into several specs (fewer sources or tables in each)"
		case pct >= layout.WarnPercent && stack == layout.TemplatePath && !split:
			ds.Warnf(pos, diag.FC501, "%s is %d, %d%% of the %d AWS allows", what, used, pct, limit).Hint =
				"past the limit flowc build moves the Glue jobs into nested stacks (stacks/); CloudFormation then replaces every job once"
		case pct >= layout.WarnPercent && stack == layout.TemplatePath && !sourcesNested && len(pl.Sources) > 0:
			ds.Warnf(pos, diag.FC501, "%s is %d, %d%% of the %d AWS allows", what, used, pct, limit).Hint =
				"past the limit flowc build writes the state machine's definition as compact text and, if the root still passes it, moves the sources into nested stacks (stacks/sources-NN.json); CloudFormation then replaces every source's catalog table (the next run of each partition registers it again) and trigger rule once"
		case pct >= layout.WarnPercent && stack == layout.TemplatePath && !defS3 && len(pl.Sources) > 0:
			ds.Warnf(pos, diag.FC501, "%s is %d, %d%% of the %d AWS allows", what, used, pct, limit).Hint =
				"past the limit flowc build has the root read the state machine's definition from S3 (DefinitionS3Location, statemachine.compact.asl.json uploaded as an asset)"
		case pct >= layout.WarnPercent:
			ds.Warnf(pos, diag.FC501, "%s is %d, %d%% of the %d AWS allows", what, used, pct, limit).Hint =
				"past the limit the build fails; consider splitting the pipeline into several specs"
		}
	}
	for _, s := range m.Stacks {
		check("the number of resources in "+s.Path, s.Resources, layout.MaxResources, s.Path)
		check("the number of outputs of "+s.Path, s.Outputs, layout.MaxOutputs, s.Path)
		check("the size in bytes of "+s.Path, s.Bytes, layout.MaxTemplateS3, s.Path)
	}
	d := m.Limits.DefinitionBytes
	check("the size in bytes of the state machine definition", d.Used, d.Limit, "")
}

// String renders a usage as "used/limit".
func (u Usage) String() string { return fmt.Sprintf("%d/%d", u.Used, u.Limit) }
