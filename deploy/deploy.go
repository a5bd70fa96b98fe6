// Package deploy puts one environment of a compiled flowc pipeline into an
// AWS account and compares what is deployed with what a build would deploy.
//
// The contract:
//   - AWS is reached only through the narrow, context-aware interfaces in
//     aws.go (CloudFormation, S3, STS), which the aws-sdk-go-v2 clients
//     satisfy. The caller loads the SDK configuration once (cmd/flowc) and
//     passes the clients down; nothing here reads the environment.
//   - A deploy publishes the build's assets to a flowc-managed asset bucket
//     per account and region under content-addressed keys, then creates and
//     executes a CloudFormation change set (or, with MethodDirect, calls
//     CreateStack/UpdateStack), streaming stack events until the stack
//     settles. Waiting uses the SDK's waiters; a cancelled context stops
//     waiting and never leaves anything half-done on the client side.
//   - What will change is computed as a Plan, a plain value, from fetched
//     facts (templates, a change set, assets read back from the asset
//     bucket) by buildPlan, a pure function; so is rendering it (render.go).
//     The same Plan serves `flowc deploy` and `flowc diff` (against the
//     stack, or offline against an earlier build with DiffOffline, which
//     calls no AWS API). Replacements come from the change set when it has
//     them, else from the resource types' create-only properties
//     (createonly_gen.go, generated from the CloudFormation registry
//     schemas bundled with cfn-lint); the Plan says which.
//   - Destroy deletes the stack; resources with DeletionPolicy Retain (the
//     data buckets) stay and are listed.
//   - All output goes to the io.Writers in Options; nothing prints to the
//     process's streams and nothing calls os.Exit.
package deploy

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/flowc-dev/flowc/layout"
)

// File is one file of a build: a slash-separated path relative to the
// build directory and its bytes.
type File struct {
	Path string
	Data []byte
}

// Asset is a build file published to the asset bucket under a
// content-addressed key before the template that refers to it is
// deployed: Glue scripts and nested stack templates.
type Asset struct {
	Path string // build-relative, e.g. glue/delayed_flights_fact.py
	Key  string // S3 key, e.g. flowc/assets/<sha256>.py
}

// Bundle is one environment's build, in memory: everything a deploy or a
// diff needs, independent of how it was compiled.
type Bundle struct {
	Pipeline string
	Env      string
	Stack    string // CloudFormation stack name
	Region   string
	Account  string // the environment's account guard; "" accepts any account
	Files    []File // every file of the build, template.json included
	Assets   []Asset
}

// File returns the bytes of the file at path, or nil.
func (b *Bundle) File(path string) []byte {
	for _, f := range b.Files {
		if f.Path == path {
			return f.Data
		}
	}
	return nil
}

// template returns the root template.
func (b *Bundle) Template() []byte { return b.File(layout.TemplatePath) }

// FileMap returns the build's files by path.
func (b *Bundle) FileMap() map[string][]byte {
	m := make(map[string][]byte, len(b.Files))
	for _, f := range b.Files {
		m[f.Path] = f.Data
	}
	return m
}

// Method is how a deploy changes the stack.
type Method string

// Deploy methods.
const (
	MethodChangeSet Method = "change-set" // create, review and execute a change set (default)
	MethodDirect    Method = "direct"     // CreateStack / UpdateStack without a change set
)

// ParseMethod checks a --method value.
func ParseMethod(s string) (Method, error) {
	switch Method(s) {
	case "", MethodChangeSet:
		return MethodChangeSet, nil
	case MethodDirect:
		return MethodDirect, nil
	}
	return "", fmt.Errorf("unknown deploy method %q (want change-set or direct)", s)
}

// Confirmer asks the user whether to go on. It returns false when the user
// declines and an error when it cannot ask (no terminal and no --yes).
type Confirmer func(question string) (bool, error)

// Options configure a Deployer.
type Options struct {
	// Out receives the plan, progress and results; Err receives notes and
	// warnings. Both default to io.Discard.
	Out, Err io.Writer
	// Poll is the shortest wait between two polls of a stack or a change
	// set (default 5s); waits grow up to four times this.
	Poll time.Duration
	// MaxWait bounds how long to wait for a stack operation, including one
	// already in progress when a deploy starts (default 2h).
	MaxWait time.Duration
	// Now returns the current time (default time.Now); used for change set
	// names only.
	Now func() time.Time
	// PlainHTTP says the S3 endpoint is plain http (an emulator). The asset
	// bucket then gets no TLS-only policy, which would lock flowc out of it.
	PlainHTTP bool
}

func (o Options) withDefaults() Options {
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Err == nil {
		o.Err = io.Discard
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 2 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Deployer deploys, diffs and destroys stacks through the given clients.
type Deployer struct {
	c   Clients
	opt Options
}

// New returns a Deployer.
func New(c Clients, opt Options) *Deployer {
	return &Deployer{c: c, opt: opt.withDefaults()}
}

func (d *Deployer) outf(format string, args ...any) { fmt.Fprintf(d.opt.Out, format, args...) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
