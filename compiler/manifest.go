package compiler

import (
	"github.com/flowc-dev/flowc/compiler/cfn"
	"github.com/flowc-dev/flowc/compiler/internal/jsonw"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
)

// Manifest describes a build (manifest.json): every file with its sha256,
// the assets flowc deploy uploads, each template's size, and where the
// build stands against the AWS limits. It is deterministic like every
// other file of the build.
type Manifest struct {
	Pipeline string         `json:"pipeline"`
	Env      string         `json:"environment"`
	Stack    string         `json:"stack"`
	Region   string         `json:"region"`
	Files    []ManifestFile `json:"files"`  // every file but manifest.json, sorted by path
	Assets   []Asset        `json:"assets"` // sorted by path
	Stacks   []StackSize    `json:"stacks"` // the root first, then nested stacks by path
	Limits   Limits         `json:"limits"`
	// Description is the pipeline's description, as in pipeline.json, for
	// tools that read only the manifest.
	Description *ir.Description `json:"description"`
}

// ManifestFile is one file of the build.
type ManifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
}

// StackSize is the size of one template of the build.
type StackSize struct {
	Path      string `json:"path"`
	Resources int    `json:"resources"`
	Outputs   int    `json:"outputs"`
	Bytes     int    `json:"bytes"`
}

// Limits is the build against the AWS quotas it must stay within.
type Limits struct {
	Resources       Usage `json:"resources"`        // resources of the largest stack
	Outputs         Usage `json:"outputs"`          // outputs of the stack with most
	TemplateBytes   Usage `json:"template_bytes"`   // largest template, against the S3 limit
	InlineBytes     Usage `json:"inline_bytes"`     // root template, against the inline limit
	DefinitionBytes Usage `json:"definition_bytes"` // state machine definition, compacted
	// Inline reports whether the root template may be sent in the request;
	// when false, flowc deploy uploads it to the asset bucket.
	Inline bool `json:"inline"`
}

// Usage is a measure against its limit.
type Usage struct {
	Used  int `json:"used"`
	Limit int `json:"limit"`
}

// newManifest measures a build; Files and Assets are set by the caller.
func newManifest(pl *ir.IR, st *cfn.Stacks, def []byte) Manifest {
	m := Manifest{Pipeline: pl.Pipeline, Env: pl.Env, Stack: pl.Names.Stack(), Region: pl.Region}
	all := append([]cfn.Stack{st.Root}, st.Nested...)
	l := Limits{
		Resources:       Usage{Limit: layout.MaxResources},
		Outputs:         Usage{Limit: layout.MaxOutputs},
		TemplateBytes:   Usage{Limit: layout.MaxTemplateS3},
		InlineBytes:     Usage{Used: len(st.Root.Body), Limit: layout.MaxTemplateInline},
		DefinitionBytes: Usage{Used: jsonw.CompactLen(def), Limit: layout.MaxDefinition},
		Inline:          len(st.Root.Body) <= layout.MaxTemplateInline,
	}
	for _, s := range all {
		m.Stacks = append(m.Stacks, StackSize{Path: s.Path, Resources: s.Resources, Outputs: s.Outputs, Bytes: len(s.Body)})
		l.Resources.Used = max(l.Resources.Used, s.Resources)
		l.Outputs.Used = max(l.Outputs.Used, s.Outputs)
		l.TemplateBytes.Used = max(l.TemplateBytes.Used, len(s.Body))
	}
	m.Limits = l
	return m
}

// JSON renders the manifest, indented, with a trailing newline.
func (m Manifest) JSON() ([]byte, error) { return jsonw.Pretty(m) }
