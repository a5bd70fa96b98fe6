package spec

import "github.com/flowc-dev/flowc/ir"

// envValues are the values of one environment with every ${params.NAME}
// and ${env} expanded: the one place the checker substitutes parameters.
// The environment's checks read them and lower copies them into the IR.
type envValues struct {
	env       *Environment
	region    string
	account   string
	names     Names
	locations []string // of f.Sources, in order
	redshift  ir.Redshift
	onFailure []string // of f.Alerts.OnFailure.Email, in order
	onSuccess []string // of f.Alerts.OnSuccess.Email, in order
}

// expand expands the values of f that may hold ${...} for environment e.
func (f *File) expand(e *Environment) *envValues {
	x := func(s Str) string { return expandString(s.Raw, e) }
	v := &envValues{
		env:     e,
		region:  x(e.Region),
		account: x(e.Account),
		names:   Names{Pipeline: f.Pipeline.Raw, Env: e.Name.Raw, StackOverride: x(e.Stack)},
	}
	for _, s := range f.Sources {
		v.locations = append(v.locations, x(s.Location))
	}
	if w := f.Warehouse; w != nil && w.Redshift != nil {
		rs := w.Redshift
		v.redshift = ir.Redshift{
			Workgroup: x(rs.Workgroup), Cluster: x(rs.Cluster), Database: x(rs.Database),
			Schema: x(rs.Schema), Connection: x(rs.Connection), IAMRole: x(rs.IAMRole),
		}
	}
	if a := f.Alerts; a != nil {
		if a.OnFailure != nil {
			for _, m := range a.OnFailure.Email {
				v.onFailure = append(v.onFailure, x(m))
			}
		}
		if a.OnSuccess != nil {
			for _, m := range a.OnSuccess.Email {
				v.onSuccess = append(v.onSuccess, x(m))
			}
		}
	}
	return v
}
