package spec

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/layout"
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Load parses a spec and checks it (Parse, then Check), with one set of
// diagnostics. With env == "" every environment is checked and the IR is
// that of the only environment (nil when the spec has several: use Parse
// and CheckAll); otherwise only the named one is checked (an unknown name
// is an error). The IR is nil when the set holds errors.
func Load(name string, src []byte, env string) (*ir.IR, *diag.Set) {
	f, ds := Parse(name, src)
	pl, cds := Check(f, env)
	ds.Merge(cds)
	return pl, ds
}

// LoadAll parses a spec and checks every environment (Parse, then
// CheckAll), with one set of diagnostics: the IRs are in the order of the
// file's environments, nil when the set holds errors.
func LoadAll(name string, src []byte) (*File, []*ir.IR, *diag.Set) {
	f, ds := Parse(name, src)
	irs, cds := CheckAll(f)
	ds.Merge(cds)
	return f, irs, ds
}

// Check runs every semantic check of a parsed file for environment env and
// returns the IR of that environment, as go/types records what it finds in
// an Info: the syntax tree is left as Parse made it. With env == "" every
// environment is checked and the IR is that of the only one (nil when the
// spec has several: use CheckAll). The IR is nil when the checks, or Parse,
// found an error.
func Check(f *File, env string) (*ir.IR, *diag.Set) {
	irs, ds := check(f, env)
	if len(irs) != 1 {
		return nil, ds
	}
	return irs[0], ds
}

// CheckAll is Check for every environment: the IRs are in the order of
// f.Environments, nil when the checks, or Parse, found an error.
func CheckAll(f *File) ([]*ir.IR, *diag.Set) { return check(f, "") }

// check runs the checks for env ("" = every environment) and lowers each
// environment checked when nothing is wrong.
func check(f *File, env string) ([]*ir.IR, *diag.Set) {
	ds := &diag.Set{}
	if f.root == nil {
		return nil, ds
	}
	defer ds.KeepInside(f.Name, f.Src)
	c := &checker{f: f, ds: ds, facts: newFacts()}
	vals := c.run(env)
	if f.parseErrors || ds.HasErrors() {
		return nil, ds
	}
	// The JSON Schema is the editors' view of the language; it must agree.
	// Reported only when flowc's own checks found nothing, so one mistake
	// never gives two messages.
	validateSchema(f.Name, f.root, ds)
	if ds.HasErrors() {
		return nil, ds
	}
	irs := make([]*ir.IR, len(vals))
	for i, v := range vals {
		irs[i] = c.lower(v)
	}
	return irs, ds
}

type checker struct {
	f  *File
	ds *diag.Set

	sources     map[string]*Source
	sourceIndex map[*Source]int // position in f.Sources
	transforms  map[string]*Transform
	order       []*Transform    // topological
	untyped     map[string]bool // sources/transforms whose row is unknown after errors
	triggered   int             // sources with a trigger

	facts
}

// facts is what the checker computes about the syntax tree, recorded here
// (as go/types records into an Info), never in the tree: lower copies it
// into the IR.
type facts struct {
	colType  map[*Column]expr.Type         // a source column's type
	partType map[*Partition]expr.Type      // a partition column's type
	srcRow   map[*Source][]expr.Column     // columns, then partitions
	stepRow  map[*Step][]expr.Column       // the row after the step
	trRow    map[*Transform][]expr.Column  // the output row, unqualified
	rt       map[*TableColumn]RedshiftType // a table column's type
	feed     map[*TableColumn]expr.Type    // the type of the output column feeding it
	trigger  map[*Table]*Source            // the triggered source of the table's lineage
	// ownerCheck marks the merge tables whose key does not prove that a
	// group lies in one partition (FC414): their load checks ownership.
	ownerCheck map[*Table]bool
	// appends is the source whose files an append table loads once each.
	appends map[*Table]*Source
	typed   map[*Expr]expr.Expr // the typed copy of an expression's AST
}

func newFacts() facts {
	return facts{
		colType:    map[*Column]expr.Type{},
		partType:   map[*Partition]expr.Type{},
		srcRow:     map[*Source][]expr.Column{},
		stepRow:    map[*Step][]expr.Column{},
		trRow:      map[*Transform][]expr.Column{},
		rt:         map[*TableColumn]RedshiftType{},
		feed:       map[*TableColumn]expr.Type{},
		trigger:    map[*Table]*Source{},
		ownerCheck: map[*Table]bool{},
		appends:    map[*Table]*Source{},
		typed:      map[*Expr]expr.Expr{},
	}
}

var (
	pipelineRe = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	envNameRe  = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	nameRe     = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	refRe      = regexp.MustCompile(`\$\{([^}]*)\}`)
	regionRe   = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	accountRe  = regexp.MustCompile(`^[0-9]{12}$`)
	emailRe    = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$`)
)

func (c *checker) errorf(p Pos, code diag.ID, format string, args ...any) *diag.Diagnostic {
	return c.ds.Errorf(p, code, format, args...)
}

func suggestHint(name string, cands []string) string {
	if s := expr.Suggest(name, cands); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	if len(cands) > 0 && len(cands) <= 12 {
		return "known: " + strings.Join(cands, ", ")
	}
	return ""
}

// run runs the checks for env ("" = every environment) and returns the
// expanded values of the environments it checked.
func (c *checker) run(env string) []*envValues {
	f := c.f
	if f.Pipeline.IsSet() && !pipelineRe.MatchString(f.Pipeline.Raw) {
		c.errorf(f.Pipeline.Pos, diag.FC200, "pipeline name %q is invalid", f.Pipeline.Raw).Hint =
			"use 1 to 32 characters: a lowercase letter, then lowercase letters, digits or hyphens"
	}
	c.names()
	c.graph()
	c.types()
	c.tables()
	c.loads()
	c.triggers()
	c.laterChecks()
	envs := f.Environments
	if env != "" {
		e := f.Env(env)
		if e == nil {
			f.unknownEnv(c.ds, env)
			return nil
		}
		envs = []*Environment{e}
	}
	c.envSyntax()
	var vals []*envValues
	for _, e := range envs {
		v := f.expand(e)
		c.environment(v)
		c.laterEnvChecks(v)
		vals = append(vals, v)
	}
	return vals
}

// reservedTableName is the name of the Glue runtime module that every
// job script imports; a table of that name would overwrite it.
const reservedTableName = layout.GlueRuntimeModule

// Env returns the named environment, or nil.
func (f *File) Env(name string) *Environment {
	for _, e := range f.Environments {
		if e.Name.Raw == name {
			return e
		}
	}
	return nil
}

// EnvDefault is what ChooseEnv does when no environment is named and the
// spec has several.
type EnvDefault int

const (
	// NeedEnv makes several environments an *EnvError: the command needs
	// --env (build, diff, deploy, destroy, graph --aws).
	NeedEnv EnvDefault = iota
	// FirstEnv takes the first environment listed: flowc run (which says
	// so on stderr) and the plain flowc graph (which shows nothing that
	// differs between environments), as cli-v1.md and their help describe.
	FirstEnv
)

// EnvError is a spec with several environments (or none) and no
// environment named.
type EnvError struct {
	File  string
	Names []string // the environments, in the order of the spec
}

func (e *EnvError) Error() string {
	if len(e.Names) == 0 {
		return fmt.Sprintf("%s has no environments; add one under environments:", e.File)
	}
	return fmt.Sprintf("%s has %d environments (%s); choose one with --env", e.File, len(e.Names), strings.Join(e.Names, ", "))
}

// ChooseEnv is the one rule for the environment a command works on, given
// the name the user gave (--env, "" when absent):
//   - a name: that environment; a name the spec does not define is the
//     FC213 error that Load reports too, as a *diag.Set;
//   - no name and one environment: that one;
//   - no name and several: with NeedEnv an *EnvError naming them; with
//     FirstEnv the first one listed, and first is true.
func (f *File) ChooseEnv(name string, def EnvDefault) (env string, first bool, err error) {
	if name != "" {
		if f.Env(name) == nil {
			ds := &diag.Set{}
			f.unknownEnv(ds, name)
			return "", false, ds
		}
		return name, false, nil
	}
	switch n := len(f.Environments); {
	case n == 1:
		return f.Environments[0].Name.Raw, false, nil
	case n > 1 && def == FirstEnv:
		return f.Environments[0].Name.Raw, true, nil
	}
	return "", false, &EnvError{File: f.Name, Names: f.envNames()}
}

func (f *File) envNames() []string {
	var names []string
	for _, e := range f.Environments {
		names = append(names, e.Name.Raw)
	}
	return names
}

// unknownEnv adds the FC213 error for an environment the spec does not
// define, at its first environment, with the known names as the hint.
func (f *File) unknownEnv(ds *diag.Set, name string) {
	p := Pos{File: f.Name, Line: 1, Col: 1}
	if len(f.Environments) > 0 {
		p = f.Environments[0].Name.Pos
	}
	ds.Errorf(p, diag.FC213, "environment %q is not defined in this spec", name).Hint = suggestHint(name, f.envNames())
}

// Source returns the named source, or nil.
func (f *File) Source(name string) *Source {
	for _, s := range f.Sources {
		if s.Name.Raw == name {
			return s
		}
	}
	return nil
}

// Transform returns the named transform, or nil.
func (f *File) Transform(name string) *Transform {
	for _, t := range f.Transforms {
		if t.Name.Raw == name {
			return t
		}
	}
	return nil
}

// Tables returns the warehouse tables (nil-safe).
func (f *File) Tables() []*Table {
	if f.Warehouse == nil {
		return nil
	}
	return f.Warehouse.Tables
}

// expandString substitutes ${params.NAME} and ${env} in s for environment
// e. Unknown references are left as written (the checks report them).
func expandString(s string, e *Environment) string {
	if !strings.Contains(s, "${") || e == nil {
		return s
	}
	return refRe.ReplaceAllStringFunc(s, func(m string) string {
		ref := strings.TrimSpace(m[2 : len(m)-1])
		if ref == "env" {
			return e.Name.Raw
		}
		if p, ok := strings.CutPrefix(ref, "params."); ok {
			if v, ok := e.Param(p); ok {
				return expandString(v, &Environment{Name: e.Name})
			}
		}
		return m
	})
}

// names checks the syntax and uniqueness of every name.
func (c *checker) names() {
	f := c.f
	check := func(s Str, what string) {
		if !nameRe.MatchString(s.Raw) {
			c.errorf(s.Pos, diag.FC200, "%s name %q is invalid", what, s.Raw).Hint =
				"names are lowercase letters, digits and underscores, starting with a letter or underscore"
		}
	}
	seen := map[string]Str{}
	dup := func(s Str, what string) {
		if prev, ok := seen[s.Raw]; ok {
			dg := c.errorf(s.Pos, diag.FC201, "%s %q is defined twice", what, s.Raw)
			dg.Hint = "sources and transforms share one namespace"
			dg.Related = diag.Related{Pos: prev.Pos, Message: fmt.Sprintf("%q is first defined here", s.Raw)}
			return
		}
		seen[s.Raw] = s
	}
	for _, e := range f.Environments {
		if !envNameRe.MatchString(e.Name.Raw) {
			c.errorf(e.Name.Pos, diag.FC200, "environment name %q is invalid", e.Name.Raw).Hint =
				"use a lowercase letter, then lowercase letters, digits or hyphens"
		}
		for _, p := range e.Params {
			if !nameRe.MatchString(p.Name.Raw) {
				c.errorf(p.Name.Pos, diag.FC200, "param name %q is invalid", p.Name.Raw)
			}
		}
	}
	for _, s := range f.Sources {
		check(s.Name, "source")
		dup(s.Name, "source")
		cols := map[string]bool{}
		for _, col := range s.Columns {
			check(col.Name, "column")
			cols[col.Name.Raw] = true
		}
		pseen := map[string]bool{}
		for _, p := range s.Partitions {
			check(p.Name, "partition")
			if cols[p.Name.Raw] {
				c.errorf(p.Name.Pos, diag.FC201, "partition %q has the name of a column of source %q", p.Name.Raw, s.Name.Raw)
			}
			if pseen[p.Name.Raw] {
				c.errorf(p.Name.Pos, diag.FC201, "partition %q is listed twice", p.Name.Raw)
			}
			pseen[p.Name.Raw] = true
		}
	}
	for _, t := range f.Transforms {
		check(t.Name, "transform")
		dup(t.Name, "transform")
		for _, st := range t.Steps {
			if st.Kind == StepJoin && st.As.IsSet() {
				check(st.As, "alias")
			}
			for _, ne := range st.Columns {
				check(ne.Name, "column")
			}
		}
	}
	for _, t := range f.Tables() {
		check(t.Name, "table")
		if t.Name.Raw == reservedTableName {
			c.errorf(t.Name.Pos, diag.FC216, "table name %q is reserved: flowc writes its Glue runtime as glue/%s.py", t.Name.Raw, t.Name.Raw).Hint = "rename the table"
		}
		c.redshiftIdent(t.Name, "table")
		for _, col := range t.Columns {
			check(col.Name, "column")
			c.redshiftIdent(col.Name, "column")
		}
	}
	if f.Warehouse != nil && f.Warehouse.Redshift != nil {
		if s := f.Warehouse.Redshift.Schema; s.IsSet() && !strings.Contains(s.Raw, "${") {
			check(s, "schema")
			c.redshiftIdent(s, "schema")
		}
	}
}

func (c *checker) redshiftIdent(s Str, what string) {
	if len(s.Raw) > maxRedshiftIdent {
		c.errorf(s.Pos, diag.FC206, "%s name %q is %d bytes; Redshift identifiers are at most %d", what, s.Raw, len(s.Raw), maxRedshiftIdent)
	}
	if ir.IsRedshiftReserved(s.Raw) {
		c.errorf(s.Pos, diag.FC211, "%s name %q is a Redshift reserved word", what, s.Raw).Hint =
			fmt.Sprintf("rename it, e.g. %q", s.Raw+"_value")
	}
}

// graph resolves from/join references and orders transforms, reporting cycles.
func (c *checker) graph() {
	f := c.f
	c.sources = map[string]*Source{}
	c.transforms = map[string]*Transform{}
	var known []string
	c.sourceIndex = map[*Source]int{}
	for i, s := range f.Sources {
		if _, ok := c.sources[s.Name.Raw]; !ok { // the first, as File.Source
			c.sources[s.Name.Raw] = s
		}
		c.sourceIndex[s] = i
		known = append(known, s.Name.Raw)
	}
	for _, t := range f.Transforms {
		if _, ok := c.transforms[t.Name.Raw]; !ok {
			c.transforms[t.Name.Raw] = t
		}
		known = append(known, t.Name.Raw)
	}
	sort.Strings(known)
	ref := func(s Str, what string) bool {
		if !s.IsSet() || s.Raw == "" {
			return false
		}
		if c.sources[s.Raw] != nil || c.transforms[s.Raw] != nil {
			return true
		}
		c.errorf(s.Pos, diag.FC202, "%s %q is not a source or transform", what, s.Raw).Hint = suggestHint(s.Raw, known)
		return false
	}
	deps := map[*Transform][]*Transform{}
	for _, t := range f.Transforms {
		if ref(t.From, "from:") {
			if u := c.transforms[t.From.Raw]; u != nil {
				deps[t] = append(deps[t], u)
			}
		}
		for _, st := range t.Steps {
			if st.Kind == StepJoin && ref(st.Join, "join:") {
				if u := c.transforms[st.Join.Raw]; u != nil {
					deps[t] = append(deps[t], u)
				}
			}
		}
	}
	for _, tb := range f.Tables() {
		ref(tb.From, "from:")
	}
	// Depth-first topological sort in file order; a back edge is a cycle.
	state := map[*Transform]int{} // 0 new, 1 on stack, 2 done
	var stack []*Transform
	var visit func(t *Transform)
	visit = func(t *Transform) {
		switch state[t] {
		case 1:
			var path []string
			i := len(stack) - 1
			for ; i >= 0 && stack[i] != t; i-- {
			}
			for _, s := range stack[i:] {
				path = append(path, s.Name.Raw)
			}
			path = append(path, t.Name.Raw)
			c.errorf(t.From.Pos, diag.FC203, "transforms form a cycle: %s", strings.Join(path, " -> ")).Hint =
				"a transform may read only sources and transforms that do not read it back"
			return
		case 2:
			return
		}
		state[t] = 1
		stack = append(stack, t)
		for _, u := range deps[t] {
			visit(u)
		}
		stack = stack[:len(stack)-1]
		state[t] = 2
		c.order = append(c.order, t)
	}
	for _, t := range f.Transforms {
		if c.transforms[t.Name.Raw] == t {
			visit(t)
		}
	}
}

// triggers checks trigger syntax and that the pipeline can start.
func (c *checker) triggers() {
	n := 0
	for _, s := range c.f.Sources {
		if s.Trigger == nil {
			continue
		}
		switch s.Trigger.Kind {
		case TriggerOnArrival:
			n++
		case TriggerSchedule:
			n++
			if msg := checkSchedule(s.Trigger.Schedule.Raw); msg != "" && s.Trigger.Schedule.IsSet() {
				dg := c.errorf(s.Trigger.Schedule.Pos, diag.FC209, "invalid schedule %q: %s", s.Trigger.Schedule.Raw, msg)
				dg.Hint = `AWS cron has six fields, minutes hours day-of-month month day-of-week year, with "?" in one of the day fields: cron(0 6 * * ? *); or rate(1 hour)`
			}
		}
	}
	if n == 0 && len(c.f.Sources) > 0 {
		s := c.f.Sources[0]
		c.errorf(s.Name.Pos, diag.FC208, "no source has a trigger, so the pipeline never runs").Hint =
			"add `trigger: on_arrival` or `trigger: {schedule: \"cron(0 6 * * ? *)\"}` to the source that starts runs"
	}
}

// envSyntax checks the syntax of every ${...} reference once.
func (c *checker) envSyntax() {
	for _, s := range c.f.refs {
		raw := s.Raw
		for i := 0; i < len(raw); {
			j := strings.Index(raw[i:], "${")
			if j < 0 {
				break
			}
			j += i
			k := strings.IndexByte(raw[j:], '}')
			if k < 0 {
				c.errorf(s.PosAt(j), diag.FC205, "unterminated reference %q", raw[j:]).Hint = "write ${params.NAME} or ${env}"
				break
			}
			ref := strings.TrimSpace(raw[j+2 : j+k])
			if ref != "env" && !strings.HasPrefix(ref, "params.") {
				c.errorf(s.PosAt(j), diag.FC205, "unknown reference ${%s}", ref).Hint = "write ${params.NAME} or ${env}"
			} else if p, ok := strings.CutPrefix(ref, "params."); ok && !nameRe.MatchString(p) {
				c.errorf(s.PosAt(j), diag.FC205, "invalid param name in ${%s}", ref)
			}
			i = j + k + 1
		}
	}
	for _, e := range c.f.Environments {
		for _, p := range e.Params {
			if strings.Contains(p.Value.Raw, "${params.") {
				c.errorf(p.Value.Pos, diag.FC205, "param %q refers to another param; params may use ${env} only", p.Name.Raw)
			}
		}
	}
}

// environment checks one environment: params used, expanded values, and
// the AWS names the build would create.
func (c *checker) environment(v *envValues) {
	f := c.f
	e := v.env
	env := e.Name.Raw
	var pnames []string
	for _, p := range e.Params {
		pnames = append(pnames, p.Name.Raw)
	}
	for _, s := range f.refs {
		for _, m := range refRe.FindAllStringSubmatchIndex(s.Raw, -1) {
			ref := strings.TrimSpace(s.Raw[m[2]:m[3]])
			p, ok := strings.CutPrefix(ref, "params.")
			if !ok {
				continue
			}
			if _, ok := e.Param(p); !ok {
				c.errorf(s.PosAt(m[0]), diag.FC204, "param %q is not defined in environment %q", p, env).Hint = suggestHint(p, pnames)
			}
		}
	}
	if e.Region.IsSet() {
		c.region(e.Region, v.region)
	}
	if e.Account.IsSet() && !accountRe.MatchString(v.account) {
		c.errorf(e.Account.Pos, diag.FC212, "account %q is not a 12-digit AWS account ID", v.account).Hint = `quote it so YAML keeps leading zeros: account: "012345678901"`
	}
	if !f.Pipeline.IsSet() || !pipelineRe.MatchString(f.Pipeline.Raw) {
		return
	}
	n := v.names
	long := func(p Pos, what, name string, limit int) {
		if len(name) > limit {
			c.errorf(p, diag.FC206, "%s name %q would be %d characters in environment %q; AWS allows %d", what, name, len(name), env, limit).Hint =
				"shorten the pipeline, environment or source/table name"
		}
	}
	envPos := e.Name.Pos
	if e.Stack.IsSet() {
		if st := n.Stack(); !validStackName(st) {
			c.errorf(e.Stack.Pos, diag.FC206, "stack name %q is invalid", st).Hint = "1 to 128 letters, digits and hyphens, starting with a letter"
		}
	} else {
		long(envPos, "stack", n.Stack(), maxStackName)
	}
	long(envPos, "state machine", n.StateMachine(), maxStateMachineName)
	for _, s := range f.Sources {
		if s.Freshness != nil {
			long(s.Freshness.Pos, "freshness state machine", n.FreshnessMachine(), maxStateMachineName)
			long(s.Freshness.Pos, "IAM role", n.FreshnessRole(), maxRoleName)
			long(s.Freshness.Pos, "EventBridge rule", n.FreshnessRule(), maxRuleName)
			break
		}
	}
	for _, r := range roleNames {
		long(envPos, "IAM role", n.Role(r), maxRoleName)
	}
	long(envPos, "SNS topic", n.Topic(), maxTopicName)
	for i, s := range f.Sources {
		if s.triggerKind() != triggerNone {
			long(s.Name.Pos, "EventBridge rule", n.Rule(s.Name.Raw), maxRuleName)
		}
		if !s.Location.IsSet() {
			continue
		}
		loc := v.locations[i]
		if strings.Contains(loc, "${") {
			continue // reported above
		}
		bucket, _, ok := SplitS3(loc)
		if !ok {
			c.errorf(s.Location.Pos, diag.FC207, "location %q must be an s3:// URL", loc).Hint = "for example s3://my-bucket/raw/flights/; `flowc run --input NAME=PATH` reads local files"
			continue
		}
		if msg := bucketNameProblem(bucket); msg != "" {
			c.errorf(s.Location.Pos, diag.FC207, "bucket name %q in environment %q is invalid: %s", bucket, env, msg)
		}
	}
	for _, t := range f.Tables() {
		long(t.Name.Pos, "Glue job", n.GlueJob(t.Name.Raw), maxGlueName)
	}
	if f.Alerts != nil {
		for i, a := range []*Alert{f.Alerts.OnFailure, f.Alerts.OnSuccess} {
			if a == nil {
				continue
			}
			vals := [][]string{v.onFailure, v.onSuccess}[i]
			for j, m := range a.Email {
				if s := vals[j]; !strings.Contains(s, "${") && !emailRe.MatchString(s) {
					c.errorf(m.Pos, diag.FC210, "%q is not an e-mail address (environment %q)", s, env)
				}
			}
		}
	}
	if f.Warehouse != nil && f.Warehouse.Redshift != nil {
		r := f.Warehouse.Redshift
		if r.IAMRole.IsSet() {
			if s := v.redshift.IAMRole; !strings.Contains(s, "${") && !strings.HasPrefix(s, "arn:aws") {
				c.errorf(r.IAMRole.Pos, diag.FC212, "iam_role %q is not an IAM role ARN (environment %q)", s, env).Hint = "arn:aws:iam::ACCOUNT:role/NAME"
			}
		}
		if r.Schema.IsSet() && strings.Contains(r.Schema.Raw, "${") {
			s := v.redshift.Schema
			if !nameRe.MatchString(s) || ir.IsRedshiftReserved(s) || len(s) > maxRedshiftIdent {
				c.errorf(r.Schema.Pos, diag.FC200, "schema name %q is invalid in environment %q", s, env)
			}
		}
	}
}

var (
	cronFieldRe = regexp.MustCompile(`^[0-9A-Za-z*?,/#L W-]+$`)
	rateRe      = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)
)

// checkSchedule checks an EventBridge schedule expression and returns what is
// wrong, or "".
func checkSchedule(s string) string {
	if m := rateRe.FindStringSubmatch(s); m != nil {
		if m[1] == "0" {
			return "a rate must be positive"
		}
		if (m[1] == "1") != !strings.HasSuffix(m[2], "s") {
			return "write rate(1 hour) but rate(2 hours)"
		}
		return ""
	}
	inner, ok := strings.CutPrefix(s, "cron(")
	if !ok || !strings.HasSuffix(inner, ")") {
		return "expected cron(...) or rate(...)"
	}
	fields := strings.Fields(strings.TrimSuffix(inner, ")"))
	if len(fields) != 6 {
		return fmt.Sprintf("cron takes 6 fields, got %d", len(fields))
	}
	limits := []struct {
		name     string
		lo, hi   int
		names    []string
		question bool
	}{
		{"minutes", 0, 59, nil, false},
		{"hours", 0, 23, nil, false},
		{"day-of-month", 1, 31, nil, true},
		{"month", 1, 12, []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}, false},
		{"day-of-week", 1, 7, []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, true},
		{"year", 1970, 2199, nil, false},
	}
	for i, fv := range fields {
		l := limits[i]
		if fv == "?" {
			if !l.question {
				return fmt.Sprintf("%q is allowed only in day-of-month or day-of-week, not %s", "?", l.name)
			}
			continue
		}
		if !cronFieldRe.MatchString(fv) {
			return fmt.Sprintf("invalid %s field %q", l.name, fv)
		}
		if msg := cronField(fv, l.lo, l.hi, l.names, i); msg != "" {
			return fmt.Sprintf("%s field %q: %s", l.name, fv, msg)
		}
	}
	if (fields[2] == "?") == (fields[4] == "?") {
		return `exactly one of day-of-month and day-of-week must be "?"`
	}
	return ""
}

func cronField(f string, lo, hi int, names []string, idx int) string {
	for _, part := range strings.Split(f, ",") {
		step := ""
		if a, b, ok := strings.Cut(part, "/"); ok {
			part, step = a, b
			if !isNum(step) || step == "0" {
				return "the step after / must be a positive number"
			}
		}
		if part == "*" {
			continue
		}
		if (idx == 2 || idx == 4) && (strings.ContainsAny(part, "LW#")) {
			continue // L, W and # forms; AWS checks the details
		}
		ends := strings.Split(part, "-")
		if len(ends) > 2 {
			return "a range has one hyphen"
		}
		for _, v := range ends {
			if !cronValue(v, lo, hi, names) {
				return fmt.Sprintf("%q is out of range %d-%d", v, lo, hi)
			}
		}
	}
	return ""
}

func cronValue(v string, lo, hi int, names []string) bool {
	for _, n := range names {
		if strings.EqualFold(v, n) {
			return true
		}
	}
	if !isNum(v) {
		return false
	}
	n := 0
	fmt.Sscan(v, &n)
	return n >= lo && n <= hi
}

func isNum(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
