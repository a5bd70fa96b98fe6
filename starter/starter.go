// Package starter holds what `flowc init` writes: a starter spec whose
// comments teach the language (one source, one transform, one table,
// alerts, two environments) and, beside it, the JSON Schema that the spec's
// first line points yaml-language-server at, so editors complete and check
// it offline.
//
// The contract: Files renders the files in memory and does no I/O; the
// caller writes them (refusing to overwrite). The starter spec passes
// spec.LoadAll without errors or warnings for any valid pipeline name, and
// compiles for both of its environments.
package starter

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"text/template"

	"github.com/flowc-dev/flowc/spec"
)

// File names written by `flowc init`, relative to its directory.
const (
	SpecFile   = "flowc.yaml"
	SchemaFile = "flowc.schema.json"
)

// defaultPipeline is the pipeline name when none can be derived.
const defaultPipeline = "my-pipeline"

//go:embed flowc.yaml.tmpl
var specText string

// specTmpl is parsed on first use, not at init: every command but init
// starts without it.
var specTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New(SpecFile).Option("missingkey=error").Parse(specText))
})

// maxPipeline keeps derived names (the longest is the prod EventBridge rule,
// <pipeline>-prod-orders) well inside AWS limits.
const maxPipeline = 32

var pipelineRe = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// CheckPipeline returns an error when name is not a valid pipeline name.
func CheckPipeline(name string) error {
	if !pipelineRe.MatchString(name) {
		return fmt.Errorf("pipeline name %q is invalid: use 1 to 32 characters, a lowercase letter then lowercase letters, digits or hyphens", name)
	}
	return nil
}

// PipelineFromDir derives a pipeline name from a directory's base name:
// lowercased, other characters turned into hyphens, cut to 32 characters;
// defaultPipeline when nothing usable is left.
func PipelineFromDir(base string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(base) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := strings.TrimLeft(b.String(), "0123456789-")
	if len(name) > maxPipeline {
		name = name[:maxPipeline]
	}
	name = strings.TrimRight(name, "-")
	if CheckPipeline(name) != nil {
		return defaultPipeline
	}
	return name
}

// File is one file to write: a slash-separated path relative to the target
// directory, and its bytes.
type File struct {
	Path string
	Data []byte
}

// Files renders the starter spec for a pipeline name, and the schema file.
func Files(pipeline string) ([]File, error) {
	if err := CheckPipeline(pipeline); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err := specTmpl().Execute(&b, map[string]string{
		"Pipeline":   pipeline,
		"SpecFile":   SpecFile,
		"SchemaFile": SchemaFile,
	})
	if err != nil {
		return nil, fmt.Errorf("rendering the starter spec: %w (please report this bug)", err)
	}
	return []File{
		{Path: SpecFile, Data: b.Bytes()},
		{Path: SchemaFile, Data: spec.SchemaJSON()},
	}, nil
}
