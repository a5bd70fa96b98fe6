package cfn_test

import (
	"fmt"
	"testing"

	"github.com/flowc-dev/flowc/compiler/asl"
	"github.com/flowc-dev/flowc/compiler/cfn"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/spec"
)

// BenchmarkRender measures the reason the JSON fast path exists: rendering
// the root template (every job in it) by the fast path against
// goformation's Template.JSON plus canonicalisation, on the example and on
// generated specs. TestRenderMatchesGoformation holds that both give the
// same bytes. Compare the two with benchstat or by the ns/op ratio.
func BenchmarkRender(b *testing.B) {
	for _, c := range []struct {
		name, src string
	}{{"example", testspec.Example(b)}, {"tables=100", testspec.Gen(100)}, {"tables=500", testspec.Gen(500)}} {
		pl, ds := spec.Load("spec.yaml", []byte(c.src), "dev")
		if ds.HasErrors() {
			b.Fatal(ds)
		}
		def, err := asl.StateMachine(pl, asl.Options{SlotPollSeconds: 30})
		if err != nil {
			b.Fatal(err)
		}
		for _, slow := range []bool{false, true} {
			path := "fast"
			if slow {
				path = "goformation"
			}
			b.Run(fmt.Sprintf("%s/%s", c.name, path), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := cfn.RenderRoot(pl, def, slow); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
