package compiler

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/flowc-dev/flowc/compiler/asl"
	"github.com/flowc-dev/flowc/compiler/cfn"
	"github.com/flowc-dev/flowc/compiler/ddl"
	"github.com/flowc-dev/flowc/compiler/glue"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec/diag"
)

// File is one file of a build: a slash-separated path relative to the
// build directory and its bytes.
type File struct {
	Path string
	Data []byte
}

// Asset is a build file that `flowc deploy` uploads to the asset bucket
// before deploying the template: the Glue scripts, their runtime, the
// pipeline's description (pipeline.json) and, when the build is split, the
// nested stack templates. Key is content-addressed
// (flowc/assets/<sha256><ext>), so the template that refers to it is
// deterministic and changes exactly when the asset does.
type Asset struct {
	Path   string `json:"path"`   // build-relative, e.g. glue/delayed_flights_fact.py
	Key    string `json:"key"`    // S3 key in the asset bucket, e.g. flowc/assets/<sha256>.py
	SHA256 string `json:"sha256"` // hex sha256 of the file's bytes
}

// Output is a whole build, in memory.
type Output struct {
	IR       *ir.IR
	Files    []File  // every file, sorted by Path (manifest.json included)
	Assets   []Asset // sorted by Path
	Manifest Manifest
}

// File returns the bytes of the file at path, or nil.
func (o *Output) File(path string) []byte {
	i := sort.Search(len(o.Files), func(i int) bool { return o.Files[i].Path >= path })
	if i < len(o.Files) && o.Files[i].Path == path {
		return o.Files[i].Data
	}
	return nil
}

// Options tune a build. The zero value is what `flowc build` uses.
type Options struct {
	// SlotPollSeconds is how long a partition that finds every slot taken
	// (runs: max_parallel_partitions) waits before it tries again
	// (default 30). Tests against an emulator set 1.
	SlotPollSeconds int
	// AllowDestructive names tables whose Glue job may make destructive
	// changes although the spec says on_destructive_change: error (flowc
	// deploy --allow-destructive): their scripts' TABLE_DESCRIPTION says
	// allow. The rest of the build is the same.
	AllowDestructive []string

	limitsOnly bool // CheckLimits: no Glue scripts, DDL or manifest
}

func (o Options) withDefaults() Options {
	if o.SlotPollSeconds <= 0 {
		o.SlotPollSeconds = 30
	}
	return o
}

// Compile runs every backend over the IR of one environment (spec.Check's
// result). It does no I/O. Problems are diagnostics positioned in the
// spec; the Output is nil when the set has errors.
func Compile(pl *ir.IR) (*Output, *diag.Set) {
	return CompileWith(pl, Options{})
}

// CheckLimits returns what Compile reports for pl without writing the build:
// the AWS limits the build would pass or come near (FC5xx). It is for
// `flowc validate`. It renders the templates and the state machine, whose
// sizes and counts the limits are about, and skips the Glue scripts and
// the DDL: no limit depends on their text, and a template names a script
// only by a key of fixed length (its SHA-256), so the templates have the
// sizes Compile's have.
func CheckLimits(pl *ir.IR) *diag.Set {
	opt := Options{}.withDefaults()
	opt.limitsOnly = true
	_, ds := compileIR(pl, opt, &diag.Set{})
	return ds
}

// CompileWith is Compile with options.
func CompileWith(pl *ir.IR, opt Options) (*Output, *diag.Set) {
	return compileIR(pl, opt.withDefaults(), &diag.Set{})
}

// compileIR runs the backends over a lowered pipeline.
func compileIR(pl *ir.IR, opt Options, ds *diag.Set) (*Output, *diag.Set) {
	b := &builder{files: map[string][]byte{}}
	b.glueFiles(pl, opt, ds)
	if ds.HasErrors() {
		return nil, ds
	}

	def, err := asl.StateMachine(pl, asl.Options{SlotPollSeconds: opt.SlotPollSeconds})
	if err != nil {
		internalError(ds, ir.Pos{File: pl.SpecFile()}, "generating the state machine", err)
		return nil, ds
	}
	b.add(layout.StateMachinePath, def)
	fresh, err := asl.FreshnessMachine(pl)
	if err != nil {
		internalError(ds, ir.Pos{File: pl.SpecFile()}, "generating the freshness check", err)
		return nil, ds
	}
	if fresh != nil {
		b.add(layout.FreshnessMachinePath, fresh)
	}

	desc := pl.Describe()
	db, err := desc.JSON()
	if err != nil {
		internalError(ds, ir.Pos{File: pl.SpecFile()}, "writing the pipeline's description", err)
		return nil, ds
	}
	b.add(layout.DescriptionPath, db)
	b.asset(layout.DescriptionPath)

	keys := b.assetKeys()
	stacks, err := cfn.Templates(pl, cfn.Options{Definition: def, FreshnessDefinition: fresh, AssetKeys: keys, DescriptionKey: keys[layout.DescriptionPath]})
	if err != nil {
		internalError(ds, ir.Pos{File: pl.SpecFile()}, "generating the CloudFormation template", err)
		return nil, ds
	}
	if stacks.Definition != nil {
		b.add(layout.CompactStateMachinePath, stacks.Definition) // the root reads it from S3
		b.asset(layout.CompactStateMachinePath)
	}
	// Nested stacks first: the root refers to them by content-addressed key.
	for _, s := range stacks.Nested {
		b.add(s.Path, s.Body)
		b.asset(s.Path)
	}
	b.add(layout.TemplatePath, stacks.Root.Body)

	m := newManifest(pl, stacks, def)
	m.Description = desc
	checkLimits(pl, &m, stacks.Definition != nil, ds)
	if ds.HasErrors() || opt.limitsOnly {
		return nil, ds
	}
	out := &Output{IR: pl, Assets: b.sortedAssets()}
	m.Assets = out.Assets
	m.Files = b.manifestFiles()
	mb, err := m.JSON()
	if err != nil {
		internalError(ds, ir.Pos{File: pl.SpecFile()}, "writing the manifest", err)
		return nil, ds
	}
	b.add(layout.ManifestPath, mb)
	out.Manifest = m
	out.Files = b.sorted()
	for _, f := range out.Files {
		if !validPath(f.Path) {
			internalError(ds, ir.Pos{File: pl.SpecFile()}, "naming the build's files", fmt.Errorf("path %q leaves the build directory", f.Path))
			return nil, ds
		}
	}
	return out, ds
}

// glueFiles adds the Glue runtime, each table's script and DDL, and the
// schema's DDL. For CheckLimits the runtime and the scripts are empty
// stand-ins: an asset's key (its content hash) has its length whatever the
// content, so the templates that name them have the sizes of a build's.
func (b *builder) glueFiles(pl *ir.IR, opt Options, ds *diag.Set) {
	if len(pl.Tables) == 0 {
		return
	}
	if opt.limitsOnly {
		b.add(layout.GlueRuntimePath, nil)
		b.asset(layout.GlueRuntimePath)
		for _, t := range pl.Tables {
			b.add(layout.GlueScriptPath(t.Name), nil)
			b.asset(layout.GlueScriptPath(t.Name))
		}
		return
	}
	rt, err := glue.Runtime()
	if err != nil {
		internalError(ds, ir.Pos{File: pl.SpecFile()}, "writing the Glue runtime", err)
		return
	}
	b.add(layout.GlueRuntimePath, rt)
	b.asset(layout.GlueRuntimePath)
	scripts := glueScripts(pl, opt.AllowDestructive)
	for i, t := range pl.Tables {
		if layout.GlueScriptPath(t.Name) == layout.GlueRuntimePath {
			// The checker refuses the name (FC216): reaching this is a bug.
			internalError(ds, t.Pos, "naming the Glue script of table "+t.Name,
				fmt.Errorf("%s is the Glue runtime's path (the checker's FC216 should have refused the name)", layout.GlueRuntimePath))
			continue
		}
		if err := scripts[i].err; err != nil {
			internalError(ds, t.Pos, "generating the Glue script of table "+t.Name, err)
			continue
		}
		b.add(layout.GlueScriptPath(t.Name), scripts[i].py)
		b.asset(layout.GlueScriptPath(t.Name))
		b.add(layout.DDLPath(t.Name), ddl.File(pl, t))
	}
	b.add(layout.SchemaDDLPath, ddl.SchemaFile(pl))
}

// script is one table's Glue script or why it could not be written.
type script struct {
	py  []byte
	err error
}

// glueScripts renders the Glue script of every table, in table order, on
// every core: the scripts are independent and most of a large build's
// work. The result is the same however the work is scheduled. The tables
// allow names may make destructive changes (Options.AllowDestructive).
func glueScripts(pl *ir.IR, allow []string) []script {
	gw := glue.NewWriter(pl)
	out := make([]script, len(pl.Tables))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0) && w < len(pl.Tables); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := pl.Tables[i]
				out[i].py, out[i].err = gw.ScriptWith(t, glue.ScriptOptions{AllowDestructive: slices.Contains(allow, t.Name)})
			}
		}()
	}
	for i := range pl.Tables {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// internalError reports a compiler bug: a diagnostic without a code that
// says so and asks for a report.
func internalError(ds *diag.Set, pos ir.Pos, doing string, err error) {
	ds.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error,
		Message: fmt.Sprintf("internal error %s: %v", doing, err),
		Hint:    "this is a bug in flowc; please report it with the spec that triggers it"})
}

// builder collects files and assets.
type builder struct {
	files  map[string][]byte
	assets []Asset
}

func (b *builder) add(p string, data []byte) {
	if _, dup := b.files[p]; dup {
		panic(fmt.Sprintf("compiler: two files at %s", p)) // names are unique by spec checks
	}
	b.files[p] = data
}

func (b *builder) asset(p string) {
	key, sum := layout.AssetKey(p, b.files[p])
	b.assets = append(b.assets, Asset{Path: p, Key: key, SHA256: sum})
}

// sortedAssets returns the assets sorted by path (sorted once, not on
// every addition: a build can have thousands).
func (b *builder) sortedAssets() []Asset {
	sort.Slice(b.assets, func(i, j int) bool { return b.assets[i].Path < b.assets[j].Path })
	return b.assets
}

// assetKeys maps asset paths to their keys.
func (b *builder) assetKeys() map[string]string {
	m := make(map[string]string, len(b.assets))
	for _, a := range b.assets {
		m[a.Path] = a.Key
	}
	return m
}

func (b *builder) sorted() []File {
	out := make([]File, 0, len(b.files))
	for p, d := range b.files {
		out = append(out, File{Path: p, Data: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// manifestFiles lists every file but the manifest with its hash and size.
func (b *builder) manifestFiles() []ManifestFile {
	var out []ManifestFile
	for _, f := range b.sorted() {
		if f.Path == layout.ManifestPath {
			continue
		}
		h := sha256.Sum256(f.Data)
		out = append(out, ManifestFile{Path: f.Path, SHA256: hex.EncodeToString(h[:]), Bytes: len(f.Data)})
	}
	return out
}

// validPath reports whether p is a clean, relative, slash-separated path
// that stays inside the build directory.
func validPath(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && p != ".." && !strings.HasPrefix(p, "../")
}
